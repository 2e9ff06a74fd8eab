"""Latency of the identity section through the gateway over HTTP, on this machine.

Bounds are generous (CI machines vary); the figures are printed for the record:
`pytest tests/test_latency.py -s`.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual

ONE_CLIENT = """
query($id: ID!) {
  client(id: $id) {
    id reference displayName kind version
    identity {
      civility firstName lastName
      phones { number primary } emails { address }
      primaryAddress { line1 postalCode city }
      personal { birthDate profession }
      flags { archived communicationBlocked preferredChannel }
      importantNotes
    }
    contacts { lastName function }
    relations { parentId }
  }
}
"""

SEARCH = """
query($search: String!) {
  clients(search: $search, first: 20) {
    totalCount
    edges { cursor node { id reference displayName identity { phones { number } } } }
  }
}
"""

ONE_CLIENT_FILE = """
query($id: ID!) {
  client(id: $id) {
    id reference displayName kind version
    identity {
      firstName lastName phones { number } primaryAddress { city } personal { birthDate }
    }
    compliance {
      assetFreezeStatus banner
      lastScreening { at registerDate matches { name score entryId } }
    }
  }
}
"""

PAGE_OF_FILES = """
query {
  clients(first: 50) {
    edges { node {
      id displayName
      identity { lastName phones { number } primaryAddress { city } }
      compliance { assetFreezeStatus banner lastScreening { at matches { name score entryId } } }
    } }
  }
}
"""

SAMPLES = 200


async def _timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    for _ in range(20):  # warm-up: connections, caches
        await call()
    timings = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        await call()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95)]


@pytest.fixture(scope="module")
def quiet_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system as in production: no span file written on every call."""
    running = System(Path(tmp_path_factory.mktemp("latency")), settings={"C360_TRACE_FILE": ""})
    running.start()
    yield running
    running.stop()


async def test_one_client_and_a_search_answer_quickly(
    quiet_system: System, http: httpx.AsyncClient
) -> None:
    for name in quiet_system.services:
        await wait_serving(quiet_system.address(name))
    gql = GraphQLClient(quiet_system, http, new_tenant())
    ids = []
    for i in range(200):
        created = await gql.data(
            CREATE,
            {
                "input": individual(
                    first=f"Prénom{i}",
                    last=["Dupont", "Durand", "Martin", "Lefèvre"][i % 4] + f"-{i}",
                    phones=[{"number": f"06 12 34 {i // 100:02d} {i % 100:02d}"}],
                )
            },
        )
        ids.append(created["createClient"]["id"])

    p50_one, p95_one = await _timed(lambda: gql.data(ONE_CLIENT, {"id": ids[42]}))
    p50_search, p95_search = await _timed(lambda: gql.data(SEARCH, {"search": "dup"}))
    print(
        f"\nclient(id): p50 {p50_one:.2f} ms, p95 {p95_one:.2f} ms; "
        f"clients(search: 'dup', first: 20) over 200 clients: "
        f"p50 {p50_search:.2f} ms, p95 {p95_search:.2f} ms"
    )
    assert p50_one < 50
    assert p50_search < 100

    p50_file, p95_file = await _timed(lambda: gql.data(ONE_CLIENT_FILE, {"id": ids[42]}))
    p50_page, p95_page = await _timed(lambda: gql.data(PAGE_OF_FILES))
    print(
        f"client(id) with identity and compliance: p50 {p50_file:.2f} ms, p95 {p95_file:.2f} ms; "
        f"clients(first: 50) with both sections: p50 {p50_page:.2f} ms, p95 {p95_page:.2f} ms"
    )
    assert p50_file < 60
    assert p50_page < 250
