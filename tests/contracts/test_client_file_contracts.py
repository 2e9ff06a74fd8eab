"""The contracts section through the gateway, against the real services: a contract shared by
two clients on both files in one call, today's markers, the termination rules refusing what
they do not allow, the open-claims counter, what each role sees, another agency's ids, the
live events, and one call to the service for a whole page."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.contracts.fixtures import day
from tests.contracts.queries import (
    CLAIM_STATUS,
    CLIENT_EVENTS,
    COUNTERS,
    CREATE,
    CREATE_CLIENT,
    DECLARE,
    FILE,
    GET,
    GET_CLAIM,
    PAGE,
    RENEW,
    REQUEST_TERMINATION,
    SETTINGS,
    TERMINATE,
    UPDATE,
    UPDATE_CLAIM,
    UPDATE_SETTINGS,
    contract,
    participant,
)
from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient, Subscription, System, new_tenant, wait_serving


async def _client(gql: GraphQLClient, last: str, first: str = "Léa") -> str:
    body = await gql.data(
        CREATE_CLIENT, {"input": {"kind": "INDIVIDUAL", "firstName": first, "lastName": last}}
    )
    created: str = body["createClient"]["id"]
    return created


async def _contract(gql: GraphQLClient, *participants: dict[str, object], **fields: Any) -> Any:
    return (await gql.data(CREATE, {"input": contract(*participants, **fields)}))["createContract"]


def _bad_input(body: dict[str, Any]) -> list[tuple[str, str]]:
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return [(v["field"], v["rule"]) for v in error["extensions"]["violations"]]


async def test_a_contract_shared_by_two_clients_shows_on_both_files_in_one_call(
    gql: GraphQLClient,
) -> None:
    parent = await _client(gql, "Aubert", "Claire")
    child = await _client(gql, "Aubert", "Jules")
    shared = await _contract(
        gql,
        participant(parent, "POLICYHOLDER", "INSURED", "PAYER"),
        participant(child, "INSURED"),
        branch="HEALTH",
        product="Complémentaire Santé Famille",
    )
    assert shared["reference"].startswith("CT")
    assert shared["premium"] == {"amount": "612.40", "currency": "EUR"}
    assert [p["roles"] for p in shared["participants"]] == [
        ["POLICYHOLDER", "INSURED", "PAYER"],
        ["INSURED"],
    ]
    trace_id, body = await traced(gql, PAGE, {"first": 10})
    assert "errors" not in body, body["errors"]
    files = {e["node"]["id"]: e["node"]["contracts"] for e in body["data"]["clients"]["edges"]}
    for client_id in (parent, child):
        assert [e["node"]["id"] for e in files[client_id]["edges"]] == [shared["id"]]
    # The names come from the service's copy of identity's clients, once it has them.
    assert calls(gql, trace_id)["contracts"] == Counter({"BatchGetClientContracts": 1})


async def test_a_page_of_50_files_costs_one_call_to_the_contracts_service(
    gql: GraphQLClient,
) -> None:
    ids = await asyncio.gather(*(_client(gql, f"Membre {n:02}") for n in range(50)))
    await asyncio.gather(*(_contract(gql, participant(c)) for c in ids[::2]))
    for size in (1, 50):
        trace_id, body = await traced(gql, PAGE, {"first": size})
        assert "errors" not in body, body["errors"]
        assert len(body["data"]["clients"]["edges"]) == size
        assert calls(gql, trace_id)["contracts"] == Counter({"BatchGetClientContracts": 1})


async def test_the_file_shows_todays_markers(gql: GraphQLClient) -> None:
    client = await _client(gql, "Marqueurs")
    due = {"UP_TO_DATE": day(61), "TO_RENEW": day(60), "NOT_RENEWED": day(-1)}
    made = {
        state: await _contract(gql, participant(client), dueDate=when)
        for state, when in due.items()
    }
    ended = await _contract(gql, participant(client), dueDate=day(10))
    await gql.data(
        TERMINATE,
        {"id": ended["id"], "version": ended["version"], "date": day(0), "reason": "DEATH"},
    )
    body = await gql.data(FILE, {"id": client})
    section = body["client"]["contracts"]
    assert section["today"] == day(0)
    states = {c["id"]: c["markers"]["renewalState"] for c in section["nodes"]}
    assert {state: states[c["id"]] for state, c in made.items()} == {
        "UP_TO_DATE": "UP_TO_DATE",
        "TO_RENEW": "TO_RENEW",
        "NOT_RENEWED": "NOT_RENEWED",
    }
    assert states[ended["id"]] == "TERMINATED"
    to_renew = await gql.data(FILE, {"id": client, "states": ["TO_RENEW"]})
    assert [c["id"] for c in to_renew["client"]["contracts"]["nodes"]] == [made["TO_RENEW"]["id"]]
    renewed = await gql.data(
        RENEW, {"id": made["NOT_RENEWED"]["id"], "version": made["NOT_RENEWED"]["version"]}
    )
    assert renewed["renewContract"]["lastRenewedOn"] == day(-1)


async def test_a_termination_the_rules_do_not_allow_is_refused_with_the_rule_and_the_day(
    gql: GraphQLClient,
) -> None:
    client = await _client(gql, "Hamon")
    recent = await _contract(gql, participant(client), effectiveDate=day(-100), dueDate=day(265))
    body = await gql.execute(
        REQUEST_TERMINATION, {"id": recent["id"], "version": recent["version"], "rule": "HAMON"}
    )
    assert body["data"]["requestTermination"] is None
    ((field, rule),) = _bad_input(body)
    assert field == "rule"
    assert rule.startswith(f"L113-15-2 (Hamon): not allowed for a notice received on {day(0)} ")
    assert f"(allowed from {day(265)})" in rule
    rights = (await gql.data(GET, {"id": recent["id"]}))["contract"]["terminationRights"]
    hamon = next(r for r in rights["rules"] if r["rule"] == "HAMON")
    assert (hamon["available"], hamon["availableFrom"]) == (False, day(265))
    # Allowed: recorded, the contract is terminating until its end date.
    allowed = await gql.data(
        REQUEST_TERMINATION, {"id": recent["id"], "version": recent["version"], "rule": "ANNUAL"}
    )
    recorded = allowed["requestTermination"]
    assert recorded["markers"]["renewalState"] == "TERMINATING"
    assert recorded["terminationReason"] == "INSURED_REQUEST"
    assert recorded["terminationRequest"]["rule"] == "ANNUAL"
    stale = await gql.execute(
        REQUEST_TERMINATION, {"id": recent["id"], "version": recent["version"]}
    )
    assert stale["errors"][0]["extensions"]["code"] == "CONFLICT"


async def test_the_open_claims_counter_follows_open_close_and_reopen(gql: GraphQLClient) -> None:
    holder = await _client(gql, "Sinistre")
    driver = await _client(gql, "Conducteur")
    made = await _contract(gql, participant(holder, "POLICYHOLDER", "DRIVER"))

    async def counts() -> dict[str, int]:
        return {
            c: (await gql.data(COUNTERS, {"id": c}))["client"]["contracts"]["openClaimsCount"]
            for c in (holder, driver)
        }

    declared = (
        await gql.data(
            DECLARE,
            {
                "input": {
                    "contractId": made["id"],
                    "type": "COLLISION",
                    "lossDate": day(-2),
                    "assessedAmount": {"amount": "1250.00", "currency": "EUR"},
                    "participants": [participant(driver, "DRIVER", "CLAIMANT")],
                }
            },
        )
    )["declareClaim"]
    assert declared["status"] == "DECLARED"
    assert declared["assessedAmount"] == {"amount": "1250.00", "currency": "EUR"}
    assert declared["clientIds"] == [holder, driver]
    assert await counts() == {holder: 1, driver: 1}
    section = (await gql.data(COUNTERS, {"id": holder}))["client"]["contracts"]
    assert section["nodes"] == [
        {"id": made["id"], "openClaimsCount": 1, "markers": {"openClaim": True}}
    ]
    assert section["claims"]["nodes"] == [{"id": declared["id"]}]
    closed = (
        await gql.data(
            CLAIM_STATUS, {"id": declared["id"], "version": declared["version"], "status": "CLOSED"}
        )
    )["changeClaimStatus"]
    assert closed["open"] is False
    assert await counts() == {holder: 0, driver: 0}
    reopened = (
        await gql.data(
            CLAIM_STATUS,
            {
                "id": declared["id"],
                "version": closed["version"],
                "status": "REOPENED",
                "note": "Contre-expertise",
            },
        )
    )["changeClaimStatus"]
    assert [h["status"] for h in reopened["history"]] == ["DECLARED", "CLOSED", "REOPENED"]
    assert await counts() == {holder: 1, driver: 1}
    wrong = await gql.execute(
        CLAIM_STATUS, {"id": declared["id"], "version": reopened["version"], "status": "PAID"}
    )
    assert _bad_input(wrong)[0][0] == "status"
    described = await gql.data(
        UPDATE_CLAIM,
        {"id": declared["id"], "version": reopened["version"], "input": {"description": "Choc"}},
    )
    assert described["updateClaim"]["description"] == "Choc"
    got = await gql.data(GET_CLAIM, {"id": declared["id"]})
    assert got["claim"]["participants"][0]["clientId"] == driver


async def test_bad_input_is_refused_whole_with_every_field(gql: GraphQLClient) -> None:
    client = await _client(gql, "Erreurs")
    body = await gql.execute(
        CREATE,
        {
            "input": contract(
                participant(client, "INSURED", sharePercent=20),
                insurer="",
                dueDate="2020-01-01",
                premium={"amount": "12.345", "currency": "EUR"},
            )
        },
    )
    assert body["data"]["createContract"] is None
    assert _bad_input(body) == [("premium", "EUR amounts have at most 2 decimals")]
    body = await gql.execute(
        CREATE,
        {
            "input": contract(
                participant(client, "INSURED", sharePercent=20),
                insurer="",
                dueDate="2020-01-01",
            )
        },
    )
    assert sorted(_bad_input(body)) == sorted(
        [
            ("insurer", "required"),
            ("dueDate", "must not be before effectiveDate"),
            ("participants", "one of them must be the POLICYHOLDER"),
            ("participants[0].sharePercent", "only for a BENEFICIARY"),
        ]
    )
    unknown = await gql.execute(
        CREATE, {"input": contract(participant(client), participant("01NOSUCHCLIENT", "DRIVER"))}
    )
    assert _bad_input(unknown) == [("participants[1].clientId", "no such client")]


async def test_an_update_changes_only_the_fields_given(gql: GraphQLClient) -> None:
    client = await _client(gql, "Modif")
    made = await _contract(gql, participant(client))
    body = await gql.data(
        UPDATE,
        {"id": made["id"], "version": made["version"], "input": {"statusLabel": "En attente CP"}},
    )
    updated = body["updateContract"]
    assert (updated["statusLabel"], updated["insurer"]) == ("En attente CP", "AXA France")
    assert updated["version"] == made["version"] + 1


async def test_technicians_see_a_null_section_and_partners_only_their_contracts(
    gql: GraphQLClient,
) -> None:
    client = await _client(gql, "Roles")
    axa = await _contract(gql, participant(client), partnerIds=["insurer-axa"])
    await _contract(gql, participant(client), partnerIds=["insurer-maaf"], insurer="MAAF")
    system = gql.system
    technician = GraphQLClient(system, gql.http, gql.tenant, role="technician")
    seen = await technician.execute(FILE, {"id": client})
    assert "errors" not in seen
    assert seen["data"]["client"]["contracts"] is None
    partner = GraphQLClient(system, gql.http, gql.tenant, role="partner")
    partner.headers = {
        "Authorization": f"Bearer {system.token(gql.tenant, 'partner', 'insurer-axa')}"
    }
    theirs = await partner.data(FILE, {"id": client})
    assert [c["id"] for c in theirs["client"]["contracts"]["nodes"]] == [axa["id"]]
    refused = await partner.execute(
        UPDATE, {"id": axa["id"], "version": axa["version"], "input": {"product": "X"}}
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    settings = await gql.data(SETTINGS)
    assert settings["contractSettings"] == {
        "renewalWindowDays": 60,
        "timezone": "Europe/Paris",
        "version": 0,
    }
    forbidden = await gql.execute(UPDATE_SETTINGS, {"version": 0, "days": 30})
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    manager = GraphQLClient(system, gql.http, gql.tenant, role="manager")
    changed = await manager.data(UPDATE_SETTINGS, {"version": 0, "days": 90})
    assert changed["updateContractSettings"]["renewalWindowDays"] == 90


async def test_another_agencys_contracts_and_claims_are_not_found(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client = await _client(gql, "Secret")
    made = await _contract(gql, participant(client))
    claim = (
        await gql.data(
            DECLARE, {"input": {"contractId": made["id"], "type": "THEFT", "lossDate": day(-1)}}
        )
    )["declareClaim"]
    intruder = other_gql
    for document, variables, field in (
        (GET, {"id": made["id"]}, "contract"),
        (UPDATE, {"id": made["id"], "version": 1, "input": {"product": "X"}}, "updateContract"),
        (RENEW, {"id": made["id"], "version": 1}, "renewContract"),
        (
            TERMINATE,
            {"id": made["id"], "version": 1, "date": day(0), "reason": "DEATH"},
            "terminateContract",
        ),
        (REQUEST_TERMINATION, {"id": made["id"], "version": 1}, "requestTermination"),
        (GET_CLAIM, {"id": claim["id"]}, "claim"),
        (
            DECLARE,
            {"input": {"contractId": made["id"], "type": "THEFT", "lossDate": day(-1)}},
            "declareClaim",
        ),
        (
            UPDATE_CLAIM,
            {"id": claim["id"], "version": 1, "input": {"description": "x"}},
            "updateClaim",
        ),
        (CLAIM_STATUS, {"id": claim["id"], "version": 1, "status": "OPENED"}, "changeClaimStatus"),
    ):
        body = await intruder.execute(document, variables)
        assert body["data"][field] is None, field
        assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"], field
        assert body["errors"][0]["message"] == "not found"
    # A participant from another agency is no client of this one.
    own = await _client(intruder, "Intrus")
    body = await intruder.execute(
        CREATE, {"input": contract(participant(own), participant(client, "DRIVER"))}
    )
    assert _bad_input(body) == [("participants[1].clientId", "no such client")]


async def test_an_open_file_hears_of_its_contracts_and_claims(gql: GraphQLClient) -> None:
    parent = await _client(gql, "Écoute")
    child = await _client(gql, "Écoute", "Noé")
    system = gql.system
    token = system.token(gql.tenant)
    async with Subscription(system, token, CLIENT_EVENTS, {"id": parent}) as screen:
        made = await _contract(gql, participant(parent), participant(child, "INSURED"))
        await gql.data(
            DECLARE, {"input": {"contractId": made["id"], "type": "FIRE", "lossDate": day(-1)}}
        )
        heard: list[dict[str, Any]] = []
        # The screening of the new clients reaches the same screen on its own time: the
        # contracts service's events are picked out by their type.
        async with asyncio.timeout(30):
            while len(heard) < 2:
                event = (await screen.next())["payload"]["data"]["clientEvents"]
                if event["type"].startswith("c360.contracts."):
                    heard.append(event)
    assert [e["type"] for e in heard] == [
        "c360.contracts.contract.created",
        "c360.contracts.claim.opened",
    ]
    assert {e["clientId"] for e in heard} == {parent}
    assert heard[0]["contract"]["id"] == made["id"]
    assert heard[1]["claim"]["status"] == "DECLARED"


# The contracts service down: its section is null, the rest of the file is served.


@pytest.fixture(scope="module")
def contracts_down(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(
        Path(tmp_path_factory.mktemp("contracts-down")),
        services=("identity", "contracts"),
        settings={"C360_FAULT_METHODS": "BatchGetClientContracts"},
    )
    running.start()
    yield running
    running.stop()


async def test_the_contracts_service_down_nulls_only_its_section(
    contracts_down: System, http: httpx.AsyncClient
) -> None:
    for name in contracts_down.services:
        await wait_serving(contracts_down.address(name))
    gql = GraphQLClient(contracts_down, http, new_tenant())
    client = await _client(gql, "Panne")
    body = await gql.execute(
        "query($id: ID!) { client(id: $id) { id displayName contracts { openClaimsCount } } }",
        {"id": client},
    )
    assert body["data"]["client"]["displayName"] == "Léa Panne"
    assert body["data"]["client"]["contracts"] is None
    assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
        (["client", "contracts"], {"code": "SERVICE_UNAVAILABLE", "service": "contracts"})
    ]
