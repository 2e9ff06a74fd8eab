"""Building domain events and queueing them in the outbox of the current transaction.

The envelope is the runtime's; the payload is one of the producing service's event messages,
whose subject it declares itself (runtime.contracts.subject_of)."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.message import Message

from client360.events.v1 import events_pb2
from runtime.contracts import subject_of
from runtime.ids import new_id
from runtime.store import OutboxEvent, Transaction
from runtime.telemetry import inject_context


def new_event(payload: Message, *, tenant_id: str, key: str, actor_id: str) -> events_pb2.Event:
    """An event carrying ``payload`` under its declared subject; ``key`` names the record it
    is about (the envelope's routing key)."""
    event = events_pb2.Event(
        id=new_id(),
        type=subject_of(type(payload)),
        tenant_id=tenant_id,
        key=key,
        actor_id=actor_id,
    )
    event.occurred_at.FromDatetime(datetime.now(UTC))
    event.payload.Pack(payload)
    return event


async def queue_event(txn: Transaction, event: events_pb2.Event) -> None:
    """Put an event in the outbox of ``txn`` with the current trace context as headers."""
    await txn.add_event(
        OutboxEvent(
            id=event.id,
            subject=event.type,
            payload=event.SerializeToString(),
            tenant_id=event.tenant_id,
            headers=dict(inject_context({})),
        )
    )
