"""Deferred batch screening: a job over up to 10,000 clients, worked through by one runner in
chunks that each commit whole, so that a job survives a restart without screening a client
twice or missing one, and ends with a job.finished event that notifies the requester."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from runtime.caller import Caller
from runtime.clock import now_iso
from runtime.errors import Conflict, FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.store import Transaction
from services.compliance import events, service
from services.compliance.models import (
    CLIENT_SUBJECT,
    FAILED,
    FINISHED_STATES,
    JOB_FAILED_MESSAGE,
    MAX_JOB_CLIENTS,
    PENDING,
    RUNNING,
    SUCCEEDED,
    TRIGGER_BATCH,
    Job,
)
from services.compliance.repository import ComplianceRepository

log = logging.getLogger(__name__)

# The runner also looks at the queue this often without being woken, and waits this long
# after an unexpected error (the store being unavailable, say) before trying again.
IDLE_POLL_SECONDS = 5.0
ERROR_PAUSE_SECONDS = 1.0


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
    job: Job = {
        "id": new_id(),
        "state": PENDING,
        "client_ids": ids,
        "next_index": 0,
        "total": len(ids),
        "done": 0,
        "matched": 0,
        "skipped": 0,
        "requested_by": caller.user_id,
        "created_at": now_iso(),
        "finished_at": "",
        "error": "",
    }
    async with repo.store.transaction() as txn:
        stored = await repo.insert_job(txn, caller.tenant_id, job)
        await repo.enqueue_job(txn, caller.tenant_id, stored)
    return stored


async def get_screening_job(*, repo: ComplianceRepository, caller: Caller, job_id: str) -> Job:
    job = await repo.get_job(caller.tenant_id, job_id) if job_id else None
    if job is None:
        raise NotFound(f"screening job {job_id} not found")
    return job


class JobRunner:
    """Works through queued jobs, oldest first, one chunk per transaction."""

    def __init__(
        self,
        repo: ComplianceRepository,
        register: service.ScreeningRegister,
        *,
        chunk: int,
        pause: float,
    ) -> None:
        self._repo = repo
        self._register = register
        self._chunk = chunk
        self._pause = pause
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A job was queued: look at the queue now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            # Cleared before looking, so that a job queued meanwhile is not slept through.
            self._wake.clear()
            try:
                queued = await self._repo.queued_jobs(1)
                if queued:
                    await self.run_job(queued[0]["tenant"], queued[0]["id"])
                    continue
            except Exception:
                log.exception("screening job runner failed, retrying")
                await asyncio.sleep(ERROR_PAUSE_SECONDS)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=IDLE_POLL_SECONDS)

    async def run_job(self, tenant_id: str, job_id: str) -> None:
        while True:
            if await self.step(tenant_id, job_id):
                return
            # A throttle, so that a big job leaves room for the other work of the process.
            await asyncio.sleep(self._pause)

    async def step(self, tenant_id: str, job_id: str) -> bool:
        """Screen the job's next chunk in one transaction; True once the job is over (then
        marked succeeded or failed, its queue entry removed and job.finished queued)."""
        try:
            async with self._repo.store.transaction() as txn:
                job = await self._repo.get_job_for_update(txn, tenant_id, job_id)
                if job is None or job["state"] in FINISHED_STATES:
                    # Left in the queue by an earlier run; nothing more to do for it.
                    await self._repo.dequeue_job(txn, job_id)
                    return True
                if self._register.index is None:
                    log.error("screening job failed: no register", extra={"job": job_id})
                    await self._finish(txn, tenant_id, job, FAILED)
                    return True
                return await self._screen_chunk(txn, tenant_id, job)
        except Conflict:
            # Another runner (a replica) advanced the job first: it goes on with it, and this
            # one takes the job back from the queue should that runner stop.
            log.info("screening job taken by another runner", extra={"job": job_id})
            return True
        except Exception:
            # The chunk rolled back whole; the job ends here rather than retrying forever.
            log.exception("screening job failed", extra={"job": job_id})
        async with self._repo.store.transaction() as txn:
            job = await self._repo.get_job_for_update(txn, tenant_id, job_id)
            if job is None or job["state"] in FINISHED_STATES:
                await self._repo.dequeue_job(txn, job_id)
            else:
                await self._finish(txn, tenant_id, job, FAILED)
        return True

    async def _screen_chunk(self, txn: Transaction, tenant_id: str, job: Job) -> bool:
        start = job["next_index"]
        chunk = job["client_ids"][start : start + self._chunk]
        subjects = {
            s["id"]: s
            for s in await self._repo.get_subjects(txn, tenant_id, chunk)
            if s.get("subject") == CLIENT_SUBJECT
        }
        matched = skipped = 0
        for client_id in chunk:
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
        job = {
            **job,
            "state": RUNNING,
            "next_index": start + len(chunk),
            "done": job["done"] + len(chunk),
            "matched": job["matched"] + matched,
            "skipped": job["skipped"] + skipped,
        }
        if job["next_index"] >= job["total"]:
            await self._finish(txn, tenant_id, job, SUCCEEDED)
            return True
        await self._repo.replace_job(txn, tenant_id, job)
        return False

    async def _finish(self, txn: Transaction, tenant_id: str, job: Job, state: str) -> None:
        finished = {
            **job,
            "state": state,
            "finished_at": now_iso(),
            "error": JOB_FAILED_MESSAGE if state == FAILED else "",
        }
        stored = await self._repo.replace_job(txn, tenant_id, finished)
        await self._repo.dequeue_job(txn, job["id"])
        await events.job_finished(txn, tenant_id=tenant_id, job=stored)
