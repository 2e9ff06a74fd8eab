"""MongoDB adapter of the document store, through PyMongo's asyncio API (``AsyncMongoClient``).

Transactions need a replica set (a single-node one is enough). Filters pass through almost as
they are; ``$prefix`` becomes an anchored regular expression, which MongoDB serves from an
index, and ``id`` is the ``_id``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, AsyncMongoClient
from pymongo.asynchronous.client_session import AsyncClientSession
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError, PyMongoError

from runtime.errors import Conflict, NotFound
from runtime.store.base import (
    OPERATORS,
    CollectionSpec,
    Document,
    DocumentStore,
    Filter,
    OutboxEvent,
    Sort,
    Transaction,
    check_field_name,
)


def _field(name: str) -> str:
    # Checked as SQLite does: no operator such as $where or $expr slips in as a field name.
    return "_id" if name == "id" else check_field_name(name)


def _translate(where: Filter) -> dict[str, Any]:
    query: dict[str, Any] = {}
    for key, value in where.items():
        if key in ("$and", "$or"):
            # MongoDB rejects an empty list: an empty $and matches everything, an empty $or nothing.
            query[key] = [_translate(sub) for sub in value] or (
                [{}] if key == "$and" else [{"_id": {"$in": []}}]
            )
            continue
        if isinstance(value, Mapping):
            condition: dict[str, Any] = {}
            for op, operand in value.items():
                if op not in OPERATORS:
                    raise ValueError(f"unsupported operator {op!r} on {key}")
                if op == "$prefix":
                    condition["$regex"] = "^" + re.escape(operand)
                else:
                    condition[op] = operand
            query[_field(key)] = condition
        else:
            query[_field(key)] = value
    return query


def _scoped(tenant_id: str, where: Filter | None) -> dict[str, Any]:
    query = _translate(where or {})
    if "tenant_id" in query:
        # A caller's filter never widens the tenant scope.
        return {"$and": [query, {"tenant_id": tenant_id}]}
    query["tenant_id"] = tenant_id
    return query


def _sort(sort: Sort) -> list[tuple[str, int]]:
    return [(_field(f), DESCENDING if d < 0 else ASCENDING) for f, d in sort]


def _from_mongo(raw: Mapping[str, Any]) -> Document:
    doc = dict(raw)
    doc["id"] = doc.pop("_id")
    return doc


def _to_mongo(doc: Document) -> dict[str, Any]:
    stored = {k: v for k, v in doc.items() if k != "id"}
    stored["_id"] = doc["id"]
    return stored


class _Reads:
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession | None) -> None:
        self._db = db
        self._session = session

    async def get(self, collection: str, tenant_id: str, doc_id: str) -> Document | None:
        raw = await self._db[collection].find_one(
            {"_id": doc_id, "tenant_id": tenant_id}, session=self._session
        )
        return None if raw is None else _from_mongo(raw)

    async def find(
        self,
        collection: str,
        tenant_id: str,
        where: Filter | None,
        sort: Sort,
        limit: int | None,
    ) -> list[Document]:
        cursor = self._db[collection].find(_scoped(tenant_id, where), session=self._session)
        if sort:
            cursor = cursor.sort(_sort(sort))
        if limit is not None:
            cursor = cursor.limit(limit)
        return [_from_mongo(raw) async for raw in cursor]


class _MongoTransaction(Transaction):
    def __init__(self, db: AsyncDatabase[Any], session: AsyncClientSession) -> None:
        self._db = db
        self._session = session
        self._reads = _Reads(db, session)
        self.queued_events = 0

    async def get(self, collection: str, tenant_id: str, doc_id: str) -> Document | None:
        return await self._reads.get(collection, tenant_id, doc_id)

    async def find(
        self,
        collection: str,
        tenant_id: str,
        where: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
    ) -> list[Document]:
        return await self._reads.find(collection, tenant_id, where, sort, limit)

    async def insert(self, collection: str, tenant_id: str, doc: Document) -> Document:
        stored = {**doc, "tenant_id": tenant_id, "version": 1}
        try:
            await self._db[collection].insert_one(_to_mongo(stored), session=self._session)
        except DuplicateKeyError as exc:
            raise Conflict(f"{_duplicate_field(exc)}: already used by another record") from None
        return stored

    async def replace(
        self, collection: str, tenant_id: str, doc: Document, *, expected_version: int
    ) -> Document:
        stored = {**doc, "tenant_id": tenant_id, "version": expected_version + 1}
        try:
            result = await self._db[collection].replace_one(
                {"_id": doc["id"], "tenant_id": tenant_id, "version": expected_version},
                _to_mongo(stored),
                session=self._session,
            )
        except DuplicateKeyError as exc:
            raise Conflict(f"{_duplicate_field(exc)}: already used by another record") from None
        if result.matched_count == 0:
            current = await self._reads.get(collection, tenant_id, doc["id"])
            if current is None:
                raise NotFound(f"{collection}: {doc['id']} not found")
            raise Conflict(
                f"version: {expected_version} is stale, the current version is {current['version']}"
            )
        return stored

    async def delete(self, collection: str, tenant_id: str, doc_id: str) -> bool:
        result = await self._db[collection].delete_one(
            {"_id": doc_id, "tenant_id": tenant_id}, session=self._session
        )
        return result.deleted_count > 0

    async def add_event(self, event: OutboxEvent) -> None:
        await self._db["_outbox"].insert_one(
            {
                "_id": event.id,
                "subject": event.subject,
                "payload": event.payload,
                "tenant_id": event.tenant_id,
                "headers": dict(event.headers),
                "published_at": None,
            },
            session=self._session,
        )
        self.queued_events += 1

    async def mark_applied(self, consumer: str, event_id: str) -> bool:
        key = f"{consumer}:{event_id}"
        # Look first: a duplicate-key error inside a transaction makes the server abort it, so
        # the commit of a redelivered event would fail instead of being a no-op.
        if await self._db["_applied"].find_one({"_id": key}, session=self._session) is not None:
            return False
        try:
            await self._db["_applied"].insert_one(
                {"_id": key, "applied_at": datetime.now(UTC)}, session=self._session
            )
        except DuplicateKeyError:  # a concurrent transaction won: this one is aborted anyway
            return False
        return True


def _duplicate_field(exc: DuplicateKeyError) -> str:
    key_pattern = (exc.details or {}).get("keyPattern", {})
    fields = [name for name in key_pattern if name != "tenant_id"]
    return fields[0] if fields else "id"


class MongoStore(DocumentStore):
    def __init__(self, uri: str, *, database: str) -> None:
        super().__init__()
        self._client: AsyncMongoClient[Any] = AsyncMongoClient(uri, tz_aware=True)
        self._db: AsyncDatabase[Any] = self._client[database]

    async def open(self, collections: Sequence[CollectionSpec]) -> None:
        for spec in collections:
            coll = self._db[spec.name]
            for fields in spec.indexes:
                await coll.create_index(
                    [("tenant_id", ASCENDING), *((f, ASCENDING) for f in fields)]
                )
            for field in spec.unique:
                await coll.create_index(
                    [("tenant_id", ASCENDING), (field, ASCENDING)],
                    unique=True,
                    partialFilterExpression={field: {"$type": "string", "$gt": ""}},
                )
            for field in spec.multikey:
                await coll.create_index([("tenant_id", ASCENDING), (field, ASCENDING)])
        await self._db["_outbox"].create_index(
            [("_id", ASCENDING)], partialFilterExpression={"published_at": None}, name="pending"
        )

    async def close(self) -> None:
        await self._client.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        try:
            async with (
                self._client.start_session() as session,
                await session.start_transaction(),
            ):
                txn = _MongoTransaction(self._db, session)
                yield txn
        except PyMongoError as error:
            # Two transactions wrote the same document: the same outcome as a stale version.
            if error.has_error_label("TransientTransactionError"):
                raise Conflict("a concurrent change was written first; retry") from error
            raise
        if txn.queued_events:
            await self._notify_committed()

    async def get(self, collection: str, tenant_id: str, doc_id: str) -> Document | None:
        return await _Reads(self._db, None).get(collection, tenant_id, doc_id)

    async def get_many(
        self, collection: str, tenant_id: str, doc_ids: Sequence[str]
    ) -> list[Document]:
        if not doc_ids:
            return []
        return await _Reads(self._db, None).find(
            collection, tenant_id, {"id": {"$in": list(doc_ids)}}, (), None
        )

    async def find(
        self,
        collection: str,
        tenant_id: str,
        where: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
    ) -> list[Document]:
        return await _Reads(self._db, None).find(collection, tenant_id, where, sort, limit)

    async def count(self, collection: str, tenant_id: str, where: Filter | None = None) -> int:
        return await self._db[collection].count_documents(_scoped(tenant_id, where))

    async def pending_events(self, limit: int) -> list[OutboxEvent]:
        cursor = (
            self._db["_outbox"].find({"published_at": None}).sort("_id", ASCENDING).limit(limit)
        )
        return [
            OutboxEvent(
                id=raw["_id"],
                subject=raw["subject"],
                payload=bytes(raw["payload"]),
                tenant_id=raw["tenant_id"],
                headers=raw.get("headers", {}),
            )
            async for raw in cursor
        ]

    async def mark_published(self, event_ids: Sequence[str]) -> None:
        if event_ids:
            await self._db["_outbox"].update_many(
                {"_id": {"$in": list(event_ids)}}, {"$set": {"published_at": datetime.now(UTC)}}
            )
