"""Building domain events and queueing them in the outbox of the current transaction."""

from __future__ import annotations

from datetime import UTC, datetime

from client360.events.v1 import events_pb2
from runtime.ids import new_id
from runtime.store import OutboxEvent, Transaction
from runtime.telemetry import inject_context


def new_event(
    event_type: str, *, tenant_id: str, client_id: str, actor_id: str
) -> events_pb2.Event:
    event = events_pb2.Event(
        id=new_id(), type=event_type, tenant_id=tenant_id, client_id=client_id, actor_id=actor_id
    )
    event.occurred_at.FromDatetime(datetime.now(UTC))
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
