"""Session-wide real system (NATS, identity, gateway) and per-test tenants."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import GraphQLClient, System, new_tenant, wait_serving


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(Path(tmp_path_factory.mktemp("system")))
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30.0) as client:
        yield client


@pytest.fixture
async def gql(system: System, http: httpx.AsyncClient) -> GraphQLClient:
    """A GraphQL client for a tenant of its own: tests never see each other's data."""
    for name in system.services:
        await wait_serving(system.address(name))
    return GraphQLClient(system, http, new_tenant())


@pytest.fixture
def other_gql(gql: GraphQLClient) -> GraphQLClient:
    """Another tenant's user, on the same system."""
    return GraphQLClient(gql.system, gql.http, new_tenant())
