"""The communication service stopped: its section alone is null, with its error, and the rest
of the file is served; it comes back without a gateway restart. A system of its own, since
this module stops a service."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.communication.conftest import SERVICES
from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual
from tests.waiting import eventually

ONE = """
query($id: ID!) { client(id: $id) {
  identity { lastName }
  communication { memo { text } actionsLeft }
} }
"""


@pytest.fixture(scope="module")
def fragile_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(
        Path(tmp_path_factory.mktemp("communication-fragile")),
        services=SERVICES,
        settings={"C360_SERVICE_DEADLINE": "1.0"},
    )
    running.start()
    yield running
    running.stop()


async def test_a_stopped_communication_service_nulls_only_its_section(
    fragile_system: System, http: httpx.AsyncClient
) -> None:
    for name in fragile_system.services:
        await wait_serving(fragile_system.address(name))
    gql = GraphQLClient(fragile_system, http, new_tenant())
    client = (await gql.data(CREATE, {"input": individual(last="Résistant")}))["createClient"]
    communication = fragile_system.services["communication"]

    communication.stop()
    try:
        body = await gql.execute(ONE, {"id": client["id"]})
        assert body["data"]["client"]["identity"] == {"lastName": "Résistant"}
        assert body["data"]["client"]["communication"] is None
        [error] = body["errors"]
        assert error["path"] == ["client", "communication"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "service": "communication"}
    finally:
        communication.start()
        communication.wait_ready()

    body = await eventually(
        lambda: gql.execute(ONE, {"id": client["id"]}),
        lambda found: found["data"]["client"]["communication"] is not None,
        what="communication back in the file",
        timeout=10,
    )
    assert "errors" not in body
    assert body["data"]["client"]["communication"] == {"memo": [], "actionsLeft": 0}
