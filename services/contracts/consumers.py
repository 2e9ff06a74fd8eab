"""Events the contracts service consumes: identity's client events, which keep its own copy of
the clients (the names shown beside participants) and, for the demo agency's clients created
by identity's demo loader, bring their demo contracts and claims; and communication's ticket
events, which keep the open-ticket count of each contract (its marker on the file).

The handler runs in the consumer's transaction (runtime.bus.EventConsumer), which also records
the event id as applied: the copy and the demo records commit together or not at all, so a
redelivered event is either skipped whole or applied whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from client360.communication.v1 import communication_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.store import Transaction
from services.contracts import demo
from services.contracts.models import ClientCopy, TicketCopy
from services.contracts.repository import ContractsRepository

log = logging.getLogger(__name__)

# Consumed, from the identity service: its payload messages and their subjects come from
# identity's proto package, the contract between the two services (no identity code imported).
IDENTITY_PAYLOADS = payload_types(
    identity_pb2.ClientCreated,
    identity_pb2.ClientUpdated,
    identity_pb2.ClientArchived,
    identity_pb2.ClientRestored,
)
IDENTITY_SUBJECTS = tuple(IDENTITY_PAYLOADS)
IDENTITY_DURABLE = "contracts-identity"

_KINDS = {
    identity_pb2.CLIENT_KIND_INDIVIDUAL: "individual",
    identity_pb2.CLIENT_KIND_PROFESSIONAL: "professional",
}


def client_copy(client: identity_pb2.Client) -> ClientCopy:
    return {
        "id": client.id,
        "reference": client.reference,
        "display_name": client.display_name,
        "kind": _KINDS.get(client.kind, ""),
        "archived": client.flags.archived,
        "created_by": client.audit.created_by,
    }


class IdentityEventHandler:
    """Keeps the copy of identity's clients; adds the demo records of the demo agency's
    clients as identity's demo loader creates them (``demo_tenant`` None: never)."""

    def __init__(
        self,
        repo: ContractsRepository,
        *,
        demo_tenant: str | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        self._repo = repo
        self._demo_tenant = demo_tenant
        self._today = today

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
        refresh = await self._repo.clients.refresh(
            txn, event.tenant_id, client_copy(payload.client), source_version=payload.client.version
        )
        created = isinstance(payload, identity_pb2.ClientCreated)
        if (
            created
            and refresh.applied
            and refresh.previous is None
            and event.tenant_id == self._demo_tenant
            and event.actor_id == demo.IDENTITY_DEMO_LOADER
        ):
            await demo.add_demo_records(
                txn,
                repo=self._repo,
                tenant_id=event.tenant_id,
                client=refresh.current,
                today=self._today() if self._today else None,
            )


# Consumed, from the communication service: a ticket opened or its status changed.
COMMUNICATION_PAYLOADS = payload_types(communication_pb2.TicketSaved)
COMMUNICATION_SUBJECTS = tuple(COMMUNICATION_PAYLOADS)
COMMUNICATION_DURABLE = "contracts-communication"


def ticket_copy(ticket: communication_pb2.Ticket) -> TicketCopy:
    return {
        "id": ticket.id,
        "contract_id": ticket.contract_id,
        "open": ticket.status != communication_pb2.TICKET_STATUS_CLOSED,
    }


class CommunicationEventHandler:
    """Keeps the copy of communication's tickets and, from it, the number of open tickets of
    each contract: a ticket counts on its contract while it is not closed. An event older than
    the copy (a late redelivery) changes nothing."""

    def __init__(self, repo: ContractsRepository) -> None:
        self._repo = repo

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, COMMUNICATION_PAYLOADS)
        if not isinstance(payload, communication_pb2.TicketSaved):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        refresh = await self._repo.tickets.refresh(
            txn, event.tenant_id, ticket_copy(payload.ticket), source_version=payload.ticket.version
        )
        if not refresh.applied:
            return
        before, after = refresh.previous, refresh.current
        if before is not None and before["open"] and before["contract_id"]:
            await self._repo.adjust_open_tickets(txn, event.tenant_id, before["contract_id"], -1)
        if after["open"] and after["contract_id"]:
            await self._repo.adjust_open_tickets(txn, event.tenant_id, after["contract_id"], +1)
