"""Latency of the communication section through the gateway over HTTP, on this machine:
``make bench`` prints p50 and p95 of one client's section and of a page of 50 files, and of a
month of the global agenda, over the demo agency (220 clients with their emails, documents,
memo, tasks, actions, tickets and agenda events). The budgets are generous because machines
vary; a figure over one fails the bench, never ``make test``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.bench import timing
from tests.harness import GraphQLClient, System, wait_consumed

DEMO = "agency-demo"
SECTION = """
communication {
  emails { sender subject sentAt direction status }
  documents { kind name mediaType url }
  agenda { title startsAt rrule attendees { userId status } }
  activities(limit: 5) { kind summary occurredAt }
  memo { noteDate text }
  tasks { title deadline colour }
  actions { name status dueDate } actionsLeft
  tickets { subject status }
}
"""
ONE = "query($id: ID!) { client(id: $id) { id displayName " + SECTION + " } }"
PAGE = "{ clients(first: 50) { edges { node { id displayName " + SECTION + " } } } }"
AGENDA = """
query($from: DateTime!, $to: DateTime!) { agenda(from: $from, to: $to, userId: "alice.martin") {
  occurrences { startsAt endsAt event { title } client { displayName } }
} }
"""


@pytest.fixture(scope="module")
def quiet_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """The demo agency, as in production: no span file written on every call."""
    with timing.quiet_system(
        tmp_path_factory,
        "communication-latency",
        ("identity", "communication"),
        settings={"C360_DEMO_DATA": "true"},
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def gql(quiet_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    client = await timing.serving(quiet_system, http, DEMO)
    await wait_consumed(quiet_system.nats.url, "communication-identity")
    return client


async def test_the_communication_section(gql: GraphQLClient) -> None:
    page = await gql.data(PAGE)
    client_id = page["clients"]["edges"][0]["node"]["id"]
    p50_one, p95_one = await timing.timed(lambda: gql.data(ONE, {"id": client_id}))
    p50_page, p95_page = await timing.timed(lambda: gql.data(PAGE))
    now = datetime.now(UTC)
    month = {"from": now.isoformat(), "to": (now + timedelta(days=31)).isoformat()}
    p50_agenda, p95_agenda = await timing.timed(lambda: gql.data(AGENDA, month))
    print()
    timing.report("client(id) with its communication section", p50_one, p95_one)
    timing.report("clients(first: 50) with the communication section", p50_page, p95_page)
    timing.report("agenda(from, to) of a month, with the clients", p50_agenda, p95_agenda)
    assert p50_one < 60
    assert p50_page < 400
    assert p50_agenda < 300
