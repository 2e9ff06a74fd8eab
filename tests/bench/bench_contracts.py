"""Latency of the contracts section through the gateway over HTTP, on this machine: ``make bench``
prints p50 and p95 of one client's section and of a page of 50 files, 200 clients holding two
or three contracts each (one in four shared with the previous client) and a claim on one in
three; then the same with every part of the section (quotes, complaints with their clock,
the fleet tab) for 200 clients of whom one in three has a complaint, one in four a quote and
one in ten a fleet contract of five vehicles. The budgets are generous because machines vary;
a figure over one fails the bench, never ``make test``."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.bench import timing
from tests.contracts.fixtures import day
from tests.contracts.queries import CREATE, CREATE_CLIENT, DECLARE, contract, participant
from tests.contracts.queries_more import ADD_VEHICLE, CREATE_QUOTE, RECORD_COMPLAINT
from tests.harness import GraphQLClient, System

SECTION = """
contracts {
  openClaimsCount totalCount
  nodes {
    id reference policyNumber insurer product branch status effectiveDate dueDate tacitRenewal
    terminationDate premium { amount currency } paymentFrequency premiumCollector consumer
    participants { clientId clientName roles validFrom validTo }
    markers { renewalState openClaim daysToDueDate }
  }
  claims(first: 10) { totalCount nodes { id reference type status lossDate open } }
}
"""
ONE = "query($id: ID!) { client(id: $id) { id displayName " + SECTION + " } }"
PAGE = "{ clients(first: 50) { edges { node { id displayName " + SECTION + " } } } }"
WHOLE_SECTION = (
    SECTION.rstrip().removesuffix("}")
    + """
  openComplaintsCount overdueComplaintsCount
  complaints(first: 10) { totalCount nodes { id reference status clock { overdue answerDue } } }
  quotes(first: 10) { totalCount nodes { id reference status validUntil } }
  fleet(first: 20) { vehiclesOnCover vehicles { totalCount nodes { id registration onCover } } }
}
"""
)
ONE_WHOLE = "query($id: ID!) { client(id: $id) { id displayName " + WHOLE_SECTION + " } }"
PAGE_WHOLE = "{ clients(first: 50) { edges { node { id displayName " + WHOLE_SECTION + " } } } }"


@pytest.fixture(scope="module")
def quiet_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system as in production: no span file written on every call."""
    with timing.quiet_system(
        tmp_path_factory, "contracts-latency", ("identity", "contracts")
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def gql(quiet_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    return await timing.serving(quiet_system, http)


@pytest.fixture(scope="module")
async def client_ids(gql: GraphQLClient) -> list[str]:
    async def one(n: int) -> str:
        body = await gql.data(
            CREATE_CLIENT,
            {"input": {"kind": "INDIVIDUAL", "firstName": "Léa", "lastName": f"Banc {n:03}"}},
        )
        created: str = body["createClient"]["id"]
        return created

    ids = []
    for start in range(0, 200, 25):
        ids += await asyncio.gather(*(one(n) for n in range(start, start + 25)))
    for n, client_id in enumerate(ids):
        held = [participant(client_id, "POLICYHOLDER", "INSURED", "PAYER")]
        if n % 4 == 1:
            held.append(participant(ids[n - 1], "INSURED"))
        for branch, due in (("MOTOR", day(30 + n)), ("HOME", day(-5 + n)), ("HEALTH", day(200)))[
            : 2 + n % 2
        ]:
            made = (await gql.data(CREATE, {"input": contract(*held, branch=branch, dueDate=due)}))[
                "createContract"
            ]
            if branch == "MOTOR" and n % 3 == 0:
                await gql.data(
                    DECLARE,
                    {"input": {"contractId": made["id"], "type": "COLLISION", "lossDate": day(-3)}},
                )
    return ids


async def test_the_contracts_section(gql: GraphQLClient, client_ids: list[str]) -> None:
    p50_one, p95_one = await timing.timed(lambda: gql.data(ONE, {"id": client_ids[42]}))
    p50_page, p95_page = await timing.timed(lambda: gql.data(PAGE))
    print()
    timing.report("client(id) with its contracts section", p50_one, p95_one)
    timing.report("clients(first: 50) with the contracts section", p50_page, p95_page)
    assert p50_one < 60
    assert p50_page < 300


@pytest.fixture(scope="module")
async def whole_ids(gql: GraphQLClient, client_ids: list[str]) -> list[str]:
    """The same clients, now with complaints, quotes and fleets as well."""
    for n, client_id in enumerate(client_ids):
        if n % 3 == 0:
            await gql.data(
                RECORD_COMPLAINT,
                {
                    "input": {
                        "clientId": client_id,
                        "channel": "EMAIL",
                        "subject": "Relance",
                        "receivedOn": day(-(n % 60)),
                    }
                },
            )
        if n % 4 == 0:
            await gql.data(
                CREATE_QUOTE,
                {
                    "input": {
                        "insurer": "MAAF",
                        "product": "Auto",
                        "branch": "MOTOR",
                        "validUntil": day(n % 20 - 5),
                        "participants": [participant(client_id)],
                    }
                },
            )
        if n % 10 == 0:
            fleet = (
                await gql.data(CREATE, {"input": contract(participant(client_id), branch="FLEET")})
            )["createContract"]
            for v in range(5):
                await gql.data(
                    ADD_VEHICLE,
                    {
                        "input": {
                            "contractId": fleet["id"],
                            "registration": f"FL-{n + 1:03d}-A{'BCDEF'[v]}",
                            "make": "Renault",
                            "entryDate": day(-v),
                        }
                    },
                )
    return client_ids


async def test_the_whole_contracts_section(gql: GraphQLClient, whole_ids: list[str]) -> None:
    p50_one, p95_one = await timing.timed(lambda: gql.data(ONE_WHOLE, {"id": whole_ids[30]}))
    p50_page, p95_page = await timing.timed(lambda: gql.data(PAGE_WHOLE))
    print()
    timing.report("client(id) with the whole contracts section", p50_one, p95_one)
    timing.report("clients(first: 50) with the whole contracts section", p50_page, p95_page)
    assert p50_one < 80
    assert p50_page < 400
