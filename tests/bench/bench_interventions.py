"""The interventions section through the gateway over HTTP, on this machine: ``make bench``
prints p50 and p95 of one client's section and of a page of 50 files (200 clients, two in
three with two to four interventions, an equipment and a worksite, one in four with a
maintenance plan), and the exact size in bytes of a technician's day of eight interventions
(tests/interventions/day.py) with its p50. The budgets are generous because machines vary; a
figure over one fails the bench, never ``make test``."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.bench import timing
from tests.harness import (
    GraphQLClient,
    System,
    wait_consumed,
    wait_outbox_published,
)
from tests.interventions.day import DAY, TECHNICIAN_DAY, VISITS, plan_day
from tests.interventions.queries import CREATE, CREATE_CLIENT, SCHEDULE

SECTION = """
interventions(first: 20) {
  totalCount pageInfo { endCursor hasNextPage }
  items {
    id number title type stage status priority scheduledStart scheduledEnd latestDate
    appointmentConfirmed quoteId invoicing technicianIds equipmentIds worksiteId
  }
  equipment { id name brand model serial photo { thumbnailUrl } }
  worksites { id name status }
  maintenancePlans { id name nextDueDate visits { dueDate colour } }
}
"""
ONE = "query($id: ID!) { client(id: $id) { id displayName " + SECTION + " } }"
PAGE = "{ clients(first: 50) { edges { node { id displayName " + SECTION + " } } } }"
EQUIPMENT = """
mutation($clientId: ID!) { createEquipment(clientId: $clientId,
  input: {name: "Chaudière gaz", brand: "Viessmann", model: "Vitodens", serial: "SN1"}) { id } }
"""
WORKSITE = """
mutation($clientId: ID!) { createWorksite(clientId: $clientId, input: {name: "Rénovation"}) {
  id } }
"""
PLAN = """
mutation($clientId: ID!, $start: String!) { createMaintenancePlan(clientId: $clientId,
  input: {name: "Entretien", rrule: "FREQ=MONTHLY", startDate: $start, addressId: "a"}) { id } }
"""


@pytest.fixture(scope="module")
def quiet_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system as in production: no span file written on every call."""
    with timing.quiet_system(
        tmp_path_factory, "interventions-latency", ("identity", "interventions")
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def gql(quiet_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    return await timing.serving(quiet_system, http)


@pytest.fixture(scope="module")
async def client_ids(gql: GraphQLClient) -> list[str]:
    ids = []
    now = datetime.now(UTC)
    for n in range(200):
        body = await gql.data(
            CREATE_CLIENT,
            {"input": {"kind": "INDIVIDUAL", "firstName": "Léa", "lastName": f"Banc {n:03}"}},
        )
        client_id = body["createClient"]["id"]
        ids.append(client_id)
        if n % 3 == 2:
            continue
        equipment = (await gql.data(EQUIPMENT, {"clientId": client_id}))["createEquipment"]
        worksite = (await gql.data(WORKSITE, {"clientId": client_id}))["createWorksite"]
        if n % 4 == 0:
            await gql.data(PLAN, {"clientId": client_id, "start": now.date().isoformat()})
        for k in range(2 + n % 3):
            made = (
                await gql.data(
                    CREATE,
                    {
                        "clientId": client_id,
                        "input": {
                            "title": f"Visite {k}",
                            "equipmentIds": [equipment["id"]],
                            "worksiteId": worksite["id"],
                        },
                    },
                )
            )["createIntervention"]
            start = now + timedelta(days=k * 3 - 3)
            await gql.data(
                SCHEDULE,
                {
                    "id": made["id"],
                    "version": made["version"],
                    "start": start.isoformat(),
                    "end": (start + timedelta(hours=1)).isoformat(),
                    "technicians": ["tech-a"],
                },
            )
    return ids


async def test_the_interventions_section(gql: GraphQLClient, client_ids: list[str]) -> None:
    p50_one, p95_one = await timing.timed(lambda: gql.data(ONE, {"id": client_ids[42]}))
    p50_page, p95_page = await timing.timed(lambda: gql.data(PAGE))
    print()
    timing.report("client(id) with its interventions section", p50_one, p95_one)
    timing.report("clients(first: 50) with the interventions section", p50_page, p95_page)
    assert p50_one < 60
    assert p50_page < 300


async def test_a_technicians_day(gql: GraphQLClient) -> None:
    await plan_day(gql, "tech-eight")
    await wait_outbox_published(gql.system, "identity")
    await wait_consumed(gql.system.nats.url, "interventions-identity")
    technician = GraphQLClient(gql.system, gql.http, gql.tenant, role="technician")
    technician.headers = {
        "Authorization": f"Bearer {gql.system.token(gql.tenant, 'technician', 'tech-eight')}"
    }
    variables = {"query": TECHNICIAN_DAY, "variables": {"date": DAY.isoformat()}}

    async def day() -> httpx.Response:
        return await technician.http.post(
            gql.system.graphql_url, json=variables, headers=technician.headers
        )

    response = await day()
    assert len(response.json()["data"]["myInterventions"]) == VISITS
    p50, p95 = await timing.timed(day)
    print()
    print(
        f"myInterventions, a day of {VISITS} interventions: {len(response.content)} bytes of "
        f"JSON as sent ({response.headers.get('content-encoding', 'uncompressed')}), "
        f"{len(gzip.compress(response.content))} gzipped"
    )
    timing.report("myInterventions(date), 8 interventions", p50, p95)
    assert len(response.content) < 12 * 1024
    assert p50 < 60
