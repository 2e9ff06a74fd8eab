"""The compliance service's own settings: defaults, and a bad value named with its rule."""

from __future__ import annotations

import pytest

from runtime.config import SettingsError
from services.compliance.settings import load_compliance_settings
from services.compliance.sources import OFFICIAL_REGISTER_URL


def test_the_defaults_screen_at_085_in_chunks_of_25_with_the_sample_register() -> None:
    settings = load_compliance_settings({})
    assert settings.freeze_register_source == ""
    assert settings.freeze_register_allowed_urls == (OFFICIAL_REGISTER_URL,)
    assert settings.screening_threshold == 0.85
    assert settings.screening_chunk == 25
    assert settings.screening_pause == 0.0


@pytest.mark.parametrize(
    ("variable", "raw", "rule"),
    [
        ("C360_SCREENING_THRESHOLD", "1.5", "above 0 and at most 1"),
        ("C360_SCREENING_THRESHOLD", "0", "above 0 and at most 1"),
        ("C360_SCREENING_CHUNK", "0", "1 or more"),
        ("C360_SCREENING_PAUSE", "-1", "0 or more"),
    ],
)
def test_a_bad_screening_setting_names_the_variable_and_the_rule(
    variable: str, raw: str, rule: str
) -> None:
    with pytest.raises(SettingsError, match=rf"^{variable}: .*{rule}"):
        load_compliance_settings({variable: raw})


def test_the_allow_list_is_a_comma_separated_list_of_url_prefixes() -> None:
    settings = load_compliance_settings(
        {
            "C360_FREEZE_REGISTER_ALLOWED_URLS": (
                f" {OFFICIAL_REGISTER_URL} , https://mirror.example.fr/registre/,"
                "http://127.0.0.1:8080/register.json"
            )
        }
    )
    assert settings.freeze_register_allowed_urls == (
        OFFICIAL_REGISTER_URL,
        "https://mirror.example.fr/registre/",
        "http://127.0.0.1:8080/register.json",
    )


@pytest.mark.parametrize(
    "entry", ["/srv/registers/", "file:///srv/", "http://mirror.example.fr/", "ftp://x.fr/"]
)
def test_an_allow_list_entry_that_is_not_an_https_url_stops_the_process(entry: str) -> None:
    with pytest.raises(SettingsError, match=r"^C360_FREEZE_REGISTER_ALLOWED_URLS: .*must be"):
        load_compliance_settings({"C360_FREEZE_REGISTER_ALLOWED_URLS": entry})
