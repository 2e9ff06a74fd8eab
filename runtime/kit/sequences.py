"""Per-tenant gapless numbering (client references, invoice numbers): the next number is taken
in the caller's transaction, so that a write that rolls back gives its number back and no
number is ever skipped or given twice.

Each counter is one document that every taker rewrites, so takers run one after another: on
SQLite the single writer orders them; on MongoDB a concurrent taker's commit is a Conflict,
which the caller retries as it would any stale write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from runtime.store import CollectionSpec, Transaction

COUNTERS: Final = "counters"
# The collection a service that numbers anything adds to its collections.
COUNTERS_COLLECTION: Final = CollectionSpec(COUNTERS)


@dataclass(frozen=True, slots=True)
class GaplessSequence:
    """A numbering such as ``GaplessSequence("client_reference", "CL{number:06d}")``.

    The template may name parts that restart the count, given to ``next``:
    ``GaplessSequence("invoice_number", "INV-{year}-{number:06d}")`` counts from 1 each year.
    """

    name: str
    template: str
    collection: str = COUNTERS

    def _counter_id(self, parts: dict[str, str | int]) -> str:
        return ":".join([self.name, *(f"{k}={parts[k]}" for k in sorted(parts))])

    async def next_number(self, txn: Transaction, tenant_id: str, **parts: str | int) -> int:
        """The tenant's next number (1 for the first), taken in ``txn``."""
        counter_id = self._counter_id(parts)
        counter = await txn.get(self.collection, tenant_id, counter_id)
        if counter is None:
            await txn.insert(self.collection, tenant_id, {"id": counter_id, "value": 1})
            return 1
        value = int(counter["value"]) + 1
        await txn.replace(
            self.collection,
            tenant_id,
            {**counter, "value": value},
            expected_version=counter["version"],
        )
        return value

    async def next(self, txn: Transaction, tenant_id: str, **parts: str | int) -> str:
        """The tenant's next number, formatted: ``CL000001``, ``INV-2026-000001``."""
        number = await self.next_number(txn, tenant_id, **parts)
        return self.template.format(number=number, **parts)
