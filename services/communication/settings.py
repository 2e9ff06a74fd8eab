"""The communication service's own settings, read once from the environment with the runtime's
parsers: a bad value stops the process with a message naming the variable and the rule.

By default mail goes to the development mail catcher that `make run` starts
(services/communication/mailcatcher.py) on 127.0.0.1:1025; in production C360_SMTP_* name the
agency's mail server."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from pathlib import Path

from runtime.config import Secret, flag, parse, port_number, positive_float, positive_int, text

DEFAULT_SMTP_HOST = "127.0.0.1"
DEFAULT_SMTP_PORT = 1025
DEFAULT_MAIL_FROM = "Client 360 <no-reply@client360.localhost>"


def sender_address(raw: str) -> str:
    """A From address, "Name <address>" or the address alone."""
    name, address = parseaddr(raw)
    if "@" not in address:
        raise ValueError('must be an address, or "Name <address>"')
    return str(Address(display_name=name, addr_spec=address))


@dataclass(frozen=True, slots=True)
class CommunicationSettings:
    # The mail server emails written to clients are handed to.
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password: Secret
    # STARTTLS after connecting (a production server on port 587).
    smtp_starttls: bool
    smtp_timeout: float
    # The From of every email written to clients.
    mail_from: str
    # Hand-overs tried before an email is marked failed, and the pause after the first
    # failure (doubled after each one).
    mail_attempts: int
    mail_retry_pause: float
    # The file drop of received emails: <inbox_dir>/<tenant>/*.eml; empty: <data dir>/
    # communication-inbox. Looked at every inbox_poll seconds.
    inbox_dir: str
    inbox_poll: float
    # The largest document accepted, in bytes.
    document_max_bytes: int

    def inbox(self, data_dir: Path) -> Path:
        return Path(self.inbox_dir) if self.inbox_dir else data_dir / "communication-inbox"


def load_communication_settings(env: Mapping[str, str] | None = None) -> CommunicationSettings:
    env = os.environ if env is None else env
    return CommunicationSettings(
        smtp_host=text(env, "C360_SMTP_HOST", DEFAULT_SMTP_HOST),
        smtp_port=parse(env, "C360_SMTP_PORT", str(DEFAULT_SMTP_PORT), port_number),
        smtp_username=env.get("C360_SMTP_USERNAME", ""),
        smtp_password=Secret(env.get("C360_SMTP_PASSWORD", "")),
        smtp_starttls=parse(env, "C360_SMTP_STARTTLS", "false", flag),
        smtp_timeout=parse(env, "C360_SMTP_TIMEOUT", "10", positive_float),
        mail_from=parse(env, "C360_MAIL_FROM", DEFAULT_MAIL_FROM, sender_address),
        mail_attempts=parse(env, "C360_MAIL_ATTEMPTS", "5", positive_int),
        mail_retry_pause=parse(env, "C360_MAIL_RETRY_PAUSE", "30", positive_float),
        inbox_dir=env.get("C360_MAIL_INBOX_DIR", ""),
        inbox_poll=parse(env, "C360_MAIL_INBOX_POLL", "5", positive_float),
        document_max_bytes=parse(
            env, "C360_DOCUMENT_MAX_BYTES", str(8 * 1024 * 1024), positive_int
        ),
    )
