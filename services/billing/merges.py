"""The billing service's part of merging two client files (runtime.kit.merges): the merged
client's ledger entries, premium notices, invoices, credit notes and quotes move to the
survivor, and its balances and counts are added to the survivor's account, currency by
currency, never converted. A posted invoice keeps the buyer it was issued to (its copy taken
at posting): moving it changes whose account it is on, not what it says."""

from __future__ import annotations

from typing import Any, cast

from runtime.kit.merges import ClientField, ClientRecords
from runtime.kit.repository import upsert
from runtime.store import Transaction
from services.billing.models import ACCOUNTS, ENTRIES, INVOICES, NOTICES, QUOTES, AccountDoc

_COUNTS = ("entry_count", "invoice_count", "quote_count")


async def _add_accounts(
    txn: Transaction, tenant_id: str, merged_id: str, survivor_id: str
) -> dict[str, int]:
    merged = cast("AccountDoc | None", await txn.get(ACCOUNTS, tenant_id, merged_id))
    if merged is None:
        return {"accounts": 0}
    kept = cast("AccountDoc | None", await txn.get(ACCOUNTS, tenant_id, survivor_id))
    balances = dict(kept["balances"]) if kept else {}
    for currency, amount in merged["balances"].items():
        balances[currency] = balances.get(currency, 0) + amount
    before: dict[str, Any] = dict(kept or {})
    account: dict[str, Any] = {**before, "id": survivor_id, "balances": balances}
    for name in _COUNTS:
        account[name] = int(before.get(name, 0)) + int(cast(dict[str, Any], merged).get(name, 0))
    await upsert(txn, ACCOUNTS, tenant_id, account)
    await txn.delete(ACCOUNTS, tenant_id, merged_id)
    return {"accounts": 1}


CLIENT_RECORDS = ClientRecords(
    service="billing",
    fields=(
        ClientField("ledger_entries", ENTRIES),
        ClientField("premium_notices", NOTICES),
        ClientField("invoices", INVOICES),
        ClientField("quotes", QUOTES),
    ),
    move_more=_add_accounts,
)
