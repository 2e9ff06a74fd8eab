"""Events the contracts service consumes: identity's client events, which keep its own copy of
the clients (the names shown beside participants) and, for the demo agency's clients created
by identity's demo loader, bring their demo contracts and claims; communication's ticket
events, which keep the open-ticket count of each contract (its marker on the file); and
billing's unpaid-path events (L113-3), which the contract's status follows: suspended with
its cover, back in force once the premium is paid, flagged terminable.

The handler runs in the consumer's transaction (runtime.bus.EventConsumer), which also records
the event id as applied: the copy and the demo records commit together or not at all, so a
redelivered event is either skipped whole or applied whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from client360.billing.v1 import billing_pb2
from client360.communication.v1 import communication_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.contracts import decode_payload, payload_types
from runtime.kit.updates import touched_stamps
from runtime.store import Transaction
from services.contracts import demo, events
from services.contracts.mapping import unpaid_state
from services.contracts.models import (
    IN_FORCE,
    SUSPENDED,
    UNPAID_FORMAL_NOTICE,
    UNPAID_NONE,
    UNPAID_SUSPENDED,
    UNPAID_TERMINABLE,
    ClientCopy,
    Contract,
    TicketCopy,
)
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
        "parent_client_id": client.parent_client_id,
        "products": [
            {"product": p.product, "available_until": p.available_until}
            for p in client.associated_products
        ],
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


# Consumed, from the billing service: a premium notice took a step of the unpaid path.
BILLING_PAYLOADS = payload_types(billing_pb2.NoticeUnpaidStepTaken)
BILLING_SUBJECTS = tuple(BILLING_PAYLOADS)
BILLING_DURABLE = "contracts-billing"
# Who the contract's changes are recorded as when billing's path moves them.
UNPAID_PATH_ACTOR = "billing-unpaid-path"

# Billing's steps as the contract follows them; REINSTATED ends a notice's path for good.
_STATES = {
    billing_pb2.UNPAID_STEP_OVERDUE: UNPAID_FORMAL_NOTICE,
    billing_pb2.UNPAID_STEP_FORMAL_NOTICE_SENT: UNPAID_FORMAL_NOTICE,
    billing_pb2.UNPAID_STEP_SUSPENDED: UNPAID_SUSPENDED,
    billing_pb2.UNPAID_STEP_TERMINABLE: UNPAID_TERMINABLE,
    billing_pb2.UNPAID_STEP_REINSTATED: UNPAID_NONE,
}
_RANK = {UNPAID_FORMAL_NOTICE: 1, UNPAID_SUSPENDED: 2, UNPAID_TERMINABLE: 3, UNPAID_NONE: 4}
_UNCOVERED = frozenset({UNPAID_SUSPENDED, UNPAID_TERMINABLE})


def follow_unpaid_step(contract: Contract, notice_id: str, state: str, since: str) -> Contract:
    """The contract after one notice's step: each notice keeps its furthest step (a step
    redelivered late, or older than the one recorded, changes nothing); the status is
    SUSPENDED while a notice's cover is suspended, IN_FORCE again once none is, and a
    terminated contract keeps its status."""
    notices = dict(contract.get("unpaid_notices") or {})
    recorded = notices.get(notice_id)
    if recorded is not None and _RANK.get(recorded["state"], 0) >= _RANK[state]:
        return contract
    notices[notice_id] = {"state": state, "since": since}
    updated: Contract = {**contract, "unpaid_notices": notices}
    status = contract.get("status", "")
    uncovered = any(n["state"] in _UNCOVERED for n in notices.values())
    if status == IN_FORCE and uncovered:
        updated["status"] = SUSPENDED
    elif status == SUSPENDED and not uncovered:
        updated["status"] = IN_FORCE
    return updated


class BillingEventHandler:
    """Follows billing's unpaid path on the contract each premium notice bills."""

    def __init__(self, repo: ContractsRepository) -> None:
        self._repo = repo

    async def __call__(self, txn: Transaction, event: events_pb2.Event) -> None:
        payload = decode_payload(event, BILLING_PAYLOADS)
        if not isinstance(payload, billing_pb2.NoticeUnpaidStepTaken):
            log.warning("event not understood, skipped", extra={"type": event.type})
            return
        state = _STATES.get(payload.step.step)
        contract_id = payload.notice.contract_id
        if state is None or not contract_id:
            return
        tenant = event.tenant_id
        current = await self._repo.get_contract_for_update(txn, tenant, contract_id)
        if current is None:
            # Another agency's id, or a contract this service never had.
            log.warning("unpaid step for an unknown contract", extra={"id": contract_id})
            return
        updated = follow_unpaid_step(current, payload.notice.id, state, payload.step.date)
        if updated is current:
            return
        actor = Caller(tenant, event.actor_id or UNPAID_PATH_ACTOR, "system")
        updated["audit"] = touched_stamps(updated.get("audit"), actor.user_id)
        stored = await self._repo.replace_contract(
            txn, tenant, updated, expected_version=current["version"]
        )
        changed = ["unpaid_state"]
        if stored.get("status") != current.get("status"):
            changed.insert(0, "status")
        elif unpaid_state(stored) == unpaid_state(current):
            changed = []
        await events.contract_changed(txn, events.CONTRACT_UPDATED, actor, stored, changed)
