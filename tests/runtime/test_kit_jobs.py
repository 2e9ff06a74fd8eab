"""The durable job runner on the real SQLite store: chunks commit whole with their progress, a
job resumes after a restart without redoing an item, ends once with its end handled, fails
with the message the requester may see, and leaves a job quietly to a faster runner."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path

import pytest

from runtime.errors import Conflict
from runtime.kit.jobs import (
    JOB_COLLECTIONS,
    Job,
    JobQueue,
    JobRunner,
)
from runtime.store import CollectionSpec, Transaction
from runtime.store.sqlite import SqliteStore
from tests.waiting import eventually

KIND = "stamping"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "jobs.sqlite3")
    await opened.open([*JOB_COLLECTIONS, CollectionSpec("stamps", indexes=(("item",),))])
    yield opened
    await opened.close()


@pytest.fixture
def queue(store: SqliteStore) -> JobQueue:
    return JobQueue(store)


class Stamper:
    """Work that writes one stamp per item in the chunk's transaction, and counts odd items;
    it can be told to fail on an item."""

    def __init__(self, fail_on: str = "") -> None:
        self.fail_on = fail_on
        self.ended: list[Job] = []

    async def work(
        self, txn: Transaction, tenant_id: str, job: Job, items: Sequence[str]
    ) -> Mapping[str, int]:
        odd = 0
        for item in items:
            await txn.insert("stamps", tenant_id, {"id": f"{job['id']}:{item}", "item": item})
            if item == self.fail_on:
                raise RuntimeError("the work broke")
            odd += int(item) % 2
        return {"odd": odd}

    async def on_end(self, txn: Transaction, tenant_id: str, job: Job) -> None:
        await txn.insert("stamps", tenant_id, {"id": f"end:{job['id']}", "item": "end"})
        self.ended.append(job)

    def runner(self, queue: JobQueue, chunk: int = 3) -> JobRunner:
        return JobRunner(
            queue,
            kind=KIND,
            work=self.work,
            chunk=chunk,
            on_end=self.on_end,
            failure_message="please retry later",
        )


async def submit(queue: JobQueue, count: int, tenant_id: str = "t1") -> Job:
    async with queue.transaction() as txn:
        return await queue.submit(
            txn,
            tenant_id,
            kind=KIND,
            items=[str(i) for i in range(count)],
            requested_by="alice",
        )


async def stamps(store: SqliteStore, tenant_id: str = "t1") -> list[str]:
    return sorted(s["item"] for s in await store.find("stamps", tenant_id) if s["item"] != "end")


async def test_a_job_runs_chunk_by_chunk_and_ends_once(store: SqliteStore, queue: JobQueue) -> None:
    job = await submit(queue, 7)
    assert (job["state"], job["total"], job["done"]) == ("pending", 7, 0)
    assert [q["id"] for q in await queue.queued(KIND, limit=5)] == [job["id"]]
    stamper = Stamper()
    runner = stamper.runner(queue)

    assert not await runner.step("t1", job["id"])
    halfway = await queue.get("t1", job["id"])
    assert halfway is not None
    assert (halfway["state"], halfway["done"], halfway["counts"]) == ("running", 3, {"odd": 1})
    while not await runner.step("t1", job["id"]):
        pass

    finished = await queue.get("t1", job["id"])
    assert finished is not None
    assert (finished["state"], finished["done"], finished["counts"]) == (
        "succeeded",
        7,
        {"odd": 3},
    )
    assert finished["finished_at"]
    assert finished["error"] == ""
    assert await stamps(store) == sorted(str(i) for i in range(7))
    assert [j["id"] for j in stamper.ended] == [job["id"]]
    assert await queue.queued(KIND, limit=5) == []
    assert await runner.step("t1", job["id"]), "a finished job is simply over"


async def test_a_job_resumes_after_a_restart_without_redoing_an_item(
    store: SqliteStore, queue: JobQueue
) -> None:
    job = await submit(queue, 8)
    assert not await Stamper().runner(queue).step("t1", job["id"])
    # A new process: a new runner over the same store finds the job in the queue.
    restarted = Stamper().runner(queue)
    (queued,) = await queue.queued(KIND, limit=5)
    assert (queued["id"], queued["tenant"]) == (job["id"], "t1")
    await restarted.run_job(queued["tenant"], queued["id"])
    assert await stamps(store) == sorted(str(i) for i in range(8))


async def test_a_failing_chunk_rolls_back_whole_and_fails_the_job(
    store: SqliteStore, queue: JobQueue
) -> None:
    job = await submit(queue, 6)
    stamper = Stamper(fail_on="4")
    runner = stamper.runner(queue)
    assert not await runner.step("t1", job["id"])
    assert await runner.step("t1", job["id"])

    failed = await queue.get("t1", job["id"])
    assert failed is not None
    assert (failed["state"], failed["error"], failed["done"]) == ("failed", "please retry later", 3)
    # Item 3 of the failed chunk was stamped before 4 broke: rolled back with it.
    assert await stamps(store) == ["0", "1", "2"]
    assert [j["state"] for j in stamper.ended] == ["failed"]
    assert await queue.queued(KIND, limit=5) == []


async def test_a_runner_that_loses_a_race_leaves_the_job_quietly(
    store: SqliteStore, queue: JobQueue
) -> None:
    job = await submit(queue, 6)
    ended: list[Job] = []

    async def overtaken(
        txn: Transaction, tenant_id: str, current: Job, items: Sequence[str]
    ) -> Mapping[str, int]:
        # What MongoDB answers when another runner committed the same job first.
        raise Conflict("a concurrent change was written first; retry")

    async def on_end(txn: Transaction, tenant_id: str, current: Job) -> None:
        ended.append(current)

    behind = JobRunner(queue, kind=KIND, work=overtaken, chunk=3, on_end=on_end)
    assert await behind.step("t1", job["id"]), "this runner is done with the job"
    left = await queue.get("t1", job["id"])
    assert left is not None
    assert (left["state"], left["error"], left["version"]) == ("pending", "", 1)
    assert ended == []
    # Still queued: the runner that won goes on, or any runner takes it back if that one stops.
    assert [q["id"] for q in await queue.queued(KIND, limit=5)] == [job["id"]]
    await Stamper().runner(queue).run_job("t1", job["id"])
    assert await stamps(store) == sorted(str(i) for i in range(6))


async def test_the_runner_takes_a_queued_job_when_woken(
    store: SqliteStore, queue: JobQueue
) -> None:
    runner = Stamper().runner(queue)
    task = asyncio.create_task(runner.run())
    try:
        job = await submit(queue, 4)
        runner.wake()
        await eventually(
            lambda: queue.get("t1", job["id"]),
            lambda current: current is not None and current["state"] == "succeeded",
            what="the job succeeded",
            timeout=5,
        )
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_jobs_are_read_in_their_tenant_only(queue: JobQueue) -> None:
    job = await submit(queue, 1, tenant_id="t1")
    assert await queue.get("t2", job["id"]) is None
    assert await queue.queued("another-kind", limit=5) == []
