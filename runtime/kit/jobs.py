"""Durable background jobs worked through in chunks: a job over a list of items (client ids,
contract ids…) is stored with its progress; each chunk of items and the progress it makes
commit in one transaction, so that a job resumes after a restart without redoing a done item
or missing one. The service gives the work done on a chunk and what to do when a job ends.

The queue of every tenant's jobs lives under QUEUE_TENANT, so that one runner finds them all;
the jobs themselves live in their tenant, where the requester reads them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Final, NotRequired, TypedDict, cast

from runtime.clock import now_iso
from runtime.errors import Conflict
from runtime.ids import new_id
from runtime.kit.repository import Repository
from runtime.store import CollectionSpec, Transaction

log = logging.getLogger(__name__)

JOBS: Final = "jobs"
JOB_QUEUE: Final = "job_queue"
# Never a real tenant (tokens name one agency), so no caller's tenant-scoped read reaches it.
QUEUE_TENANT: Final = "*"
# The collections a service that runs jobs adds to its collections.
JOB_COLLECTIONS: Final = (
    CollectionSpec(JOBS),
    CollectionSpec(JOB_QUEUE, indexes=(("kind", "created_at"),)),
)

PENDING: Final = "pending"
RUNNING: Final = "running"
SUCCEEDED: Final = "succeeded"
FAILED: Final = "failed"
FINISHED_STATES: Final = frozenset({SUCCEEDED, FAILED})

# The runner also looks at the queue this often without being woken, and waits this long
# after an unexpected error (the store being unavailable, say) before trying again.
IDLE_POLL_SECONDS = 5.0
ERROR_PAUSE_SECONDS = 1.0


class Job(TypedDict):
    id: str
    kind: str
    state: str
    items: list[str]
    # Items before this index are done, committed with the chunk that did them.
    next_index: int
    total: int
    done: int
    # What the work counted, summed over the chunks (matches, skips…).
    counts: dict[str, int]
    requested_by: str
    created_at: str
    finished_at: str
    # The message the requester sees when the job failed; the cause goes to the logs.
    error: str
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class QueuedJob(TypedDict):
    id: str
    tenant: str
    kind: str
    created_at: str


# The work on one chunk of a job's items, in the chunk's transaction; returns what it counted.
ChunkWork = Callable[[Transaction, str, Job, Sequence[str]], Awaitable[Mapping[str, int]]]
# What happens when a job ends, succeeded or failed, in the transaction that ends it.
JobEnd = Callable[[Transaction, str, Job], Awaitable[None]]


class JobQueue(Repository):
    """Store access of jobs: submitted in the caller's transaction, read by the requester."""

    async def submit(
        self,
        txn: Transaction,
        tenant_id: str,
        *,
        kind: str,
        items: Sequence[str],
        requested_by: str,
    ) -> Job:
        """A pending job over ``items`` (checked by the caller), queued for a runner of
        ``kind``; it runs once ``txn`` commits and the runner is woken or polls."""
        job: Job = {
            "id": new_id(),
            "kind": kind,
            "state": PENDING,
            "items": list(items),
            "next_index": 0,
            "total": len(items),
            "done": 0,
            "counts": {},
            "requested_by": requested_by,
            "created_at": now_iso(),
            "finished_at": "",
            "error": "",
        }
        stored = cast(Job, await txn.insert(JOBS, tenant_id, dict(job)))
        queued: QueuedJob = {
            "id": job["id"],
            "tenant": tenant_id,
            "kind": kind,
            "created_at": job["created_at"],
        }
        await txn.insert(JOB_QUEUE, QUEUE_TENANT, dict(queued))
        return stored

    async def get(self, tenant_id: str, job_id: str) -> Job | None:
        return cast("Job | None", await self._store.get(JOBS, tenant_id, job_id))

    async def queued(self, kind: str, *, limit: int) -> list[QueuedJob]:
        """Jobs of ``kind`` waiting for a runner or part-way through, oldest first."""
        found = await self._store.find(
            JOB_QUEUE,
            QUEUE_TENANT,
            {"kind": kind},
            sort=(("created_at", 1), ("id", 1)),
            limit=limit,
        )
        return cast(list[QueuedJob], found)

    async def _get_for_update(self, txn: Transaction, tenant_id: str, job_id: str) -> Job | None:
        return cast("Job | None", await txn.get(JOBS, tenant_id, job_id))

    async def _replace(self, txn: Transaction, tenant_id: str, job: Job) -> Job:
        stored = await txn.replace(JOBS, tenant_id, dict(job), expected_version=job["version"])
        return cast(Job, stored)

    async def _dequeue(self, txn: Transaction, job_id: str) -> None:
        await txn.delete(JOB_QUEUE, QUEUE_TENANT, job_id)


class JobRunner:
    """Works through the queued jobs of one kind, oldest first, one chunk per transaction.

    Several runners (replicas of a service) may share a queue: when two advance the same job,
    the second one's commit is a Conflict and that runner leaves the job to the other.
    """

    def __init__(
        self,
        queue: JobQueue,
        *,
        kind: str,
        work: ChunkWork,
        chunk: int,
        pause: float = 0.0,
        on_end: JobEnd | None = None,
        failure_message: str = "the job failed",
    ) -> None:
        if chunk < 1:
            raise ValueError("a chunk holds at least one item")
        self._queue = queue
        self._kind = kind
        self._work = work
        self._chunk = chunk
        self._pause = pause
        self._on_end = on_end
        self._failure_message = failure_message
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """A job was queued: look at the queue now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            # Cleared before looking, so that a job queued meanwhile is not slept through.
            self._wake.clear()
            try:
                queued = await self._queue.queued(self._kind, limit=1)
                if queued:
                    await self.run_job(queued[0]["tenant"], queued[0]["id"])
                    continue
            except Exception:
                log.exception("job runner failed, retrying", extra={"kind": self._kind})
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
        """Work the job's next chunk in one transaction; True once the job is over (then
        marked succeeded or failed, out of the queue, its end handled) or left to another
        runner."""
        try:
            async with self._queue.transaction() as txn:
                job = await self._queue._get_for_update(txn, tenant_id, job_id)
                if job is None or job["state"] in FINISHED_STATES:
                    # Left in the queue by an earlier run; nothing more to do for it.
                    await self._queue._dequeue(txn, job_id)
                    return True
                return await self._advance(txn, tenant_id, job)
        except Conflict:
            # Another runner advanced the job first: it goes on with it, and this one takes
            # the job back from the queue should that runner stop.
            log.info("job taken by another runner", extra={"job": job_id})
            return True
        except Exception:
            # The chunk rolled back whole; the job ends here rather than retrying forever.
            log.exception("job failed", extra={"job": job_id, "kind": self._kind})
        async with self._queue.transaction() as txn:
            job = await self._queue._get_for_update(txn, tenant_id, job_id)
            if job is None or job["state"] in FINISHED_STATES:
                await self._queue._dequeue(txn, job_id)
            else:
                await self._end(txn, tenant_id, job, FAILED)
        return True

    async def _advance(self, txn: Transaction, tenant_id: str, job: Job) -> bool:
        start = job["next_index"]
        chunk = job["items"][start : start + self._chunk]
        counted = await self._work(txn, tenant_id, job, chunk)
        counts = dict(job["counts"])
        for name, value in counted.items():
            counts[name] = counts.get(name, 0) + value
        advanced: Job = {
            **job,
            "state": RUNNING,
            "next_index": start + len(chunk),
            "done": job["done"] + len(chunk),
            "counts": counts,
        }
        if advanced["next_index"] >= advanced["total"]:
            await self._end(txn, tenant_id, advanced, SUCCEEDED)
            return True
        await self._queue._replace(txn, tenant_id, advanced)
        return False

    async def _end(self, txn: Transaction, tenant_id: str, job: Job, state: str) -> None:
        ended: Job = {
            **job,
            "state": state,
            "finished_at": now_iso(),
            "error": self._failure_message if state == FAILED else "",
        }
        stored = await self._queue._replace(txn, tenant_id, ended)
        await self._queue._dequeue(txn, job["id"])
        if self._on_end is not None:
            await self._on_end(txn, tenant_id, stored)
