"""The client file across services, over real processes: one backend call per service per
request, sections fetched in parallel, a stopped service that blanks only its own section,
recovery, and live events pushed to an open screen."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.compliance.queries import CLIENT_EVENTS
from tests.gateway.traces import calls, spans, traced
from tests.harness import GraphQLClient, Subscription, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, UPDATE, individual
from tests.waiting import eventually

PAGE = """
query {
  clients(first: 50) {
    edges { node {
      id displayName
      identity { lastName phones { number } }
      compliance { assetFreezeStatus banner lastScreening { at matches { entryId } } }
    } }
  }
}
"""

ONE = """
query($id: ID!) {
  client(id: $id) {
    id displayName identity { lastName }
    compliance { assetFreezeStatus lastScreening { at } }
  }
}
"""


async def _traced(gql: GraphQLClient, query: str, variables: dict[str, Any] | None = None) -> str:
    trace_id, body = await traced(gql, query, variables)
    assert "errors" not in body, body
    return trace_id


def _server_calls(gql: GraphQLClient, trace_id: str) -> dict[str, int]:
    return {service: sum(made.values()) for service, made in calls(gql, trace_id).items()}


async def _page_of_clients(gql: GraphQLClient, count: int) -> list[str]:
    ids = []
    for i in range(count):
        created = await gql.data(CREATE, {"input": individual(first=f"Léa{i}", last="Page")})
        ids.append(created["createClient"]["id"])
    return ids


async def test_a_page_of_50_clients_costs_one_call_per_service(gql: GraphQLClient) -> None:
    await _page_of_clients(gql, 55)
    trace_id = await _traced(gql, PAGE)
    assert _server_calls(gql, trace_id) == {"identity": 1, "compliance": 1}

    with_contacts = PAGE.replace("identity { lastName", "contacts { lastName } identity { lastName")
    trace_id = await _traced(gql, with_contacts)
    # Contacts are one more identity call for the whole page, never one per client.
    assert _server_calls(gql, trace_id) == {"identity": 2, "compliance": 1}


async def test_the_sections_of_one_client_are_fetched_in_parallel(gql: GraphQLClient) -> None:
    client = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    trace_id = await _traced(gql, ONE, {"id": client["id"]})
    calls = {
        span["name"].rsplit("/", 1)[-1]: span
        for span in spans(gql, trace_id)
        if span["kind"] == "CLIENT"
    }
    identity, compliance = calls["BatchGetClients"], calls["BatchGetCompliance"]
    # The compliance call left before the identity answer came back.
    assert compliance["start_ns"] < identity["end_ns"]
    assert identity["start_ns"] < compliance["end_ns"]


@pytest.fixture(scope="module")
def fragile_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system of its own, with a 1 s deadline: this module stops its compliance service."""
    running = System(
        Path(tmp_path_factory.mktemp("fragile")), settings={"C360_SERVICE_DEADLINE": "1.0"}
    )
    running.start()
    yield running
    running.stop()


async def _timed(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    response = await gql.http.post(
        gql.system.graphql_url, json={"query": query, "variables": variables}, headers=gql.headers
    )
    return response, time.perf_counter() - start


async def test_a_stopped_service_blanks_only_its_section_and_recovers(
    fragile_system: System, http: httpx.AsyncClient
) -> None:
    for name in fragile_system.services:
        await wait_serving(fragile_system.address(name))
    gql = GraphQLClient(fragile_system, http, new_tenant())
    client = (await gql.data(CREATE, {"input": individual(last="Résistant")}))["createClient"]
    compliance = fragile_system.services["compliance"]

    compliance.stop()
    try:
        response, elapsed = await _timed(gql, ONE, {"id": client["id"]})
        assert response.status_code == 200
        body = response.json()
        assert body["data"]["client"]["identity"] == {"lastName": "Résistant"}
        assert body["data"]["client"]["compliance"] is None
        [error] = body["errors"]
        assert error["path"] == ["client", "compliance"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "service": "compliance"}
        assert fragile_system.address("compliance") not in error["message"]  # no gRPC details
        assert elapsed < 1.0

        page, _ = await _timed(gql, PAGE, {})
        edges = page.json()["data"]["clients"]["edges"]
        assert [e["node"]["identity"]["lastName"] for e in edges] == ["Résistant"]
        assert edges[0]["node"]["compliance"] is None
    finally:
        compliance.start()
        compliance.wait_ready()

    # The gateway reconnects by itself: no restart, no request lost after the service is back.
    async def answer() -> dict[str, Any]:
        body: dict[str, Any] = (await _timed(gql, ONE, {"id": client["id"]}))[0].json()
        return body

    body = await eventually(
        answer,
        lambda found: found["data"]["client"]["compliance"] is not None,
        what="compliance back in the file",
        timeout=10,
    )
    assert "errors" not in body


async def test_a_hung_service_costs_no_more_than_the_deadline(
    fragile_system: System, http: httpx.AsyncClient
) -> None:
    await wait_serving(fragile_system.address("compliance"))
    gql = GraphQLClient(fragile_system, http, new_tenant())
    client = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    process = fragile_system.services["compliance"].process
    assert process is not None
    os.kill(process.pid, signal.SIGSTOP)
    try:
        response, elapsed = await _timed(gql, ONE, {"id": client["id"]})
    finally:
        os.kill(process.pid, signal.SIGCONT)
    body = response.json()
    assert body["data"]["client"]["identity"] is not None
    assert body["errors"][0]["extensions"]["service"] == "compliance"
    # The deadline is 1 s; the rest is the request itself on a busy machine.
    assert 0.9 < elapsed < 1.8


async def _heard_until(
    screen: Subscription, wanted: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """The events a screen hears, up to and including the first one ``wanted``."""
    heard: list[dict[str, Any]] = []
    async with asyncio.timeout(30):
        while not heard or not wanted(heard[-1]):
            heard.append((await screen.next())["payload"]["data"]["clientEvents"])
    return heard


async def test_an_open_screen_receives_the_clients_events(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client = (await gql.data(CREATE, {"input": individual(last="Écran")}))["createClient"]
    other = (await other_gql.data(CREATE, {"input": individual(last="Voisin")}))["createClient"]
    system = gql.system
    mine = Subscription(system, system.token(gql.tenant), CLIENT_EVENTS, {"id": client["id"]})
    theirs = Subscription(
        system, system.token(other_gql.tenant), CLIENT_EVENTS, {"id": other["id"]}
    )
    # The screening of each creation runs on its own time and may be heard by the screens
    # first: the events below are picked out by what they say, not by their rank.
    async with mine, theirs:
        await gql.data(
            UPDATE,
            {
                "id": client["id"],
                "version": 1,
                "input": {"firstName": "Ivan", "lastName": "Petrov"},
            },
        )
        heard = await _heard_until(mine, lambda e: e["type"] == "c360.identity.client.updated")
        assert set(heard[-1]["changedFields"]) == {"first_name", "last_name"}
        # The screening that the name change caused reaches the same screen (the creation's
        # screening found no match).
        heard += await _heard_until(mine, lambda e: e["assetFreezeStatus"] == "TO_VERIFY")
        assert heard[-1]["type"] == "c360.compliance.screening.completed"
        assert {e["clientId"] for e in heard} == {client["id"]}

        # Another tenant's open screen hears only of its own client: nothing of the above,
        # then the change made to its client after all of it.
        await other_gql.data(UPDATE, {"id": other["id"], "version": 1, "input": {"memo": "vu"}})
        theirs_heard = await _heard_until(
            theirs, lambda e: e["type"] == "c360.identity.client.updated"
        )
        assert {e["clientId"] for e in theirs_heard} == {other["id"]}


async def test_subscribing_to_another_tenants_client_is_not_found(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    system = gql.system
    async with Subscription(
        system, system.token(other_gql.tenant), CLIENT_EVENTS, {"id": client["id"]}
    ) as theirs:
        message = await theirs.next(timeout=2.0)
    # An execution error: a "next" message carrying the error, then the subscription ends.
    assert message["type"] == "next"
    assert message["payload"]["data"] is None
    assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
