"""The contracts service's part of merging two client files (runtime.kit.merges).

The merged client's complaints move to the survivor; on contracts, quotes and claims the merged
client's participation becomes the survivor's (its roles joined to the survivor's where both
took part); its fleet vehicles follow their contracts. The survivor's open-claims and
open-complaints tallies are then counted again from the records, so a claim both files took
part in counts once."""

from __future__ import annotations

from typing import Any, cast

from runtime.kit.merges import ClientField, ClientRecords
from runtime.kit.repository import upsert
from runtime.store import DocumentStore, Transaction
from services.contracts import claims, complaints
from services.contracts.models import (
    CLAIMS,
    COMPLAINTS,
    CONTRACTS,
    QUOTES,
    TALLIES,
    Claim,
    Complaint,
    tally_id,
)


def _joined(participants: list[dict[str, Any]], merged_id: str, survivor_id: str) -> list[Any]:
    """The participants with the merged client's entries now the survivor's, one per client."""
    joined: list[dict[str, Any]] = []
    for participant in participants:
        entry = {**participant}
        if entry.get("client_id") == merged_id:
            entry["client_id"] = survivor_id
        same = next((p for p in joined if p.get("client_id") == entry.get("client_id")), None)
        if same is not None and entry.get("client_id") == survivor_id:
            same["roles"] = list(dict.fromkeys([*same.get("roles", []), *entry.get("roles", [])]))
            continue
        joined.append(entry)
    return joined


async def _move_parties(
    txn: Transaction,
    collection: str,
    ids_field: str,
    tenant_id: str,
    merged_id: str,
    survivor_id: str,
) -> int:
    found = await txn.find(collection, tenant_id, {ids_field: merged_id})
    for doc in found:
        ids = [survivor_id if i == merged_id else i for i in doc.get(ids_field, [])]
        moved = {
            **doc,
            ids_field: list(dict.fromkeys(ids)),
            "participants": _joined(doc.get("participants", []), merged_id, survivor_id),
        }
        await txn.replace(collection, tenant_id, moved, expected_version=doc["version"])
    return len(found)


async def _recount(txn: Transaction, tenant_id: str, client_id: str) -> None:
    open_claims = [
        c
        for c in await txn.find(CLAIMS, tenant_id, {"client_ids": client_id})
        if claims.is_open(cast(Claim, c))
    ]
    open_complaints = [
        c
        for c in await txn.find(COMPLAINTS, tenant_id, {"client_id": client_id})
        if complaints.is_open(cast(Complaint, c))
    ]
    tally = tally_id("client", client_id)
    current = dict(await txn.get(TALLIES, tenant_id, tally) or {})
    current.update(
        {"id": tally, "open_claims": len(open_claims), "open_complaints": len(open_complaints)}
    )
    await upsert(txn, TALLIES, tenant_id, current)


async def _move_participations(
    txn: Transaction, tenant_id: str, merged_id: str, survivor_id: str
) -> dict[str, int]:
    moved = {
        "contracts": await _move_parties(
            txn, CONTRACTS, "party_client_ids", tenant_id, merged_id, survivor_id
        ),
        "quotes": await _move_parties(
            txn, QUOTES, "party_client_ids", tenant_id, merged_id, survivor_id
        ),
        "claims": await _move_parties(txn, CLAIMS, "client_ids", tenant_id, merged_id, survivor_id),
    }
    await _recount(txn, tenant_id, survivor_id)
    await txn.delete(TALLIES, tenant_id, tally_id("client", merged_id))
    return moved


async def _count_participations(
    store: DocumentStore, tenant_id: str, client_id: str
) -> dict[str, int]:
    return {
        "contracts": await store.count(CONTRACTS, tenant_id, {"party_client_ids": client_id}),
        "quotes": await store.count(QUOTES, tenant_id, {"party_client_ids": client_id}),
        "claims": await store.count(CLAIMS, tenant_id, {"client_ids": client_id}),
    }


CLIENT_RECORDS = ClientRecords(
    service="contracts",
    fields=(ClientField("complaints", COMPLAINTS),),
    move_more=_move_participations,
    count_more=_count_participations,
)
