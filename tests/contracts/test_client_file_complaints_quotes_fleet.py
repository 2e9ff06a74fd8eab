"""Complaints, quotes, the fleet tab and billing's unpaid path through the gateway, against the
real services and the real broker: the ACPR clock and the overdue flags on the file and in a
manager's listing, a quote accepted into a contract on both its clients' files, the fleet tab
present only with a fleet contract, the contract suspended and reinstated by billing's events
published on NATS, the roles, another agency's ids, the live events, and still one call to
the contracts service for a page of 50 files."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import nats

from client360.billing.v1 import billing_pb2
from runtime.bus import STREAM
from runtime.outbox import new_event
from tests.contracts.fixtures import day
from tests.contracts.queries import CREATE, CREATE_CLIENT, contract, participant
from tests.contracts.queries_more import (
    ACCEPT_QUOTE,
    ACKNOWLEDGE,
    ADD_VEHICLE,
    AGENCY_COMPLAINTS,
    ANSWER,
    CREATE_QUOTE,
    EVENTS_MORE,
    FILE_MORE,
    PAGE_MORE,
    RECORD_COMPLAINT,
    REMOVE_VEHICLE,
    SEND_QUOTE,
    UPDATE_QUOTE,
)
from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient, Subscription
from tests.waiting import eventually


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


async def test_complaints_show_their_acpr_clock_and_overdue_flag_on_the_file(
    gql: GraphQLClient,
) -> None:
    client = await _client(gql, "Réclame")
    late = (
        await gql.data(
            RECORD_COMPLAINT,
            {
                "input": {
                    "clientId": client,
                    "channel": "LETTER",
                    "subject": "Indemnisation trop faible",
                    "receivedOn": day(-25),
                    "sentOn": day(-28),
                }
            },
        )
    )["recordComplaint"]
    assert late["reference"].startswith("RC")
    assert late["clock"]["countedFrom"] == day(-28)
    assert late["clock"]["overdue"] is True
    fresh = (
        await gql.data(
            RECORD_COMPLAINT,
            {"input": {"clientId": client, "channel": "PHONE", "subject": "Attente au téléphone"}},
        )
    )["recordComplaint"]
    assert (fresh["receivedOn"], fresh["status"], fresh["clock"]["overdue"]) == (
        day(0),
        "RECEIVED",
        False,
    )
    section = (await gql.data(FILE_MORE, {"id": client}))["client"]["contracts"]
    assert (section["openComplaintsCount"], section["overdueComplaintsCount"]) == (2, 1)
    assert [c["id"] for c in section["complaints"]["nodes"]] == [fresh["id"], late["id"]]
    # No fleet contract: no fleet tab.
    assert section["fleet"] is None
    acked = (await gql.data(ACKNOWLEDGE, {"id": late["id"], "version": late["version"]}))[
        "acknowledgeComplaint"
    ]
    assert acked["status"] == "ACKNOWLEDGED"
    assert acked["clock"]["acknowledgementOverdue"] is False
    refused = await gql.execute(
        ANSWER, {"id": late["id"], "version": acked["version"], "outcome": "REJECTED"}
    )
    assert _bad_input(refused) == [("mediator", "required when the outcome is REJECTED")]
    answered = (
        await gql.data(
            ANSWER,
            {
                "id": late["id"],
                "version": acked["version"],
                "outcome": "REJECTED",
                "mediator": "La Médiation de l'Assurance",
            },
        )
    )["answerComplaint"]
    assert (answered["status"], answered["clock"]["overdue"]) == ("ANSWERED", False)
    section = (await gql.data(FILE_MORE, {"id": client}))["client"]["contracts"]
    assert (section["openComplaintsCount"], section["overdueComplaintsCount"]) == (1, 0)
    bad = await gql.execute(
        RECORD_COMPLAINT,
        {"input": {"clientId": "nobody", "channel": "EMAIL", "subject": "x"}},
    )
    assert _bad_input(bad) == [("clientId", "no such client")]


async def test_a_manager_lists_overdue_complaints_across_clients(gql: GraphQLClient) -> None:
    ids = [await _client(gql, f"Retard {n}") for n in range(3)]
    for n, client in enumerate(ids):
        await gql.data(
            RECORD_COMPLAINT,
            {
                "input": {
                    "clientId": client,
                    "channel": "EMAIL",
                    "subject": "Relance",
                    "receivedOn": day(-40 + n),
                }
            },
        )
    await gql.data(
        RECORD_COMPLAINT, {"input": {"clientId": ids[0], "channel": "EMAIL", "subject": "Neuve"}}
    )
    manager = GraphQLClient(gql.system, gql.http, gql.tenant, role="manager")
    first = (await manager.data(AGENCY_COMPLAINTS, {"first": 2}))["agencyComplaints"]
    assert first["totalCount"] == 3
    assert [c["clientId"] for c in first["nodes"]] == ids[:2]
    # Named from the service's copy of identity's clients, once it has them.
    await eventually(
        lambda: manager.data(AGENCY_COMPLAINTS, {"first": 1}),
        lambda body: body["agencyComplaints"]["nodes"][0]["clientName"] == "Léa Retard 0",
        what="the client's name in the listing",
    )
    rest = (
        await manager.data(AGENCY_COMPLAINTS, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    )["agencyComplaints"]
    assert [c["clientId"] for c in rest["nodes"]] == ids[2:]
    assert rest["pageInfo"]["hasNextPage"] is False
    forbidden = await gql.execute(AGENCY_COMPLAINTS, {"first": 2})
    assert forbidden["data"]["agencyComplaints"] is None
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_accepted_quote_becomes_a_contract_on_both_clients_files(
    gql: GraphQLClient,
) -> None:
    parent = await _client(gql, "Devis", "Claire")
    child = await _client(gql, "Devis", "Jules")
    quote = (
        await gql.data(
            CREATE_QUOTE,
            {
                "input": {
                    "insurer": "MAAF",
                    "product": "Santé Famille",
                    "branch": "HEALTH",
                    "validUntil": day(30),
                    "premium": {"amount": "89.90", "currency": "EUR"},
                    "paymentFrequency": "MONTHLY",
                    "participants": [
                        participant(parent, "POLICYHOLDER", "PAYER"),
                        participant(child, "INSURED"),
                    ],
                }
            },
        )
    )["createInsuranceQuote"]
    assert (quote["status"], quote["premium"]) == ("DRAFT", {"amount": "89.90", "currency": "EUR"})
    cheaper = (
        await gql.data(
            UPDATE_QUOTE,
            {
                "id": quote["id"],
                "version": quote["version"],
                "input": {"premium": {"amount": "79.90", "currency": "EUR"}},
            },
        )
    )["updateInsuranceQuote"]
    assert cheaper["premium"] == {"amount": "79.90", "currency": "EUR"}
    assert cheaper["product"] == "Santé Famille"
    sent = (await gql.data(SEND_QUOTE, {"id": quote["id"], "version": cheaper["version"]}))[
        "sendInsuranceQuote"
    ]
    accepted = (await gql.data(ACCEPT_QUOTE, {"id": quote["id"], "version": sent["version"]}))[
        "acceptInsuranceQuote"
    ]
    made = accepted["contract"]
    assert accepted["quote"]["status"] == "ACCEPTED"
    assert accepted["quote"]["contractId"] == made["id"]
    assert (made["status"], made["quoteId"], made["policyNumber"]) == (
        "QUOTE_ACCEPTED",
        quote["id"],
        "MAAF-1",
    )
    trace_id, body = await traced(gql, PAGE_MORE, {"first": 50})
    assert "errors" not in body, body["errors"]
    files = {e["node"]["id"]: e["node"]["contracts"] for e in body["data"]["clients"]["edges"]}
    for client in (parent, child):
        assert [c["id"] for c in files[client]["nodes"]] == [made["id"]]
        assert [(q["id"], q["status"]) for q in files[client]["quotes"]["nodes"]] == [
            (quote["id"], "ACCEPTED")
        ]
    assert calls(gql, trace_id)["contracts"] == Counter({"BatchGetClientContracts": 1})
    again = await gql.execute(ACCEPT_QUOTE, {"id": quote["id"], "version": 4})
    assert _bad_input(again) == [("id", "a ACCEPTED quote is not DRAFT or SENT")]
    expired = (
        await gql.data(
            CREATE_QUOTE,
            {
                "input": {
                    "insurer": "MAAF",
                    "product": "Auto",
                    "branch": "MOTOR",
                    "validUntil": day(-1),
                    "participants": [participant(parent)],
                }
            },
        )
    )["createInsuranceQuote"]
    assert expired["status"] == "EXPIRED"


async def test_the_fleet_tab_follows_its_vehicles(gql: GraphQLClient) -> None:
    owner = await _client(gql, "Transports")
    driver = await _client(gql, "Chauffeur", "Paul")
    fleet = await _contract(gql, participant(owner), branch="FLEET", product="Flotte")
    van = (
        await gql.data(
            ADD_VEHICLE,
            {
                "input": {
                    "contractId": fleet["id"],
                    "registration": "fg-512 hk",
                    "make": "Renault",
                    "entryDate": day(-30),
                    "driverClientId": driver,
                }
            },
        )
    )["addFleetVehicle"]
    # The driver's name comes with the service's copy of identity's clients, once it has it.
    assert (van["registration"], van["onCover"], van["driverClientId"]) == (
        "FG-512-HK",
        True,
        driver,
    )
    bad = await gql.execute(
        ADD_VEHICLE,
        {
            "input": {
                "contractId": fleet["id"],
                "registration": "123-AB-45",
                "make": "",
                "entryDate": day(0),
            }
        },
    )
    assert sorted(_bad_input(bad)) == [
        ("make", "required"),
        ("registration", "not a French registration in the SIV form AA-123-AA"),
    ]
    gone = (
        await gql.data(
            REMOVE_VEHICLE, {"id": van["id"], "version": van["version"], "exit": day(-1)}
        )
    )["removeFleetVehicle"]
    assert (gone["exitDate"], gone["onCover"]) == (day(-1), False)
    section = (await gql.data(FILE_MORE, {"id": owner}))["client"]["contracts"]
    assert section["fleet"]["contractIds"] == [fleet["id"]]
    assert section["fleet"]["vehiclesOnCover"] == 0
    assert [(v["id"], v["exitDate"]) for v in section["fleet"]["vehicles"]["nodes"]] == [
        (van["id"], day(-1))
    ]
    technician = GraphQLClient(gql.system, gql.http, gql.tenant, role="technician")
    seen = await technician.execute(FILE_MORE, {"id": owner})
    assert "errors" not in seen
    assert seen["data"]["client"]["contracts"] is None


async def _publish_unpaid(
    gql: GraphQLClient, notice_id: str, contract_id: str, step: Any, on: str
) -> None:
    event = new_event(
        billing_pb2.NoticeUnpaidStepTaken(
            notice=billing_pb2.PremiumNotice(id=notice_id, contract_id=contract_id),
            step=billing_pb2.UnpaidStepTaken(step=step, date=on),
        ),
        tenant_id=gql.tenant,
        key="client",
        actor_id="unpaid-path",
    )
    nc = await nats.connect(gql.system.nats.url)
    try:
        js = nc.jetstream()
        await js.publish(
            event.type, event.SerializeToString(), stream=STREAM, headers={"Nats-Msg-Id": event.id}
        )
    finally:
        await nc.drain()


async def test_billings_unpaid_path_suspends_and_reinstates_the_contract(
    gql: GraphQLClient,
) -> None:
    client = await _client(gql, "Impayé")
    made = await _contract(gql, participant(client))

    async def state() -> tuple[str, str, str | None]:
        node = (await gql.data(FILE_MORE, {"id": client}))["client"]["contracts"]["nodes"][0]
        return node["status"], node["unpaidState"], node["unpaidStateSince"]

    await _publish_unpaid(gql, "notice-1", made["id"], billing_pb2.UNPAID_STEP_SUSPENDED, day(-2))
    await eventually(state, lambda s: s == ("SUSPENDED", "SUSPENDED", day(-2)), what="suspended")
    await _publish_unpaid(gql, "notice-1", made["id"], billing_pb2.UNPAID_STEP_REINSTATED, day(0))
    await eventually(state, lambda s: s == ("IN_FORCE", "NONE", None), what="reinstated")


async def test_another_agencys_complaints_quotes_and_vehicles_are_not_found(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client = await _client(gql, "Privé")
    fleet = await _contract(gql, participant(client), branch="FLEET")
    complaint = (
        await gql.data(
            RECORD_COMPLAINT, {"input": {"clientId": client, "channel": "EMAIL", "subject": "x"}}
        )
    )["recordComplaint"]
    quote = (
        await gql.data(
            CREATE_QUOTE,
            {
                "input": {
                    "insurer": "MAAF",
                    "product": "Auto",
                    "branch": "MOTOR",
                    "validUntil": day(5),
                    "participants": [participant(client)],
                }
            },
        )
    )["createInsuranceQuote"]
    vehicle = (
        await gql.data(
            ADD_VEHICLE,
            {
                "input": {
                    "contractId": fleet["id"],
                    "registration": "AB-123-CD",
                    "make": "Peugeot",
                    "entryDate": day(0),
                }
            },
        )
    )["addFleetVehicle"]
    for document, variables, field in (
        ("query($id: ID!) { complaint(id: $id) { id } }", {"id": complaint["id"]}, "complaint"),
        (ACKNOWLEDGE, {"id": complaint["id"], "version": 1}, "acknowledgeComplaint"),
        (
            "query($id: ID!) { insuranceQuote(id: $id) { id } }",
            {"id": quote["id"]},
            "insuranceQuote",
        ),
        (
            UPDATE_QUOTE,
            {"id": quote["id"], "version": 1, "input": {"product": "X"}},
            "updateInsuranceQuote",
        ),
        (SEND_QUOTE, {"id": quote["id"], "version": 1}, "sendInsuranceQuote"),
        (ACCEPT_QUOTE, {"id": quote["id"], "version": 1}, "acceptInsuranceQuote"),
        (REMOVE_VEHICLE, {"id": vehicle["id"], "version": 1}, "removeFleetVehicle"),
        (
            ADD_VEHICLE,
            {
                "input": {
                    "contractId": fleet["id"],
                    "registration": "AB-124-CD",
                    "make": "Peugeot",
                    "entryDate": day(0),
                }
            },
            "addFleetVehicle",
        ),
    ):
        body = await other_gql.execute(document, variables)
        assert body["data"][field] is None, field
        assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"], field


async def test_an_open_file_hears_of_its_complaints_quotes_and_vehicles(
    gql: GraphQLClient,
) -> None:
    client = await _client(gql, "Écoute")
    fleet = await _contract(gql, participant(client), branch="FLEET")
    token = gql.system.token(gql.tenant)
    async with Subscription(gql.system, token, EVENTS_MORE, {"id": client}) as screen:
        await gql.data(
            RECORD_COMPLAINT, {"input": {"clientId": client, "channel": "EMAIL", "subject": "x"}}
        )
        await gql.data(
            CREATE_QUOTE,
            {
                "input": {
                    "insurer": "MAAF",
                    "product": "Auto",
                    "branch": "MOTOR",
                    "validUntil": day(5),
                    "participants": [participant(client)],
                }
            },
        )
        await gql.data(
            ADD_VEHICLE,
            {
                "input": {
                    "contractId": fleet["id"],
                    "registration": "AB-123-CD",
                    "make": "Peugeot",
                    "entryDate": day(0),
                }
            },
        )
        heard: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while len(heard) < 3:
                event = (await screen.next())["payload"]["data"]["clientEvents"]
                if event["type"].startswith(
                    ("c360.contracts.complaint", "c360.contracts.quote", "c360.contracts.vehicle")
                ):
                    heard.append(event)
    assert [e["type"] for e in heard] == [
        "c360.contracts.complaint.received",
        "c360.contracts.quote.created",
        "c360.contracts.vehicle.added",
    ]
    assert heard[0]["complaint"]["status"] == "RECEIVED"
    assert heard[1]["insuranceQuote"]["status"] == "DRAFT"
    assert heard[2]["fleetVehicle"]["registration"] == "AB-123-CD"


async def test_a_manager_names_the_agencys_holiday_subdivision(gql: GraphQLClient) -> None:
    manager = GraphQLClient(gql.system, gql.http, gql.tenant, role="manager")
    update = """
    mutation($version: Int!, $subdivision: String!) {
      updateContractSettings(version: $version, holidaySubdivision: $subdivision) {
        holidaySubdivision version
      }
    }
    """
    refused = await manager.execute(update, {"version": 0, "subdivision": "67"})
    assert [f for f, _ in _bad_input(refused)] == ["holidaySubdivision"]
    changed = (await manager.data(update, {"version": 0, "subdivision": "57"}))[
        "updateContractSettings"
    ]
    assert changed == {"holidaySubdivision": "57", "version": 1}
    client = await _client(gql, "Moselle")
    # Received the day before Good Friday 2026, a holiday in Moselle: due a day later.
    made = (
        await gql.data(
            RECORD_COMPLAINT,
            {
                "input": {
                    "clientId": client,
                    "channel": "EMAIL",
                    "subject": "x",
                    "receivedOn": "2026-04-02",
                }
            },
        )
    )["recordComplaint"]
    assert made["clock"]["acknowledgementDue"] == "2026-04-16"
    forbidden = await gql.execute(update, {"version": 1, "subdivision": ""})
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_partner_sees_only_the_complaints_and_quotes_naming_it(gql: GraphQLClient) -> None:
    client = await _client(gql, "Partenaire")
    axa = await _contract(gql, participant(client), partnerIds=["insurer-axa"])
    maaf = await _contract(gql, participant(client), partnerIds=["insurer-maaf"])
    about_axa = (
        await gql.data(
            RECORD_COMPLAINT,
            {
                "input": {
                    "clientId": client,
                    "channel": "EMAIL",
                    "subject": "x",
                    "contractId": axa["id"],
                }
            },
        )
    )["recordComplaint"]
    for contract_id in (maaf["id"], None):
        await gql.data(
            RECORD_COMPLAINT,
            {
                "input": {
                    "clientId": client,
                    "channel": "EMAIL",
                    "subject": "y",
                    "contractId": contract_id,
                }
            },
        )
    quotes = []
    for partner_id in ("insurer-axa", "insurer-maaf"):
        made = await gql.data(
            CREATE_QUOTE,
            {
                "input": {
                    "insurer": "X",
                    "product": "Auto",
                    "branch": "MOTOR",
                    "validUntil": day(5),
                    "participants": [participant(client)],
                    "partnerIds": [partner_id],
                }
            },
        )
        quotes.append(made["createInsuranceQuote"])
    partner = GraphQLClient(gql.system, gql.http, gql.tenant, role="partner")
    partner.headers = {
        "Authorization": f"Bearer {gql.system.token(gql.tenant, 'partner', 'insurer-axa')}"
    }
    section = (await partner.data(FILE_MORE, {"id": client}))["client"]["contracts"]
    assert [c["id"] for c in section["nodes"]] == [axa["id"]]
    assert [c["id"] for c in section["complaints"]["nodes"]] == [about_axa["id"]]
    assert section["openComplaintsCount"] == 1
    assert [q["id"] for q in section["quotes"]["nodes"]] == [quotes[0]["id"]]
    refused = await partner.execute(
        RECORD_COMPLAINT, {"input": {"clientId": client, "channel": "EMAIL", "subject": "z"}}
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    advisor_view = (await gql.data(FILE_MORE, {"id": client}))["client"]["contracts"]
    assert advisor_view["openComplaintsCount"] == 3
