"""A service starts and serves while the broker is down: writes are confirmed, their events
wait in the outbox, and are published once the broker comes up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from nats.js.errors import NotFoundError

from tests.harness import GraphQLClient, System, new_tenant, stream_events, wait_serving
from tests.identity.queries import CREATE, individual
from tests.waiting import eventually


@pytest.fixture
def brokerless(tmp_path: Path) -> Iterator[System]:
    """Identity and the gateway, started before any broker exists."""
    system = System(tmp_path, services=("identity",))
    system.services["identity"].start()
    system.gateway.start()
    try:
        yield system
    finally:
        system.stop()


async def test_a_service_started_without_the_broker_serves_and_publishes_later(
    brokerless: System, http: httpx.AsyncClient
) -> None:
    brokerless.services["identity"].wait_ready()
    brokerless.gateway.wait_ready()
    await wait_serving(brokerless.address("identity"))
    gql = GraphQLClient(brokerless, http, new_tenant())

    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    assert created["id"]

    brokerless.nats.start()

    async def stored() -> list[Any]:
        try:
            return await stream_events(brokerless.nats.url, "c360.identity.>")
        except NotFoundError:  # the service has not created the stream yet
            return []

    events = await eventually(
        stored, lambda found: any(e.key == created["id"] for e in found), what="the event stored"
    )
    ours = [e.type for e in events if e.key == created["id"]]
    assert ours == ["c360.identity.client.created"]
