"""Store access of the compliance service. Every read and write names its tenant: the
caller's, the event's, or REFERENCE_TENANT for the register. Writes take the transaction they
belong to, so that a change, its history and its event commit together.

The copy of identity's clients and contacts is a runtime replica (``subjects``), the batch
jobs a runtime job queue (``jobs``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from runtime.kit.jobs import JobQueue
from runtime.kit.replica import Replica
from runtime.kit.repository import Repository, upsert
from runtime.store import Document, DocumentStore, Transaction
from services.compliance.models import (
    COMPLIANCE,
    CURRENT_REGISTER,
    REFERENCE_TENANT,
    REGISTER_ENTRIES,
    REGISTER_META,
    SCREENINGS,
    SUBJECTS,
    Compliance,
    RegisterMeta,
    Screening,
    Subject,
)


class ComplianceRepository(Repository):
    def __init__(self, store: DocumentStore) -> None:
        super().__init__(store)
        self.subjects: Replica[Subject] = Replica(SUBJECTS)
        self.jobs = JobQueue(store)

    # Compliance state and screening history

    async def get_compliance_for_update(
        self, txn: Transaction, tenant_id: str, client_id: str
    ) -> Compliance | None:
        return cast("Compliance | None", await txn.get(COMPLIANCE, tenant_id, client_id))

    async def put_compliance(
        self, txn: Transaction, tenant_id: str, compliance: Compliance
    ) -> Compliance:
        return cast(Compliance, await upsert(txn, COMPLIANCE, tenant_id, dict(compliance)))

    async def get_compliances(self, tenant_id: str, client_ids: Sequence[str]) -> list[Compliance]:
        return cast(list[Compliance], await self._store.get_many(COMPLIANCE, tenant_id, client_ids))

    async def insert_screening(
        self, txn: Transaction, tenant_id: str, screening: Screening
    ) -> Screening:
        return cast(Screening, await txn.insert(SCREENINGS, tenant_id, dict(screening)))

    async def find_screenings(self, tenant_id: str, client_ids: Sequence[str]) -> list[Screening]:
        """Every screening of these clients, newest first."""
        if not client_ids:
            return []
        found = await self._store.find(
            SCREENINGS,
            tenant_id,
            {"client_id": {"$in": list(client_ids)}},
            sort=(("client_id", 1), ("at", -1), ("id", -1)),
        )
        return cast(list[Screening], found)

    # The register (reference data)

    async def get_register_meta(self) -> RegisterMeta | None:
        found = await self._store.get(REGISTER_META, REFERENCE_TENANT, CURRENT_REGISTER)
        return cast("RegisterMeta | None", found)

    async def register_entries(self, register_version: str) -> list[Document]:
        return await self._store.find(
            REGISTER_ENTRIES,
            REFERENCE_TENANT,
            {"register_version": register_version},
            sort=(("id", 1),),
        )

    async def replace_register(
        self, txn: Transaction, meta: RegisterMeta, entries: Sequence[dict[str, Any]]
    ) -> RegisterMeta:
        """Make ``meta`` and ``entries`` the current register and drop the previous version's
        entries, in the caller's transaction: the old version stays whole until it commits."""
        previous = await txn.get(REGISTER_META, REFERENCE_TENANT, CURRENT_REGISTER)
        for entry in entries:
            await txn.insert(REGISTER_ENTRIES, REFERENCE_TENANT, entry)
        stored = await upsert(txn, REGISTER_META, REFERENCE_TENANT, dict(meta))
        if previous is not None and previous["register_version"] != meta["register_version"]:
            stale = await txn.find(
                REGISTER_ENTRIES,
                REFERENCE_TENANT,
                {"register_version": previous["register_version"]},
            )
            for entry in stale:
                await txn.delete(REGISTER_ENTRIES, REFERENCE_TENANT, entry["id"])
        return cast(RegisterMeta, stored)
