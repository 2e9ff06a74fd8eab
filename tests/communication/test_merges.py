"""Communication's part of a merge on a real SQLite store: its records move to the survivor,
the actions' counters add up, and subscriptions are re-keyed without doubling one."""

from __future__ import annotations

from pathlib import Path

from runtime.store.sqlite import SqliteStore
from services.communication.merges import CLIENT_RECORDS
from services.communication.models import (
    ACTION_COUNTERS,
    COLLECTIONS,
    SUBSCRIPTIONS,
    TASKS,
    subscription_id,
)
from tests.runtime.merging import apply_merge


async def test_records_counters_and_subscriptions_follow_the_survivor(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "communication.sqlite3")
    await store.open(COLLECTIONS)
    try:
        async with store.transaction() as txn:
            await txn.insert(TASKS, "t", {"id": "task", "client_id": "dup"})
            await txn.insert(ACTION_COUNTERS, "t", {"id": "dup", "by_status": {"to_do": 2}})
            await txn.insert(
                ACTION_COUNTERS, "t", {"id": "keep", "by_status": {"to_do": 1, "done": 4}}
            )
            for list_id, client in (("news", "dup"), ("promo", "dup"), ("news", "keep")):
                await txn.insert(
                    SUBSCRIPTIONS,
                    "t",
                    {
                        "id": subscription_id(list_id, client),
                        "list_id": list_id,
                        "list_name": list_id,
                        "client_id": client,
                        "subscribed": True,
                        "changed_at": "",
                        "changed_by": "",
                    },
                )
        await apply_merge(store, CLIENT_RECORDS, "t", "dup", "keep")
        assert [t["client_id"] for t in await store.find(TASKS, "t")] == ["keep"]
        counter = await store.get(ACTION_COUNTERS, "t", "keep")
        assert counter is not None
        assert counter["by_status"] == {"to_do": 3, "done": 4}
        assert await store.get(ACTION_COUNTERS, "t", "dup") is None
        kept = sorted(s["id"] for s in await store.find(SUBSCRIPTIONS, "t"))
        assert kept == sorted([subscription_id("news", "keep"), subscription_id("promo", "keep")])
        counts = await CLIENT_RECORDS.count(store, "t", ["keep"])
        assert counts["keep"]["subscriptions"] == 2
        assert counts["keep"]["tasks"] == 1
        # A survivor with no counter of its own takes the merged one's.
        async with store.transaction() as txn:
            await txn.insert(ACTION_COUNTERS, "t", {"id": "dup2", "by_status": {"to_do": 1}})
        await apply_merge(store, CLIENT_RECORDS, "t", "dup2", "new")
        fresh = await store.get(ACTION_COUNTERS, "t", "new")
        assert fresh is not None
        assert fresh["by_status"] == {"to_do": 1}
    finally:
        await store.close()
