"""Emails written to clients, in process on a real SQLite store and a real SMTP server (the
development mail catcher on a free port): refused whole for a blocked client and for a
recipient contact without the consent the kind needs (seed 002), nothing queued nor sent then;
an email sent reaches the catcher with its headers and shows as sent; a server that does not
answer leaves it queued for a retry, then failed after the last attempt."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from client360.common.v1 import common_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.errors import InvalidInput, NotFound, PermissionDenied
from runtime.ids import new_id
from runtime.kit.jobs import QUEUE_TENANT
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.consumers import IdentityClientsHandler
from services.communication.mailcatcher import caught, start_catcher
from services.communication.mailer import MailSender
from services.communication.models import COLLECTIONS, EMAILS, MAIL_QUEUE
from services.communication.repository import CommunicationRepository
from services.communication.settings import load_communication_settings
from tests.harness import free_port

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
FROM = "Agence Dupont <agence@dupont.example>"


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


@pytest.fixture
def catcher(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    port, directory = free_port(), tmp_path / "mail"
    controller = start_catcher(directory, port=port)
    try:
        yield port, directory
    finally:
        controller.stop()


def sender_to(store: SqliteStore, port: int, **settings: str) -> MailSender:
    env = {"C360_SMTP_PORT": str(port), "C360_MAIL_FROM": FROM, **settings}
    return MailSender(store, load_communication_settings(env))


async def apply(store: SqliteStore, repo: CommunicationRepository, payload: Any) -> None:
    event = new_event(payload, tenant_id=TENANT, key="k", actor_id="identity")
    async with store.transaction() as txn:
        await IdentityClientsHandler(repo, demo_tenant=None)(txn, event)


async def a_client(
    store: SqliteStore, repo: CommunicationRepository, *, blocked: bool = False
) -> str:
    client = identity_pb2.Client(
        id=new_id(),
        version=1,
        emails=[common_pb2.Email(address="societe@example.fr", primary=True)],
        flags=identity_pb2.Flags(communication_blocked=blocked),
    )
    await apply(store, repo, identity_pb2.ClientCreated(client=client))
    return client.id


async def a_contact(
    store: SqliteStore, repo: CommunicationRepository, client_id: str, *, commercial: bool
) -> str:
    contact = identity_pb2.Contact(
        id=new_id(),
        client_id=client_id,
        version=1,
        last_name="Durand",
        emails=[common_pb2.Email(address="Paul.Durand@example.fr")],
        consents=identity_pb2.Consents(commercial_emails=commercial),
    )
    await apply(store, repo, identity_pb2.ContactCreated(contact=contact))
    return contact.id


async def send(repo: CommunicationRepository, **fields: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "contact_id": "",
        "to": "",
        "subject": "Votre devis habitation",
        "body": "Bonjour,\nvoici votre devis.",
        "reply_to": "",
        "kind": "",
        **fields,
    }
    email = await service.send_email(repo=repo, caller=ADVISOR, sender=FROM, **arguments)
    return dict(email)


async def test_an_email_to_a_client_whose_communication_is_blocked_is_refused_and_not_sent(
    store: SqliteStore, repo: CommunicationRepository, catcher: tuple[int, Path]
) -> None:
    client = await a_client(store, repo, blocked=True)
    with pytest.raises(InvalidInput) as refused:
        await send(repo, client_id=client)
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("clientId", "communication with this client is blocked")
    ]
    port, directory = catcher
    assert await sender_to(store, port).send_due() == 0
    assert await store.count(EMAILS, TENANT) == 0
    assert caught(directory) == []


async def test_a_commercial_email_to_a_contact_without_commercial_consent_is_refused(
    store: SqliteStore, repo: CommunicationRepository, catcher: tuple[int, Path]
) -> None:
    client = await a_client(store, repo)
    contact = await a_contact(store, repo, client, commercial=False)
    with pytest.raises(InvalidInput) as refused:
        await send(repo, client_id=client, contact_id=contact, kind="commercial")
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("kind", "the recipient has not consented to commercial emails")
    ]
    # The same address written to, without naming the contact: the contact's consent still.
    with pytest.raises(InvalidInput):
        await send(repo, client_id=client, to="paul.durand@example.fr", kind="commercial")
    port, directory = catcher
    assert await sender_to(store, port).send_due() == 0
    assert await store.count(EMAILS, TENANT) == 0
    assert caught(directory) == []
    # A service email needs no consent.
    email = await send(repo, client_id=client, contact_id=contact, kind="service")
    assert (email["to"], email["status"]) == (["paul.durand@example.fr"], "queued")


async def test_a_commercial_email_to_a_consenting_contact_goes(
    store: SqliteStore, repo: CommunicationRepository
) -> None:
    client = await a_client(store, repo)
    contact = await a_contact(store, repo, client, commercial=True)
    email = await send(repo, client_id=client, contact_id=contact, kind="commercial")
    assert (email["contact_id"], email["kind"]) == (contact, "commercial")


async def test_an_email_sent_reaches_the_mail_catcher_with_its_headers_and_shows_as_sent(
    store: SqliteStore, repo: CommunicationRepository, catcher: tuple[int, Path]
) -> None:
    client = await a_client(store, repo)
    email = await send(repo, client_id=client, reply_to="Conseiller@Dupont.example")
    assert email["status"] == "queued"
    assert await store.count(MAIL_QUEUE, QUEUE_TENANT) == 1
    port, directory = catcher
    assert await sender_to(store, port).send_due() == 1
    [message] = caught(directory)
    assert message["From"] == FROM
    assert message["To"] == "societe@example.fr"
    assert message["Subject"] == "Votre devis habitation"
    assert message["Reply-To"] == "conseiller@dupont.example"
    assert message["Message-ID"] == email["message_id"]
    assert message["Message-ID"].endswith("@dupont.example>")
    sent = parsedate_to_datetime(str(message["Date"]))
    assert abs(sent - datetime.fromisoformat(email["sent_at"])) < timedelta(seconds=1)
    assert message.get_content().splitlines() == ["Bonjour,", "voici votre devis."]
    stored = await store.get(EMAILS, TENANT, email["id"])
    assert stored is not None
    assert (stored["status"], stored["attempts"], stored["error"]) == ("sent", 1, "")
    assert await store.count(MAIL_QUEUE, QUEUE_TENANT) == 0
    saved = [e for e in await store.pending_events(20) if e.subject.endswith("email.saved")]
    assert len(saved) == 2  # queued, then sent


async def test_the_file_shows_the_email_sent_among_the_last_three(
    store: SqliteStore, repo: CommunicationRepository
) -> None:
    client = await a_client(store, repo)
    first = await send(repo, client_id=client, subject="Premier")
    second = await send(repo, client_id=client, subject="Second")
    [shown] = await service.get_communication(
        repo=repo, caller=ADVISOR, client_ids=[client], activity_limit=0, email_limit=3
    )
    assert [e["id"] for e in shown.emails] == [second["id"], first["id"]]
    assert all(e["direction"] == "outbound" for e in shown.emails)


async def test_a_server_that_does_not_answer_leaves_the_email_queued_then_failed(
    store: SqliteStore, repo: CommunicationRepository
) -> None:
    client = await a_client(store, repo)
    email = await send(repo, client_id=client)
    closed = free_port()  # nothing listens there
    sender = sender_to(store, closed, C360_MAIL_ATTEMPTS="2", C360_MAIL_RETRY_PAUSE="60")
    assert await sender.send_due() == 1
    stored = await store.get(EMAILS, TENANT, email["id"])
    assert stored is not None
    assert (stored["status"], stored["attempts"]) == ("queued", 1)
    assert stored["error"]
    # Due again only after the pause.
    assert await sender.send_due() == 0
    later = datetime.now(UTC) + timedelta(seconds=61)
    assert await sender.send_due(now=later) == 1
    stored = await store.get(EMAILS, TENANT, email["id"])
    assert stored is not None
    assert (stored["status"], stored["attempts"]) == ("failed", 2)
    assert await store.count(MAIL_QUEUE, QUEUE_TENANT) == 0


async def test_every_rule_of_an_email_is_reported_at_once(
    store: SqliteStore, repo: CommunicationRepository
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await send(
            repo,
            client_id="",
            to="not-an-address",
            subject="",
            body="",
            reply_to="nope",
            kind="12",
        )
    assert [v.field for v in refused.value.violations] == [
        "clientId",
        "to",
        "subject",
        "body",
        "replyTo",
        "kind",
    ]
    assert await store.count(EMAILS, TENANT) == 0


async def test_an_address_that_is_not_the_client_s_is_refused(
    store: SqliteStore, repo: CommunicationRepository
) -> None:
    client = await a_client(store, repo)
    with pytest.raises(InvalidInput) as refused:
        await send(repo, client_id=client, to="someone@elsewhere.example")
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("to", "not an address of the client or of its contacts")
    ]


async def test_another_tenant_s_client_is_not_found_and_a_technician_may_not_write(
    store: SqliteStore, repo: CommunicationRepository
) -> None:
    client = await a_client(store, repo)
    with pytest.raises(NotFound):
        await service.send_email(
            repo=repo,
            caller=replace(ADVISOR, tenant_id="agency-b"),
            sender=FROM,
            client_id=client,
            contact_id="",
            to="",
            subject="s",
            body="b",
            reply_to="",
            kind="",
        )
    with pytest.raises(PermissionDenied):
        await service.send_email(
            repo=repo,
            caller=replace(ADVISOR, role="technician"),
            sender=FROM,
            client_id=client,
            contact_id="",
            to="",
            subject="s",
            body="b",
            reply_to="",
            kind="",
        )


async def test_the_sent_tab_shows_an_email_sent_before_newer_received_ones(
    store: SqliteStore, repo: CommunicationRepository
) -> None:
    client = await a_client(store, repo)
    sent = await send(repo, client_id=client, subject="Envoye")
    for day in (1, 2, 3, 4):
        raw = (
            "From: societe@example.fr\r\nTo: agence@dupont.example\r\n"
            f"Subject: Recu {day}\r\nDate: {day:02d} Jan 2099 09:00:00 +0100\r\n"
            f"Message-ID: <r{day}@example.fr>\r\n\r\nBonjour\r\n"
        ).encode()
        await service.ingest_email(repo=repo, caller=ADVISOR, raw=raw)
    [shown] = await service.get_communication(
        repo=repo, caller=ADVISOR, client_ids=[client], activity_limit=0, email_limit=3
    )
    # The three newest received, and the newest sent: what both tabs show.
    assert [e["subject"] for e in shown.emails] == ["Recu 4", "Recu 3", "Recu 2", "Envoye"]
    assert shown.emails[-1]["id"] == sent["id"]


async def test_two_senders_on_one_queue_hand_an_email_over_once(
    store: SqliteStore, repo: CommunicationRepository, catcher: tuple[int, Path]
) -> None:
    client = await a_client(store, repo)
    await send(repo, client_id=client)
    port, directory = catcher
    first, second = sender_to(store, port), sender_to(store, port)
    await asyncio.gather(first.send_due(), second.send_due())
    assert len(caught(directory)) == 1
    assert await store.count(MAIL_QUEUE, QUEUE_TENANT) == 0
