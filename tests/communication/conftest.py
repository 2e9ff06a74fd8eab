"""A real system of this package's own (NATS, identity, communication, gateway): the session's
shared system starts only the services it was written for."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import GraphQLClient, System, new_tenant, wait_serving

SERVICES = ("identity", "communication")


@pytest.fixture(scope="package")
def communication_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(Path(tmp_path_factory.mktemp("communication")), services=SERVICES)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
async def cgql(communication_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    """An advisor of a tenant of its own."""
    for name in communication_system.services:
        await wait_serving(communication_system.address(name))
    return GraphQLClient(communication_system, http, new_tenant())


def as_role(gql: GraphQLClient, role: str) -> GraphQLClient:
    """A user of the same tenant with another role."""
    return GraphQLClient(gql.system, gql.http, gql.tenant, role=role)
