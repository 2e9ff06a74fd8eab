"""What the services' merge and erasure tests share: a request as identity sends it, and its
application in a transaction of the service's store, as its durable consumer does."""

from __future__ import annotations

from client360.events.v1 import events_pb2
from client360.lifecycle.v1 import lifecycle_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.kit.erasure import ClientErasure
from runtime.kit.merges import ClientRecords
from runtime.outbox import new_event
from runtime.store import DocumentStore


async def apply_merge(
    store: DocumentStore, records: ClientRecords, tenant_id: str, merged_id: str, survivor_id: str
) -> None:
    request = new_event(
        lifecycle_pb2.MergeRequested(merge_id="m1", survivor_id=survivor_id, merged_id=merged_id),
        tenant_id=tenant_id,
        key=survivor_id,
        actor_id="alice",
    )
    async with store.transaction() as txn:
        await records(txn, request)


async def apply_erasure(
    store: DocumentStore, erasure: ClientErasure, tenant_id: str, client_id: str
) -> lifecycle_pb2.ErasureStepDone:
    """Identity's erasure request applied as the service's consumer does; its confirmation."""
    request = new_event(
        lifecycle_pb2.ErasureRequested(erasure_id="e1", client_id=client_id),
        tenant_id=tenant_id,
        key=client_id,
        actor_id="alice",
    )
    async with store.transaction() as txn:
        await erasure(txn, request)
    for outbox in reversed(await store.pending_events(1000)):
        event = events_pb2.Event.FromString(outbox.payload)
        done = decode_payload(event, payload_types(lifecycle_pb2.ErasureStepDone))
        if isinstance(done, lifecycle_pb2.ErasureStepDone):
            return done
    raise AssertionError("no ErasureStepDone was queued")
