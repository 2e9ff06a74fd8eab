"""Events the compliance service emits: c360.compliance.screening.completed, status.changed and
job.finished (the requester's notification)."""

from __future__ import annotations

from typing import Any

from runtime.outbox import new_event, queue_event
from runtime.store import Transaction
from services.compliance.mapping import (
    STATUS_TO_PROTO,
    decision_to_proto,
    job_to_proto,
    screening_to_proto,
)
from services.compliance.models import Job, Screening

# Emitted.
SCREENING_COMPLETED = "c360.compliance.screening.completed"
STATUS_CHANGED = "c360.compliance.status.changed"
JOB_FINISHED = "c360.compliance.job.finished"


# Emitted events


async def screening_completed(
    txn: Transaction, *, tenant_id: str, actor_id: str, screening: Screening
) -> None:
    event = new_event(
        SCREENING_COMPLETED,
        tenant_id=tenant_id,
        client_id=screening["client_id"],
        actor_id=actor_id,
    )
    event.screening_completed.screening.CopyFrom(screening_to_proto(screening))
    await queue_event(txn, event)


async def status_changed(
    txn: Transaction,
    *,
    tenant_id: str,
    actor_id: str,
    client_id: str,
    decision: dict[str, Any],
    previous: str,
) -> None:
    event = new_event(STATUS_CHANGED, tenant_id=tenant_id, client_id=client_id, actor_id=actor_id)
    event.status_changed.decision.CopyFrom(decision_to_proto(decision))
    event.status_changed.previous = STATUS_TO_PROTO[previous]
    await queue_event(txn, event)


async def job_finished(txn: Transaction, *, tenant_id: str, job: Job) -> None:
    """The requester's notification: ``actor_id`` is who asked, and no client is concerned."""
    event = new_event(JOB_FINISHED, tenant_id=tenant_id, client_id="", actor_id=job["requested_by"])
    event.job_finished.job.CopyFrom(job_to_proto(job))
    await queue_event(txn, event)
