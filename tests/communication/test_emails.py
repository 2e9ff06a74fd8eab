"""Received emails in process, on a real SQLite store: parsed as RFC 5322 with the standard
library, linked to the client by address, the last three on the file in order, kept once,
scoped by tenant."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from client360.common.v1 import common_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.errors import InvalidInput, NotFound
from runtime.ids import new_id
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.consumers import IdentityClientsHandler
from services.communication.models import COLLECTIONS, EMAILS
from services.communication.repository import CommunicationRepository

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "mailbox", "advisor")
OTHER = Caller("agency-b", "mailbox", "advisor")


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


async def client_with_address(
    store: SqliteStore, repo: CommunicationRepository, address: str
) -> str:
    client = identity_pb2.Client(
        id=new_id(), version=1, emails=[common_pb2.Email(address=address, primary=True)]
    )
    event = new_event(
        identity_pb2.ClientCreated(client=client), tenant_id=TENANT, key=client.id, actor_id="a"
    )
    async with store.transaction() as txn:
        await IdentityClientsHandler(repo, demo_tenant=None)(txn, event)
    return client.id


def rfc5322(
    subject: str, date: str, *, sender: str = "Léa Martin <Lea.Martin@example.fr>"
) -> bytes:
    return (
        f"From: {sender}\r\n"
        "To: agence@courtier.fr\r\n"
        "Cc: Bruno <bruno@courtier.fr>\r\n"
        f"Subject: {subject}\r\n"
        f"Date: {date}\r\n"
        f"Message-ID: <{subject.replace(' ', '.')}@example.fr>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "\r\n"
        "Bonjour,\r\nvoici le document.\r\n"
    ).encode()


async def test_a_received_email_is_linked_to_the_client_by_its_address(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = await client_with_address(store, repo, "lea.martin@example.fr")
    email = await service.ingest_email(
        repo=repo, caller=ADVISOR, raw=rfc5322("Carte grise", "Tue, 03 Mar 2026 10:15:00 +0100")
    )
    assert email["client_id"] == client
    assert (email["sender"], email["to"], email["cc"]) == (
        "Léa Martin <Lea.Martin@example.fr>",
        ["agence@courtier.fr"],
        ["bruno@courtier.fr"],
    )
    assert email["sent_at"] == "2026-03-03T09:15:00.000000+00:00"
    assert email["body"] == "Bonjour,\nvoici le document."
    [event] = [e for e in await store.pending_events(10) if "email" in e.subject]
    assert event.subject == "c360.communication.email.received"


async def test_the_file_shows_the_last_three_emails_newest_first(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = await client_with_address(store, repo, "lea.martin@example.fr")
    for subject, date in (
        ("Premier", "Mon, 02 Mar 2026 09:00:00 +0100"),
        ("Quatrieme", "Thu, 05 Mar 2026 09:00:00 +0100"),
        ("Deuxieme", "Tue, 03 Mar 2026 09:00:00 +0100"),
        ("Troisieme", "Wed, 04 Mar 2026 09:00:00 +0100"),
    ):
        await service.ingest_email(repo=repo, caller=ADVISOR, raw=rfc5322(subject, date))
    [shown] = await service.get_communication(
        repo=repo, caller=ADVISOR, client_ids=[client], activity_limit=0, email_limit=3
    )
    assert [e["subject"] for e in shown.emails] == ["Quatrieme", "Troisieme", "Deuxieme"]


async def test_the_same_message_ingested_twice_is_kept_once(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    await client_with_address(store, repo, "lea.martin@example.fr")
    raw = rfc5322("Devis", "Tue, 03 Mar 2026 10:15:00 +0100")
    first = await service.ingest_email(repo=repo, caller=ADVISOR, raw=raw)
    again = await service.ingest_email(repo=repo, caller=ADVISOR, raw=raw)
    assert again["id"] == first["id"]
    assert await store.count(EMAILS, TENANT) == 1


async def test_an_email_from_an_unknown_or_another_tenant_s_address_is_not_found(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    await client_with_address(store, repo, "lea.martin@example.fr")
    raw = rfc5322("Devis", "Tue, 03 Mar 2026 10:15:00 +0100")
    with pytest.raises(NotFound):
        await service.ingest_email(repo=repo, caller=OTHER, raw=raw)
    stranger = rfc5322("Spam", "Tue, 03 Mar 2026 10:15:00 +0100", sender="x@spam.example")
    with pytest.raises(NotFound):
        await service.ingest_email(repo=repo, caller=ADVISOR, raw=stranger)
    assert await store.count(EMAILS, TENANT) == 0
    assert await store.count(EMAILS, "agency-b") == 0


async def test_a_message_without_a_sender_is_refused(repo: CommunicationRepository) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.ingest_email(repo=repo, caller=ADVISOR, raw=b"Subject: hi\r\n\r\nbody")
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("raw", "not an email: no sender address (From)")
    ]
