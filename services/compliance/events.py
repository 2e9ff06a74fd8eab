"""Events the compliance service emits: c360.compliance.screening.completed, status.changed and
job.finished (the requester's notification), declared in protos/client360/compliance/v1."""

from __future__ import annotations

from client360.compliance.v1 import compliance_pb2
from runtime.outbox import new_event, queue_event
from runtime.store import Transaction
from services.compliance.mapping import (
    STATUS_TO_PROTO,
    decision_to_proto,
    job_to_proto,
    screening_to_proto,
)
from services.compliance.models import Decision, Job, Screening


async def screening_completed(
    txn: Transaction, *, tenant_id: str, actor_id: str, screening: Screening
) -> None:
    payload = compliance_pb2.ScreeningCompleted(screening=screening_to_proto(screening))
    event = new_event(payload, tenant_id=tenant_id, key=screening["client_id"], actor_id=actor_id)
    await queue_event(txn, event)


async def status_changed(
    txn: Transaction,
    *,
    tenant_id: str,
    actor_id: str,
    client_id: str,
    decision: Decision,
    previous: str,
) -> None:
    payload = compliance_pb2.AssetFreezeStatusChanged(
        decision=decision_to_proto(decision),
        previous=STATUS_TO_PROTO[previous],
    )
    event = new_event(payload, tenant_id=tenant_id, key=client_id, actor_id=actor_id)
    await queue_event(txn, event)


async def job_finished(txn: Transaction, *, tenant_id: str, job: Job) -> None:
    """The requester's notification: ``actor_id`` is who asked, and no client is concerned."""
    payload = compliance_pb2.ScreeningJobFinished(job=job_to_proto(job))
    event = new_event(payload, tenant_id=tenant_id, key="", actor_id=job["requested_by"])
    await queue_event(txn, event)
