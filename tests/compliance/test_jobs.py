"""Deferred batch screening: progress, the requester's notification, and a job that survives
its service being killed mid-way."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.compliance.queries import COMPLIANCE, JOB, NOTIFICATIONS, SCREEN_MANY
from tests.harness import GraphQLClient, Subscription, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual
from tests.waiting import eventually

CLIENTS = 200


@pytest.fixture(scope="module")
def slow_jobs_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system of its own whose jobs go 10 clients at a time with a pause, so that a test can
    kill the compliance process in the middle of one."""
    running = System(
        Path(tmp_path_factory.mktemp("jobs")),
        settings={"C360_SCREENING_CHUNK": "10", "C360_SCREENING_PAUSE": "0.05"},
    )
    running.start()
    yield running
    running.stop()


async def _clients(gql: GraphQLClient, count: int, family: str) -> list[str]:
    ids = []
    for i in range(count):
        created = await gql.data(CREATE, {"input": individual(first=f"Jean{i}", last=family)})
        ids.append(created["createClient"]["id"])
    # Compliance knows a client once it screened it on creation; the events come in order.
    await eventually(
        lambda: gql.data(COMPLIANCE, {"id": ids[-1]}),
        lambda found: found["client"]["compliance"]["lastScreening"],
        what="the last client's screening on creation",
    )
    return ids


async def _job(gql: GraphQLClient, job_id: str) -> dict[str, Any]:
    job: dict[str, Any] = (await gql.data(JOB, {"id": job_id}))["screeningJob"]
    return job


async def _batch_screenings(gql: GraphQLClient, client_id: str, job_id: str) -> int:
    section = (await gql.data(COMPLIANCE, {"id": client_id}))["client"]["compliance"]
    return sum(1 for s in section["history"] if s["jobId"] == job_id)


async def test_a_job_reports_progress_and_notifies_the_requester(
    slow_jobs_system: System, http: httpx.AsyncClient
) -> None:
    await wait_serving(slow_jobs_system.address("compliance"))
    gql = GraphQLClient(slow_jobs_system, http, new_tenant())
    ids = await _clients(gql, 40, "Lot")
    token = slow_jobs_system.token(gql.tenant, user="tester")
    async with Subscription(slow_jobs_system, token, NOTIFICATIONS, {}) as notifications:
        job = (await gql.data(SCREEN_MANY, {"search": "lot"}))["screenClients"]
        assert job["total"] == 40
        assert job["requestedBy"] == "tester"
        progress = set()

        def finished(seen: dict[str, Any]) -> bool:
            progress.add(seen["done"])
            return bool(seen["state"] == "SUCCEEDED")

        current = await eventually(lambda: _job(gql, job["id"]), finished, what="the job's end")
        assert len(progress) > 1, "progress was never seen between start and end"
        assert current["done"] == current["total"] == 40
        assert current["matched"] == 0
        assert current["finishedAt"]
        message = await notifications.next(timeout=5)
    notification = message["payload"]["data"]["notifications"]
    assert notification["type"] == "c360.compliance.job.finished"
    assert notification["job"]["id"] == job["id"]
    assert notification["message"].startswith("The asset-freeze check of 40 clients is finished")
    assert await _batch_screenings(gql, ids[0], job["id"]) == 1


async def test_a_job_over_200_clients_resumes_after_the_service_is_killed(
    slow_jobs_system: System, http: httpx.AsyncClient
) -> None:
    gql = GraphQLClient(slow_jobs_system, http, new_tenant())
    ids = await _clients(gql, CLIENTS, "Reprise")
    token = slow_jobs_system.token(gql.tenant, user="tester")
    notifications = await Subscription(slow_jobs_system, token, NOTIFICATIONS, {}).__aenter__()
    job = (await gql.data(SCREEN_MANY, {"ids": ids}))["screenClients"]
    assert job["total"] == CLIENTS
    await eventually(
        lambda: _job(gql, job["id"]), lambda seen: seen["done"] >= 30, what="30 clients screened"
    )

    compliance = slow_jobs_system.services["compliance"]
    compliance.kill()
    compliance.start()
    compliance.wait_ready()
    await wait_serving(slow_jobs_system.address("compliance"))
    resumed = await _job(gql, job["id"])
    assert 30 <= resumed["done"] < CLIENTS, "the job should have stopped part-way"

    current = await eventually(
        lambda: _job(gql, job["id"]),
        lambda seen: seen["state"] == "SUCCEEDED",
        what="the resumed job's end",
        timeout=60,
    )
    assert current["done"] == CLIENTS
    try:
        message = await notifications.next(timeout=5)
    finally:
        await notifications.__aexit__(None, None, None)
    notified = message["payload"]["data"]["notifications"]["job"]
    assert notified == {
        "id": job["id"],
        "state": "SUCCEEDED",
        "total": CLIENTS,
        "done": CLIENTS,
        "matched": 0,
    }
    # Every client of the job was screened by it exactly once, across the restart.
    counts = [await _batch_screenings(gql, client_id, job["id"]) for client_id in ids]
    assert counts == [1] * CLIENTS


async def test_a_selection_is_either_ids_or_a_search(gql: GraphQLClient) -> None:
    body = await gql.execute(SCREEN_MANY, {"ids": [], "search": "x"})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["extensions"]["field"] == "ids"


async def test_another_tenants_job_is_not_found(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    job = (await gql.data(SCREEN_MANY, {"ids": [created["id"]]}))["screenClients"]
    body = await other_gql.execute(JOB, {"id": job["id"]})
    assert body["data"]["screeningJob"] is None
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
