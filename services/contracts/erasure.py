"""The contracts service's part of erasing a client (runtime.kit.erasure): its copy of the
client is deleted, the free texts of its claims and complaints (where a client tells what
happened to them) are blanked, and its quotes not accepted are deleted. The contracts, claims
and complaints are kept, naming the client by its id only, for as long as an action on them
is possible."""

from __future__ import annotations

from runtime.kit.erasure import ClientErasure, Erased, Retention, blank_where, delete_where
from runtime.store import Transaction
from services.contracts.models import ACCEPTED, CLAIMS, CLIENTS, COMPLAINTS, CONTRACTS, QUOTES

_INSURANCE_RULE = "Code des assurances L114-1 (limitation of actions under the contract)"
_CLAIMS_UNTIL = "2 years after the contract ends (10 years for bodily injury)"


async def _erase(txn: Transaction, tenant_id: str, client_id: str) -> Erased:
    contracts = len(await txn.find(CONTRACTS, tenant_id, {"party_client_ids": client_id}))
    claims = len(await txn.find(CLAIMS, tenant_id, {"client_ids": client_id}))
    complaints = len(await txn.find(COMPLAINTS, tenant_id, {"client_id": client_id}))
    open_quotes = [
        q
        for q in await txn.find(QUOTES, tenant_id, {"party_client_ids": client_id})
        if q.get("status") != ACCEPTED
    ]
    for quote in open_quotes:
        await txn.delete(QUOTES, tenant_id, quote["id"])
    return Erased(
        erased={
            "client_copy": await delete_where(txn, CLIENTS, tenant_id, {"id": client_id}),
            "claim_descriptions": await blank_where(
                txn, CLAIMS, tenant_id, {"client_ids": client_id}, {"description": ""}
            ),
            "complaint_texts": await blank_where(
                txn,
                COMPLAINTS,
                tenant_id,
                {"client_id": client_id},
                {"description": "", "answer_summary": ""},
            ),
            "quotes": len(open_quotes),
        },
        retained=[
            Retention(
                "contracts, naming the client by id", contracts, _CLAIMS_UNTIL, _INSURANCE_RULE
            ),
            Retention("claims, without their description", claims, _CLAIMS_UNTIL, _INSURANCE_RULE),
            Retention(
                "complaints, without their texts",
                complaints,
                "5 years after their answer",
                "ACPR recommendation 2022-R-01 (complaint records)",
            ),
        ],
    )


CLIENT_ERASURE = ClientErasure(service="contracts", erase=_erase)
