"""SQLite adapter of the document store: one file per service, documents as JSON text.

Statements run on the event loop's thread: on indexed queries they take microseconds, less
than a hop to a worker thread would. Writes go through one connection under a lock (one
writer, as SQLite wants); reads use a second connection and, thanks to WAL, never wait for a
writer. Multikey fields are mirrored into a side table so that element and prefix look-ups
use an index, as MongoDB's multikey indexes do.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

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

_COMPARISONS = {"$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}
# The highest code point: every string starting with a prefix sorts below prefix + this.
_PREFIX_END = "\U0010ffff"


def _quote(name: str) -> str:
    return '"' + check_field_name(name) + '"'


def _json_path(field: str) -> str:
    return "$." + check_field_name(field)


class _Compiler:
    """Turns a filter into a WHERE clause over table ``c`` with its parameters."""

    def __init__(self, spec: CollectionSpec, tenant_id: str) -> None:
        self._spec = spec
        self._tenant_id = tenant_id

    def column(self, field: str) -> str:
        if field == "id":
            return "c.id"
        return f"json_extract(c.doc, '{_json_path(field)}')"

    def compile(self, where: Filter, params: list[Any]) -> str:
        clauses = [self._clause(key, value, params) for key, value in where.items()]
        return " AND ".join(clauses) if clauses else "1"

    def _clause(self, key: str, value: Any, params: list[Any]) -> str:
        if key in ("$and", "$or"):
            groups = [f"({self.compile(sub, params)})" for sub in value]
            joiner = " AND " if key == "$and" else " OR "
            # Parenthesized: an OR must not escape the tenant condition it is ANDed with.
            return f"({joiner.join(groups)})" if groups else ("1" if key == "$and" else "0")
        if key in self._spec.multikey:
            return self._multikey(key, value, params)
        column = self.column(key)
        if value is None:
            return f"{column} IS NULL"
        if not isinstance(value, Mapping):
            params.append(_bindable(value))
            return f"{column} = ?"
        parts: list[str] = []
        for op, operand in value.items():
            if op not in OPERATORS:
                raise ValueError(f"unsupported operator {op!r} on {key}")
            if op == "$in":
                if not operand:
                    parts.append("0")
                    continue
                params.extend(_bindable(v) for v in operand)
                parts.append(f"{column} IN ({','.join('?' * len(operand))})")
            elif op == "$ne":
                params.append(_bindable(operand))
                parts.append(f"{column} IS NOT ?")
            elif op == "$prefix":
                params.extend([operand, operand + _PREFIX_END])
                parts.append(f"({column} >= ? AND {column} < ?)")
            else:
                params.append(_bindable(operand))
                parts.append(f"{column} {_COMPARISONS[op]} ?")
        return " AND ".join(parts)

    def _multikey(self, field: str, value: Any, params: list[Any]) -> str:
        keys = f'"{self._spec.name}__keys"'
        # The tenant is bound, not correlated to the outer row: SQLite then runs the subquery
        # once, on the key index, instead of once per row of the tenant.
        head = f"c.id IN (SELECT k.id FROM {keys} k WHERE k.tenant_id = ? AND k.field = ?"
        params.extend([self._tenant_id, field])
        if not isinstance(value, Mapping):
            params.append(value)
            return f"{head} AND k.key = ?)"
        if set(value) == {"$prefix"}:
            params.extend([value["$prefix"], value["$prefix"] + _PREFIX_END])
            return f"{head} AND k.key >= ? AND k.key < ?)"
        if set(value) == {"$in"}:
            params.extend(value["$in"])
            return f"{head} AND k.key IN ({','.join('?' * len(value['$in']))}))"
        raise ValueError(f"multikey field {field} takes a value, $in or $prefix")

    def order_by(self, sort: Sort) -> str:
        if not sort:
            return ""
        terms = [f"{self.column(f)} {'DESC' if d < 0 else 'ASC'}" for f, d in sort]
        return " ORDER BY " + ", ".join(terms)


def _bindable(value: Any) -> Any:
    # JSON booleans come out of json_extract as 1/0; bind Python booleans the same way.
    if isinstance(value, bool):
        return int(value)
    return value


def _dumps(doc: Document) -> str:
    return orjson.dumps(doc).decode()


def _multikey_values(doc: Document, field: str) -> list[str]:
    value: Any = doc
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if not isinstance(value, list):
        return []
    return sorted({v for v in value if isinstance(v, str)})


class _SqliteReads:
    def __init__(self, conn: sqlite3.Connection, specs: dict[str, CollectionSpec]) -> None:
        self._conn = conn
        self._specs = specs

    def _spec(self, collection: str) -> CollectionSpec:
        try:
            return self._specs[collection]
        except KeyError:
            raise ValueError(f"unknown collection {collection!r}") from None

    def get_sync(self, collection: str, tenant_id: str, doc_id: str) -> Document | None:
        self._spec(collection)
        row = self._conn.execute(
            f"SELECT doc FROM {_quote(collection)} WHERE tenant_id = ? AND id = ?",
            (tenant_id, doc_id),
        ).fetchone()
        return None if row is None else dict(orjson.loads(row[0]))

    def find_sync(
        self,
        collection: str,
        tenant_id: str,
        where: Filter | None,
        sort: Sort,
        limit: int | None,
    ) -> list[Document]:
        compiler = _Compiler(self._spec(collection), tenant_id)
        params: list[Any] = [tenant_id]
        clause = compiler.compile(where or {}, params)
        sql = (
            f"SELECT c.doc FROM {_quote(collection)} c WHERE c.tenant_id = ? AND {clause}"
            f"{compiler.order_by(sort)}"
        )
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [orjson.loads(row[0]) for row in self._conn.execute(sql, params)]


class _SqliteTransaction(Transaction):
    def __init__(self, store: SqliteStore, conn: sqlite3.Connection) -> None:
        self._store = store
        self._conn = conn
        self._reads = _SqliteReads(conn, store.specs)
        self.queued_events = 0

    async def get(self, collection: str, tenant_id: str, doc_id: str) -> Document | None:
        return self._reads.get_sync(collection, tenant_id, doc_id)

    async def find(
        self,
        collection: str,
        tenant_id: str,
        where: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
    ) -> list[Document]:
        return self._reads.find_sync(collection, tenant_id, where, sort, limit)

    async def insert(self, collection: str, tenant_id: str, doc: Document) -> Document:
        spec = self._store.specs[collection]
        stored = {**doc, "tenant_id": tenant_id, "version": 1}
        self._check_unique(spec, tenant_id, stored, exclude_id=None)
        try:
            self._conn.execute(
                f"INSERT INTO {_quote(collection)} (tenant_id, id, version, doc) VALUES (?,?,?,?)",
                (tenant_id, stored["id"], 1, _dumps(stored)),
            )
        except sqlite3.IntegrityError:
            raise Conflict(f"id: {stored['id']} already exists") from None
        self._write_keys(spec, tenant_id, stored)
        return stored

    async def replace(
        self, collection: str, tenant_id: str, doc: Document, *, expected_version: int
    ) -> Document:
        spec = self._store.specs[collection]
        stored = {**doc, "tenant_id": tenant_id, "version": expected_version + 1}
        self._check_unique(spec, tenant_id, stored, exclude_id=stored["id"])
        cursor = self._conn.execute(
            f"UPDATE {_quote(collection)} SET doc = ?, version = ? "
            "WHERE tenant_id = ? AND id = ? AND version = ?",
            (_dumps(stored), expected_version + 1, tenant_id, stored["id"], expected_version),
        )
        if cursor.rowcount == 0:
            current = self._reads.get_sync(collection, tenant_id, stored["id"])
            if current is None:
                raise NotFound(f"{collection}: {stored['id']} not found")
            raise Conflict(
                f"version: {expected_version} is stale, the current version is {current['version']}"
            )
        self._write_keys(spec, tenant_id, stored)
        return stored

    async def delete(self, collection: str, tenant_id: str, doc_id: str) -> bool:
        spec = self._store.specs[collection]
        cursor = self._conn.execute(
            f"DELETE FROM {_quote(collection)} WHERE tenant_id = ? AND id = ?", (tenant_id, doc_id)
        )
        if spec.multikey:
            self._conn.execute(
                f'DELETE FROM "{collection}__keys" WHERE tenant_id = ? AND id = ?',
                (tenant_id, doc_id),
            )
        return cursor.rowcount > 0

    async def add_event(self, event: OutboxEvent) -> None:
        self._conn.execute(
            "INSERT INTO _outbox (id, subject, payload, tenant_id, headers) VALUES (?,?,?,?,?)",
            (event.id, event.subject, event.payload, event.tenant_id, _dumps(dict(event.headers))),
        )
        self.queued_events += 1

    async def mark_applied(self, consumer: str, event_id: str) -> bool:
        cursor = self._conn.execute(
            "INSERT OR IGNORE INTO _applied (consumer, event_id, applied_at) VALUES (?,?,?)",
            (consumer, event_id, datetime.now(UTC).isoformat()),
        )
        return cursor.rowcount == 1

    def _check_unique(
        self, spec: CollectionSpec, tenant_id: str, doc: Document, exclude_id: str | None
    ) -> None:
        for field in spec.unique:
            value = doc.get(field)
            if value in (None, ""):
                continue
            row = self._conn.execute(
                f"SELECT id FROM {_quote(spec.name)} WHERE tenant_id = ? "
                f"AND json_extract(doc, '{_json_path(field)}') = ? AND id IS NOT ?",
                (tenant_id, value, exclude_id),
            ).fetchone()
            if row is not None:
                raise Conflict(f"{field}: {value!r} is already used by another record")

    def _write_keys(self, spec: CollectionSpec, tenant_id: str, doc: Document) -> None:
        if not spec.multikey:
            return
        table = f'"{spec.name}__keys"'
        self._conn.execute(
            f"DELETE FROM {table} WHERE tenant_id = ? AND id = ?", (tenant_id, doc["id"])
        )
        self._conn.executemany(
            f"INSERT OR IGNORE INTO {table} (tenant_id, field, key, id) VALUES (?,?,?,?)",
            [
                (tenant_id, field, key, doc["id"])
                for field in spec.multikey
                for key in _multikey_values(doc, field)
            ],
        )


class SqliteStore(DocumentStore):
    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)
        self.specs: dict[str, CollectionSpec] = {}
        self._writer: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self._write_lock = asyncio.Lock()

    def _connect(self) -> sqlite3.Connection:
        # Autocommit mode: transactions are opened explicitly with BEGIN IMMEDIATE.
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a commit the caller was told about survives a power cut, not only a crash.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA busy_timeout = 5000")
        return conn

    async def open(self, collections: Sequence[CollectionSpec]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = self._connect()
        self.specs = {spec.name: spec for spec in collections}
        statements = [
            "CREATE TABLE IF NOT EXISTS _outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
            "id TEXT NOT NULL UNIQUE, subject TEXT NOT NULL, payload BLOB NOT NULL, "
            "tenant_id TEXT NOT NULL, headers TEXT NOT NULL, published_at TEXT)",
            "CREATE INDEX IF NOT EXISTS _outbox_pending ON _outbox(seq) WHERE published_at IS NULL",
            "CREATE TABLE IF NOT EXISTS _applied (consumer TEXT NOT NULL, event_id TEXT NOT NULL, "
            "applied_at TEXT NOT NULL, PRIMARY KEY (consumer, event_id)) WITHOUT ROWID",
        ]
        for spec in collections:
            table = _quote(spec.name)
            statements.append(
                f"CREATE TABLE IF NOT EXISTS {table} (tenant_id TEXT NOT NULL, id TEXT NOT NULL, "
                "version INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tenant_id, id)) "
                "WITHOUT ROWID"
            )
            for fields in (*spec.indexes, *((f,) for f in spec.unique)):
                name = f'"{spec.name}__{"__".join(fields).replace(".", "_")}"'
                columns = ", ".join(f"json_extract(doc, '{_json_path(f)}')" for f in fields)
                statements.append(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} (tenant_id, {columns})"
                )
            if spec.multikey:
                statements.append(
                    f'CREATE TABLE IF NOT EXISTS "{spec.name}__keys" (tenant_id TEXT NOT NULL, '
                    "field TEXT NOT NULL, key TEXT NOT NULL, id TEXT NOT NULL, "
                    "PRIMARY KEY (tenant_id, field, key, id)) WITHOUT ROWID"
                )
        for statement in statements:
            self._writer.execute(statement)
        self._reader = self._connect()
        self._reader.execute("PRAGMA query_only = ON")

    async def close(self) -> None:
        for conn in (self._reader, self._writer):
            if conn is not None:
                conn.close()
        self._reader = self._writer = None

    def _reads(self) -> _SqliteReads:
        if self._reader is None:
            raise RuntimeError("store is not open")
        return _SqliteReads(self._reader, self.specs)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        if self._writer is None:
            raise RuntimeError("store is not open")
        async with self._write_lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            txn = _SqliteTransaction(self, conn)
            try:
                yield txn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        if txn.queued_events:
            await self._notify_committed()

    async def get(self, collection: str, tenant_id: str, doc_id: str) -> Document | None:
        return self._reads().get_sync(collection, tenant_id, doc_id)

    async def get_many(
        self, collection: str, tenant_id: str, doc_ids: Sequence[str]
    ) -> list[Document]:
        if not doc_ids:
            return []
        return self._reads().find_sync(
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
        return self._reads().find_sync(collection, tenant_id, where, sort, limit)

    async def count(self, collection: str, tenant_id: str, where: Filter | None = None) -> int:
        reads = self._reads()
        compiler = _Compiler(reads._spec(collection), tenant_id)
        params: list[Any] = [tenant_id]
        clause = compiler.compile(where or {}, params)
        assert self._reader is not None
        row = self._reader.execute(
            f"SELECT count(*) FROM {_quote(collection)} c WHERE c.tenant_id = ? AND {clause}",
            params,
        ).fetchone()
        return int(row[0])

    async def pending_events(self, limit: int) -> list[OutboxEvent]:
        assert self._reader is not None
        rows = self._reader.execute(
            "SELECT id, subject, payload, tenant_id, headers FROM _outbox "
            "WHERE published_at IS NULL ORDER BY seq LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            OutboxEvent(
                id=r[0], subject=r[1], payload=r[2], tenant_id=r[3], headers=orjson.loads(r[4])
            )
            for r in rows
        ]

    async def mark_published(self, event_ids: Sequence[str]) -> None:
        if not event_ids or self._writer is None:
            return
        async with self._write_lock:
            now = datetime.now(UTC).isoformat()
            self._writer.executemany(
                "UPDATE _outbox SET published_at = ? WHERE id = ?", [(now, i) for i in event_ids]
            )
