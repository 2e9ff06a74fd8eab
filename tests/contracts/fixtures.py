"""Shared set-up of the contracts tests in process: a real SQLite store, callers of two
agencies, and contracts and claims as a caller would write them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from client360.events.v1 import events_pb2
from runtime import clock
from runtime.caller import Caller
from runtime.store.sqlite import SqliteStore
from services.contracts.models import ClaimInput, ContractInput, Participant

TENANT = "agency-a"
OTHER_TENANT = "agency-b"
ADVISOR = Caller(TENANT, "alice", "advisor")
MANAGER = Caller(TENANT, "martin", "manager")
TECHNICIAN = Caller(TENANT, "theo", "technician")
PARTNER = Caller(TENANT, "insurer-axa", "partner")
OTHER_ADVISOR = Caller(OTHER_TENANT, "bob", "advisor")


def today() -> date:
    return clock.today(ZoneInfo("Europe/Paris"))


def day(offset: int) -> str:
    """Today plus ``offset`` days, as stored."""
    return (today() + timedelta(days=offset)).isoformat()


def holder(client_id: str, *roles: str, **fields: Any) -> Participant:
    participant: Participant = {
        "client_id": client_id,
        "roles": list(roles or ("policyholder", "insured", "payer")),
        "valid_from": "",
        "valid_to": "",
    }
    participant.update(fields)  # type: ignore[typeddict-item]
    return participant


def contract_input(*participants: Participant, **fields: Any) -> ContractInput:
    contract: ContractInput = {
        "policy_number": "AXA12345678",
        "insurer": "AXA France",
        "product": "Auto Tous Risques",
        "branch": "motor",
        "effective_date": day(-800),
        "due_date": day(200),
        "tacit_renewal": True,
        "premium": {"amount_minor": 84_000, "currency": "EUR"},
        "payment_frequency": "monthly",
        "premium_collector": "broker",
        "consumer": True,
        "participants": list(participants) or [holder("client-1")],
        "renewal_notice_sent_on": "",
        "partner_ids": ["insurer-axa"],
    }
    contract.update(fields)  # type: ignore[typeddict-item]
    return contract


def claim_input(contract_id: str, **fields: Any) -> ClaimInput:
    claim: ClaimInput = {
        "contract_id": contract_id,
        "type": "collision",
        "loss_date": day(-10),
        "reported_date": day(-8),
        "description": "Accrochage sur un parking.",
        "participants": [],
    }
    claim.update(fields)  # type: ignore[typeddict-item]
    return claim


async def outbox(store: SqliteStore) -> list[events_pb2.Event]:
    return [events_pb2.Event.FromString(e.payload) for e in await store.pending_events(100_000)]
