"""The rules a communication record must follow before anything is written.

Each rule broken gives one FieldViolation naming the input field as the caller wrote it
(``occurredAt``, ``deadline``); the whole input is checked, so that every violation is reported
at once. Dates go through the runtime's shared validator, timezones through the IANA database
(``zoneinfo``), the closed vocabularies through the words of models.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email

from runtime.errors import FieldViolation
from runtime.kit.validators import check_date, normalize_phone
from services.communication.agenda import check_rrule
from services.communication.models import (
    ACTION_STATUSES,
    ACTIVITY_KINDS,
    ATTENDEE_STATUSES,
    DIRECTIONS,
    DOCUMENT_KINDS,
    EMAIL_KINDS,
    MAX_ATTENDEES,
    MAX_EMAIL_BODY,
    MAX_NOTE,
    MAX_SHARED,
    MAX_SMS_TEXT,
    MAX_SUMMARY,
    MAX_TITLE,
    TASK_STATUSES,
    TICKET_STATUSES,
    Action,
    Activity,
    Task,
    Ticket,
)

# A clock a little ahead of ours is not "the future".
_CLOCK_SKEW = timedelta(minutes=5)


def _required(value: str, field: str, *, limit: int) -> list[FieldViolation]:
    if not value.strip():
        return [FieldViolation(field, "required")]
    if len(value) > limit:
        return [FieldViolation(field, f"at most {limit} characters")]
    return []


def _required_word(word: str, field: str, check: list[FieldViolation]) -> list[FieldViolation]:
    """An enum field that must be given: blank (UNSPECIFIED) is its own violation."""
    if not word:
        return [FieldViolation(field, "required")]
    return check


def timezone_of(name: str) -> ZoneInfo | None:
    """The IANA timezone called ``name``, or None when there is none by that name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def check_activity(activity: Activity) -> list[FieldViolation]:
    out = _required(activity["client_id"], "clientId", limit=MAX_TITLE)
    out += _required_word(activity["kind"], "kind", ACTIVITY_KINDS.check(activity["kind"], "kind"))
    out += _required_word(
        activity["direction"], "direction", DIRECTIONS.check(activity["direction"], "direction")
    )
    out += _required(activity["summary"], "summary", limit=MAX_SUMMARY)
    occurred = activity["occurred_at"]
    if occurred and datetime.fromisoformat(occurred) > datetime.now(UTC) + _CLOCK_SKEW:
        out.append(FieldViolation("occurredAt", "must not be in the future"))
    return out


def check_note(client_id: str, note_date: str, text: str) -> list[FieldViolation]:
    out = _required(client_id, "clientId", limit=MAX_TITLE)
    out += check_date(note_date, "noteDate")
    out += _required(text, "text", limit=MAX_NOTE)
    return out


def check_note_text(text: str) -> list[FieldViolation]:
    return _required(text, "text", limit=MAX_NOTE)


def check_task(task: Task) -> list[FieldViolation]:
    out = _required(task["client_id"], "clientId", limit=MAX_TITLE)
    out += _required(task["title"], "title", limit=MAX_TITLE)
    out += _required(task["assignee_id"], "assigneeId", limit=MAX_TITLE)
    if timezone_of(task["assignee_timezone"]) is None:
        out.append(FieldViolation("assigneeTimezone", "not an IANA timezone (Europe/Paris...)"))
    if not task["deadline"]:
        out.append(FieldViolation("deadline", "required"))
    out += check_date(task["deadline"], "deadline")
    return out


def check_task_status(word: str) -> list[FieldViolation]:
    return _required_word(word, "status", TASK_STATUSES.check(word, "status"))


def check_action(action: Action) -> list[FieldViolation]:
    out = _required(action["client_id"], "clientId", limit=MAX_TITLE)
    out += _required(action["name"], "name", limit=MAX_TITLE)
    out += ACTION_STATUSES.check(action["status"], "status")
    out += check_date(action["due_date"], "dueDate")
    return out


def check_action_status(word: str) -> list[FieldViolation]:
    return _required_word(word, "status", ACTION_STATUSES.check(word, "status"))


def check_ticket(ticket: Ticket) -> list[FieldViolation]:
    out = _required(ticket["client_id"], "clientId", limit=MAX_TITLE)
    out += _required(ticket["subject"], "subject", limit=MAX_TITLE)
    if len(ticket["contract_id"]) > MAX_TITLE:
        out.append(FieldViolation("contractId", f"at most {MAX_TITLE} characters"))
    return out


def check_ticket_status(word: str) -> list[FieldViolation]:
    return _required_word(word, "status", TICKET_STATUSES.check(word, "status"))


def check_sms(client_id: str, number: str, text: str) -> list[FieldViolation]:
    """``number`` as given (blank: the client's mobile, checked by the service)."""
    out = _required(client_id, "clientId", limit=MAX_TITLE)
    if number and normalize_phone(number) is None:
        out.append(FieldViolation("number", "not a valid phone number"))
    out += _required(text, "text", limit=MAX_SMS_TEXT)
    return out


def check_mailing_list(name: str, description: str) -> list[FieldViolation]:
    out = _required(name, "name", limit=MAX_TITLE)
    if len(description) > MAX_SUMMARY:
        out.append(FieldViolation("description", f"at most {MAX_SUMMARY} characters"))
    return out


def check_subscription(list_id: str, client_id: str) -> list[FieldViolation]:
    return _required(list_id, "listId", limit=MAX_TITLE) + _required(
        client_id, "clientId", limit=MAX_TITLE
    )


def check_campaign(list_id: str, name: str, text: str) -> list[FieldViolation]:
    out = _required(list_id, "listId", limit=MAX_TITLE)
    out += _required(name, "name", limit=MAX_TITLE)
    out += _required(text, "text", limit=MAX_SMS_TEXT)
    return out


def normal_address(raw: str) -> str | None:
    """The address, normalized and in lower case, or None when it is not one."""
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def check_email(
    client_id: str, to: str, subject: str, body: str, reply_to: str, kind: str
) -> list[FieldViolation]:
    """An email to write; ``to`` and ``reply_to`` as given (blank ``to``: the address on
    file, checked by the service)."""
    out = _required(client_id, "clientId", limit=MAX_TITLE)
    if to and normal_address(to) is None:
        out.append(FieldViolation("to", "not a valid email address"))
    out += _required(subject, "subject", limit=MAX_TITLE)
    if "\r" in subject or "\n" in subject:
        out.append(FieldViolation("subject", "one line: no line breaks"))
    out += _required(body, "body", limit=MAX_EMAIL_BODY)
    if reply_to and normal_address(reply_to) is None:
        out.append(FieldViolation("replyTo", "not a valid email address"))
    out += EMAIL_KINDS.check(kind, "kind")
    return out


def check_shared_with(partners: list[str]) -> list[FieldViolation]:
    if len(partners) > MAX_SHARED:
        return [FieldViolation("sharedWith", f"at most {MAX_SHARED} partners")]
    out: list[FieldViolation] = []
    for i, partner in enumerate(partners):
        out += _required(partner, f"sharedWith[{i}]", limit=MAX_TITLE)
    return out


def check_document(document: dict[str, Any]) -> list[FieldViolation]:
    """A document's fields, its file apart (checked from the content by the service)."""
    out = _required(document["client_id"], "clientId", limit=MAX_TITLE)
    out += _required_word(document["kind"], "kind", DOCUMENT_KINDS.check(document["kind"], "kind"))
    for key, field in (
        ("name", "name"),
        ("contract_id", "contractId"),
        ("claim_id", "claimId"),
        ("intervention_id", "interventionId"),
    ):
        if len(document[key]) > MAX_TITLE:
            out.append(FieldViolation(field, f"at most {MAX_TITLE} characters"))
    return out + check_shared_with(document["shared_with"])


def check_agenda_event(event: dict[str, Any]) -> list[FieldViolation]:
    out = _required(event["client_id"], "clientId", limit=MAX_TITLE)
    out += _required(event["title"], "title", limit=MAX_TITLE)
    if len(event["description"]) > MAX_SUMMARY:
        out.append(FieldViolation("description", f"at most {MAX_SUMMARY} characters"))
    if len(event["location"]) > MAX_TITLE:
        out.append(FieldViolation("location", f"at most {MAX_TITLE} characters"))
    start = datetime.fromisoformat(event["starts_at"]) if event["starts_at"] else None
    end = datetime.fromisoformat(event["ends_at"]) if event["ends_at"] else None
    if start is None:
        out.append(FieldViolation("startsAt", "required"))
    if end is None:
        out.append(FieldViolation("endsAt", "required"))
    elif start is not None and end <= start:
        out.append(FieldViolation("endsAt", "must be after startsAt"))
    if timezone_of(event["timezone"]) is None:
        out.append(FieldViolation("timezone", "not an IANA timezone (Europe/Paris...)"))
    attendees = event["attendee_ids"]
    if len(attendees) > MAX_ATTENDEES:
        out.append(FieldViolation("attendeeIds", f"at most {MAX_ATTENDEES} attendees"))
    for i, user in enumerate(attendees):
        out += _required(user, f"attendeeIds[{i}]", limit=MAX_TITLE)
    return out + check_rrule(event["rrule"], start)


def check_attendee_status(word: str) -> list[FieldViolation]:
    return _required_word(word, "status", ATTENDEE_STATUSES.check(word, "status"))


def check_timeline_event(
    client_id: str, title: str, description: str, occurred_at: str
) -> list[FieldViolation]:
    out = _required(client_id, "clientId", limit=MAX_TITLE)
    out += _required(title, "title", limit=MAX_TITLE)
    if len(description) > MAX_NOTE:
        out.append(FieldViolation("description", f"at most {MAX_NOTE} characters"))
    if occurred_at and datetime.fromisoformat(occurred_at) > datetime.now(UTC) + _CLOCK_SKEW:
        out.append(FieldViolation("occurredAt", "must not be in the future"))
    return out
