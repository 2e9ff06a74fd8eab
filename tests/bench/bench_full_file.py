"""The whole client file through the gateway, on the demo agency with every service: one
client with every section, and a page of 50 with the header of every section."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from runtime.config import load_settings
from tests.bench import timing
from tests.harness import GraphQLClient, System, wait_consumed

DEMO = load_settings({}).demo_tenant

FULL = """
query($id: ID!) {
  client(id: $id) {
    id reference displayName kind version
    identity {
      firstName lastName phones { number } emails { address } addresses { city }
      personal { birthDate } flags { communicationBlocked }
    }
    contacts { lastName function }
    relations { parentId users { userId role } products { product available } }
    duplicateSuspects { clientId score }
    compliance { assetFreezeStatus banner lastScreening { at matches { name score } } }
    contracts {
      totalCount openClaimsCount openComplaintsCount
      nodes { reference status product markers { renewalState } }
    }
    account {
      balance { amount currency }
      invoices { number state }
    }
    interventions { items { number title status } equipment { name } }
    communication {
      actionsLeft memo { text } emails(limit: 3) { subject } tasks { title colour }
      documents { name } agenda { title }
    }
    timeline(first: 10) { entries { summary occurredAt } }
  }
}
"""
HEADER = """
query {
  clients(first: 50) {
    nodes {
      id displayName
      account { balance { amount currency } }
      contracts { openClaimsCount }
      communication { actionsLeft emails(limit: 3) { subject } }
      compliance { banner }
    }
  }
}
"""


@pytest.fixture(scope="module")
def quiet_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """The demo agency with every service, as in production."""
    with timing.quiet_system(
        tmp_path_factory, "full-file", settings={"C360_DEMO_DATA": "true"}
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def gql(quiet_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    client = await timing.serving(quiet_system, http, DEMO)
    for durable in ("contracts-identity", "communication-identity", "interventions-identity"):
        await wait_consumed(quiet_system.nats.url, durable)
    return client


async def test_the_whole_file(gql: GraphQLClient) -> None:
    page = await gql.data("{ clients(first: 30) { nodes { id } } }")
    client_id = page["clients"]["nodes"][20]["id"]
    file = (await gql.data(FULL, {"id": client_id}))["client"]
    assert all(file[section] is not None for section in ("contracts", "account", "timeline"))
    p50_one, p95_one = await timing.timed(lambda: gql.data(FULL, {"id": client_id}))
    p50_page, p95_page = await timing.timed(lambda: gql.data(HEADER), samples=100)
    print()
    timing.report("client(id) with every section (demo agency)", p50_one, p95_one)
    timing.report("clients(first: 50), the header of every section", p50_page, p95_page)
    assert p50_one < 200
    assert p50_page < 1000
