"""Every acknowledged write publishes exactly one event, even when the broker is down at the
moment of the write and comes back later."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import GraphQLClient, System, new_tenant, stream_events, wait_serving
from tests.identity.queries import ADD_CONTACT, CREATE, UPDATE, individual


@pytest.fixture(scope="module")
def own_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system of its own: this module stops and restarts its broker."""
    running = System(Path(tmp_path_factory.mktemp("events")))
    running.start()
    yield running
    running.stop()


async def _events_for(system: System, client_id: str) -> list[str]:
    events = await stream_events(system.nats.url, "c360.identity.>")
    return [e.type for e in events if e.key == client_id]


async def _wait_for(system: System, client_id: str, count: int) -> list[str]:
    async with asyncio.timeout(20):
        while len(found := await _events_for(system, client_id)) < count:
            await asyncio.sleep(0.2)
    return found


async def test_each_acknowledged_write_publishes_exactly_one_event(
    own_system: System, http: httpx.AsyncClient
) -> None:
    await wait_serving(own_system.address("identity"))
    gql = GraphQLClient(own_system, http, new_tenant())
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    await gql.data(UPDATE, {"id": created["id"], "version": 1, "input": {"memo": "m"}})
    await gql.data(
        ADD_CONTACT, {"clientId": created["id"], "input": {"lastName": "L", "function": "F"}}
    )
    found = await _wait_for(own_system, created["id"], 3)
    await asyncio.sleep(1.0)
    assert (
        await _events_for(own_system, created["id"])
        == found
        == [
            "c360.identity.client.created",
            "c360.identity.client.updated",
            "c360.identity.contact.created",
        ]
    )


async def test_a_write_while_the_broker_is_down_is_published_once_it_is_back(
    own_system: System, http: httpx.AsyncClient
) -> None:
    gql = GraphQLClient(own_system, http, new_tenant())
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    await _wait_for(own_system, created["id"], 1)

    own_system.nats.stop()
    try:
        updated = (
            await gql.data(UPDATE, {"id": created["id"], "version": 1, "input": {"memo": "down"}})
        )["updateClient"]
        # The write is confirmed while the broker is down: its data is kept...
        assert updated["version"] == 2
        await asyncio.sleep(1.5)
    finally:
        own_system.nats.start()
    # ...and its event goes out once the broker is back, exactly once.
    found = await _wait_for(own_system, created["id"], 2)
    await asyncio.sleep(2.0)
    assert (
        await _events_for(own_system, created["id"])
        == found
        == [
            "c360.identity.client.created",
            "c360.identity.client.updated",
        ]
    )
