"""Throughput of the client file while its compliance service hangs: ``make bench`` prints
requests per second with every service up, with compliance hung (SIGSTOP) once its circuit is
open, and for identity-only queries. The circuit breaker must keep the file served at no less
than half of the identity-only rate."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual

FILE = """
query($id: ID!) {
  client(id: $id) { id identity { lastName } compliance { assetFreezeStatus banner } }
}
"""
IDENTITY_ONLY = "query($id: ID!) { client(id: $id) { id identity { lastName } } }"
SECONDS = 5.0
CONCURRENCY = 8


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(Path(tmp_path_factory.mktemp("bench-breaker")))
    running.start()
    yield running
    running.stop()


async def _rate(gql: GraphQLClient, query: str, client_id: str) -> float:
    done = 0
    deadline = time.monotonic() + SECONDS

    async def worker() -> None:
        nonlocal done
        while time.monotonic() < deadline:
            await gql.execute(query, {"id": client_id})
            done += 1

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return done / (time.monotonic() - started)


async def test_a_hung_service_keeps_the_file_served(system: System) -> None:
    for name in system.services:
        await wait_serving(system.address(name))
    async with httpx.AsyncClient(timeout=30.0) as http:
        gql = GraphQLClient(system, http, new_tenant())
        client_id = (await gql.data(CREATE, {"input": individual()}))["createClient"]["id"]
        up = await _rate(gql, FILE, client_id)
        identity_only = await _rate(gql, IDENTITY_ONLY, client_id)
        process = system.services["compliance"].process
        assert process is not None
        os.kill(process.pid, signal.SIGSTOP)
        try:
            # The first requests wait their deadline and open the circuit.
            await asyncio.gather(*(gql.execute(FILE, {"id": client_id}) for _ in range(8)))
            hung = await _rate(gql, FILE, client_id)
        finally:
            os.kill(process.pid, signal.SIGCONT)
    print(
        f"\nrequests/s with {CONCURRENCY} concurrent clients: file with every service up "
        f"{up:.0f}; file with compliance hung (circuit open) {hung:.0f}; identity only "
        f"{identity_only:.0f}"
    )
    assert hung >= identity_only / 2
