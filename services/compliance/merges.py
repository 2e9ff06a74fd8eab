"""The compliance service's part of merging two client files (runtime.kit.merges): the merged
file's screenings and decisions move to the survivor, and the survivor's status follows
status.after_merge."""

from __future__ import annotations

from typing import cast

from runtime.kit.merges import ClientField, ClientRecords
from runtime.store import DocumentStore, Transaction
from services.compliance import status
from services.compliance.models import COMPLIANCE, SCREENINGS, Compliance
from services.compliance.service import new_compliance


async def _merge_files(
    txn: Transaction, tenant_id: str, merged_id: str, survivor_id: str
) -> dict[str, int]:
    merged = cast("Compliance | None", await txn.get(COMPLIANCE, tenant_id, merged_id))
    if merged is None:
        return {"decisions": 0}
    found = cast("Compliance | None", await txn.get(COMPLIANCE, tenant_id, survivor_id))
    survivor = found or new_compliance(survivor_id)
    decisions = sorted(
        [*survivor["decisions"], *merged["decisions"]],
        key=lambda d: d["decided_at"],
        reverse=True,
    )
    screenings = [s for s in (survivor["last_screening"], merged["last_screening"]) if s]
    changed: Compliance = {
        **survivor,
        "status": status.after_merge(survivor["status"], merged["status"]),
        "decisions": decisions,
        "last_screening": max(screenings, key=lambda s: s["at"]) if screenings else None,
    }
    if found is None:
        await txn.insert(COMPLIANCE, tenant_id, dict(changed))
    else:
        await txn.replace(COMPLIANCE, tenant_id, dict(changed), expected_version=found["version"])
    return {"decisions": len(merged["decisions"])}


async def _count_decisions(store: DocumentStore, tenant_id: str, client_id: str) -> dict[str, int]:
    found = cast("Compliance | None", await store.get(COMPLIANCE, tenant_id, client_id))
    return {"decisions": len(found["decisions"]) if found else 0}


CLIENT_RECORDS = ClientRecords(
    service="compliance",
    fields=(ClientField("screenings", SCREENINGS),),
    move_more=_merge_files,
    count_more=_count_decisions,
)
