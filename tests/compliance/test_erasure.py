"""Compliance's part of an erasure on a real SQLite store: the copies of names go, the
screenings stay, as anti-money-laundering law requires, and the certificate says so."""

from __future__ import annotations

from pathlib import Path

from runtime.store.sqlite import SqliteStore
from services.compliance.erasure import CLIENT_ERASURE
from services.compliance.models import COLLECTIONS, SCREENINGS, SUBJECTS
from tests.runtime.merging import apply_erasure


async def test_compliance_keeps_its_screenings_and_forgets_the_names(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "compliance.sqlite3")
    await store.open([c for c in COLLECTIONS if c.name != "counters"])
    try:
        async with store.transaction() as txn:
            await txn.insert(SUBJECTS, "t", {"id": "c1", "client_id": "c1", "full_name": "Inès"})
            await txn.insert(SUBJECTS, "t", {"id": "k1", "client_id": "c1", "full_name": "Hugo"})
            await txn.insert(SCREENINGS, "t", {"id": "s1", "client_id": "c1", "at": "2026-01-01"})
        done = await apply_erasure(store, CLIENT_ERASURE, "t", "c1")
        assert dict(done.erased) == {"name_copies": 2}
        assert {r.what: r.count for r in done.retained}["screenings"] == 1
        assert await store.find(SUBJECTS, "t") == []
    finally:
        await store.close()
