"""Deferred batch screening: a job over up to 10,000 clients, worked through by the runtime's
durable job runner in chunks that each commit whole (so that a job survives a restart without
screening a client twice or missing one), and ending with a job.finished event that notifies
the requester."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from runtime.caller import Caller
from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.kit.jobs import JobRunner
from runtime.store import Transaction
from services.compliance import events, service
from services.compliance.models import (
    CLIENT_SUBJECT,
    JOB_FAILED_MESSAGE,
    MAX_JOB_CLIENTS,
    SCREENING_JOB,
    TRIGGER_BATCH,
    Job,
)
from services.compliance.repository import ComplianceRepository


async def start_screening_job(
    *, repo: ComplianceRepository, caller: Caller, client_ids: list[str]
) -> Job:
    """Create a pending job and queue it; the caller then wakes the runner."""
    ids = list(dict.fromkeys(client_ids))
    if "" in ids:
        raise InvalidInput(FieldViolation("clientIds", "must not contain an empty id"))
    if not 1 <= len(ids) <= MAX_JOB_CLIENTS:
        raise InvalidInput(
            FieldViolation("clientIds", f"must hold between 1 and {MAX_JOB_CLIENTS} distinct ids")
        )
    async with repo.transaction() as txn:
        return await repo.jobs.submit(
            txn, caller.tenant_id, kind=SCREENING_JOB, items=ids, requested_by=caller.user_id
        )


async def get_screening_job(*, repo: ComplianceRepository, caller: Caller, job_id: str) -> Job:
    job = await repo.jobs.get(caller.tenant_id, job_id) if job_id else None
    if job is None or job["kind"] != SCREENING_JOB:
        raise NotFound(f"screening job {job_id} not found")
    return job


class _BatchScreening:
    """The work of a screening job on one chunk of client ids, and its end."""

    def __init__(self, repo: ComplianceRepository, register: service.ScreeningRegister) -> None:
        self._repo = repo
        self._register = register

    async def screen_chunk(
        self, txn: Transaction, tenant_id: str, job: Job, client_ids: Sequence[str]
    ) -> Mapping[str, int]:
        # No register in force: the job fails with its plain message rather than skip everyone.
        self._register.require()
        subjects = {
            s["id"]: s
            for s in await self._repo.subjects.get_many(txn, tenant_id, client_ids)
            if s.get("subject") == CLIENT_SUBJECT
        }
        matched = skipped = 0
        for client_id in client_ids:
            # A check is a few milliseconds of CPU: let the reads of the file in between.
            await asyncio.sleep(0)
            subject = subjects.get(client_id)
            if subject is None or not service.screenable(subject):
                skipped += 1
                continue
            screening = await service.screen_subject(
                txn,
                repo=self._repo,
                register=self._register,
                tenant_id=tenant_id,
                subject=subject,
                trigger=TRIGGER_BATCH,
                actor_id=job["requested_by"],
                job_id=job["id"],
                requested_by=job["requested_by"],
            )
            matched += bool(screening["matches"])
        return {"matched": matched, "skipped": skipped}

    async def job_ended(self, txn: Transaction, tenant_id: str, job: Job) -> None:
        await events.job_finished(txn, tenant_id=tenant_id, job=job)


def screening_runner(
    repo: ComplianceRepository,
    register: service.ScreeningRegister,
    *,
    chunk: int,
    pause: float,
) -> JobRunner:
    """The runner of batch screenings: ``chunk`` clients per transaction, ``pause`` seconds
    between chunks."""
    screening = _BatchScreening(repo, register)
    return JobRunner(
        repo.jobs,
        kind=SCREENING_JOB,
        work=screening.screen_chunk,
        chunk=chunk,
        pause=pause,
        on_end=screening.job_ended,
        failure_message=JOB_FAILED_MESSAGE,
    )
