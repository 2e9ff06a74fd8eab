"""The demo data: the demo agency's contracts get premium notices showing every status, billed
to their policyholders, with balances in euros and, for some, in Swiss francs; those left unpaid
take their unpaid steps at once, which the contracts' status follows. Through the real
processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.harness import GraphQLClient, System, wait_serving
from tests.waiting import eventually

DEMO_TENANT = "agency-demo"
PAGE = """
query { clients(first: 200) { edges { node {
  contracts { nodes { status unpaidState } }
  account {
    balances { currency } notices(limit: 10) { status }
    invoices(limit: 5) { number state facturXUrl } quotes(limit: 5) { number state }
  }
} } } }
"""


@pytest.fixture(scope="module")
def demo_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(
        Path(tmp_path_factory.mktemp("billing-demo")),
        services=("identity", "contracts", "billing"),
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

    def filled(page: dict[str, Any]) -> bool:
        edges = page["clients"]["edges"]
        billed = [e for e in edges if e["node"]["account"]["notices"]]
        followed = [
            c for e in edges for c in e["node"]["contracts"]["nodes"] if c["unpaidState"] != "NONE"
        ]
        return len(edges) == 200 and len(billed) >= 100 and bool(followed)

    page = await eventually(lambda: gql.data(PAGE), filled, what="the demo accounts", timeout=60)
    accounts = [e["node"]["account"] for e in page["clients"]["edges"]]
    statuses = {n["status"] for a in accounts for n in a["notices"]}
    assert statuses == {"ISSUED", "PAID", "PARTLY_PAID", "UNPAID"}
    # Contracts whose notices went unpaid follow the path: formal notice, then suspension.
    states = {
        c["unpaidState"] for e in page["clients"]["edges"] for c in e["node"]["contracts"]["nodes"]
    }
    assert {"FORMAL_NOTICE", "SUSPENDED"} & states
    currencies = {b["currency"] for a in accounts for b in a["balances"]}
    assert currencies == {"EUR", "CHF"}

    # A seller profile, and posted invoices downloadable as Factur-X; sent quotes.
    posted = [i for a in accounts for i in a["invoices"] if i["state"] == "POSTED"]
    assert posted
    assert all(i["facturXUrl"] for i in posted)
    download = await http.get(demo_system.graphql_url.replace("/graphql", posted[0]["facturXUrl"]))
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    assert {q["state"] for a in accounts for q in a["quotes"]} >= {"SENT"}
