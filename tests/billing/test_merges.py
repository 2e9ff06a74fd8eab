"""Billing's part of a merge on a real SQLite store: the merged client's ledger, notices,
invoices and quotes move to the survivor, balances add up currency by currency."""

from __future__ import annotations

from pathlib import Path

from runtime.store.sqlite import SqliteStore
from services.billing.merges import CLIENT_RECORDS
from services.billing.models import ACCOUNTS, COLLECTIONS, ENTRIES, INVOICES
from tests.runtime.merging import apply_merge


async def test_the_ledger_and_balances_follow_the_survivor(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "billing.sqlite3")
    await store.open(COLLECTIONS)
    try:
        async with store.transaction() as txn:
            await txn.insert(ENTRIES, "t", {"id": "e1", "client_id": "dup"})
            await txn.insert(INVOICES, "t", {"id": "i1", "client_id": "dup"})
            await txn.insert(
                ACCOUNTS,
                "t",
                {
                    "id": "dup",
                    "balances": {"EUR": 2550, "JPY": 300},
                    "entry_count": 1,
                    "invoice_count": 1,
                },
            )
            await txn.insert(
                ACCOUNTS,
                "t",
                {"id": "keep", "balances": {"EUR": 1000}, "entry_count": 2, "invoice_count": 0},
            )
        await apply_merge(store, CLIENT_RECORDS, "t", "dup", "keep")
        kept = await store.get(ACCOUNTS, "t", "keep")
        assert kept is not None
        assert kept["balances"] == {"EUR": 3550, "JPY": 300}
        assert (kept["entry_count"], kept["invoice_count"]) == (3, 1)
        assert await store.get(ACCOUNTS, "t", "dup") is None
        counts = await CLIENT_RECORDS.count(store, "t", ["keep", "dup"])
        assert counts["keep"]["ledger_entries"] == 1
        assert counts["keep"]["invoices"] == 1
        assert counts["dup"]["ledger_entries"] == 0
        # A survivor without an account takes the merged one's.
        async with store.transaction() as txn:
            await txn.insert(
                ACCOUNTS,
                "t",
                {"id": "dup2", "balances": {"EUR": 5}, "entry_count": 1, "invoice_count": 0},
            )
        await apply_merge(store, CLIENT_RECORDS, "t", "dup2", "new")
        fresh = await store.get(ACCOUNTS, "t", "new")
        assert fresh is not None
        assert fresh["balances"] == {"EUR": 5}
    finally:
        await store.close()
