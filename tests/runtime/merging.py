"""What the services' merge tests share: a merge request as identity sends it, and its
application in a transaction of the service's store, as its durable consumer does."""

from __future__ import annotations

from client360.lifecycle.v1 import lifecycle_pb2
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
