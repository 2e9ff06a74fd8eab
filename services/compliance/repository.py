"""Store access of the compliance service. Every read and write names its tenant: the
caller's, the event's, or REFERENCE_TENANT for the register and the job queue. Writes take
the transaction they belong to, so that a change, its history and its event commit together."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from runtime.store import Document, DocumentStore, Transaction
from services.compliance.models import (
    COMPLIANCE,
    CURRENT_REGISTER,
    JOB_QUEUE,
    JOBS,
    REFERENCE_TENANT,
    REGISTER_ENTRIES,
    REGISTER_META,
    SCREENINGS,
    SUBJECTS,
    Compliance,
    Job,
    RegisterMeta,
    Screening,
    Subject,
)


async def _put(txn: Transaction, collection: str, tenant_id: str, doc: Document) -> Document:
    """Insert ``doc``, or replace the stored one at the version just read in ``txn``."""
    current = await txn.get(collection, tenant_id, doc["id"])
    if current is None:
        return await txn.insert(collection, tenant_id, doc)
    return await txn.replace(collection, tenant_id, doc, expected_version=current["version"])


class ComplianceRepository:
    def __init__(self, store: DocumentStore) -> None:
        self.store = store

    # Subjects (the local copy of identity's clients and contacts)

    async def get_subject(
        self, txn: Transaction, tenant_id: str, subject_id: str
    ) -> Subject | None:
        return await txn.get(SUBJECTS, tenant_id, subject_id)

    async def get_subjects(
        self, txn: Transaction, tenant_id: str, subject_ids: Sequence[str]
    ) -> list[Subject]:
        if not subject_ids:
            return []
        return await txn.find(SUBJECTS, tenant_id, {"id": {"$in": list(subject_ids)}})

    async def put_subject(self, txn: Transaction, tenant_id: str, subject: Subject) -> Subject:
        return await _put(txn, SUBJECTS, tenant_id, subject)

    # Compliance state and screening history

    async def get_compliance_for_update(
        self, txn: Transaction, tenant_id: str, client_id: str
    ) -> Compliance | None:
        return await txn.get(COMPLIANCE, tenant_id, client_id)

    async def put_compliance(
        self, txn: Transaction, tenant_id: str, compliance: Compliance
    ) -> Compliance:
        return await _put(txn, COMPLIANCE, tenant_id, compliance)

    async def get_compliances(self, tenant_id: str, client_ids: Sequence[str]) -> list[Compliance]:
        return await self.store.get_many(COMPLIANCE, tenant_id, client_ids)

    async def insert_screening(
        self, txn: Transaction, tenant_id: str, screening: Screening
    ) -> Screening:
        return await txn.insert(SCREENINGS, tenant_id, screening)

    async def find_screenings(self, tenant_id: str, client_ids: Sequence[str]) -> list[Screening]:
        """Every screening of these clients, newest first."""
        if not client_ids:
            return []
        return await self.store.find(
            SCREENINGS,
            tenant_id,
            {"client_id": {"$in": list(client_ids)}},
            sort=(("client_id", 1), ("at", -1), ("id", -1)),
        )

    # Batch jobs

    async def get_job(self, tenant_id: str, job_id: str) -> Job | None:
        return await self.store.get(JOBS, tenant_id, job_id)

    async def get_job_for_update(self, txn: Transaction, tenant_id: str, job_id: str) -> Job | None:
        return await txn.get(JOBS, tenant_id, job_id)

    async def insert_job(self, txn: Transaction, tenant_id: str, job: Job) -> Job:
        return await txn.insert(JOBS, tenant_id, job)

    async def replace_job(self, txn: Transaction, tenant_id: str, job: Job) -> Job:
        return await txn.replace(JOBS, tenant_id, job, expected_version=job["version"])

    async def enqueue_job(self, txn: Transaction, tenant_id: str, job: Job) -> None:
        await txn.insert(
            JOB_QUEUE,
            REFERENCE_TENANT,
            {"id": job["id"], "tenant": tenant_id, "created_at": job["created_at"]},
        )

    async def dequeue_job(self, txn: Transaction, job_id: str) -> None:
        await txn.delete(JOB_QUEUE, REFERENCE_TENANT, job_id)

    async def queued_jobs(self, limit: int) -> list[dict[str, Any]]:
        """Queue entries ``{id, tenant, created_at}``, oldest first."""
        return await self.store.find(
            JOB_QUEUE, REFERENCE_TENANT, sort=(("created_at", 1), ("id", 1)), limit=limit
        )

    # The register (reference data)

    async def get_register_meta(self) -> RegisterMeta | None:
        return await self.store.get(REGISTER_META, REFERENCE_TENANT, CURRENT_REGISTER)

    async def register_entries(self, register_version: str) -> list[Document]:
        return await self.store.find(
            REGISTER_ENTRIES,
            REFERENCE_TENANT,
            {"register_version": register_version},
            sort=(("id", 1),),
        )

    async def replace_register(
        self, txn: Transaction, meta: RegisterMeta, entries: Sequence[Document]
    ) -> RegisterMeta:
        """Make ``meta`` and ``entries`` the current register and drop the previous version's
        entries, in the caller's transaction: the old version stays whole until it commits."""
        previous = await txn.get(REGISTER_META, REFERENCE_TENANT, CURRENT_REGISTER)
        for entry in entries:
            await txn.insert(REGISTER_ENTRIES, REFERENCE_TENANT, entry)
        stored = await _put(txn, REGISTER_META, REFERENCE_TENANT, meta)
        if previous is not None and previous["register_version"] != meta["register_version"]:
            stale = await txn.find(
                REGISTER_ENTRIES,
                REFERENCE_TENANT,
                {"register_version": previous["register_version"]},
            )
            for entry in stale:
                await txn.delete(REGISTER_ENTRIES, REFERENCE_TENANT, entry["id"])
        return stored
