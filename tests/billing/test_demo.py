"""The demo data: identity's demo clients get accounts whose notices show every status, with
balances in euros and, for some, in Swiss francs, through the real processes."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import GraphQLClient, System, wait_serving

DEMO_TENANT = "agency-demo"
PAGE = """
query { clients(first: 200) { edges { node {
  account { balances { currency } notices(limit: 10) { status } }
} } } }
"""


@pytest.fixture(scope="module")
def demo_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(
        Path(tmp_path_factory.mktemp("billing-demo")),
        services=("identity", "billing"),
        settings={"C360_DEMO_DATA": "true", "C360_DEMO_TENANT": DEMO_TENANT},
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


async def test_the_demo_clients_get_accounts_showing_every_notice_status(
    demo_system: System, http: httpx.AsyncClient
) -> None:
    for name in demo_system.services:
        await wait_serving(demo_system.address(name))
    gql = GraphQLClient(demo_system, http, DEMO_TENANT)
    async with asyncio.timeout(60):
        while True:
            edges = (await gql.data(PAGE))["clients"]["edges"]
            accounts = [e["node"]["account"] for e in edges]
            if len(edges) == 200 and all(a["notices"] for a in accounts):
                break
            await asyncio.sleep(0.2)
    statuses = {n["status"] for a in accounts for n in a["notices"]}
    assert statuses == {"ISSUED", "PAID", "PARTLY_PAID", "UNPAID"}
    currencies = {b["currency"] for a in accounts for b in a["balances"]}
    assert currencies == {"EUR", "CHF"}
