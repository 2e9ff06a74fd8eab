"""The client's timeline, against running processes: every service's events about the client
and the events added by hand, newest first, paged, filtered by type or service, with the
asset-freeze check described; one call for a page; null for a technician."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.contracts.queries import contract, participant
from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient, wait_consumed, wait_outbox_published
from tests.identity.queries import individual
from tests.waiting import eventually

CREATE = "mutation($input: ClientInput!) { createClient(input: $input) { id version } }"
ADD_PHONE = """
mutation($id: ID!, $v: Int!, $input: PhoneInput!) {
  addPhone(clientId: $id, version: $v, input: $input) { id }
}
"""
CONTRACT = "mutation($input: ContractInput!) { createContract(input: $input) { id reference } }"
FEE = "mutation($input: LedgerEntryInput!) { recordLedgerEntry(input: $input) { id } }"
ADD = """
mutation($id: ID!, $title: String!, $description: String!) {
  addTimelineEvent(clientId: $id, title: $title, description: $description) {
    id type summary description manual actorId
  }
}
"""
TIMELINE = """
query($id: ID!, $first: Int!, $after: String, $types: [String!]) {
  client(id: $id) {
    timeline(first: $first, after: $after, types: $types) {
      entries {
        id type service summary manual actorId recordService recordKind recordId occurredAt
      }
      endCursor hasNextPage
    }
  }
}
"""
PAGE = "{ clients(first: 20) { nodes { id timeline(first: 3) { entries { summary } } } } }"

SERVICES = ("communication-identity", "communication-timeline")


async def entries(gql: GraphQLClient, client_id: str, **args: Any) -> dict[str, Any]:
    variables = {"id": client_id, "first": 50, **args}
    timeline: dict[str, Any] = (await gql.data(TIMELINE, variables))["client"]["timeline"]
    return timeline


async def test_a_timeline_gathers_every_service_and_the_hand_added(gql: GraphQLClient) -> None:
    created = (await gql.data(CREATE, {"input": individual("Nina", "Perrin")}))["createClient"]
    client_id = created["id"]
    await gql.data(
        ADD_PHONE, {"id": client_id, "v": created["version"], "input": {"number": "0611223344"}}
    )
    signed = (await gql.data(CONTRACT, {"input": contract(participant(client_id))}))[
        "createContract"
    ]
    fee = {
        "clientId": client_id,
        "kind": "FEE",
        "date": "2026-11-02",
        "label": "Frais de dossier",
        "amount": {"amount": "9.90", "currency": "EUR"},
    }
    await gql.data(FEE, {"input": fee})
    added = (
        await gql.data(
            ADD, {"id": client_id, "title": "Rendez-vous en agence", "description": "Avec son fils"}
        )
    )["addTimelineEvent"]
    assert added["manual"] is True
    assert added["actorId"] == "tester"

    def complete(t: dict[str, Any]) -> bool:
        services = {e["service"] for e in t["entries"]}
        return {"identity", "compliance", "contracts", "billing", "communication"} <= services

    timeline = await eventually(
        lambda: entries(gql, client_id), complete, what="every service on the timeline"
    )
    rows = timeline["entries"]
    moments = [e["occurredAt"] for e in rows]
    assert moments == sorted(moments, reverse=True)
    summaries = [e["summary"] for e in rows]
    assert "Client created: Nina Perrin" in summaries
    assert "Rendez-vous en agence" in summaries
    assert "Entry recorded: Frais de dossier" in summaries
    assert any(s.startswith("Asset-freeze check: no match (register of ") for s in summaries)
    contract_entry = next(e for e in rows if e["type"] == "c360.contracts.contract.created")
    assert contract_entry["summary"] == f"Contract created: {signed['reference']}"
    assert (contract_entry["recordService"], contract_entry["recordKind"]) == (
        "contracts",
        "contract",
    )
    assert contract_entry["recordId"] == signed["id"]
    assert len({e["id"] for e in rows}) == len(rows)  # no event twice

    only_contracts = await entries(gql, client_id, types=["contracts"])
    assert {e["service"] for e in only_contracts["entries"]} == {"contracts"}
    exact = await entries(gql, client_id, types=["c360.identity.client.created"])
    assert [e["summary"] for e in exact["entries"]] == ["Client created: Nina Perrin"]

    first = await entries(gql, client_id, first=2)
    assert first["hasNextPage"] is True
    rest = await entries(gql, client_id, first=50, after=first["endCursor"])
    assert [e["id"] for e in first["entries"] + rest["entries"]] == [e["id"] for e in rows]


async def test_a_page_reads_its_timelines_in_one_call_and_technicians_get_none(
    gql: GraphQLClient,
) -> None:
    ids = [
        (await gql.data(CREATE, {"input": individual(last=f"Ligne{n}")}))["createClient"]["id"]
        for n in range(5)
    ]
    await wait_outbox_published(gql.system, "identity")
    for durable in SERVICES:
        await wait_consumed(gql.system.nats.url, durable)
    trace_id, body = await traced(gql, PAGE)
    assert "errors" not in body, body
    nodes = body["data"]["clients"]["nodes"]
    assert {n["id"] for n in nodes} == set(ids)
    assert all(n["timeline"]["entries"] for n in nodes)
    assert calls(gql, trace_id)["communication"] == Counter({"BatchGetTimeline": 1})
    technician = GraphQLClient(gql.system, gql.http, gql.tenant, role="technician")
    seen = await technician.execute(TIMELINE, {"id": ids[0], "first": 5})
    assert seen["data"]["client"]["timeline"] is None
    assert "errors" not in seen
