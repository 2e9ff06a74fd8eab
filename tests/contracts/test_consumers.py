"""The copy of identity's clients fed by its events, and the demo agency's contracts and claims
written as identity's demo loader creates its clients: in process, on a real SQLite store."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from client360.communication.v1 import communication_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.contracts import claims, consumers, service
from services.contracts.demo import IDENTITY_DEMO_LOADER
from services.contracts.models import CLAIMS, COLLECTIONS, CONTRACTS, Claim, Contract
from services.contracts.repository import ContractsRepository
from tests.contracts.fixtures import ADVISOR, TENANT, contract_input, holder, today


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
