"""Received emails as the mailbox holds them (RFC 5322), parsed with the standard library's
``email`` package: the sender, recipients, date, subject and plain-text body that the file
shows. Nothing here knows clients or the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from runtime.errors import FieldViolation, InvalidInput

# A message bigger than this is refused: the mailbox poller stores attachments elsewhere.
MAX_RAW_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    sender: str  # as written: "Name <address>" or the address
    sender_address: str  # lower case
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    sent_at: str  # ISO 8601, UTC; "" when the message has no usable Date
    message_id: str


def _addresses(message: EmailMessage, header: str) -> list[str]:
    return [address for _, address in getaddresses(message.get_all(header, [])) if address]


def _sent_at(message: EmailMessage) -> str:
    raw = message.get("Date")
    if not raw:
        return ""
    try:
        moment = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    try:
        # Lines as the file shows them: "\n", whatever the mail's line endings.
        return "\n".join(str(part.get_content()).splitlines()).strip()
    except (LookupError, ValueError):
        return ""


def parse_email(raw: bytes) -> ParsedEmail:
    """The parts of a received email; InvalidInput on ``raw`` when it is too big or names no
    sender."""
    if len(raw) > MAX_RAW_BYTES:
        raise InvalidInput(FieldViolation("raw", f"at most {MAX_RAW_BYTES} bytes"))
    # The default policy builds EmailMessage objects (get_body, get_content).
    message = message_from_bytes(raw, policy=policy.default)
    senders = getaddresses(message.get_all("From", []))
    if not senders or not senders[0][1] or "@" not in senders[0][1]:
        raise InvalidInput(FieldViolation("raw", "not an email: no sender address (From)"))
    name, address = senders[0]
    return ParsedEmail(
        # For display, not a header: the name stays as written (no RFC 2047 encoding).
        sender=f"{name} <{address}>" if name else address,
        sender_address=address.lower(),
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        subject=str(message.get("Subject", "")),
        body=_body(message),
        sent_at=_sent_at(message),
        message_id=str(message.get("Message-ID", "")).strip(),
    )
