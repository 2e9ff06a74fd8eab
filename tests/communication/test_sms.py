"""Text messages in process, on a real SQLite store: refused for a blocked client, queued with
their job, handed to the development provider by the durable job runner, scoped by tenant."""

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
from runtime.kit.jobs import JOB_QUEUE, QUEUE_TENANT, JobQueue
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.consumers import IdentityClientsHandler
from services.communication.jobs import sms_runner
from services.communication.models import COLLECTIONS, SMS, Sms
from services.communication.repository import CommunicationRepository
from services.communication.sms import RecordingSmsProvider, recorded

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


async def identity_client(
    store: SqliteStore,
    repo: CommunicationRepository,
    *,
    blocked: bool = False,
    mobile: str = "+33612345678",
    version: int = 1,
    client_id: str = "",
) -> str:
    """A client as identity's event announces it, applied to the local copy."""
    client = identity_pb2.Client(
        id=client_id or new_id(),
        version=version,
        flags=identity_pb2.Flags(communication_blocked=blocked),
        phones=[common_pb2.Phone(number=mobile, kind=common_pb2.PHONE_KIND_MOBILE, primary=True)]
        if mobile
        else [],
    )
    payload = identity_pb2.ClientCreated(client=client)
    event = new_event(payload, tenant_id=TENANT, key=client.id, actor_id="alice")
    async with store.transaction() as txn:
        await IdentityClientsHandler(repo, demo_tenant=None)(txn, event)
    return client.id


async def send(
    repo: CommunicationRepository,
    store: SqliteStore,
    client_id: str,
    *,
    caller: Caller = ADVISOR,
    number: str = "",
    text: str = "Your certificate is ready.",
) -> Sms:
    return await service.send_sms(
        repo=repo,
        jobs=JobQueue(store),
        caller=caller,
        client_id=client_id,
        contact_id="",
        number=number,
        text=text,
    )


async def test_a_text_to_a_blocked_client_is_refused_and_nothing_is_queued(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = await identity_client(store, repo, blocked=True)
    with pytest.raises(InvalidInput) as refused:
        await send(repo, store, client)
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("clientId", "communication with this client is blocked")
    ]
    assert await store.count(SMS, TENANT) == 0
    assert await store.count(JOB_QUEUE, QUEUE_TENANT) == 0


async def test_a_client_unblocked_by_identity_can_be_texted_again(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = await identity_client(store, repo, blocked=True)
    await identity_client(store, repo, blocked=False, version=2, client_id=client)
    sms = await send(repo, store, client)
    assert sms["status"] == "queued"


async def test_a_text_goes_to_the_client_s_mobile_through_the_provider(
    repo: CommunicationRepository, store: SqliteStore, tmp_path: Path
) -> None:
    client = await identity_client(store, repo, mobile="+33698765432")
    sms = await send(repo, store, client, text="Rendez-vous jeudi 10h")
    assert (sms["number"], sms["status"]) == ("+33698765432", "queued")
    provider = RecordingSmsProvider(tmp_path / "sms.jsonl")
    runner = sms_runner(JobQueue(store), provider)
    [queued] = await JobQueue(store).queued("sms", limit=10)
    await runner.run_job(queued["tenant"], queued["id"])

    [line] = recorded(provider.path)
    assert (line["id"], line["to"], line["text"]) == (sms["id"], "+33698765432", sms["text"])
    [found] = (
        await service.get_communication(
            repo=repo, caller=ADVISOR, client_ids=[client], activity_limit=0, sms_limit=5
        )
    )[0].sms
    assert found["status"] == "sent"
    assert found["provider_message_id"].startswith("dev-")
    saved = [
        pb.SmsSaved.FromString(events_pb2.Event.FromString(e.payload).payload.value)
        for e in await store.pending_events(100)
        if e.subject == "c360.communication.sms.saved"
    ]
    assert [s.sms.status for s in saved] == [pb.SMS_STATUS_QUEUED, pb.SMS_STATUS_SENT]


async def test_a_text_needs_a_valid_number_and_a_text(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = await identity_client(store, repo, mobile="")
    with pytest.raises(InvalidInput) as refused:
        await send(repo, store, client, number="12", text=" ")
    assert {(v.field, v.rule) for v in refused.value.violations} == {
        ("number", "not a valid phone number"),
        ("text", "required"),
    }
    with pytest.raises(InvalidInput) as refused:
        await send(repo, store, client)
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("number", "required: the client has no mobile phone")
    ]
    assert await store.count(SMS, TENANT) == 0


async def test_another_tenant_s_client_answers_like_a_missing_one(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = await identity_client(store, repo)
    with pytest.raises(NotFound) as theirs:
        await send(repo, store, client, caller=OTHER_ADVISOR)
    missing = new_id()
    with pytest.raises(NotFound) as absent:
        await send(repo, store, missing)
    assert theirs.value.message == f"client {client} not found"
    assert absent.value.message == f"client {missing} not found"


async def identity_contact(
    store: SqliteStore,
    repo: CommunicationRepository,
    client_id: str,
    *,
    mobile: str,
    ended: bool = False,
) -> str:
    contact = identity_pb2.Contact(
        id=new_id(),
        client_id=client_id,
        version=1,
        phones=[common_pb2.Phone(number=mobile, kind=common_pb2.PHONE_KIND_MOBILE)],
    )
    payload = (
        identity_pb2.ContactEnded(contact=contact)
        if ended
        else identity_pb2.ContactCreated(contact=contact)
    )
    event = new_event(payload, tenant_id=TENANT, key=client_id, actor_id="alice")
    async with store.transaction() as txn:
        await IdentityClientsHandler(repo, demo_tenant=None)(txn, event)
    return contact.id


async def test_a_text_for_a_contact_goes_to_the_contact_s_mobile_and_never_to_an_ended_one(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = await identity_client(store, repo, mobile="+33612345678")
    contact = await identity_contact(store, repo, client, mobile="+33711223344")
    sms = await service.send_sms(
        repo=repo,
        jobs=JobQueue(store),
        caller=ADVISOR,
        client_id=client,
        contact_id=contact,
        number="",
        text="Votre attestation",
    )
    assert (sms["number"], sms["contact_id"]) == ("+33711223344", contact)
    gone = await identity_contact(store, repo, client, mobile="+33799887766", ended=True)
    other_client = await identity_client(store, repo)
    for contact_id, client_id in ((gone, client), (contact, other_client)):
        with pytest.raises(NotFound):
            await service.send_sms(
                repo=repo,
                jobs=JobQueue(store),
                caller=ADVISOR,
                client_id=client_id,
                contact_id=contact_id,
                number="",
                text="x",
            )
