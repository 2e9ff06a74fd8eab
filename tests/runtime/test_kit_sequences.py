"""Gapless per-tenant numbering on the real SQLite store: concurrent takers each get their
own number, a rolled-back transaction gives its number back, tenants and years count apart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runtime.kit.sequences import COUNTERS_COLLECTION, GaplessSequence
from runtime.store import CollectionSpec
from runtime.store.sqlite import SqliteStore

REFERENCES = GaplessSequence("client_reference", "CL{number:06d}")
INVOICES = GaplessSequence("invoice_number", "INV-{year}-{number:06d}")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "sequences.sqlite3")
    await opened.open([COUNTERS_COLLECTION, CollectionSpec("clients")])
    yield opened
    await opened.close()


class Contention:
    """Takers that each hold their number until every one of them has asked for the store's
    write lock: the others are queued behind the holder, as concurrent writes would be."""

    def __init__(self, takers: int) -> None:
        self._left = takers
        self._everyone_asked = asyncio.Event()

    def asking(self) -> None:
        self._left -= 1
        if self._left <= 0:
            self._everyone_asked.set()

    async def everyone_asked(self) -> None:
        await self._everyone_asked.wait()


async def take(
    store: SqliteStore,
    sequence: GaplessSequence,
    tenant_id: str = "t1",
    contention: Contention | None = None,
) -> str:
    contention = contention or Contention(1)
    contention.asking()
    async with store.transaction() as txn:
        number = await sequence.next(txn, tenant_id)
        await contention.everyone_asked()
        await txn.insert("clients", tenant_id, {"id": number})
    return number


async def test_numbers_start_at_one_and_are_formatted(store: SqliteStore) -> None:
    assert [await take(store, REFERENCES) for _ in range(3)] == [
        "CL000001",
        "CL000002",
        "CL000003",
    ]


async def test_concurrent_takers_get_every_number_once(store: SqliteStore) -> None:
    contention = Contention(50)
    numbers = await asyncio.gather(
        *(take(store, REFERENCES, contention=contention) for _ in range(50))
    )
    assert sorted(numbers) == [f"CL{n:06d}" for n in range(1, 51)]


async def test_a_rolled_back_transaction_leaves_no_gap(store: SqliteStore) -> None:
    assert await take(store, REFERENCES) == "CL000001"
    with pytest.raises(RuntimeError):
        async with store.transaction() as txn:
            assert await REFERENCES.next(txn, "t1") == "CL000002"
            raise RuntimeError("the write was refused after the number was taken")
    assert await take(store, REFERENCES) == "CL000002"
    stored = sorted(c["id"] for c in await store.find("clients", "t1"))
    assert stored == ["CL000001", "CL000002"]


async def test_rollbacks_among_concurrent_takers_leave_no_gap(store: SqliteStore) -> None:
    contention = Contention(30)

    async def maybe_fail(i: int) -> str | None:
        contention.asking()
        try:
            async with store.transaction() as txn:
                number = await REFERENCES.next(txn, "t1")
                await contention.everyone_asked()
                if i % 3 == 0:
                    raise ValueError("refused")
                await txn.insert("clients", "t1", {"id": number})
        except ValueError:
            return None
        return number

    results = await asyncio.gather(*(maybe_fail(i) for i in range(30)))
    kept = sorted(n for n in results if n is not None)
    assert kept == [f"CL{n:06d}" for n in range(1, 21)]


async def test_each_tenant_and_each_year_counts_from_one(store: SqliteStore) -> None:
    assert await take(store, REFERENCES, "t1") == "CL000001"
    assert await take(store, REFERENCES, "t2") == "CL000001"
    async with store.transaction() as txn:
        assert await INVOICES.next(txn, "t1", year=2026) == "INV-2026-000001"
        assert await INVOICES.next(txn, "t1", year=2026) == "INV-2026-000002"
        assert await INVOICES.next(txn, "t1", year=2027) == "INV-2027-000001"
        assert await INVOICES.next_number(txn, "t2", year=2026) == 1
