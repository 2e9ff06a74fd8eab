"""Latency through the gateway over HTTP, and of live events to an open screen, on this
machine: ``make bench`` prints p50 and p95 of each. Each has a budget, generous because
machines vary; a figure over it fails the bench, never ``make test``."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from tests.bench import timing
from tests.compliance.queries import CLIENT_EVENTS
from tests.harness import GraphQLClient, Subscription, System
from tests.identity.queries import CREATE, UPDATE, individual

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

EVENT_SAMPLES = 50


@pytest.fixture(scope="module")
def quiet_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system as in production: no span file written on every call."""
    with timing.quiet_system(tmp_path_factory, "latency") as running:
        yield running


@pytest.fixture(scope="module")
async def gql(quiet_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    return await timing.serving(quiet_system, http)


@pytest.fixture(scope="module")
async def client_ids(gql: GraphQLClient) -> list[str]:
    """200 clients of one agency, a quarter of them called Dupont-something."""
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
    return ids


async def test_one_client_and_a_search(gql: GraphQLClient, client_ids: list[str]) -> None:
    p50_one, p95_one = await timing.timed(lambda: gql.data(ONE_CLIENT, {"id": client_ids[42]}))
    p50_search, p95_search = await timing.timed(lambda: gql.data(SEARCH, {"search": "dup"}))
    print()
    timing.report("client(id), identity only", p50_one, p95_one)
    timing.report("clients(search: 'dup', first: 20) over 200 clients", p50_search, p95_search)
    assert p50_one < 50
    assert p50_search < 100


async def test_client_files_with_both_sections(gql: GraphQLClient, client_ids: list[str]) -> None:
    p50_file, p95_file = await timing.timed(
        lambda: gql.data(ONE_CLIENT_FILE, {"id": client_ids[42]})
    )
    p50_page, p95_page = await timing.timed(lambda: gql.data(PAGE_OF_FILES))
    print()
    timing.report("client(id) with identity and compliance", p50_file, p95_file)
    timing.report("clients(first: 50) with both sections", p50_page, p95_page)
    assert p50_file < 60
    assert p50_page < 250


async def test_an_open_screen_hears_of_a_change(gql: GraphQLClient, client_ids: list[str]) -> None:
    """From sending a change to the event reaching the client's open screen."""
    system = gql.system
    client_id = client_ids[7]
    delays = []
    async with Subscription(
        system, system.token(gql.tenant), CLIENT_EVENTS, {"id": client_id}
    ) as screen:
        for version in range(1, EVENT_SAMPLES + 1):
            sent = time.perf_counter()
            await gql.data(
                UPDATE, {"id": client_id, "version": version, "input": {"memo": f"n°{version}"}}
            )
            while True:  # skip the screenings of earlier changes, if any come this late
                event = (await screen.next())["payload"]["data"]["clientEvents"]
                if event["type"] == "c360.identity.client.updated":
                    break
            delays.append(time.perf_counter() - sent)
    p50, p95 = timing.percentiles(delays)
    print()
    timing.report("a change heard by the client's open screen", p50, p95)
    assert p95 < 1000
