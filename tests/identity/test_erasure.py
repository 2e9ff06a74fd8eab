"""Erasing a client's personal data across the services, against running processes: identity
keeps a tombstone, every service erases its part and confirms what the law makes it keep, the
certificate lists each confirmation, the client's events leave the stream, and what is
refused."""

from __future__ import annotations

from typing import Any

from runtime.services import CLIENT_RECORD_SERVICES
from services.identity.service import LIFECYCLE_SUBJECTS
from tests.contracts.queries import contract, participant
from tests.harness import GraphQLClient, stream_events
from tests.identity.lifecycle import ERASE, certificate
from tests.identity.queries import individual
from tests.waiting import eventually

CREATE = "mutation($input: ClientInput!) { createClient(input: $input) { id reference } }"
ADD_CONTACT = """
mutation($id: ID!, $input: ContactInput!) { addContact(clientId: $id, input: $input) { id } }
"""
CONTRACT = "mutation($input: ContractInput!) { createContract(input: $input) { id } }"
FEE = "mutation($input: LedgerEntryInput!) { recordLedgerEntry(input: $input) { id } }"
ACTIVITY = "mutation($input: LogActivityInput!) { logActivity(input: $input) { id } }"
FILE = """
query($id: ID!) {
  client(id: $id) {
    displayName
    identity { firstName lastName erasedAt phones { number } flags { archived } }
    contacts { lastName }
    communication { activities(limit: 3) { summary } }
    account { balances { amount currency } }
  }
}
"""


async def erasable(gql: GraphQLClient) -> tuple[str, str]:
    data = individual("Inès", "Lambert", phones=[{"number": "06 55 44 33 22"}])
    created = (await gql.data(CREATE, {"input": data}))["createClient"]
    client_id = created["id"]
    contact = {"lastName": "Lambert", "firstName": "Hugo", "function": "Conjoint"}
    await gql.data(ADD_CONTACT, {"id": client_id, "input": contact})
    await gql.data(CONTRACT, {"input": contract(participant(client_id))})
    # Insured on a relative's contract: that contract's events name the client too.
    relative = (await gql.data(CREATE, {"input": individual("Paul", "Lambert")}))["createClient"]
    shared = contract(participant(relative["id"]), participant(client_id, "INSURED"))
    await gql.data(CONTRACT, {"input": shared})
    fee = {"clientId": client_id, "kind": "FEE", "date": "2026-11-02",
           "amount": {"amount": "12.00", "currency": "EUR"}}  # fmt: skip
    await gql.data(FEE, {"input": fee})
    call = {"clientId": client_id, "kind": "CALL", "direction": "INBOUND", "summary": "Appel"}
    await gql.data(ACTIVITY, {"input": call})
    return client_id, created["reference"]


async def about(gql: GraphQLClient, client_id: str) -> list[Any]:
    """The identity, contracts and communication events on the stream about the client or
    naming it, but for the erasure's own (read by subject: the whole stream of a long test
    session is large)."""
    events = [
        *await stream_events(gql.system.nats.url, "c360.identity.>"),
        *await stream_events(gql.system.nats.url, "c360.contracts.>"),
        *await stream_events(gql.system.nats.url, "c360.communication.>"),
    ]
    return [
        e
        for e in events
        if e.tenant_id == gql.tenant
        and (e.key == client_id or client_id.encode() in e.payload.value)
        and e.type not in LIFECYCLE_SUBJECTS
    ]


async def test_an_erasure_leaves_a_tombstone_and_a_certificate(gql: GraphQLClient) -> None:
    client_id, reference = await erasable(gql)
    await eventually(
        lambda: about(gql, client_id),
        lambda found: len(found) >= 3,
        what="the client's events",
        timeout=60,
    )
    manager = GraphQLClient(gql.system, gql.http, gql.tenant, role="manager")
    started = (await manager.data(ERASE, {"id": client_id, "reason": "Demande du 20/11/2026"}))[
        "eraseClient"
    ]
    done = await certificate(manager, started["id"])
    assert done["clientReference"] == reference
    assert done["reason"] == "Demande du 20/11/2026"
    assert done["awaiting"] == []
    steps = {s["service"]: s for s in done["steps"]}
    assert set(steps) == {"identity", *CLIENT_RECORD_SERVICES}
    assert all(s["doneAt"] for s in steps.values())
    erased = {name: {e["kind"]: e["count"] for e in s["erased"]} for name, s in steps.items()}
    assert erased["identity"] == {"client_file": 1, "contacts": 1}
    assert erased["communication"]["activities"] == 1
    kept = {name: {r["what"]: r["count"] for r in s["retained"]} for name, s in steps.items()}
    assert kept["billing"]["ledger entries"] == 1
    assert kept["contracts"]["contracts, naming the client by id"] == 2
    assert all(r["rule"] for s in steps.values() for r in s["retained"])

    file = (await gql.data(FILE, {"id": client_id}))["client"]
    assert file["displayName"] == f"Erased client {reference}"
    identity = file["identity"]
    assert (identity["firstName"], identity["lastName"], identity["phones"]) == (None, None, [])
    assert identity["erasedAt"]
    assert identity["flags"]["archived"] is True
    assert file["contacts"] == []
    assert file["communication"]["activities"] == []
    assert file["account"]["balances"] == [{"amount": "12.00", "currency": "EUR"}]

    await eventually(
        lambda: about(gql, client_id),
        lambda left: left == [],
        what="the client's events removed",
        timeout=60,
    )


async def test_what_an_erasure_refuses(gql: GraphQLClient, other_gql: GraphQLClient) -> None:
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    advisor = await gql.execute(ERASE, {"id": created["id"], "reason": "demande"})
    assert advisor["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    manager = GraphQLClient(gql.system, gql.http, gql.tenant, role="manager")
    blank = await manager.execute(ERASE, {"id": created["id"], "reason": "  "})
    assert blank["errors"][0]["extensions"]["field"] == "reason"
    stranger = GraphQLClient(other_gql.system, other_gql.http, other_gql.tenant, role="manager")
    elsewhere = await stranger.execute(ERASE, {"id": created["id"], "reason": "demande"})
    assert elsewhere["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await manager.data(ERASE, {"id": created["id"], "reason": "demande"})
    again = await manager.execute(ERASE, {"id": created["id"], "reason": "demande"})
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
