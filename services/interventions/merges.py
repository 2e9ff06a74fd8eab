"""The interventions service's part of merging two client files (runtime.kit.merges): every
record of the merged client moves to the survivor. A moved intervention is also a change in
the offline apps' sync log, so a technician's phone learns whose it now is."""

from __future__ import annotations

from typing import Any, cast

from runtime.kit.merges import ClientField, ClientRecords
from runtime.store import DocumentStore, Transaction
from services.interventions.models import (
    EQUIPMENT,
    FILES,
    INTERVENTIONS,
    MAINTENANCE_PLANS,
    VEHICLES,
    WORKSHOP_APPOINTMENTS,
    WORKSITES,
    Intervention,
)
from services.interventions.repository import InterventionsRepository


def client_records(repo: InterventionsRepository) -> ClientRecords:
    async def move_interventions(
        txn: Transaction, tenant_id: str, merged_id: str, survivor_id: str
    ) -> dict[str, int]:
        found = await txn.find(INTERVENTIONS, tenant_id, {"client_id": merged_id})
        for doc in found:
            moved: dict[str, Any] = {**doc, "client_id": survivor_id}
            saved = await txn.replace(
                INTERVENTIONS, tenant_id, moved, expected_version=doc["version"]
            )
            await repo.log_change(
                txn, tenant_id, cast(Intervention, doc), cast(Intervention, saved)
            )
        return {"interventions": len(found)}

    async def count_interventions(
        store: DocumentStore, tenant_id: str, client_id: str
    ) -> dict[str, int]:
        return {
            "interventions": await store.count(INTERVENTIONS, tenant_id, {"client_id": client_id})
        }

    return ClientRecords(
        service="interventions",
        fields=(
            ClientField("equipment", EQUIPMENT),
            ClientField("worksites", WORKSITES),
            ClientField("maintenance_plans", MAINTENANCE_PLANS),
            ClientField("vehicles", VEHICLES),
            ClientField("workshop_appointments", WORKSHOP_APPOINTMENTS),
            ClientField("files", FILES),
        ),
        move_more=move_interventions,
        count_more=count_interventions,
    )
