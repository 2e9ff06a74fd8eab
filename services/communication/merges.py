"""The communication service's part of merging two client files (runtime.kit.merges): every
message, document, note, task, action, ticket and agenda event of the merged client moves to
the survivor; its actions' counter is added to the survivor's, and its mailing-list
subscriptions become the survivor's where the survivor has none for that list."""

from __future__ import annotations

from typing import Any, cast

from runtime.kit.merges import ClientField, ClientRecords
from runtime.store import DocumentStore, Transaction
from services.communication.models import (
    ACTION_COUNTERS,
    BY_CLIENT,
    SUBSCRIPTIONS,
    ActionCounter,
    subscription_id,
)


async def _move_counters_and_subscriptions(
    txn: Transaction, tenant_id: str, merged_id: str, survivor_id: str
) -> dict[str, int]:
    merged = cast("ActionCounter | None", await txn.get(ACTION_COUNTERS, tenant_id, merged_id))
    if merged is not None:
        kept = cast("ActionCounter | None", await txn.get(ACTION_COUNTERS, tenant_id, survivor_id))
        if kept is None:
            await txn.insert(
                ACTION_COUNTERS, tenant_id, {"id": survivor_id, "by_status": merged["by_status"]}
            )
        else:
            by_status = dict(kept["by_status"])
            for word, count in merged["by_status"].items():
                by_status[word] = by_status.get(word, 0) + count
            await txn.replace(
                ACTION_COUNTERS,
                tenant_id,
                {**kept, "by_status": by_status},
                expected_version=kept.get("version", 1),
            )
        await txn.delete(ACTION_COUNTERS, tenant_id, merged_id)
    moved = 0
    for found in await txn.find(SUBSCRIPTIONS, tenant_id, {"client_id": merged_id}):
        await txn.delete(SUBSCRIPTIONS, tenant_id, found["id"])
        new_id = subscription_id(found["list_id"], survivor_id)
        if await txn.get(SUBSCRIPTIONS, tenant_id, new_id) is None:
            subscription: dict[str, Any] = {
                k: v for k, v in found.items() if k not in ("tenant_id", "version")
            }
            await txn.insert(
                SUBSCRIPTIONS, tenant_id, {**subscription, "id": new_id, "client_id": survivor_id}
            )
            moved += 1
    return {"subscriptions": moved}


async def _count_subscriptions(
    store: DocumentStore, tenant_id: str, client_id: str
) -> dict[str, int]:
    return {"subscriptions": await store.count(SUBSCRIPTIONS, tenant_id, {"client_id": client_id})}


CLIENT_RECORDS = ClientRecords(
    service="communication",
    fields=tuple(ClientField(kind, collection) for kind, collection in BY_CLIENT.items()),
    move_more=_move_counters_and_subscriptions,
    count_more=_count_subscriptions,
)
