"""A client's timeline: one list of everything that happened to the client, from every service.

It is a projection kept from the events themselves: one durable consumer of every subject
(``c360.>``) writes one entry per event about a client (the envelope's key), with the event's
id as the entry's id, in the consumer's transaction; a redelivered event is skipped whole, so
no entry is written twice. Reading a timeline is then one query per client, never a call to
another service.

Each entry says what happened in one line, made from the subject (``c360.contracts.claim.
opened`` reads "Claim opened") and what names the record in the payload (its reference,
title, subject, label, reference or number), and links to the record (its service, kind and id). The
asset-freeze check, which seed 000 shows on the file as an automatic event, says what the
check found. Entries added by hand (seed 000's "add an event") are written directly.
The lifecycle's own events (a merge's or an erasure's steps) are not the client's history and
are left out.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Final

from google.protobuf import symbol_database
from google.protobuf.message import Message

# Every service's payload messages are imported so that any event's payload can be read by its
# type name (the imports register them in protobuf's symbol database).
from client360.billing.v1 import billing_pb2  # noqa: F401
from client360.communication.v1 import communication_pb2
from client360.compliance.v1 import compliance_pb2
from client360.contracts.v1 import contracts_pb2  # noqa: F401
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2  # noqa: F401
from client360.interventions.v1 import interventions_pb2  # noqa: F401
from client360.lifecycle.v1 import lifecycle_pb2
from runtime.contracts import subject_of

log = logging.getLogger(__name__)

MANUAL_TYPE: Final = subject_of(communication_pb2.TimelineEventAdded)
ALL_SUBJECTS: Final = ("c360.>",)
LIFECYCLE_PREFIX: Final = "c360.lifecycle."
_LEFT_OUT: Final = frozenset(
    {
        MANUAL_TYPE,
        subject_of(lifecycle_pb2.MergeRequested),
        subject_of(lifecycle_pb2.ErasureRequested),
        subject_of(lifecycle_pb2.ErasureCompleted),
    }
)
# What names a record in a line, in this order of preference.
_NAMING_FIELDS: Final = (
    "display_name",
    "title",
    "subject",
    "label",
    "reference",
    "number",
    "name",
    "product",
    "summary",
)
MAX_SUMMARY: Final = 300


def _words(part: str) -> str:
    return part.replace("_", " ")


def _payload(event: events_pb2.Event) -> Message | None:
    name = event.payload.TypeName()
    try:
        message_type = symbol_database.Default().GetSymbol(name)
    except KeyError:
        return None
    payload: Message = message_type()
    if not event.payload.Unpack(payload):
        return None
    return payload


def _record(payload: Message) -> Message | None:
    """The record an event carries: its first message field that has an id."""
    for _, value in payload.ListFields():
        # A repeated field's value is a container, not a message.
        if isinstance(value, Message) and "id" in value.DESCRIPTOR.fields_by_name:
            return value
    return None


def _naming(record: Message | None) -> str:
    if record is None:
        return ""
    for name in _NAMING_FIELDS:
        if name in record.DESCRIPTOR.fields_by_name:
            value = getattr(record, name)
            if isinstance(value, str) and value.strip():
                return value.strip()
    # A document is named by its file.
    if "file" in record.DESCRIPTOR.fields_by_name and record.HasField("file"):
        return _naming(getattr(record, "file"))  # noqa: B009 - any record with a file
    return ""


def _screening_line(payload: compliance_pb2.ScreeningCompleted) -> str:
    screening = payload.screening
    found = len(screening.matches)
    outcome = f"{found} possible match{'es' if found > 1 else ''}" if found else "no match"
    published = (
        screening.register_date.ToDatetime(tzinfo=UTC).date().isoformat()
        if screening.HasField("register_date")
        else "unknown"
    )
    whose = f" of {screening.subject_name}" if screening.contact_id else ""
    return f"Asset-freeze check{whose}: {outcome} (register of {published})"


def entry_of(event: events_pb2.Event) -> dict[str, Any] | None:
    """The timeline entry of an event about a client; None for one that is not (no key, a
    lifecycle step, an entry added by hand, a payload this service cannot read)."""
    if not event.key or event.type in _LEFT_OUT or event.type.startswith(LIFECYCLE_PREFIX):
        return None
    parts = event.type.split(".")
    if len(parts) != 4 or parts[0] != "c360":
        return None
    _, service, entity, verb = parts
    payload = _payload(event)
    if payload is None:
        log.warning("timeline: payload not understood", extra={"type": event.type})
        return None
    record = _record(payload)
    if isinstance(payload, compliance_pb2.ScreeningCompleted):
        summary = _screening_line(payload)
    else:
        line = f"{_words(entity).capitalize()} {_words(verb)}"
        named = _naming(record)
        summary = f"{line}: {named}" if named else line
    return {
        "id": event.id,
        "client_id": event.key,
        "occurred_at": event.occurred_at.ToDatetime(tzinfo=UTC).isoformat(timespec="microseconds"),
        "type": event.type,
        "service": service,
        "actor_id": event.actor_id,
        "summary": summary[:MAX_SUMMARY],
        "description": "",
        "record_service": service,
        "record_kind": entity,
        "record_id": getattr(record, "id", "") if record is not None else "",
        "manual": False,
    }


def manual_entry(
    entry_id: str, client_id: str, title: str, description: str, at: datetime, actor_id: str
) -> dict[str, Any]:
    return {
        "id": entry_id,
        "client_id": client_id,
        "occurred_at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "type": MANUAL_TYPE,
        "service": "communication",
        "actor_id": actor_id,
        "summary": title,
        "description": description,
        "record_service": "",
        "record_kind": "",
        "record_id": "",
        "manual": True,
    }
