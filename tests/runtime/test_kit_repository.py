"""A repository owns its transactions: a block commits whole or rolls back whole; upserts
insert once and then replace at the version read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runtime.kit.repository import Repository, get_many, upsert
from runtime.store import CollectionSpec
from runtime.store.sqlite import SqliteStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "repo.sqlite3")
    await opened.open([CollectionSpec("notes")])
    yield opened
    await opened.close()


async def test_a_transaction_commits_whole_or_not_at_all(store: SqliteStore) -> None:
    repo = Repository(store)
    async with repo.transaction() as txn:
        await txn.insert("notes", "t1", {"id": "n1", "text": "kept"})
    with pytest.raises(RuntimeError):
        async with repo.transaction() as txn:
            await txn.insert("notes", "t1", {"id": "n2", "text": "lost"})
            raise RuntimeError("the domain refused half-way")
    assert [n["id"] for n in await store.find("notes", "t1")] == ["n1"]


async def test_an_upsert_inserts_then_replaces_at_the_version_read(store: SqliteStore) -> None:
    async with store.transaction() as txn:
        first = await upsert(txn, "notes", "t1", {"id": "n1", "text": "a"})
        second = await upsert(txn, "notes", "t1", {"id": "n1", "text": "b"})
    assert (first["version"], second["version"]) == (1, 2)
    async with store.transaction() as txn:
        found = await get_many(txn, "notes", "t1", ["n1", "n1", "missing"])
        assert [(n["id"], n["text"]) for n in found] == [("n1", "b")]
        assert await get_many(txn, "notes", "t1", []) == []
