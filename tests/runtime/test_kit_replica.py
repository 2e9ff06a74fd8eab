"""A local copy fed by another service's events: newer source versions replace the copy, an
older one is left unapplied, and the copy knows when it was refreshed last."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict

import pytest

from runtime.kit.replica import Replica, age, is_stale, source_version
from runtime.store import CollectionSpec
from runtime.store.sqlite import SqliteStore


class Person(TypedDict, total=False):
    id: str
    name: str
    source_version: int
    refreshed_at: str


PEOPLE: Replica[Person] = Replica("people")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "replica.sqlite3")
    await opened.open([CollectionSpec("people")])
    yield opened
    await opened.close()


async def receive(store: SqliteStore, name: str, version: int, tenant_id: str = "t1") -> Any:
    async with store.transaction() as txn:
        return await PEOPLE.refresh(
            txn, tenant_id, {"id": "p1", "name": name}, source_version=version
        )


async def test_a_first_event_creates_the_copy_with_its_source_version(
    store: SqliteStore,
) -> None:
    refresh = await receive(store, "Léa", 1)
    assert refresh.applied
    assert refresh.previous is None
    copy = await PEOPLE.get(store, "t1", "p1")
    assert copy is not None
    assert (copy["name"], source_version(copy)) == ("Léa", 1)
    assert copy["refreshed_at"]


async def test_a_newer_event_replaces_the_copy_and_shows_what_it_was(store: SqliteStore) -> None:
    await receive(store, "Léa", 1)
    refresh = await receive(store, "Léa Roux", 3)
    assert refresh.applied
    assert refresh.previous is not None
    assert refresh.previous["name"] == "Léa"
    assert refresh.current["name"] == "Léa Roux"


async def test_an_event_older_than_the_copy_is_not_applied(store: SqliteStore) -> None:
    await receive(store, "Léa Roux", 3)
    refresh = await receive(store, "Zoé", 2)
    assert not refresh.applied
    copy = await PEOPLE.get(store, "t1", "p1")
    assert copy is not None
    assert (copy["name"], source_version(copy)) == ("Léa Roux", 3)


async def test_copies_are_read_per_tenant(store: SqliteStore) -> None:
    await receive(store, "Léa", 1, tenant_id="t1")
    assert await PEOPLE.get(store, "t2", "p1") is None
    async with store.transaction() as txn:
        assert [p["id"] for p in await PEOPLE.get_many(txn, "t1", ["p1", "p9"])] == ["p1"]
    assert [p["name"] for p in await PEOPLE.find(store, "t1", {"name": "Léa"})] == ["Léa"]


async def test_staleness_is_the_time_since_the_last_refresh(store: SqliteStore) -> None:
    await receive(store, "Léa", 1)
    copy = await PEOPLE.get(store, "t1", "p1")
    assert copy is not None
    refreshed = datetime.fromisoformat(copy["refreshed_at"])
    later = refreshed + timedelta(hours=2)
    assert age(copy, now=later) == timedelta(hours=2)
    assert not is_stale(copy, max_age=timedelta(hours=3), now=later)
    assert is_stale(copy, max_age=timedelta(hours=1), now=later)
    assert age(copy) is not None
    assert is_stale({"id": "old"}, max_age=timedelta(days=365), now=datetime.now(UTC))
