"""The compliance service's part of erasing a client (runtime.kit.erasure): its copy of the
client's and contacts' names is deleted; the screenings and decisions are kept, as the law on
money laundering and terrorist financing requires of every check made."""

from __future__ import annotations

from runtime.kit.erasure import ClientErasure, Erased, Retention, delete_where
from runtime.store import Transaction
from services.compliance.models import COMPLIANCE, SCREENINGS, SUBJECTS

_AML_RULE = "Code monétaire et financier L561-12 (anti-money-laundering records)"
_AML_UNTIL = "5 years after the end of the business relationship"


async def _erase(txn: Transaction, tenant_id: str, client_id: str) -> Erased:
    copies = await delete_where(txn, SUBJECTS, tenant_id, {"client_id": client_id})
    screenings = len(await txn.find(SCREENINGS, tenant_id, {"client_id": client_id}))
    file = await txn.get(COMPLIANCE, tenant_id, client_id)
    decisions = len(file["decisions"]) if file else 0
    return Erased(
        erased={"name_copies": copies},
        retained=[
            Retention("screenings", screenings, _AML_UNTIL, _AML_RULE),
            Retention("asset-freeze decisions", decisions, _AML_UNTIL, _AML_RULE),
        ],
    )


CLIENT_ERASURE = ClientErasure(service="compliance", erase=_erase)
