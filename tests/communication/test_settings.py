"""The communication service's own settings: defaults (the development mail catcher, 8 MB
documents), and a bad value named with its rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from runtime.config import SettingsError
from services.communication.settings import load_communication_settings


def test_the_defaults_send_to_the_development_mail_catcher() -> None:
    settings = load_communication_settings({})
    assert (settings.smtp_host, settings.smtp_port, settings.smtp_starttls) == (
        "127.0.0.1",
        1025,
        False,
    )
    assert settings.mail_from == "Client 360 <no-reply@client360.localhost>"
    assert (settings.mail_attempts, settings.mail_retry_pause) == (5, 30.0)
    assert settings.document_max_bytes == 8 * 1024 * 1024
    assert settings.inbox(Path("/data")) == Path("/data/communication-inbox")
    assert "secret" not in repr(load_communication_settings({"C360_SMTP_PASSWORD": "secret"}))


@pytest.mark.parametrize(
    ("variable", "raw", "rule"),
    [
        ("C360_SMTP_PORT", "70000", "port number"),
        ("C360_MAIL_FROM", "nobody", "must be an address"),
        ("C360_MAIL_ATTEMPTS", "0", "1 or more"),
        ("C360_MAIL_RETRY_PAUSE", "0", "positive number"),
        ("C360_SMTP_STARTTLS", "maybe", "true or false"),
        ("C360_DOCUMENT_MAX_BYTES", "-1", "1 or more"),
    ],
)
def test_a_bad_setting_names_the_variable_and_the_rule(variable: str, raw: str, rule: str) -> None:
    with pytest.raises(SettingsError, match=rf"^{variable}: .*{rule}"):
        load_communication_settings({variable: raw})
