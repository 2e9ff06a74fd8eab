"""Store access of the contracts service: every read and write is scoped by tenant; writes take
the transaction they belong to, so that a change, the tallies it moves and its events commit
together. The copy of identity's clients is a runtime replica (``clients``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from runtime.kit.replica import Replica
from runtime.kit.repository import Repository, get_many, upsert
from runtime.store import DocumentStore, Transaction
from services.contracts.models import (
    CLAIM_REFERENCES,
    CLAIMS,
    CLIENTS,
    CONTRACT_REFERENCES,
    CONTRACTS,
    SETTINGS,
    SETTINGS_ID,
    TALLIES,
    TICKETS,
    Claim,
    ClientCopy,
    Contract,
    Settings,
    Tally,
    TicketCopy,
    default_settings,
    tally_id,
)


def _visible(where: dict[str, Any], partner_id: str | None) -> dict[str, Any]:
    """``where``, narrowed to the records naming ``partner_id`` when the caller is one."""
    return where if partner_id is None else {**where, "partner_ids": partner_id}


class ContractsRepository(Repository):
    def __init__(self, store: DocumentStore) -> None:
        super().__init__(store)
        self.clients: Replica[ClientCopy] = Replica(CLIENTS)
        self.tickets: Replica[TicketCopy] = Replica(TICKETS)

    # Contracts

    async def get_contract(
        self, tenant_id: str, contract_id: str, *, partner_id: str | None = None
    ) -> Contract | None:
        found = await self._store.find(
            CONTRACTS, tenant_id, _visible({"id": contract_id}, partner_id), limit=1
        )
        return cast(Contract, found[0]) if found else None

    async def contracts_of_clients(
        self, tenant_id: str, client_ids: Sequence[str], *, partner_id: str | None = None
    ) -> list[Contract]:
        """Every contract in which one of ``client_ids`` takes part (at any time)."""
        where = _visible({"party_client_ids": {"$in": list(client_ids)}}, partner_id)
        return cast(list[Contract], await self._store.find(CONTRACTS, tenant_id, where))

    async def get_contract_for_update(
        self, txn: Transaction, tenant_id: str, contract_id: str
    ) -> Contract | None:
        return cast("Contract | None", await txn.get(CONTRACTS, tenant_id, contract_id))

    async def insert_contract(
        self, txn: Transaction, tenant_id: str, contract: Contract
    ) -> Contract:
        return cast(Contract, await txn.insert(CONTRACTS, tenant_id, dict(contract)))

    async def replace_contract(
        self, txn: Transaction, tenant_id: str, contract: Contract, *, expected_version: int
    ) -> Contract:
        stored = await txn.replace(
            CONTRACTS, tenant_id, dict(contract), expected_version=expected_version
        )
        return cast(Contract, stored)

    async def next_contract_reference(self, txn: Transaction, tenant_id: str) -> str:
        return await CONTRACT_REFERENCES.next(txn, tenant_id)

    # Claims

    async def get_claim(
        self, tenant_id: str, claim_id: str, *, partner_id: str | None = None
    ) -> Claim | None:
        found = await self._store.find(
            CLAIMS, tenant_id, _visible({"id": claim_id}, partner_id), limit=1
        )
        return cast(Claim, found[0]) if found else None

    async def claims_of_clients(
        self, tenant_id: str, client_ids: Sequence[str], *, partner_id: str | None = None
    ) -> list[Claim]:
        where = _visible({"client_ids": {"$in": list(client_ids)}}, partner_id)
        return cast(list[Claim], await self._store.find(CLAIMS, tenant_id, where))

    async def claims_of_contract(
        self, txn: Transaction, tenant_id: str, contract_id: str
    ) -> list[Claim]:
        found = await txn.find(CLAIMS, tenant_id, {"contract_id": contract_id})
        return cast(list[Claim], found)

    async def get_claim_for_update(
        self, txn: Transaction, tenant_id: str, claim_id: str
    ) -> Claim | None:
        return cast("Claim | None", await txn.get(CLAIMS, tenant_id, claim_id))

    async def insert_claim(self, txn: Transaction, tenant_id: str, claim: Claim) -> Claim:
        return cast(Claim, await txn.insert(CLAIMS, tenant_id, dict(claim)))

    async def replace_claim(
        self, txn: Transaction, tenant_id: str, claim: Claim, *, expected_version: int
    ) -> Claim:
        stored = await txn.replace(
            CLAIMS, tenant_id, dict(claim), expected_version=expected_version
        )
        return cast(Claim, stored)

    async def next_claim_reference(self, txn: Transaction, tenant_id: str) -> str:
        return await CLAIM_REFERENCES.next(txn, tenant_id)

    # Tallies: open claims of client files and contracts, open tickets of contracts

    async def _adjust(
        self, txn: Transaction, tenant_id: str, tallies: Iterable[str], field: str, delta: int
    ) -> None:
        for tally in dict.fromkeys(tallies):
            current = dict(await txn.get(TALLIES, tenant_id, tally) or {})
            current.update({"id": tally, field: int(current.get(field, 0)) + delta})
            await upsert(txn, TALLIES, tenant_id, current)

    async def adjust_open_claims(
        self, txn: Transaction, tenant_id: str, tallies: Iterable[str], delta: int
    ) -> None:
        await self._adjust(txn, tenant_id, tallies, "open_claims", delta)

    async def adjust_open_tickets(
        self, txn: Transaction, tenant_id: str, contract_id: str, delta: int
    ) -> None:
        await self._adjust(
            txn, tenant_id, [tally_id("contract", contract_id)], "open_tickets", delta
        )

    async def tallies(self, tenant_id: str, tallies: Sequence[str]) -> dict[str, Tally]:
        found = await get_many(self._store, TALLIES, tenant_id, tallies)
        return {t["id"]: cast(Tally, t) for t in found}

    # Settings

    async def get_settings(self, tenant_id: str) -> Settings:
        found = await self._store.get(SETTINGS, tenant_id, SETTINGS_ID)
        return cast(Settings, found) if found is not None else default_settings()

    async def get_settings_for_update(self, txn: Transaction, tenant_id: str) -> Settings:
        found = await txn.get(SETTINGS, tenant_id, SETTINGS_ID)
        return cast(Settings, found) if found is not None else default_settings()

    async def put_settings(self, txn: Transaction, tenant_id: str, settings: Settings) -> Settings:
        return cast(Settings, await upsert(txn, SETTINGS, tenant_id, dict(settings)))

    # The copy of identity's clients

    async def client_names(self, tenant_id: str, client_ids: Sequence[str]) -> dict[str, str]:
        copies = await self.clients.get_many(self._store, tenant_id, client_ids)
        return {c["id"]: c["display_name"] for c in copies}

    async def last_client_copy(
        self, txn: Transaction, tenant_id: str, *, kind: str, created_by: str, before: str
    ) -> ClientCopy | None:
        """The copy with the highest reference below ``before`` of that kind and creator."""
        found = await self.clients.find(
            txn,
            tenant_id,
            {"kind": kind, "created_by": created_by, "reference": {"$lt": before}},
            sort=(("reference", -1),),
            limit=1,
        )
        return found[0] if found else None
