"""Events the billing service consumes, each keeping a local copy in the consumer's
transaction (runtime.bus.EventConsumer records the event as applied with it, so a redelivered
event is skipped whole or applied whole; an event older than the copy changes nothing):

- identity's client events: the buyer printed on invoices (name, address, SIREN and whether it
  is a business), checked before posting;
- contracts' contract events: the partners a contract names (its insurer's users), which
  decide which premium notices a partner sees.
"""

from __future__ import annotations

import logging

from client360.contracts.v1 import contracts_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.store import Transaction
from services.billing.models import AddressDoc, ClientCopy, ContractCopy
from services.billing.repository import BillingRepository

log = logging.getLogger(__name__)

IDENTITY_PAYLOADS = payload_types(
    identity_pb2.ClientCreated,
    identity_pb2.ClientUpdated,
    identity_pb2.ClientArchived,
    identity_pb2.ClientRestored,
)
IDENTITY_SUBJECTS = tuple(IDENTITY_PAYLOADS)
IDENTITY_DURABLE = "billing-identity"

CONTRACT_PAYLOADS = payload_types(
    contracts_pb2.ContractCreated,
    contracts_pb2.ContractUpdated,
    contracts_pb2.ContractRenewed,
    contracts_pb2.ContractTerminated,
)
CONTRACT_SUBJECTS = tuple(CONTRACT_PAYLOADS)
CONTRACTS_DURABLE = "billing-contracts"


def _address(client: identity_pb2.Client) -> AddressDoc | None:
    """The client's primary address (the first one when none is primary)."""
    if not client.addresses:
        return None
    chosen = next((a for a in client.addresses if a.primary), client.addresses[0])
    return {
        "line1": chosen.line1,
        "line2": chosen.line2,
        "postal_code": chosen.postal_code,
        "city": chosen.city,
        "country": chosen.country or "FR",
    }


def client_copy(client: identity_pb2.Client) -> ClientCopy:
    professional = client.kind == identity_pb2.CLIENT_KIND_PROFESSIONAL
    return {
        "id": client.id,
        "name": (professional and client.professional.legal_name) or client.display_name,
        "professional": professional,
        "siren": client.professional.siren if professional else "",
        "siret": client.professional.siret if professional else "",
        "address": _address(client),
    }


def contract_copy(contract: contracts_pb2.Contract) -> ContractCopy:
    return {
        "id": contract.id,
        "insurer": contract.insurer,
        "partner_ids": list(contract.partner_ids),
    }


class IdentityEventHandler:
    """Keeps the copy of identity's clients: the buyers of invoices."""

    def __init__(self, repo: BillingRepository) -> None:
        self._repo = repo

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, IDENTITY_PAYLOADS)
        if not isinstance(
            payload,
            identity_pb2.ClientCreated
            | identity_pb2.ClientUpdated
            | identity_pb2.ClientArchived
            | identity_pb2.ClientRestored,
        ):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        await self._repo.clients.refresh(
            txn, event.tenant_id, client_copy(payload.client), source_version=payload.client.version
        )


class ContractEventHandler:
    """Keeps the copy of contracts: who insures each (its partners)."""

    def __init__(self, repo: BillingRepository) -> None:
        self._repo = repo

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, CONTRACT_PAYLOADS)
        if not isinstance(
            payload,
            contracts_pb2.ContractCreated
            | contracts_pb2.ContractUpdated
            | contracts_pb2.ContractRenewed
            | contracts_pb2.ContractTerminated,
        ):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        contract = payload.contract
        await self._repo.contracts.refresh(
            txn, event.tenant_id, contract_copy(contract), source_version=contract.version
        )
