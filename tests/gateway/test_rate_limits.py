"""Rate limits per caller and per partner organisation: the buckets on a controlled clock, and
a running gateway answering 429 with Retry-After, to one caller only, until its bucket
refills."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.auth import Authenticator, issue_token
from gateway.rates import RateLimits
from runtime.caller import Caller
from runtime.config import load_settings
from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.waiting import eventually

ALICE = Caller("agency-a", "alice", "advisor")
BOB = Caller("agency-a", "bob", "advisor")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_caller_has_a_burst_then_its_rate() -> None:
    clock = Clock()
    limits = RateLimits(per_second=2, burst=3, partner_per_second=100, clock=clock)
    assert [limits.wait(ALICE) for _ in range(3)] == [0, 0, 0]
    assert limits.wait(ALICE) == 1  # half a second to the next token: 1 whole second
    assert limits.wait(BOB) == 0  # another caller has its own bucket
    clock.now += 0.5
    assert limits.wait(ALICE) == 0
    assert limits.wait(ALICE) == 1
    clock.now += 10
    assert [limits.wait(ALICE) for _ in range(4)] == [0, 0, 0, 1]  # refilled to the burst only


def test_a_partner_organisation_shares_its_rate_among_its_users() -> None:
    clock = Clock()
    limits = RateLimits(per_second=100, burst=3, partner_per_second=1, clock=clock)
    users = [Caller("agency-a", f"broker-{n}", "partner", organisation="axa") for n in range(5)]
    # The organisation's bucket holds four times a caller's burst: 12 requests, whoever sends
    # them; a fresh user of the same organisation then waits too.
    assert [limits.wait(users[n % 4]) for n in range(12)] == [0] * 12
    assert limits.wait(users[4]) == 1
    other = Caller("agency-a", "broker-9", "partner", organisation="allianz")
    assert limits.wait(other) == 0


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    system = System(
        Path(tmp_path_factory.mktemp("rates")),
        services=("identity",),
        settings={"C360_RATE_PER_SECOND": "1", "C360_RATE_BURST": "3"},
    )
    system.start()
    yield system
    system.stop()


async def test_a_caller_over_its_rate_is_told_when_to_come_back(
    limited: System, http: httpx.AsyncClient
) -> None:
    await wait_serving(limited.address("identity"))
    tenant = new_tenant()
    alice = GraphQLClient(limited, http, tenant)
    query = {"query": "{ clients(first: 1) { totalCount } }"}

    async def ask(client: GraphQLClient) -> httpx.Response:
        return await http.post(limited.graphql_url, json=query, headers=client.headers)

    answers = [await ask(alice) for _ in range(5)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    refused = next(a for a in answers if a.status_code == 429)
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert int(refused.headers["Retry-After"]) >= 1
    bob = GraphQLClient(limited, http, tenant)
    bob.headers = {"Authorization": f"Bearer {limited.token(tenant, user='bob')}"}
    assert (await ask(bob)).status_code == 200
    await eventually(lambda: ask(alice), lambda a: a.status_code == 200, what="alice served")


def test_a_partner_token_names_its_organisation() -> None:
    settings = load_settings({})
    token = issue_token(
        settings, tenant_id="agency-a", user_id="broker-1", role="partner", organisation="axa"
    )
    caller = asyncio.run(Authenticator(settings).caller(f"Bearer {token}"))
    assert caller.organisation == "axa"
    advisor = issue_token(
        settings, tenant_id="agency-a", user_id="alice", role="advisor", organisation="axa"
    )
    assert asyncio.run(Authenticator(settings).caller(f"Bearer {advisor}")).organisation == ""
