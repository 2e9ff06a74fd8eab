"""The copy of identity's clients fed by its events, the demo agency's contracts and claims
written as identity's demo loader creates its clients, communication's tickets and billing's
unpaid path followed by the contract's status: in process, on a real SQLite store."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from client360.billing.v1 import billing_pb2
from client360.communication.v1 import communication_pb2
from client360.contracts.v1 import contracts_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.contracts import claims, client_file, complaints, consumers, mapping, service
from services.contracts.demo import IDENTITY_DEMO_LOADER
from services.contracts.models import CLAIMS, COLLECTIONS, CONTRACTS, Claim, Contract
from services.contracts.repository import ContractsRepository
from tests.contracts.fixtures import ADVISOR, TENANT, contract_input, day, holder, today


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "contracts.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> ContractsRepository:
    return ContractsRepository(store)


def client_event(
    event_type: type[Any],
    client_id: str,
    *,
    name: str,
    reference: str = "CL000001",
    version: int = 1,
    actor: str = "alice",
    professional: bool = False,
    tenant_id: str = TENANT,
) -> events_pb2.Event:
    payload = event_type()
    client = payload.client
    client.id, client.reference, client.display_name, client.version = (
        client_id,
        reference,
        name,
        version,
    )
    client.kind = (
        identity_pb2.CLIENT_KIND_PROFESSIONAL
        if professional
        else identity_pb2.CLIENT_KIND_INDIVIDUAL
    )
    client.audit.created_by = actor
    return new_event(payload, tenant_id=tenant_id, key=client_id, actor_id=actor)


async def _apply(store: SqliteStore, handler: Any, event: events_pb2.Event) -> None:
    async with store.transaction() as txn:
        await handler(txn, event)


async def test_participants_show_the_names_of_identitys_clients(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    handler = consumers.IdentityEventHandler(repo)
    await _apply(store, handler, client_event(identity_pb2.ClientCreated, "p", name="Léa Martin"))
    await _apply(
        store, handler, client_event(identity_pb2.ClientUpdated, "p", name="Léa Dupont", version=3)
    )
    # An older event, redelivered late, does not undo the newer one.
    await _apply(
        store, handler, client_event(identity_pb2.ClientUpdated, "p", name="Léa Martin", version=2)
    )
    await service.create_contract(
        repo=repo, caller=ADVISOR, data=contract_input(holder("p"), holder("unknown", "insured"))
    )
    file = await service.client_contracts(repo=repo, caller=ADVISOR, client_ids=["p"])
    assert file.names == {"p": "Léa Dupont"}
    await _apply(
        store,
        handler,
        new_event(identity_pb2.ContactCreated(), tenant_id=TENANT, key="p", actor_id="a"),
    )


async def test_the_demo_records_come_only_for_the_demo_loaders_clients_of_the_demo_agency(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    handler = consumers.IdentityEventHandler(repo, demo_tenant=TENANT, today=today)
    await _apply(store, handler, client_event(identity_pb2.ClientCreated, "a", name="A"))
    await _apply(
        store,
        handler,
        client_event(
            identity_pb2.ClientCreated, "b", name="B", actor=IDENTITY_DEMO_LOADER, tenant_id="other"
        ),
    )
    assert await store.count(CONTRACTS, TENANT) == 0
    assert await store.count(CONTRACTS, "other") == 0
    await _apply(
        store,
        handler,
        client_event(identity_pb2.ClientCreated, "c", name="C", actor=IDENTITY_DEMO_LOADER),
    )
    assert await store.count(CONTRACTS, TENANT) >= 1
    # Announced like any other record.
    created = [
        e
        for e in await store.pending_events(1000)
        if e.subject == "c360.contracts.contract.created"
    ]
    assert created


async def test_the_demo_agency_shows_every_marker_shared_contracts_and_coherent_counters(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    handler = consumers.IdentityEventHandler(repo, demo_tenant=TENANT, today=today)
    ids = [f"client-{n:03}" for n in range(220)]
    for n, client_id in enumerate(ids):
        await _apply(
            store,
            handler,
            client_event(
                identity_pb2.ClientCreated,
                client_id,
                name=f"Client {n}",
                reference=f"CL{n + 1:06d}",
                actor=IDENTITY_DEMO_LOADER,
                professional=n % 5 == 0,
            ),
        )
    contracts: list[Contract] = await store.find(CONTRACTS, TENANT)  # type: ignore[assignment]
    found_claims: list[Claim] = await store.find(CLAIMS, TENANT)  # type: ignore[assignment]
    assert len(contracts) > 300
    assert any(len(c["party_client_ids"]) == 2 for c in contracts)
    assert {c["branch"] for c in contracts} >= {"motor", "home", "health", "property", "fleet"}
    file = await service.client_contracts(
        repo=repo,
        caller=ADVISOR,
        client_ids=ids,
        with_claims=True,
        contract_page=service.PageAsk(first=200),
    )
    states = Counter(
        v.markers.renewal_state
        for part in file.clients
        if part.contracts
        for v in part.contracts.rows
    )
    assert set(states) == {"up_to_date", "to_renew", "not_renewed", "terminating", "terminated"}
    statuses = Counter(c["status"] for c in found_claims)
    assert statuses["closed"]
    assert statuses["declared"]
    for part in file.clients:
        assert part.claims is not None
        assert part.open_claims == sum(1 for c in part.claims.rows if claims.is_open(c))
    # Complaints at every point of their path, some overdue; quotes in every status; fleets.
    whole = await client_file.client_file(
        repo=repo,
        caller=ADVISOR,
        client_ids=ids,
        with_contracts=False,
        with_quotes=True,
        with_complaints=True,
        with_fleet=True,
        include_exited_vehicles=True,
    )
    shown = [v for p in whole.parts.values() if p.complaints is not None for v in p.complaints.rows]
    assert {v.complaint["status"] for v in shown} == {
        "received",
        "acknowledged",
        "answered",
        "closed",
    }
    assert any(v.clock.acknowledgement_overdue for v in shown)
    assert any(v.clock.answer_overdue for v in shown)
    assert any(not v.clock.overdue for v in shown)
    for extra in whole.parts.values():
        assert extra.complaints is not None
        assert extra.open_complaints == sum(
            1 for v in extra.complaints.rows if complaints.is_open(v.complaint)
        )
    quote_states = {v.status for p in whole.parts.values() if p.quotes for v in p.quotes.rows}
    assert quote_states == {"draft", "sent", "expired", "refused", "accepted"}
    tabs = [p.fleet for p in whole.parts.values() if p.fleet is not None]
    assert tabs
    vehicles = [v for tab in tabs for v in tab.vehicles.rows]
    assert any(v.on_cover for v in vehicles)
    assert any(v.vehicle["exit_date"] for v in vehicles)


def ticket_event(
    ticket_id: str, contract_id: str, status: Any, *, version: int, tenant_id: str = TENANT
) -> events_pb2.Event:
    payload = communication_pb2.TicketSaved(
        ticket=communication_pb2.Ticket(
            id=ticket_id,
            contract_id=contract_id,
            status=status,
            version=version,
        )
    )
    return new_event(payload, tenant_id=tenant_id, key="client-1", actor_id="alice")


async def test_a_contract_shows_an_open_ticket_until_its_tickets_are_closed(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    contract = await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input())
    other = await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input())
    handler = consumers.CommunicationEventHandler(repo)

    async def open_tickets() -> dict[str, bool]:
        file = await service.client_contracts(repo=repo, caller=ADVISOR, client_ids=["client-1"])
        rows = file.clients[0].contracts
        assert rows is not None
        return {v.contract["id"]: v.open_tickets > 0 for v in rows.rows}

    opened = communication_pb2.TICKET_STATUS_OPEN
    pending = communication_pb2.TICKET_STATUS_PENDING
    closed = communication_pb2.TICKET_STATUS_CLOSED
    await _apply(store, handler, ticket_event("t1", contract["id"], opened, version=1))
    await _apply(store, handler, ticket_event("t2", contract["id"], opened, version=1))
    assert await open_tickets() == {contract["id"]: True, other["id"]: False}
    await _apply(store, handler, ticket_event("t1", contract["id"], pending, version=2))
    await _apply(store, handler, ticket_event("t1", contract["id"], closed, version=3))
    # Late: an older event of t1 changes nothing.
    await _apply(store, handler, ticket_event("t1", contract["id"], opened, version=2))
    assert await open_tickets() == {contract["id"]: True, other["id"]: False}
    # A ticket moved to another contract takes its count along.
    await _apply(store, handler, ticket_event("t2", other["id"], opened, version=2))
    assert await open_tickets() == {contract["id"]: False, other["id"]: True}
    await _apply(store, handler, ticket_event("t2", other["id"], closed, version=3))
    # Reopened, then a ticket filed on no contract.
    await _apply(store, handler, ticket_event("t1", contract["id"], opened, version=4))
    await _apply(store, handler, ticket_event("t3", "", opened, version=1))
    assert await open_tickets() == {contract["id"]: True, other["id"]: False}
    # Another agency's ticket on the same id counts in that agency only.
    await _apply(
        store, handler, ticket_event("t9", other["id"], opened, version=1, tenant_id="other")
    )
    assert await open_tickets() == {contract["id"]: True, other["id"]: False}
    await _apply(store, handler, client_event(identity_pb2.ClientCreated, "x", name="X"))


def unpaid_event(
    notice_id: str,
    contract_id: str,
    step: Any,
    on: str,
    *,
    tenant_id: str = TENANT,
) -> events_pb2.Event:
    payload = billing_pb2.NoticeUnpaidStepTaken(
        notice=billing_pb2.PremiumNotice(
            id=notice_id, client_id="client-1", contract_id=contract_id, unpaid_step=step
        ),
        step=billing_pb2.UnpaidStepTaken(step=step, date=on),
    )
    return new_event(payload, tenant_id=tenant_id, key="client-1", actor_id="unpaid-path")


async def test_the_contract_status_follows_billings_unpaid_path(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    contract = await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input())
    handler = consumers.BillingEventHandler(repo)

    async def state() -> tuple[str, str, str]:
        view, _ = await service.get_contract(repo=repo, caller=ADVISOR, contract_id=contract["id"])
        unpaid = mapping.unpaid_state(view.contract)
        return view.markers.status, unpaid[0], unpaid[1]

    await _apply(
        store,
        handler,
        unpaid_event("n1", contract["id"], billing_pb2.UNPAID_STEP_OVERDUE, day(-50)),
    )
    await _apply(
        store,
        handler,
        unpaid_event("n1", contract["id"], billing_pb2.UNPAID_STEP_FORMAL_NOTICE_SENT, day(-50)),
    )
    assert await state() == ("in_force", "formal_notice", day(-50))
    suspended = unpaid_event("n1", contract["id"], billing_pb2.UNPAID_STEP_SUSPENDED, day(-20))
    await _apply(store, handler, suspended)
    assert await state() == ("suspended", "suspended", day(-20))
    # Redelivered, or an older step late: nothing moves.
    await _apply(store, handler, suspended)
    await _apply(
        store,
        handler,
        unpaid_event("n1", contract["id"], billing_pb2.UNPAID_STEP_OVERDUE, day(-60)),
    )
    assert await state() == ("suspended", "suspended", day(-20))
    await _apply(
        store,
        handler,
        unpaid_event("n1", contract["id"], billing_pb2.UNPAID_STEP_TERMINABLE, day(-10)),
    )
    assert await state() == ("suspended", "terminable", day(-10))
    await _apply(
        store,
        handler,
        unpaid_event("n1", contract["id"], billing_pb2.UNPAID_STEP_REINSTATED, day(-1)),
    )
    assert await state() == ("in_force", "none", "")
    # A late suspension of a notice already paid changes nothing.
    await _apply(store, handler, suspended)
    assert await state() == ("in_force", "none", "")
    # Another agency's event on the same id, and an event on no contract, change nothing.
    await _apply(
        store,
        handler,
        unpaid_event(
            "n9", contract["id"], billing_pb2.UNPAID_STEP_SUSPENDED, day(-1), tenant_id="other"
        ),
    )
    await _apply(store, handler, unpaid_event("n8", "", billing_pb2.UNPAID_STEP_SUSPENDED, day(0)))
    assert await state() == ("in_force", "none", "")
    announced = [
        list(p.changed_fields)
        for e in await store.pending_events(1000)
        if e.subject == "c360.contracts.contract.updated"
        and isinstance(
            p := decode_payload(
                events_pb2.Event.FromString(e.payload),
                payload_types(contracts_pb2.ContractUpdated),
            ),
            contracts_pb2.ContractUpdated,
        )
    ]
    assert announced == [
        ["unpaid_state"],
        ["status", "unpaid_state"],
        ["unpaid_state"],
        ["status", "unpaid_state"],
    ]


async def test_a_contract_stays_suspended_while_another_notice_is_unpaid(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    contract = await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input())
    ended = await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input())
    await service.terminate_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=ended["id"],
        version=1,
        termination_date=day(-1),
        reason="death",
    )
    handler = consumers.BillingEventHandler(repo)
    for notice in ("n1", "n2"):
        await _apply(
            store,
            handler,
            unpaid_event(notice, contract["id"], billing_pb2.UNPAID_STEP_SUSPENDED, day(-5)),
        )
    await _apply(
        store,
        handler,
        unpaid_event("n1", contract["id"], billing_pb2.UNPAID_STEP_REINSTATED, day(-1)),
    )
    await _apply(
        store, handler, unpaid_event("n3", ended["id"], billing_pb2.UNPAID_STEP_SUSPENDED, day(0))
    )
    view, _ = await service.get_contract(repo=repo, caller=ADVISOR, contract_id=contract["id"])
    assert view.markers.status == "suspended"
    gone, _ = await service.get_contract(repo=repo, caller=ADVISOR, contract_id=ended["id"])
    assert gone.markers.status == "terminated"
    assert mapping.unpaid_state(gone.contract)[0] == "suspended"
