"""Every acknowledged write publishes exactly one event, even when the broker is down at the
moment of the write and comes back later."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import (
    GraphQLClient,
    System,
    new_tenant,
    stream_events,
    unpublished_events,
    wait_outbox_published,
    wait_serving,
)
from tests.identity.queries import ADD_CONTACT, CREATE, UPDATE, individual
from tests.waiting import until_true


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


def _relay_failures(system: System) -> int:
    """How many times identity's outbox relay has reported a failed publish in its log."""
    log = system.services["identity"].log_path.read_text(encoding="utf-8")
    return log.count("publishing the outbox failed")


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
    await wait_outbox_published(own_system, "identity")
    assert await _events_for(own_system, created["id"]) == [
        "c360.identity.client.created",
        "c360.identity.client.updated",
        "c360.identity.contact.created",
    ]


async def test_a_write_while_the_broker_is_down_is_published_once_it_is_back(
    own_system: System, http: httpx.AsyncClient
) -> None:
    gql = GraphQLClient(own_system, http, new_tenant())
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    await wait_outbox_published(own_system, "identity")

    failures_before = _relay_failures(own_system)
    own_system.nats.stop()
    try:
        updated = (
            await gql.data(UPDATE, {"id": created["id"], "version": 1, "input": {"memo": "down"}})
        )["updateClient"]
        # The write is confirmed while the broker is down: its data is kept...
        assert updated["version"] == 2
        assert unpublished_events(own_system, "identity") == 1
        # ...and the broker stays away until the relay has failed to publish it at least once.
        await until_true(
            lambda: _relay_failures(own_system) != failures_before,
            what="the relay failing to publish",
        )
    finally:
        own_system.nats.start()
    # Its event goes out once the broker is back, exactly once.
    await wait_outbox_published(own_system, "identity")
    assert await _events_for(own_system, created["id"]) == [
        "c360.identity.client.created",
        "c360.identity.client.updated",
    ]
