"""A service's part of merging two client files: its records of the merged client moved to the
survivor, and the confirmation identity waits for (client360.lifecycle.v1).

A service declares what it keeps of a client once, as a ``ClientRecords``: the collections
whose documents name a client in a field, by the kind it reports them as, and, when a move is
more than a field changed (a list of participants, a balance to add up), a function of its own.
Then ``records.wire(ctx)`` does two things. It applies identity's MergeRequested through a
durable consumer: the moves and the MergeStepDone confirming them commit in the consumer's
transaction, with the event marked applied, so a request delivered twice moves nothing more and
a service that was down does its part when it is back. And it serves ClientRecordsService's
CountClientRecords (what a merge would move, for the preview) from ``count``, so no service
writes that RPC itself.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from client360.events.v1 import events_pb2
from client360.lifecycle.v1 import lifecycle_pb2, lifecycle_pb2_grpc
from runtime.contracts import decode_payload, payload_types
from runtime.outbox import new_event, queue_event
from runtime.rpc import ServicerContext, current_caller
from runtime.server import ServiceContext
from runtime.store import DocumentStore, Transaction

log = logging.getLogger(__name__)

MERGE_REQUESTS = payload_types(lifecycle_pb2.MergeRequested)
RECORDS_SERVICE = lifecycle_pb2.DESCRIPTOR.services_by_name["ClientRecordsService"].full_name
# Moves that are more than one field changed: (transaction, tenant, merged id, survivor id) to
# the number of records moved by kind.
CustomMove = Callable[[Transaction, str, str, str], Awaitable[Mapping[str, int]]]
CustomCount = Callable[[DocumentStore, str, str], Awaitable[Mapping[str, int]]]


@dataclass(frozen=True, slots=True)
class ClientField:
    """Documents of ``collection`` that belong to the client named in ``field``."""

    kind: str
    collection: str
    field: str = "client_id"


@dataclass(frozen=True, slots=True)
class ClientRecords:
    """What one service keeps of a client, for merges."""

    service: str
    fields: Sequence[ClientField]
    move_more: CustomMove | None = None
    count_more: CustomCount | None = field(default=None)

    async def move(
        self, txn: Transaction, tenant_id: str, merged_id: str, survivor_id: str
    ) -> dict[str, int]:
        """Every record of ``merged_id`` now names ``survivor_id``; how many moved, by kind."""
        moved: dict[str, int] = {}
        for spec in self.fields:
            found = await txn.find(spec.collection, tenant_id, {spec.field: merged_id})
            for doc in found:
                changed: dict[str, Any] = {**doc, spec.field: survivor_id}
                await txn.replace(
                    spec.collection, tenant_id, changed, expected_version=doc["version"]
                )
            moved[spec.kind] = moved.get(spec.kind, 0) + len(found)
        if self.move_more is not None:
            for kind, count in (
                await self.move_more(txn, tenant_id, merged_id, survivor_id)
            ).items():
                moved[kind] = moved.get(kind, 0) + count
        return moved

    async def count(
        self, store: DocumentStore, tenant_id: str, client_ids: Sequence[str]
    ) -> dict[str, dict[str, int]]:
        """How many records of each kind each client has."""
        counts: dict[str, dict[str, int]] = {}
        for client_id in dict.fromkeys(client_ids):
            records: dict[str, int] = {}
            for spec in self.fields:
                number = await store.count(spec.collection, tenant_id, {spec.field: client_id})
                records[spec.kind] = records.get(spec.kind, 0) + number
            if self.count_more is not None:
                for kind, number in (await self.count_more(store, tenant_id, client_id)).items():
                    records[kind] = records.get(kind, 0) + number
            counts[client_id] = records
        return counts

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        """The durable consumer's handler: one MergeRequested applied and confirmed."""
        request = decode_payload(event, MERGE_REQUESTS)
        if not isinstance(request, lifecycle_pb2.MergeRequested):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        moved = await self.move(txn, event.tenant_id, request.merged_id, request.survivor_id)
        done = lifecycle_pb2.MergeStepDone(
            merge_id=request.merge_id,
            service=self.service,
            survivor_id=request.survivor_id,
            merged_id=request.merged_id,
            moved=moved,
        )
        await queue_event(
            txn,
            new_event(
                done, tenant_id=event.tenant_id, key=request.survivor_id, actor_id=event.actor_id
            ),
        )
        log.info(
            "merge step done",
            extra={"merge_id": request.merge_id, "moved": sum(moved.values())},
        )

    @property
    def durable(self) -> str:
        return f"{self.service}-merges"

    def wire(self, ctx: ServiceContext, *, moves: bool = True) -> None:
        """Serve the counts, and (unless ``moves`` is False: identity does its own part)
        consume the merge requests."""
        if moves:
            ctx.consume(durable=self.durable, subjects=tuple(MERGE_REQUESTS), handler=self)
        ctx.add_servicer(
            lifecycle_pb2_grpc.add_ClientRecordsServiceServicer_to_server,
            ClientRecordsServicer(self, ctx.store),
            RECORDS_SERVICE,
        )


class ClientRecordsServicer(lifecycle_pb2_grpc.ClientRecordsServiceServicer):
    """CountClientRecords, the same in every service, from its ``ClientRecords``."""

    def __init__(self, records: ClientRecords, store: DocumentStore) -> None:
        self._records = records
        self._store = store

    async def CountClientRecords(  # noqa: N802 - the method's name in the proto
        self, request: lifecycle_pb2.CountClientRecordsRequest, context: ServicerContext
    ) -> lifecycle_pb2.CountClientRecordsResponse:
        counts = await self._records.count(
            self._store, current_caller().tenant_id, list(request.client_ids)
        )
        return counts_to_proto(counts)


def counts_to_proto(
    counts: Mapping[str, Mapping[str, int]],
) -> lifecycle_pb2.CountClientRecordsResponse:
    return lifecycle_pb2.CountClientRecordsResponse(
        clients=[
            lifecycle_pb2.ClientRecordCount(client_id=client_id, records=dict(records))
            for client_id, records in counts.items()
        ]
    )
