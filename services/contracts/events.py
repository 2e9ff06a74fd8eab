"""Events the contracts service emits: c360.contracts.contract.*, .claim.*, .complaint.*, .quote.*
and .vehicle.*, whose payload messages and subjects are declared in protos/client360/contracts/v1.

A change is announced once per client file it shows on, with that client as the envelope's
key: a contract shared by a parent and a child reaches both open files. Payloads carry the
record without its read-time markers (they depend on the day it is read).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from google.protobuf.message import Message

from client360.contracts.v1 import contracts_pb2
from runtime.caller import Caller
from runtime.outbox import new_event, queue_event
from runtime.store import Transaction
from services.contracts.mapping import (
    claim_to_proto,
    complaint_to_proto,
    contract_to_proto,
    quote_to_proto,
    vehicle_to_proto,
)
from services.contracts.models import Claim, Complaint, Contract, Quote, Vehicle

ContractEvent = type[
    contracts_pb2.ContractCreated
    | contracts_pb2.ContractUpdated
    | contracts_pb2.ContractRenewed
    | contracts_pb2.ContractTerminated
]
ClaimEvent = type[
    contracts_pb2.ClaimOpened
    | contracts_pb2.ClaimUpdated
    | contracts_pb2.ClaimClosed
    | contracts_pb2.ClaimReopened
]
ComplaintEvent = type[
    contracts_pb2.ComplaintReceived
    | contracts_pb2.ComplaintAcknowledged
    | contracts_pb2.ComplaintAnswered
    | contracts_pb2.ComplaintClosed
]
QuoteEvent = type[
    contracts_pb2.QuoteCreated
    | contracts_pb2.QuoteUpdated
    | contracts_pb2.QuoteSent
    | contracts_pb2.QuoteAccepted
    | contracts_pb2.QuoteRefused
]
VehicleEvent = type[contracts_pb2.VehicleAdded | contracts_pb2.VehicleRemoved]

CONTRACT_CREATED = contracts_pb2.ContractCreated
CONTRACT_UPDATED = contracts_pb2.ContractUpdated
CONTRACT_RENEWED = contracts_pb2.ContractRenewed
CONTRACT_TERMINATED = contracts_pb2.ContractTerminated
CLAIM_OPENED = contracts_pb2.ClaimOpened
CLAIM_UPDATED = contracts_pb2.ClaimUpdated
CLAIM_CLOSED = contracts_pb2.ClaimClosed
CLAIM_REOPENED = contracts_pb2.ClaimReopened
COMPLAINT_RECEIVED = contracts_pb2.ComplaintReceived
COMPLAINT_ACKNOWLEDGED = contracts_pb2.ComplaintAcknowledged
COMPLAINT_ANSWERED = contracts_pb2.ComplaintAnswered
COMPLAINT_CLOSED = contracts_pb2.ComplaintClosed
QUOTE_CREATED = contracts_pb2.QuoteCreated
QUOTE_UPDATED = contracts_pb2.QuoteUpdated
QUOTE_SENT = contracts_pb2.QuoteSent
QUOTE_ACCEPTED = contracts_pb2.QuoteAccepted
QUOTE_REFUSED = contracts_pb2.QuoteRefused
VEHICLE_ADDED = contracts_pb2.VehicleAdded
VEHICLE_REMOVED = contracts_pb2.VehicleRemoved


async def _announce(
    txn: Transaction, payload: Message, caller: Caller, client_ids: Iterable[str]
) -> None:
    for client_id in dict.fromkeys(client_ids):
        event = new_event(
            payload,
            tenant_id=caller.tenant_id,
            key=client_id,
            actor_id=caller.user_id,
        )
        await queue_event(txn, event)


async def contract_changed(
    txn: Transaction,
    event_type: ContractEvent,
    caller: Caller,
    contract: Contract,
    changed: Sequence[str] = (),
    *,
    also: Iterable[str] = (),
) -> None:
    """Announce to every client taking part, and to ``also`` (those a change removed)."""
    payload = event_type(contract=contract_to_proto(contract), changed_fields=changed)
    await _announce(txn, payload, caller, [*contract.get("party_client_ids", []), *also])


async def claim_changed(
    txn: Transaction,
    event_type: ClaimEvent,
    caller: Caller,
    claim: Claim,
    changed: Sequence[str] = (),
    *,
    also: Iterable[str] = (),
) -> None:
    payload = event_type(claim=claim_to_proto(claim), changed_fields=changed)
    await _announce(txn, payload, caller, [*claim.get("client_ids", []), *also])


async def complaint_changed(
    txn: Transaction,
    event_type: ComplaintEvent,
    caller: Caller,
    complaint: Complaint,
    changed: Sequence[str] = (),
) -> None:
    payload = event_type(complaint=complaint_to_proto(complaint), changed_fields=changed)
    await _announce(txn, payload, caller, [complaint.get("client_id", "")])


async def quote_changed(
    txn: Transaction,
    event_type: QuoteEvent,
    caller: Caller,
    quote: Quote,
    changed: Sequence[str] = (),
    *,
    also: Iterable[str] = (),
) -> None:
    """Announce to every client it is for, and to ``also`` (those a change removed)."""
    payload = event_type(quote=quote_to_proto(quote), changed_fields=changed)
    await _announce(txn, payload, caller, [*quote.get("party_client_ids", []), *also])


async def vehicle_changed(
    txn: Transaction,
    event_type: VehicleEvent,
    caller: Caller,
    vehicle: Vehicle,
    contract: Contract,
    changed: Sequence[str] = (),
) -> None:
    """Announced to the files of the fleet contract's participants."""
    payload = event_type(vehicle=vehicle_to_proto(vehicle), changed_fields=changed)
    await _announce(txn, payload, caller, contract.get("party_client_ids", []))
