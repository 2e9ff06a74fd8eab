"""The billing service's part of erasing a client (runtime.kit.erasure): its copy of the client
(the buyer it would print on new invoices) and its quotes are deleted. Posted invoices and
credit notes keep the buyer they were issued to, and the ledger and premium notices are kept:
the law requires accounting records and invoices for ten years."""

from __future__ import annotations

from runtime.kit.erasure import ClientErasure, Erased, Retention, delete_where
from runtime.store import Transaction
from services.billing.models import CLIENT_COPIES, DRAFT, ENTRIES, INVOICES, NOTICES, QUOTES

_TEN_YEARS = "10 years after the end of the financial year"
_RULE = "Code de commerce L123-22 and Livre des procédures fiscales L102 B"


async def _erase(txn: Transaction, tenant_id: str, client_id: str) -> Erased:
    invoices = await txn.find(INVOICES, tenant_id, {"client_id": client_id})
    drafts = [i for i in invoices if i.get("state") == DRAFT]
    for draft in drafts:
        await txn.delete(INVOICES, tenant_id, draft["id"])
    entries = len(await txn.find(ENTRIES, tenant_id, {"client_id": client_id}))
    notices = len(await txn.find(NOTICES, tenant_id, {"client_id": client_id}))
    return Erased(
        erased={
            "buyer_copy": await delete_where(txn, CLIENT_COPIES, tenant_id, {"id": client_id}),
            "quotes": await delete_where(txn, QUOTES, tenant_id, {"client_id": client_id}),
            "draft_invoices": len(drafts),
        },
        retained=[
            Retention(
                "posted invoices and credit notes, with the buyer as issued",
                len(invoices) - len(drafts),
                _TEN_YEARS,
                _RULE,
            ),
            Retention("ledger entries", entries, _TEN_YEARS, _RULE),
            Retention("premium notices", notices, _TEN_YEARS, _RULE),
        ],
    )


CLIENT_ERASURE = ClientErasure(service="billing", erase=_erase)
