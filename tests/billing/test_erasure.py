"""Billing's part of an erasure on a real SQLite store: the buyer copy, quotes and drafts go;
posted invoices, the ledger and notices stay, said on the certificate with their rule."""

from __future__ import annotations

from pathlib import Path

from runtime.store.sqlite import SqliteStore
from services.billing.erasure import CLIENT_ERASURE
from services.billing.models import CLIENT_COPIES, COLLECTIONS, ENTRIES, INVOICES, QUOTES
from tests.runtime.merging import apply_erasure


async def test_billing_erases_what_the_law_does_not_keep(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "billing.sqlite3")
    await store.open(COLLECTIONS)
    try:
        async with store.transaction() as txn:
            await txn.insert(CLIENT_COPIES, "t", {"id": "c1", "name": "Inès Lambert"})
            await txn.insert(QUOTES, "t", {"id": "q1", "client_id": "c1"})
            await txn.insert(INVOICES, "t", {"id": "i1", "client_id": "c1", "state": "draft"})
            await txn.insert(INVOICES, "t", {"id": "i2", "client_id": "c1", "state": "posted"})
            await txn.insert(ENTRIES, "t", {"id": "e1", "client_id": "c1"})
        done = await apply_erasure(store, CLIENT_ERASURE, "t", "c1")
        assert dict(done.erased) == {"buyer_copy": 1, "quotes": 1, "draft_invoices": 1}
        kept = {r.what: r.count for r in done.retained}
        assert kept["posted invoices and credit notes, with the buyer as issued"] == 1
        assert kept["ledger entries"] == 1
        assert all(r.rule and r.until for r in done.retained)
        assert await store.get(CLIENT_COPIES, "t", "c1") is None
        assert [i["id"] for i in await store.find(INVOICES, "t")] == ["i2"]
    finally:
        await store.close()
