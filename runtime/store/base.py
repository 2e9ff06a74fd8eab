"""The document-store contract: tenant-scoped documents with versions, an outbox written in the
same transaction as the change, and a record of the events a consumer has applied.

Filters are a small subset of MongoDB's query language, so the MongoDB adapter passes them
through and the SQLite adapter compiles them:
``{"field": value}`` (on an array field: any element equals), ``{"field": {"$in": [...]}}``,
``$ne``, ``$gt``, ``$gte``, ``$lt``, ``$lte``, ``$prefix`` (string starts with; on an array
field: any element does), and ``{"$and": [...]}``, ``{"$or": [...]}``.
Dotted names reach into sub-documents (``"flags.archived"``).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from typing import Any

Document = dict[str, Any]
Filter = Mapping[str, Any]
Sort = Sequence[tuple[str, int]]

_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
OPERATORS = frozenset({"$in", "$ne", "$gt", "$gte", "$lt", "$lte", "$prefix"})


def check_field_name(name: str) -> str:
    if not _FIELD_NAME.match(name):
        raise ValueError(f"not a field name: {name!r}")
    return name


@dataclass(frozen=True, slots=True)
class CollectionSpec:
    """A collection and the queries it must answer fast.

    ``indexes`` are compound indexes on scalar fields (the tenant always comes first);
    ``unique`` fields are unique within a tenant; ``multikey`` fields hold lists of strings
    searched by element, exactly or by prefix.
    """

    name: str
    indexes: tuple[tuple[str, ...], ...] = ()
    unique: tuple[str, ...] = ()
    multikey: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_field_name(self.name)
        for names in (*self.indexes, self.unique, self.multikey):
            for name in names:
                check_field_name(name)


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """An event waiting to be published: ``id`` becomes the ``Nats-Msg-Id``."""

    id: str
    subject: str
    payload: bytes
    tenant_id: str
    headers: Mapping[str, str] = field(default_factory=dict)


class Transaction(ABC):
    """Reads and writes that commit together, with the events they emit."""

    @abstractmethod
    async def get(self, collection: str, tenant_id: str, doc_id: str) -> Document | None: ...

    @abstractmethod
    async def find(
        self,
        collection: str,
        tenant_id: str,
        where: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
    ) -> list[Document]: ...

    @abstractmethod
    async def insert(self, collection: str, tenant_id: str, doc: Document) -> Document:
        """Store a new document (``doc["id"]`` required); it gets ``tenant_id`` and version 1."""

    @abstractmethod
    async def replace(
        self, collection: str, tenant_id: str, doc: Document, *, expected_version: int
    ) -> Document:
        """Replace a document if its stored version is ``expected_version``.

        Raises NotFound when it does not exist for the tenant, Conflict when the version is
        stale. The stored document gets version ``expected_version + 1``.
        """

    @abstractmethod
    async def delete(self, collection: str, tenant_id: str, doc_id: str) -> bool: ...

    @abstractmethod
    async def add_event(self, event: OutboxEvent) -> None:
        """Queue an event; it is published only if the transaction commits."""

    @abstractmethod
    async def mark_applied(self, consumer: str, event_id: str) -> bool:
        """Record that ``consumer`` applied ``event_id``; False if it already had."""


class DocumentStore(ABC):
    """A tenant-scoped document store with a transactional outbox."""

    def __init__(self) -> None:
        self._commit_listeners: list[Callable[[], Awaitable[None] | None]] = []

    @abstractmethod
    async def open(self, collections: Sequence[CollectionSpec]) -> None: ...

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Transaction]: ...

    @abstractmethod
    async def get(self, collection: str, tenant_id: str, doc_id: str) -> Document | None: ...

    @abstractmethod
    async def get_many(
        self, collection: str, tenant_id: str, doc_ids: Sequence[str]
    ) -> list[Document]:
        """The documents that exist among ``doc_ids``, in no particular order."""

    @abstractmethod
    async def find(
        self,
        collection: str,
        tenant_id: str,
        where: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
    ) -> list[Document]: ...

    @abstractmethod
    async def count(self, collection: str, tenant_id: str, where: Filter | None = None) -> int: ...

    @abstractmethod
    async def pending_events(self, limit: int) -> list[OutboxEvent]:
        """Events committed but not yet confirmed published, oldest first."""

    @abstractmethod
    async def mark_published(self, event_ids: Sequence[str]) -> None: ...

    def on_events_committed(self, listener: Callable[[], Awaitable[None] | None]) -> None:
        """Call ``listener`` after each commit that queued events (the relay wakes up on it)."""
        self._commit_listeners.append(listener)

    async def _notify_committed(self) -> None:
        for listener in self._commit_listeners:
            result = listener()
            if result is not None:
                await result
