"""Store access of the interventions service: every read and write names the caller's tenant;
writes take the transaction they belong to, so that a change and its event commit together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from runtime.kit.jobs import JobQueue
from runtime.kit.replica import Replica
from runtime.kit.repository import Repository
from runtime.store import DocumentStore, Filter, Sort, Transaction
from services.interventions.models import (
    CHANGE_NUMBERS,
    CHANGES,
    CLIENT_COPIES,
    EQUIPMENT,
    INTERVENTION_NUMBERS,
    INTERVENTIONS,
    MAINTENANCE_PLANS,
    WORKSITES,
    ClientCopy,
    Equipment,
    Intervention,
    MaintenancePlan,
    Worksite,
)


class InterventionsRepository(Repository):
    def __init__(self, store: DocumentStore) -> None:
        super().__init__(store)
        self.clients: Replica[ClientCopy] = Replica(CLIENT_COPIES)
        self.jobs = JobQueue(store)

    async def client_copies(self, tenant_id: str, client_ids: Sequence[str]) -> list[ClientCopy]:
        return await self.clients.get_many(self._store, tenant_id, client_ids)

    async def find_equipment_ids(self, tenant_id: str, ids: Sequence[str]) -> list[Equipment]:
        if not ids:
            return []
        found = await self._store.get_many(EQUIPMENT, tenant_id, ids)
        return cast(list[Equipment], found)

    async def get(self, tenant_id: str, intervention_id: str) -> Intervention | None:
        found = await self._store.get(INTERVENTIONS, tenant_id, intervention_id)
        return cast("Intervention | None", found)

    async def find(
        self, tenant_id: str, where: Filter, *, sort: Sort = (), limit: int | None = None
    ) -> list[Intervention]:
        found = await self._store.find(INTERVENTIONS, tenant_id, where, sort=sort, limit=limit)
        return cast(list[Intervention], found)

    async def count(self, tenant_id: str, where: Filter) -> int:
        return await self._store.count(INTERVENTIONS, tenant_id, where)

    async def get_for_update(
        self, txn: Transaction, tenant_id: str, intervention_id: str
    ) -> Intervention | None:
        found = await txn.get(INTERVENTIONS, tenant_id, intervention_id)
        return cast("Intervention | None", found)

    async def insert(
        self, txn: Transaction, tenant_id: str, intervention: Intervention
    ) -> Intervention:
        return cast(Intervention, await txn.insert(INTERVENTIONS, tenant_id, dict(intervention)))

    async def replace(
        self, txn: Transaction, tenant_id: str, intervention: Intervention, *, expected_version: int
    ) -> Intervention:
        stored = await txn.replace(
            INTERVENTIONS, tenant_id, dict(intervention), expected_version=expected_version
        )
        return cast(Intervention, stored)

    async def delete(self, txn: Transaction, tenant_id: str, intervention_id: str) -> bool:
        return await txn.delete(INTERVENTIONS, tenant_id, intervention_id)

    async def next_number(self, txn: Transaction, tenant_id: str) -> str:
        """The tenant's next intervention number, INT-000001 onwards, with no gap."""
        return await INTERVENTION_NUMBERS.next(txn, tenant_id)

    # Equipment and worksites: small lists per client, read whole.

    async def find_equipment(self, tenant_id: str, client_ids: Sequence[str]) -> list[Equipment]:
        return cast(list[Equipment], await self._by_clients(EQUIPMENT, tenant_id, client_ids))

    async def find_worksites(self, tenant_id: str, client_ids: Sequence[str]) -> list[Worksite]:
        return cast(list[Worksite], await self._by_clients(WORKSITES, tenant_id, client_ids))

    async def _by_clients(
        self, collection: str, tenant_id: str, client_ids: Sequence[str]
    ) -> list[dict[str, Any]]:
        return await self.records_by_clients(collection, tenant_id, client_ids)

    async def records_by_clients(
        self,
        collection: str,
        tenant_id: str,
        client_ids: Sequence[str],
        *,
        sort: Sort = (("name", 1), ("id", 1)),
    ) -> list[dict[str, Any]]:
        if not client_ids:
            return []
        return await self._store.find(
            collection,
            tenant_id,
            {"client_id": {"$in": list(client_ids)}},
            sort=(("client_id", 1), *sort),
        )

    async def get_record(
        self, collection: str, tenant_id: str, record_id: str
    ) -> dict[str, Any] | None:
        return await self._store.get(collection, tenant_id, record_id)

    async def find_records(
        self, collection: str, tenant_id: str, where: Filter
    ) -> list[dict[str, Any]]:
        return await self._store.find(collection, tenant_id, where, sort=(("id", 1),))

    @staticmethod
    async def delete_record(
        txn: Transaction, collection: str, tenant_id: str, record_id: str
    ) -> bool:
        return await txn.delete(collection, tenant_id, record_id)

    @staticmethod
    async def get_record_for_update(
        txn: Transaction, collection: str, tenant_id: str, record_id: str
    ) -> dict[str, Any] | None:
        return await txn.get(collection, tenant_id, record_id)

    @staticmethod
    async def records_for_update(
        txn: Transaction, collection: str, tenant_id: str, record_ids: Sequence[str]
    ) -> list[dict[str, Any]]:
        if not record_ids:
            return []
        return await txn.find(collection, tenant_id, {"id": {"$in": list(record_ids)}})

    @staticmethod
    async def insert_record(
        txn: Transaction, collection: str, tenant_id: str, record: dict[str, Any]
    ) -> dict[str, Any]:
        return await txn.insert(collection, tenant_id, record)

    @staticmethod
    async def replace_record(
        txn: Transaction,
        collection: str,
        tenant_id: str,
        record: dict[str, Any],
        *,
        expected_version: int,
    ) -> dict[str, Any]:
        return await txn.replace(collection, tenant_id, record, expected_version=expected_version)

    async def find_plans(self, tenant_id: str, client_ids: Sequence[str]) -> list[MaintenancePlan]:
        found = await self._by_clients(MAINTENANCE_PLANS, tenant_id, client_ids)
        return cast(list[MaintenancePlan], found)

    async def find_visits(self, tenant_id: str, plan_ids: Sequence[str]) -> list[Intervention]:
        if not plan_ids:
            return []
        found = await self._store.find(
            INTERVENTIONS,
            tenant_id,
            {"plan_id": {"$in": list(plan_ids)}},
            sort=(("plan_id", 1), ("due_date", 1), ("id", 1)),
        )
        return cast(list[Intervention], found)

    # The change log of the offline apps' sync

    async def log_change(
        self,
        txn: Transaction,
        tenant_id: str,
        before: Intervention | None,
        after: Intervention,
        *,
        deleted: bool = False,
    ) -> None:
        """One entry for a write, naming every technician who had it before or has it now."""
        now = [] if deleted else after.get("technician_ids", [])
        technicians = sorted({*(before or {}).get("technician_ids", []), *now})
        if not technicians:
            return
        seq = await CHANGE_NUMBERS.next_number(txn, tenant_id)
        entry = {
            "id": f"{seq:012d}",
            "seq": seq,
            "intervention_id": after["id"],
            "technicians": technicians,
            "holders": now,
        }
        await txn.insert(CHANGES, tenant_id, entry)

    async def changes_since(
        self, tenant_id: str, technician: str, seq: int, limit: int
    ) -> list[dict[str, Any]]:
        return await self._store.find(
            CHANGES,
            tenant_id,
            {"$and": [{"technicians": technician}, {"seq": {"$gt": seq}}]},
            sort=(("seq", 1),),
            limit=limit,
        )

    async def get_many(self, tenant_id: str, ids: Sequence[str]) -> list[Intervention]:
        return cast(list[Intervention], await self._store.get_many(INTERVENTIONS, tenant_id, ids))
