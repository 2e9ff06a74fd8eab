"""The base of every service's repository: it owns the store, so that domain code opens its
transactions with ``repo.transaction()`` and never reaches the store itself."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from runtime.store import Document, DocumentStore, Filter, Sort, Transaction


class Reads(Protocol):
    """What a store and a transaction both answer: reads outside a transaction see committed
    data, reads inside one see its own writes."""

    async def get(self, collection: str, tenant_id: str, doc_id: str) -> Document | None: ...

    async def find(
        self,
        collection: str,
        tenant_id: str,
        where: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
    ) -> list[Document]: ...


class Repository:
    """Store access of one service (or of one kind of record in it)."""

    def __init__(self, store: DocumentStore) -> None:
        self._store = store

    def transaction(self) -> AbstractAsyncContextManager[Transaction]:
        """Reads and writes that commit together with the events they queue, or not at all
        when the block raises."""
        return self._store.transaction()


async def upsert(txn: Transaction, collection: str, tenant_id: str, doc: Document) -> Document:
    """Insert ``doc``, or replace the stored one at the version just read in ``txn`` (a
    concurrent writer makes the commit a Conflict rather than a lost update)."""
    current = await txn.get(collection, tenant_id, doc["id"])
    if current is None:
        return await txn.insert(collection, tenant_id, doc)
    return await txn.replace(collection, tenant_id, doc, expected_version=current["version"])


async def get_many(
    reads: Reads, collection: str, tenant_id: str, doc_ids: Sequence[str]
) -> list[Document]:
    """The documents that exist among ``doc_ids``, in a store or inside a transaction."""
    if not doc_ids:
        return []
    return await reads.find(collection, tenant_id, {"id": {"$in": list(dict.fromkeys(doc_ids))}})
