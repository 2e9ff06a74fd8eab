"""What may be sold to a client (seed 000's Associations): when products are associated with a
client and still available, the client and the clients attached to it may only be sold those.
The nearest file up the parent chain (the client itself first) with an available association
decides; read from the copy of identity's clients, so no call leaves the service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from runtime.errors import FieldViolation
from runtime.kit.repository import Reads
from runtime.kit.validators import reject_invalid
from runtime.store import Transaction
from services.contracts.models import ClientCopy, Participant
from services.contracts.repository import ContractsRepository

# Deeper parent chains than this are not followed (identity refuses deeper ones).
MAX_DEPTH = 64
POLICYHOLDER = "policyholder"


def available(copy: ClientCopy, today: date) -> list[str]:
    return [
        p["product"]
        for p in copy.get("products", [])
        if not p["available_until"] or p["available_until"] >= today.isoformat()
    ]


async def restriction(
    reads: Reads, repo: ContractsRepository, tenant_id: str, client_id: str, today: date
) -> tuple[ClientCopy, list[str]] | None:
    """The file whose products restrict what ``client_id`` may be sold, and those products;
    None when nothing restricts it."""
    seen: set[str] = set()
    current = client_id
    for _ in range(MAX_DEPTH):
        if not current or current in seen:
            return None
        seen.add(current)
        copy = await repo.clients.get(reads, tenant_id, current)
        if copy is None:
            return None
        products = available(copy, today)
        if products:
            return copy, products
        current = copy.get("parent_client_id", "")
    return None


async def check_products(
    reads: Reads,
    repo: ContractsRepository,
    tenant_id: str,
    product: str,
    participants: Sequence[Participant],
    today: date,
) -> list[FieldViolation]:
    """A violation on ``product`` for each policyholder who may not be sold it."""
    out = []
    for participant in participants:
        if POLICYHOLDER not in participant.get("roles", []):
            continue
        found = await restriction(reads, repo, tenant_id, participant.get("client_id", ""), today)
        if found is None:
            continue
        holder, products = found
        if product.casefold() not in {p.casefold() for p in products}:
            whose = holder.get("reference") or holder["id"]
            out.append(
                FieldViolation(
                    "product",
                    f"{product!r} is not among the products associated with {whose} "
                    f"({', '.join(products)}), the only ones that may be sold to this client",
                )
            )
    return out


async def require_sellable(
    txn: Transaction,
    repo: ContractsRepository,
    tenant_id: str,
    record: Mapping[str, Any],
    today: date,
) -> None:
    """Refuses a contract or quote (``record``: its ``product`` and ``participants``) whose
    product may not be sold to its policyholders."""
    reject_invalid(
        await check_products(
            txn,
            repo,
            tenant_id,
            record.get("product", ""),
            record.get("participants", []),
            today,
        )
    )
