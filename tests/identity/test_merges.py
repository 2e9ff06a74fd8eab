"""Merging a duplicate file into the one that stays, against running processes: the preview,
identity's part, every other service's part confirmed through events, a merge that resumes
when a service that was down comes back, and a merge applied twice that changes nothing
more."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runtime.services import CLIENT_RECORD_SERVICES
from tests.contracts.queries import contract, participant
from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.lifecycle import CERTIFICATE, ERASE, certificate
from tests.identity.queries import individual
from tests.waiting import eventually

CREATE = "mutation($input: ClientInput!) { createClient(input: $input) { id reference } }"
ADD_CONTACT = """
mutation($id: ID!, $input: ContactInput!) { addContact(clientId: $id, input: $input) { id } }
"""
SET_PARENT = """
mutation($id: ID!, $parent: ID) { setParentClient(clientId: $id, parentClientId: $parent) { id } }
"""
HISTORY = """
query($id: ID!) { client(id: $id) { compliance { history(limit: 50) { id } } } }
"""
PREVIEW = """
query($s: ID!, $m: ID!, $take: [String!]) {
  mergePreview(survivorId: $s, mergedId: $m, takeFromMerged: $take) {
    displayName
    fields { field survivorValue mergedValue kept }
    records { service available survivor { kind count } merged { kind count } }
  }
}
"""
MERGE = """
mutation($s: ID!, $m: ID!, $take: [String!]) {
  mergeClients(survivorId: $s, mergedId: $m, takeFromMerged: $take) { id status awaiting }
}
"""
PROGRESS = """
query($id: ID!) {
  merge(id: $id) {
    id status awaiting survivorId mergedId mergedReference requestedBy completedAt
    takenFromMerged
    steps { service doneAt moved { kind count } }
  }
}
"""
FILE = """
query($id: ID!) {
  client(id: $id) {
    displayName
    identity {
      mergedInto firstName
      phones { number primary }
      emails { address }
      flags { archived }
    }
    contacts { lastName }
  }
}
"""
CHILD = "query($id: ID!) { client(id: $id) { relations { parentId } } }"
EQUIPMENT = """
mutation($id: ID!, $input: EquipmentInput!) { createEquipment(clientId: $id, input: $input) { id } }
"""
INTERVENTION = """
mutation($id: ID!, $input: InterventionInput!) {
  createIntervention(clientId: $id, input: $input) { id }
}
"""
ACTIVITY = """
mutation($input: LogActivityInput!) { logActivity(input: $input) { id } }
"""
FEE = """
mutation($input: LedgerEntryInput!) { recordLedgerEntry(input: $input) { id } }
"""
ACCOUNT = """
query($id: ID!) { client(id: $id) { account { balances { amount currency } } } }
"""
CONTRACT = """
mutation($input: ContractInput!) { createContract(input: $input) { id } }
"""
HOLDINGS = """
query($id: ID!) {
  client(id: $id) { contracts { totalCount nodes { participants { clientId roles } } } }
}
"""
FIELD_WORK = """
query($id: ID!) { client(id: $id) { interventions { items { title } equipment { name } } } }
"""


async def create(gql: GraphQLClient, **fields: Any) -> str:
    return str((await gql.data(CREATE, {"input": individual(**fields)}))["createClient"]["id"])


async def screened(gql: GraphQLClient, client_id: str, count: int) -> list[Any]:
    async def history() -> list[Any]:
        data = await gql.data(HISTORY, {"id": client_id})
        return list(data["client"]["compliance"]["history"])

    return await eventually(history, lambda h: len(h) == count, what=f"{count} screenings")


async def duplicates(gql: GraphQLClient) -> tuple[str, str, str]:
    survivor = await create(
        gql,
        first="Camille",
        last="Dubois",
        phones=[{"number": "06 11 22 33 44", "primary": True}],
        personal={"birthDate": "1980-02-03"},
    )
    merged = await create(
        gql,
        first="Camile",
        last="Dubois",
        phones=[{"number": "06 99 88 77 66", "primary": True}],
        emails=[{"address": "camille.dubois@exemple.fr"}],
        personal={"birthDate": "1980-02-03"},
    )
    child = await create(gql, first="Léo", last="Dubois")
    await gql.data(SET_PARENT, {"id": child, "parent": merged})
    await gql.data(
        ADD_CONTACT, {"id": merged, "input": {"lastName": "Notaire", "function": "Conseil"}}
    )
    boiler = (await gql.data(EQUIPMENT, {"id": merged, "input": {"name": "Chaudière"}}))[
        "createEquipment"
    ]
    await gql.data(
        INTERVENTION,
        {"id": merged, "input": {"title": "Entretien", "equipmentIds": [boiler["id"]]}},
    )
    call = {"clientId": merged, "kind": "CALL", "direction": "INBOUND", "summary": "Appel"}
    await gql.data(ACTIVITY, {"input": call})
    shared = contract(participant(survivor), participant(merged, "INSURED"))
    await gql.data(CONTRACT, {"input": shared})
    await gql.data(CONTRACT, {"input": contract(participant(merged))})
    for owner, amount in ((survivor, "10.00"), (merged, "25.50")):
        fee = {"clientId": owner, "kind": "FEE", "date": "2026-11-02",
               "amount": {"amount": amount, "currency": "EUR"}, "label": "Frais"}  # fmt: skip
        await gql.data(FEE, {"input": fee})
    await screened(gql, survivor, 1)
    await screened(gql, merged, 2)  # itself, then its contact
    return survivor, merged, child


async def done(gql: GraphQLClient, merge_id: str) -> dict[str, Any]:
    async def progress() -> dict[str, Any]:
        merge: dict[str, Any] = (await gql.data(PROGRESS, {"id": merge_id}))["merge"]
        return merge

    return await eventually(
        progress, lambda m: m["status"] == "DONE", what="the merge done", timeout=30
    )


async def test_the_preview_says_what_each_file_keeps_and_what_each_service_moves(
    gql: GraphQLClient,
) -> None:
    survivor, merged, _ = await duplicates(gql)
    preview = (await gql.data(PREVIEW, {"s": survivor, "m": merged, "take": ["first_name"]}))[
        "mergePreview"
    ]
    assert preview["displayName"] == "Camile Dubois"
    fields = {f["field"]: f for f in preview["fields"]}
    assert fields["first_name"]["kept"] == "MERGED"
    assert fields["phones"]["kept"] == "BOTH"
    assert fields["emails"]["kept"] == "BOTH"
    assert fields["emails"]["survivorValue"] is None
    assert "personal" not in fields  # the same on both
    records = {r["service"]: r for r in preview["records"]}
    assert records["identity"]["merged"] == [
        {"kind": "attached_clients", "count": 1},
        {"kind": "contacts", "count": 1},
    ]
    assert {"kind": "screenings", "count": 2} in records["compliance"]["merged"]
    assert all(r["available"] for r in records.values())
    refused = await gql.execute(PREVIEW, {"s": survivor, "m": merged, "take": ["reference"]})
    assert refused["errors"][0]["extensions"]["field"] == "takeFromMerged"


async def test_a_merge_moves_everything_to_the_survivor_once(gql: GraphQLClient) -> None:
    survivor, merged, child = await duplicates(gql)
    started = (await gql.data(MERGE, {"s": survivor, "m": merged, "take": None}))["mergeClients"]
    assert set(started["awaiting"]) <= set(CLIENT_RECORD_SERVICES)
    merge = await done(gql, started["id"])
    assert merge["awaiting"] == []
    assert merge["completedAt"]
    steps = {s["service"]: {m["kind"]: m["count"] for m in s["moved"]} for s in merge["steps"]}
    assert steps["identity"] == {"associated_clients": 0, "attached_clients": 1, "contacts": 1}
    assert steps["compliance"]["screenings"] == 2
    assert steps["interventions"]["interventions"] == 1
    assert steps["interventions"]["equipment"] == 1
    assert steps["communication"]["activities"] == 1
    assert steps["billing"]["ledger_entries"] == 1
    assert steps["contracts"]["contracts"] == 2
    holdings = (await gql.data(HOLDINGS, {"id": survivor}))["client"]["contracts"]
    assert holdings["totalCount"] == 2
    parties = sorted(
        (p["clientId"], tuple(p["roles"])) for n in holdings["nodes"] for p in n["participants"]
    )
    assert parties == [(survivor, ("POLICYHOLDER",)), (survivor, ("POLICYHOLDER", "INSURED"))]
    assert set(steps) == {"identity", *CLIENT_RECORD_SERVICES}
    account = (await gql.data(ACCOUNT, {"id": survivor}))["client"]["account"]
    assert account["balances"] == [{"amount": "35.50", "currency": "EUR"}]
    field_work = (await gql.data(FIELD_WORK, {"id": survivor}))["client"]["interventions"]
    assert [i["title"] for i in field_work["items"]] == ["Entretien"]
    assert [e["name"] for e in field_work["equipment"]] == ["Chaudière"]

    kept = (await gql.data(FILE, {"id": survivor}))["client"]
    assert kept["identity"]["firstName"] == "Camille"
    assert [(p["number"], p["primary"]) for p in kept["identity"]["phones"]] == [
        ("+33611223344", True),
        ("+33699887766", False),
    ]
    assert [e["address"] for e in kept["identity"]["emails"]] == ["camille.dubois@exemple.fr"]
    assert [c["lastName"] for c in kept["contacts"]] == ["Notaire"]
    assert len(await screened(gql, survivor, 3)) == 3
    gone = (await gql.data(FILE, {"id": merged}))["client"]["identity"]
    assert gone["mergedInto"] == survivor
    assert gone["flags"]["archived"] is True
    assert (await gql.data(CHILD, {"id": child}))["client"]["relations"]["parentId"] == survivor

    again = await gql.execute(MERGE, {"s": survivor, "m": merged, "take": None})
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
    assert len(await screened(gql, survivor, 3)) == 3


async def test_a_merge_is_refused_to_a_partner_and_between_tenants(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    ours, theirs = await create(gql), await create(other_gql)
    body = await gql.execute(MERGE, {"s": ours, "m": theirs, "take": None})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    partner = GraphQLClient(gql.system, gql.http, gql.tenant, role="partner")
    other = await create(gql)
    body = await partner.execute(MERGE, {"s": ours, "m": other, "take": None})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.execute(MERGE, {"s": ours, "m": ours, "take": None})
    assert body["errors"][0]["extensions"]["field"] == "mergedId"


@pytest.fixture(scope="module")
def merging(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    system = System(
        Path(tmp_path_factory.mktemp("merging")), services=("identity", *CLIENT_RECORD_SERVICES)
    )
    system.start()
    yield system
    system.stop()


async def test_a_service_down_during_a_merge_does_its_part_when_back(
    merging: System, http: httpx.AsyncClient
) -> None:
    for name in merging.services:
        await wait_serving(merging.address(name))
    gql = GraphQLClient(merging, http, new_tenant())
    survivor, merged, _ = await duplicates(gql)
    merging.services["compliance"].kill()
    started = (await gql.data(MERGE, {"s": survivor, "m": merged, "take": None}))["mergeClients"]
    assert started["status"] == "IN_PROGRESS"
    assert "compliance" in started["awaiting"]
    # Identity's part is done and visible while compliance is down.
    gone = (await gql.data(FILE, {"id": merged}))["client"]["identity"]
    assert gone["mergedInto"] == survivor
    merging.services["compliance"].start()
    merging.services["compliance"].wait_ready()
    merge = await done(gql, started["id"])
    steps = {s["service"]: {m["kind"]: m["count"] for m in s["moved"]} for s in merge["steps"]}
    assert steps["compliance"]["screenings"] == 2
    # Nothing lost, nothing twice: the three screenings of both files, on the survivor.
    history = await screened(gql, survivor, 3)
    assert len({h["id"] for h in history}) == 3


async def test_a_service_down_during_an_erasure_does_its_part_when_back(
    merging: System, http: httpx.AsyncClient
) -> None:
    for name in merging.services:
        await wait_serving(merging.address(name))
    manager = GraphQLClient(merging, http, new_tenant(), role="manager")
    client_id = await create(manager, first="Léa", last="Moreau")
    merging.services["billing"].kill()
    started = (await manager.data(ERASE, {"id": client_id, "reason": "demande"}))["eraseClient"]
    assert started["status"] == "IN_PROGRESS"
    progress = (await manager.data(CERTIFICATE, {"id": started["id"]}))["erasure"]
    assert "billing" in progress["awaiting"]
    merging.services["billing"].start()
    merging.services["billing"].wait_ready()
    done = await certificate(manager, started["id"])
    assert {s["service"] for s in done["steps"]} == {"identity", *CLIENT_RECORD_SERVICES}
