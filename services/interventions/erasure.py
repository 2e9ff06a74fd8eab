"""The interventions service's part of erasing a client (runtime.kit.erasure): the photos and
signatures are deleted (records and contents), the reports' texts blanked, the client's
vehicles and workshop appointments and its copy of the client deleted. The interventions
themselves are kept, without a report, as the supporting records of what was invoiced."""

from __future__ import annotations

from runtime.kit.erasure import ClientErasure, Erased, Retention, blank_where, delete_where
from runtime.kit.files import FileStore
from runtime.store import Transaction
from services.interventions.models import (
    CLIENT_COPIES,
    EQUIPMENT,
    FILES,
    INTERVENTIONS,
    VEHICLES,
    WORKSHOP_APPOINTMENTS,
)

_INVOICE_RULE = "Code de commerce L123-22 (supporting records of the accounts)"


def client_erasure(files: FileStore) -> ClientErasure:
    async def erase(txn: Transaction, tenant_id: str, client_id: str) -> Erased:
        records = await txn.find(FILES, tenant_id, {"client_id": client_id})
        for record in records:
            await txn.delete(FILES, tenant_id, record["id"])
        kept_keys = {
            key
            for other in await txn.find(FILES, tenant_id)
            for key in (other.get("sha256"), other.get("thumbnail_sha256"))
        }
        for record in records:
            for key in (record.get("sha256"), record.get("thumbnail_sha256")):
                if key and key not in kept_keys:
                    files.delete(tenant_id, key)
        reports = await blank_where(
            txn,
            INTERVENTIONS,
            tenant_id,
            {"client_id": client_id},
            {"report": "", "signature": None, "report_photos": []},
        )
        photos_on_equipment = await blank_where(
            txn, EQUIPMENT, tenant_id, {"client_id": client_id}, {"photo": None}
        )
        kept = len(await txn.find(INTERVENTIONS, tenant_id, {"client_id": client_id}))
        return Erased(
            erased={
                "photos_and_signatures": len(records),
                "reports": reports,
                "equipment_photos": photos_on_equipment,
                "vehicles": await delete_where(txn, VEHICLES, tenant_id, {"client_id": client_id}),
                "workshop_appointments": await delete_where(
                    txn, WORKSHOP_APPOINTMENTS, tenant_id, {"client_id": client_id}
                ),
                "client_copy": await delete_where(txn, CLIENT_COPIES, tenant_id, {"id": client_id}),
            },
            retained=[
                Retention(
                    "interventions, without report, photos or signature",
                    kept,
                    "10 years after the invoice they support",
                    _INVOICE_RULE,
                )
            ],
        )

    return ClientErasure(service="interventions", erase=erase)
