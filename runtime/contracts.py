"""What the protos declare beyond shapes, read from the generated code once: the subject of an
event payload message, and the item limit of a repeated request field. Producers, consumers
and the gateway all read them here, so that a subject or a limit is written once, in its
service's proto package."""

from __future__ import annotations

from collections.abc import Mapping

from google.protobuf.message import Message

from client360.common.v1 import common_pb2
from client360.events.v1 import events_pb2

_SUBJECTS: dict[type[Message], str] = {}


def subject_of(payload_type: type[Message]) -> str:
    """The NATS subject a payload message is published under (its `subject` option)."""
    subject = _SUBJECTS.get(payload_type)
    if subject is None:
        subject = payload_type.DESCRIPTOR.GetOptions().Extensions[events_pb2.subject]
        if not subject:
            raise TypeError(f"{payload_type.DESCRIPTOR.full_name} declares no event subject")
        _SUBJECTS[payload_type] = subject
    return subject


def payload_types(*types: type[Message]) -> dict[str, type[Message]]:
    """Payload message types by subject, for consumers that dispatch on an event's type."""
    return {subject_of(payload_type): payload_type for payload_type in types}


def decode_payload(event: events_pb2.Event, types: Mapping[str, type[Message]]) -> Message | None:
    """The event's payload as its message type, or None when the subject is not one of
    ``types`` or the payload is not of the declared type (a producer's mistake)."""
    payload_type = types.get(event.type)
    if payload_type is None or not event.payload.Is(payload_type.DESCRIPTOR):  # type: ignore[arg-type]
        return None
    return payload_type.FromString(event.payload.value)


def max_items(message_type: type[Message], field: str) -> int:
    """The `max_items` limit declared on a repeated field of a request message."""
    descriptor = message_type.DESCRIPTOR.fields_by_name[field]
    limit: int = descriptor.GetOptions().Extensions[common_pb2.max_items]
    if not limit:
        raise TypeError(f"{descriptor.full_name} declares no max_items")
    return limit
