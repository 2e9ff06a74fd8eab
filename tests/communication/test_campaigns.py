"""SMS campaigns in process, on a real SQLite store: a message for each subscriber of the list
now, blocked clients and those without a mobile skipped, queued by a durable job that ends with
a notice to its requester; scoped by tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from client360.common.v1 import common_pb2
from client360.communication.v1 import communication_pb2 as pb
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.errors import InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.jobs import JobQueue
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.consumers import IdentityClientsHandler
from services.communication.jobs import campaign_runner
from services.communication.models import COLLECTIONS, SMS
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


async def known_client(
    store: SqliteStore, repo: CommunicationRepository, *, mobile: str, blocked: bool = False
) -> str:
    phones = [common_pb2.Phone(number=mobile, kind=common_pb2.PHONE_KIND_MOBILE)] if mobile else []
    client = identity_pb2.Client(
        id=new_id(),
        version=1,
        phones=phones,
        flags=identity_pb2.Flags(communication_blocked=blocked),
    )
    event = new_event(
        identity_pb2.ClientCreated(client=client), tenant_id=TENANT, key=client.id, actor_id="a"
    )
    async with store.transaction() as txn:
        await IdentityClientsHandler(repo, demo_tenant=None)(txn, event)
    return client.id


async def test_a_campaign_texts_each_subscriber_it_may_and_skips_the_others(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    offers = await service.create_mailing_list(
        repo=repo, caller=ADVISOR, name="Offers", description=""
    )
    reachable = await known_client(store, repo, mobile="+33612345678")
    blocked = await known_client(store, repo, mobile="+33612345679", blocked=True)
    no_mobile = await known_client(store, repo, mobile="")
    gone = await known_client(store, repo, mobile="+33612345670")
    for client in (reachable, blocked, no_mobile, gone):
        await service.set_subscription(
            repo=repo, caller=ADVISOR, list_id=offers["id"], client_id=client, subscribed=True
        )
    await service.set_subscription(
        repo=repo, caller=ADVISOR, list_id=offers["id"], client_id=gone, subscribed=False
    )
    queue = JobQueue(store)
    job, _ = await service.start_sms_campaign(
        repo=repo,
        jobs=queue,
        caller=ADVISOR,
        list_id=offers["id"],
        name="Spring offer",
        text="-10 % on home insurance",
    )
    assert job["total"] == 3
    await campaign_runner(queue, chunk=2).run_job(TENANT, job["id"])

    job, content = await service.get_campaign(
        repo=repo, jobs=queue, caller=ADVISOR, campaign_id=job["id"]
    )
    assert content["list_id"] == offers["id"]
    assert (job["state"], job["done"], job["counts"]) == (
        "succeeded",
        3,
        {"queued": 1, "skipped": 2},
    )
    [message] = await store.find(SMS, TENANT, None)
    assert (message["client_id"], message["number"], message["text"]) == (
        reachable,
        "+33612345678",
        "-10 % on home insurance",
    )
    assert len(await queue.queued("sms", limit=10)) == 1
    [finished] = [
        events_pb2.Event.FromString(e.payload)
        for e in await store.pending_events(100)
        if e.subject == "c360.communication.campaign.finished"
    ]
    assert (finished.actor_id, finished.key) == ("alice", "")
    campaign = pb.CampaignFinished.FromString(finished.payload.value).campaign
    assert (campaign.queued, campaign.skipped, campaign.name) == (1, 2, "Spring offer")


async def test_a_campaign_needs_a_list_of_the_agency_a_name_and_a_text(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    queue = JobQueue(store)
    with pytest.raises(InvalidInput) as refused:
        await service.start_sms_campaign(
            repo=repo, jobs=queue, caller=ADVISOR, list_id="x", name="", text=""
        )
    assert {(v.field, v.rule) for v in refused.value.violations} == {
        ("name", "required"),
        ("text", "required"),
    }
    offers = await service.create_mailing_list(
        repo=repo, caller=ADVISOR, name="Offers", description=""
    )
    with pytest.raises(NotFound):
        await service.start_sms_campaign(
            repo=repo, jobs=queue, caller=OTHER_ADVISOR, list_id=offers["id"], name="n", text="t"
        )
    job, _ = await service.start_sms_campaign(
        repo=repo, jobs=queue, caller=ADVISOR, list_id=offers["id"], name="n", text="t"
    )
    with pytest.raises(NotFound):
        await service.get_campaign(
            repo=repo, jobs=queue, caller=OTHER_ADVISOR, campaign_id=job["id"]
        )
