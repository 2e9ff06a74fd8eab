"""Events the identity service consumes: the other services' confirmations of their part of a
merge or an erasure (client360.lifecycle.v1), which complete its record.

The handler runs in the consumer's transaction (runtime.bus.EventConsumer), which also records
the event as applied: a confirmation delivered twice is counted once.
"""

from __future__ import annotations

import logging

from client360.events.v1 import events_pb2
from client360.lifecycle.v1 import lifecycle_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.store import Transaction
from services.identity import service
from services.identity.repository import IdentityRepository

log = logging.getLogger(__name__)

MERGE_STEPS = payload_types(lifecycle_pb2.MergeStepDone)
MERGE_STEPS_DURABLE = "identity-merge-steps"
ERASURE_STEPS = payload_types(lifecycle_pb2.ErasureStepDone)
ERASURE_STEPS_DURABLE = "identity-erasure-steps"


class MergeStepHandler:
    def __init__(self, repo: IdentityRepository) -> None:
        self._repo = repo

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        step = decode_payload(event, MERGE_STEPS)
        if not isinstance(step, lifecycle_pb2.MergeStepDone):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        await service.record_merge_step(
            repo=self._repo,
            txn=txn,
            tenant_id=event.tenant_id,
            actor_id=event.actor_id,
            merge_id=step.merge_id,
            service=step.service,
            moved=dict(step.moved),
        )


class ErasureStepHandler:
    def __init__(self, repo: IdentityRepository) -> None:
        self._repo = repo

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        step = decode_payload(event, ERASURE_STEPS)
        if not isinstance(step, lifecycle_pb2.ErasureStepDone):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        await service.record_erasure_step(
            repo=self._repo,
            txn=txn,
            tenant_id=event.tenant_id,
            actor_id=event.actor_id,
            erasure_id=step.erasure_id,
            service=step.service,
            erased=dict(step.erased),
            retained=[
                {"what": r.what, "count": r.count, "until": r.until, "rule": r.rule}
                for r in step.retained
            ],
        )
