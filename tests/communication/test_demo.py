"""The demo follow-up: seeded from identity's creations in the demo tenant only, coherent with
the counters, and spread around today so that every task colour shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from client360.common.v1 import common_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.kit.files import FileStore
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.consumers import IdentityClientsHandler
from services.communication.models import ACTIONS, COLLECTIONS, TASKS
from services.communication.repository import CommunicationRepository

DEMO = "agency-demo"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "communication.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


async def created(
    store: SqliteStore, handler: IdentityClientsHandler, tenant: str, n: int
) -> list[str]:
    ids = []
    for i in range(n):
        client_id = f"01DEMO{i:020d}"
        event = new_event(
            identity_pb2.ClientCreated(client=identity_pb2.Client(id=client_id)),
            tenant_id=tenant,
            key=client_id,
            actor_id="demo",
        )
        async with store.transaction() as txn:
            await handler(txn, event)
        ids.append(client_id)
    return ids


async def test_demo_clients_get_a_follow_up_whose_counters_match_their_actions(
    store: SqliteStore,
) -> None:
    repo = CommunicationRepository(store)
    handler = IdentityClientsHandler(repo, demo_tenant=DEMO)
    ids = await created(store, handler, DEMO, 60)
    files = await service.get_communication(
        repo=repo, caller=Caller(DEMO, "alice", "advisor"), client_ids=ids, activity_limit=10
    )
    colours = Counter(c for f in files for c in f.task_colours.values())
    assert {"overdue", "near", "on_time"} <= set(colours)
    for found in files:
        left = [a for a in found.actions if a["status"] in ("to_do", "in_progress")]
        assert found.actions_left == len(left)
    assert sum(1 for f in files if f.memo) > 10
    assert sum(1 for f in files if f.tickets) > 10
    board = await service.actions_dashboard(repo=repo, caller=Caller(DEMO, "alice", "advisor"))
    assert board.left == sum(f.actions_left for f in files)


async def test_other_tenants_clients_get_no_demo_data(store: SqliteStore) -> None:
    repo = CommunicationRepository(store)
    handler = IdentityClientsHandler(repo, demo_tenant=DEMO)
    await created(store, handler, "agency-real", 5)
    assert await store.count(ACTIONS, "agency-real") == 0
    assert await store.count(TASKS, "agency-real") == 0


async def test_demo_clients_get_emails_documents_with_their_files_and_agenda_events(
    store: SqliteStore, tmp_path: Path
) -> None:
    repo = CommunicationRepository(store)
    files = FileStore(tmp_path / "files")
    handler = IdentityClientsHandler(repo, demo_tenant=DEMO, files=files)
    ids = []
    for i in range(40):
        client = identity_pb2.Client(
            id=f"01DEMO{i:020d}", emails=[common_pb2.Email(address=f"client{i}@demo.example")]
        )
        event = new_event(
            identity_pb2.ClientCreated(client=client), tenant_id=DEMO, key=client.id, actor_id="d"
        )
        async with store.transaction() as txn:
            await handler(txn, event)
        ids.append(client.id)
    advisor = Caller(DEMO, "alice.martin", "advisor")
    found = await service.get_communication(
        repo=repo, caller=advisor, client_ids=ids, activity_limit=0, email_limit=3, document_limit=5
    )
    emails = [e for f in found for e in f.emails]
    assert {e["direction"] for e in emails} == {"inbound", "outbound"}
    assert all(e["status"] == "sent" for e in emails if e["direction"] == "outbound")
    documents = [d for f in found for d in f.documents]
    assert len({d["kind"] for d in documents}) >= 4
    for document in documents[:5]:
        _, content = await service.document_file(
            repo=repo, files=files, caller=advisor, document_id=document["id"]
        )
        assert len(content) == document["size_bytes"]
    partner = Caller(DEMO, "partner-expert", "partner")
    shared = await service.get_communication(
        repo=repo, caller=partner, client_ids=ids, activity_limit=0, document_limit=5
    )
    assert {d["kind"] for f in shared for d in f.documents} == {"claim_photo"}
    assert sum(1 for f in found if f.agenda) > 10
    assert any(e["rrule"] for f in found for e in f.agenda)
    day = datetime.now(UTC)
    occurrences, _ = await service.user_agenda(
        repo=repo,
        caller=advisor,
        user_id="",
        start=(day - timedelta(days=30)).isoformat(),
        end=(day + timedelta(days=60)).isoformat(),
    )
    assert len({o.event["client_id"] for o in occurrences}) > 1
