"""A service's part of erasing a client's personal data (GDPR art. 17), and the confirmation
identity waits for (client360.lifecycle.v1).

A service declares once how it erases a client, as a ``ClientErasure``: a function that, in the
consumer's transaction, deletes or anonymises what it keeps of the client and says what it
erased and what it must keep (``Retention``: invoices for ten years, screenings for five...).
``erasure.wire(ctx)`` applies identity's ErasureRequested through a durable consumer; the
erasure and the ErasureStepDone confirming it commit together, with the event marked applied,
so a request delivered twice erases nothing more and a service that was down does its part when
it is back. ``delete_where`` and ``blank_where`` are the two moves most erasures are made of.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from client360.events.v1 import events_pb2
from client360.lifecycle.v1 import lifecycle_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.outbox import new_event, queue_event
from runtime.server import ServiceContext
from runtime.store import Filter, Transaction

log = logging.getLogger(__name__)

ERASURE_REQUESTS = payload_types(lifecycle_pb2.ErasureRequested)


@dataclass(frozen=True, slots=True)
class Retention:
    """What is kept of an erased client, how many, for how long and under which rule."""

    what: str
    count: int
    until: str
    rule: str


@dataclass(slots=True)
class Erased:
    """One service's erasure: how many records it erased (or anonymised) by kind, and what it
    keeps."""

    erased: dict[str, int] = field(default_factory=dict)
    retained: list[Retention] = field(default_factory=list)


EraseClient = Callable[[Transaction, str, str], Awaitable[Erased]]


async def delete_where(txn: Transaction, collection: str, tenant_id: str, where: Filter) -> int:
    """Deletes the documents of ``where``; how many."""
    found = await txn.find(collection, tenant_id, where)
    for doc in found:
        await txn.delete(collection, tenant_id, doc["id"])
    return len(found)


async def blank_where(
    txn: Transaction, collection: str, tenant_id: str, where: Filter, blank: Mapping[str, Any]
) -> int:
    """Overwrites the fields of ``blank`` in the documents of ``where``; how many changed."""
    changed = 0
    for doc in await txn.find(collection, tenant_id, where):
        if all(doc.get(name) == value for name, value in blank.items()):
            continue
        await txn.replace(collection, tenant_id, {**doc, **blank}, expected_version=doc["version"])
        changed += 1
    return changed


@dataclass(frozen=True, slots=True)
class ClientErasure:
    """How one service erases a client."""

    service: str
    erase: EraseClient

    @property
    def durable(self) -> str:
        return f"{self.service}-erasures"

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        """The durable consumer's handler: one ErasureRequested applied and confirmed."""
        request = decode_payload(event, ERASURE_REQUESTS)
        if not isinstance(request, lifecycle_pb2.ErasureRequested):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        done = await self.erase(txn, event.tenant_id, request.client_id)
        confirmation = lifecycle_pb2.ErasureStepDone(
            erasure_id=request.erasure_id,
            service=self.service,
            client_id=request.client_id,
            erased=done.erased,
            retained=[
                lifecycle_pb2.Retention(what=r.what, count=r.count, until=r.until, rule=r.rule)
                for r in done.retained
            ],
        )
        await queue_event(
            txn,
            new_event(
                confirmation,
                tenant_id=event.tenant_id,
                key=request.client_id,
                actor_id=event.actor_id,
            ),
        )
        log.info("erasure step done", extra={"erasure_id": request.erasure_id})

    def wire(self, ctx: ServiceContext) -> None:
        ctx.consume(durable=self.durable, subjects=tuple(ERASURE_REQUESTS), handler=self)
