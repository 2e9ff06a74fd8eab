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
    COMPLAINT_REFERENCES,
    COMPLAINTS,
    CONTRACT_REFERENCES,
    CONTRACTS,
    QUOTE_REFERENCES,
    QUOTES,
    SETTINGS,
    SETTINGS_ID,
    TALLIES,
    TICKETS,
    VEHICLES,
    Claim,
    ClientCopy,
    Complaint,
    Contract,
    Quote,
    Settings,
    Tally,
    TicketCopy,
    Vehicle,
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

    # Complaints

    async def get_complaint(
        self, tenant_id: str, complaint_id: str, *, partner_id: str | None = None
    ) -> Complaint | None:
        found = await self._store.find(
            COMPLAINTS, tenant_id, _visible({"id": complaint_id}, partner_id), limit=1
        )
        return cast(Complaint, found[0]) if found else None

    async def complaints_of_clients(
        self, tenant_id: str, client_ids: Sequence[str], *, partner_id: str | None = None
    ) -> list[Complaint]:
        where = _visible({"client_id": {"$in": list(client_ids)}}, partner_id)
        return cast(list[Complaint], await self._store.find(COMPLAINTS, tenant_id, where))

    async def complaints_with_status(
        self, tenant_id: str, statuses: Sequence[str]
    ) -> list[Complaint]:
        where = {"status": {"$in": list(statuses)}} if statuses else {}
        return cast(list[Complaint], await self._store.find(COMPLAINTS, tenant_id, where))

    async def get_complaint_for_update(
        self, txn: Transaction, tenant_id: str, complaint_id: str
    ) -> Complaint | None:
        return cast("Complaint | None", await txn.get(COMPLAINTS, tenant_id, complaint_id))

    async def insert_complaint(
        self, txn: Transaction, tenant_id: str, complaint: Complaint
    ) -> Complaint:
        return cast(Complaint, await txn.insert(COMPLAINTS, tenant_id, dict(complaint)))

    async def replace_complaint(
        self, txn: Transaction, tenant_id: str, complaint: Complaint, *, expected_version: int
    ) -> Complaint:
        stored = await txn.replace(
            COMPLAINTS, tenant_id, dict(complaint), expected_version=expected_version
        )
        return cast(Complaint, stored)

    async def next_complaint_reference(self, txn: Transaction, tenant_id: str) -> str:
        return await COMPLAINT_REFERENCES.next(txn, tenant_id)

    async def complaints_of_contract(
        self, txn: Transaction, tenant_id: str, contract_id: str
    ) -> list[Complaint]:
        found = await txn.find(COMPLAINTS, tenant_id, {"contract_id": contract_id})
        return cast(list[Complaint], found)

    async def get_claim_in(self, txn: Transaction, tenant_id: str, claim_id: str) -> Claim | None:
        return cast("Claim | None", await txn.get(CLAIMS, tenant_id, claim_id))

    # Quotes

    async def get_quote(
        self, tenant_id: str, quote_id: str, *, partner_id: str | None = None
    ) -> Quote | None:
        found = await self._store.find(
            QUOTES, tenant_id, _visible({"id": quote_id}, partner_id), limit=1
        )
        return cast(Quote, found[0]) if found else None

    async def quotes_of_clients(
        self, tenant_id: str, client_ids: Sequence[str], *, partner_id: str | None = None
    ) -> list[Quote]:
        where = _visible({"party_client_ids": {"$in": list(client_ids)}}, partner_id)
        return cast(list[Quote], await self._store.find(QUOTES, tenant_id, where))

    async def get_quote_for_update(
        self, txn: Transaction, tenant_id: str, quote_id: str
    ) -> Quote | None:
        return cast("Quote | None", await txn.get(QUOTES, tenant_id, quote_id))

    async def insert_quote(self, txn: Transaction, tenant_id: str, quote: Quote) -> Quote:
        return cast(Quote, await txn.insert(QUOTES, tenant_id, dict(quote)))

    async def replace_quote(
        self, txn: Transaction, tenant_id: str, quote: Quote, *, expected_version: int
    ) -> Quote:
        stored = await txn.replace(
            QUOTES, tenant_id, dict(quote), expected_version=expected_version
        )
        return cast(Quote, stored)

    async def next_quote_reference(self, txn: Transaction, tenant_id: str) -> str:
        return await QUOTE_REFERENCES.next(txn, tenant_id)

    # Vehicles of fleet contracts

    async def vehicles_of_contracts(
        self, tenant_id: str, contract_ids: Sequence[str]
    ) -> list[Vehicle]:
        where = {"contract_id": {"$in": list(contract_ids)}}
        return cast(list[Vehicle], await self._store.find(VEHICLES, tenant_id, where))

    async def vehicles_of_contract_in(
        self, txn: Transaction, tenant_id: str, contract_id: str
    ) -> list[Vehicle]:
        found = await txn.find(VEHICLES, tenant_id, {"contract_id": contract_id})
        return cast(list[Vehicle], found)

    async def get_vehicle_for_update(
        self, txn: Transaction, tenant_id: str, vehicle_id: str
    ) -> Vehicle | None:
        return cast("Vehicle | None", await txn.get(VEHICLES, tenant_id, vehicle_id))

    async def insert_vehicle(self, txn: Transaction, tenant_id: str, vehicle: Vehicle) -> Vehicle:
        return cast(Vehicle, await txn.insert(VEHICLES, tenant_id, dict(vehicle)))

    async def replace_vehicle(
        self, txn: Transaction, tenant_id: str, vehicle: Vehicle, *, expected_version: int
    ) -> Vehicle:
        stored = await txn.replace(
            VEHICLES, tenant_id, dict(vehicle), expected_version=expected_version
        )
        return cast(Vehicle, stored)

    # Tallies: open claims of client files and contracts, open tickets of contracts, open
    # complaints of client files

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

    async def adjust_open_complaints(
        self, txn: Transaction, tenant_id: str, client_id: str, delta: int
    ) -> None:
        await self._adjust(
            txn, tenant_id, [tally_id("client", client_id)], "open_complaints", delta
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
