"""Mailing lists in process, on a real SQLite store: subscribe and unsubscribe with the list's
subscriber count maintained, the file showing the client's lists, names unique per agency,
scoped by tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runtime.caller import Caller
from runtime.errors import Conflict, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.models import COLLECTIONS, MAILING_LISTS
from services.communication.repository import CommunicationRepository

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
OTHER_ADVISOR = Caller("agency-b", "bob", "advisor")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "communication.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> CommunicationRepository:
    return CommunicationRepository(store)


async def test_subscribing_and_unsubscribing_moves_the_list_s_count_and_shows_on_the_file(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    newsletter = await service.create_mailing_list(
        repo=repo, caller=ADVISOR, name="Newsletter", description="Monthly news"
    )
    first, second = new_id(), new_id()
    for client in (first, second):
        await service.set_subscription(
            repo=repo, caller=ADVISOR, list_id=newsletter["id"], client_id=client, subscribed=True
        )
    # The same state again changes nothing.
    await service.set_subscription(
        repo=repo, caller=ADVISOR, list_id=newsletter["id"], client_id=first, subscribed=True
    )
    unsubscribed = await service.set_subscription(
        repo=repo, caller=ADVISOR, list_id=newsletter["id"], client_id=second, subscribed=False
    )
    assert unsubscribed["subscribed"] is False
    [listed] = await service.mailing_lists(repo=repo, caller=ADVISOR)
    assert listed["subscriber_count"] == 1
    files = await service.get_communication(
        repo=repo, caller=ADVISOR, client_ids=[first, second], activity_limit=0
    )
    assert [[(s["list_name"], s["subscribed"]) for s in f.mailing_lists] for f in files] == [
        [("Newsletter", True)],
        [("Newsletter", False)],
    ]
    changed = [e for e in await store.pending_events(100) if "subscription" in e.subject]
    assert len(changed) == 3


async def test_a_list_needs_a_name_unique_in_the_agency(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create_mailing_list(repo=repo, caller=ADVISOR, name=" ", description="")
    assert [(v.field, v.rule) for v in refused.value.violations] == [("name", "required")]
    await service.create_mailing_list(repo=repo, caller=ADVISOR, name="Offers", description="")
    with pytest.raises(Conflict):
        await service.create_mailing_list(repo=repo, caller=ADVISOR, name="Offers", description="")
    # Another agency may use the same name.
    await service.create_mailing_list(
        repo=repo, caller=OTHER_ADVISOR, name="Offers", description=""
    )
    assert await store.count(MAILING_LISTS, TENANT) == 1


async def test_another_tenant_s_list_answers_like_a_missing_one(
    repo: CommunicationRepository,
) -> None:
    offers = await service.create_mailing_list(
        repo=repo, caller=ADVISOR, name="Offers", description=""
    )
    with pytest.raises(NotFound) as theirs:
        await service.set_subscription(
            repo=repo, caller=OTHER_ADVISOR, list_id=offers["id"], client_id="c", subscribed=True
        )
    assert theirs.value.message == f"mailing list {offers['id']} not found"
    assert await service.mailing_lists(repo=repo, caller=OTHER_ADVISOR) == []
    with pytest.raises(NotFound):
        await service.set_subscription(
            repo=repo, caller=ADVISOR, list_id=offers["id"], client_id="c", subscribed=False
        )
