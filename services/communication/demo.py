"""Demo data for `make run`: each demo client that identity announces gets a coherent share of
follow-up (calls and emails logged, memo notes with their history, tasks, actions and
tickets, emails received and sent, documents with their files, agenda events, some of them
recurring), with dates spread around today so that every task colour and every action state
shows. Drawn from a random generator seeded by the client's id: the same client always gets
the same share, and a redelivered event writes nothing twice (the consumer records it)."""

from __future__ import annotations

import asyncio
import functools
import io
import random
from datetime import UTC, datetime, time, timedelta
from email.utils import make_msgid
from typing import Any, cast

from fpdf import FPDF
from PIL import Image

from runtime.caller import Caller
from runtime.clock import AGENCY_TIMEZONE, today
from runtime.ids import new_id
from runtime.kit.files import FileStore, content_key
from runtime.kit.updates import created_stamps
from runtime.store import Transaction
from services.communication import agenda, events
from services.communication.models import (
    ACTIONS,
    ACTIVITIES,
    AGENDA,
    DOCUMENTS,
    EMAILS,
    MEMO_NOTES,
    TASKS,
    TICKETS,
    Action,
    Activity,
    AgendaEvent,
    Document,
    EmailMessage,
    MemoNote,
    Task,
    Ticket,
)
from services.communication.repository import CommunicationRepository
from services.communication.settings import DEFAULT_MAIL_FROM

DEMO_ACTOR = "demo"
ADVISORS = ("alice.martin", "bruno.leroy", "chloe.dubois")
# Most of the agency works in Paris; one advisor covers Réunion (UTC+4).
TIMEZONES = ("Europe/Paris", "Europe/Paris", "Indian/Reunion")

ACTIVITY_SUMMARIES = (
    ("call", "inbound", "Asked about the renewal of the motor contract."),
    ("call", "outbound", "Called back about the missing proof of address."),
    ("email", "outbound", "Sent the home insurance quote."),
    ("email", "inbound", "Sent the vehicle registration document."),
    ("sms", "outbound", "Reminder: appointment on Thursday at 10:00."),
    ("call", "inbound", "Declared a water damage in the kitchen."),
)
NOTES = (
    "Prefers to be called after 18:00.",
    "Gate code 4512B, dog in the garden.",
    "Moving to Lyon next spring: review the home contract then.",
    "Son starts driving lessons: add him as a driver when licensed.",
)
TASKS_TITLES = ("Call back about the quote", "Check the claim file", "Send the renewal notice")
ACTION_NAMES = ("Collect the RIB", "Get the signed mandate", "Review the fleet list", "Renewal")
ACTION_STATUSES = ("to_do", "to_do", "in_progress", "done", "cancelled")
TICKET_SUBJECTS = ("Wrong address on the notice", "Certificate requested", "Premium question")
TICKET_STATUSES = ("open", "pending", "closed", "closed")
RECEIVED_SUBJECTS = (
    "Carte grise du nouveau véhicule",
    "Question sur mon avis d'échéance",
    "Déclaration de sinistre : dégât des eaux",
    "Justificatif de domicile",
)
SENT_SUBJECTS = (
    ("Votre devis habitation", "service"),
    ("Votre attestation d'assurance", "service"),
    ("Votre avis de renouvellement", "service"),
)
DOCUMENTS_KINDS = (
    ("vehicle_registration", "carte-grise.pdf"),
    ("invoice", "facture.pdf"),
    ("renewal_notice", "avis-de-renouvellement.pdf"),
    ("quote", "devis.pdf"),
    ("proof_of_address", "justificatif-domicile.pdf"),
    ("claim_photo", "photo-sinistre.png"),
)
# A partner of the demo agency (a token with role partner and this user id sees what is
# shared with it).
DEMO_PARTNER = "partner-expert"
AGENDA_TITLES = (
    ("Rendez-vous bilan annuel", ""),
    ("Appel de suivi sinistre", ""),
    ("Point mensuel flotte", "FREQ=MONTHLY;COUNT=6"),
    ("Permanence en agence", "FREQ=WEEKLY;BYDAY=TU;COUNT=8"),
)


@functools.cache
def _demo_file(kind: str) -> tuple[bytes, str]:
    """The content shown for a demo document of ``kind`` (the same for every client: stored
    once), with its media type."""
    if kind == "claim_photo":
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (90, 140, 200)).save(out, "PNG")
        return out.getvalue(), "image/png"
    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=16)
    document.cell(text=f"Client 360 - demo document: {kind.replace('_', ' ')}")
    return bytes(document.output()), "application/pdf"


async def seed_client(
    txn: Transaction,
    repo: CommunicationRepository,
    *,
    tenant_id: str,
    client_id: str,
    address: str = "",
    files: FileStore | None = None,
) -> None:
    """The follow-up of one demo client, written with its events in ``txn``; its emails when
    its ``address`` is known, its documents when ``files`` is given."""
    rng = random.Random(client_id)
    caller = Caller(tenant_id, DEMO_ACTOR, "advisor")
    day = today()
    stamps = created_stamps(DEMO_ACTOR)

    def record(**fields: Any) -> dict[str, Any]:
        return {"id": new_id(), "client_id": client_id, "audit": stamps, **fields}

    for _ in range(rng.randint(0, 4)):
        kind, direction, summary = rng.choice(ACTIVITY_SUMMARIES)
        when = datetime.combine(
            day - timedelta(days=rng.randint(0, 90)), time(rng.randint(8, 18), rng.randint(0, 59))
        ).replace(tzinfo=AGENCY_TIMEZONE)
        activity = record(
            kind=kind,
            direction=direction,
            occurred_at=when.astimezone(UTC).isoformat(timespec="microseconds"),
            contact_id="",
            summary=summary,
        )
        stored = await repo.insert(txn, ACTIVITIES, tenant_id, activity)
        await events.activity_logged(txn, caller, cast(Activity, stored))

    for text in rng.sample(NOTES, rng.randint(0, 2)):
        history = []
        if rng.random() < 0.3:
            history = [
                {"text": "To be confirmed: " + text, "at": stamps["created_at"], "by": DEMO_ACTOR}
            ]
        note = record(
            note_date=(day - timedelta(days=rng.randint(0, 200))).isoformat(),
            text=text,
            history=history,
        )
        stored = await repo.insert(txn, MEMO_NOTES, tenant_id, note)
        await events.memo_note_saved(txn, caller, cast(MemoNote, stored), created=True)

    for title in rng.sample(TASKS_TITLES, rng.randint(0, 2)):
        task = record(
            title=title,
            assignee_id=rng.choice(ADVISORS),
            assignee_timezone=rng.choice(TIMEZONES),
            # From five days late to ten days ahead: red, yellow and blue all show.
            deadline=(day + timedelta(days=rng.randint(-5, 10))).isoformat(),
            status="done" if rng.random() < 0.2 else "open",
        )
        stored = await repo.insert(txn, TASKS, tenant_id, task)
        await events.task_saved(txn, caller, cast(Task, stored), created=True)

    for name in rng.sample(ACTION_NAMES, rng.randint(0, 3)):
        due = "" if rng.random() < 0.2 else (day + timedelta(days=rng.randint(-10, 20))).isoformat()
        action = record(name=name, status=rng.choice(ACTION_STATUSES), due_date=due)
        stored = await repo.insert(txn, ACTIONS, tenant_id, action)
        counter = await repo.count_action(
            txn, tenant_id, client_id, added=action["status"], removed=""
        )
        left = sum(counter["by_status"].get(s, 0) for s in ("to_do", "in_progress"))
        await events.action_saved(txn, caller, cast(Action, stored), previous="", actions_left=left)

    for subject in rng.sample(TICKET_SUBJECTS, rng.randint(0, 2)):
        status = rng.choice(TICKET_STATUSES)
        ticket = record(
            contract_id="",
            subject=subject,
            status=status,
            closed_at=stamps["created_at"] if status == "closed" else "",
        )
        stored = await repo.insert(txn, TICKETS, tenant_id, ticket)
        await events.ticket_saved(txn, caller, cast(Ticket, stored), previous="")

    await _seed_messages(txn, repo, rng, caller, client_id, address)
    if files is not None:
        await _seed_documents(txn, repo, rng, caller, client_id, files)
    await _seed_agenda(txn, repo, rng, caller, client_id)


def _moment(day: Any, rng: random.Random) -> datetime:
    local = datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))
    return local.replace(tzinfo=AGENCY_TIMEZONE)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


async def _seed_messages(
    txn: Transaction,
    repo: CommunicationRepository,
    rng: random.Random,
    caller: Caller,
    client_id: str,
    address: str,
) -> None:
    if not address:
        return
    day = today()
    for subject in rng.sample(RECEIVED_SUBJECTS, rng.randint(0, 3)):
        email_id = new_id()
        sent_at = _moment(day - timedelta(days=rng.randint(1, 60)), rng)
        received = {
            "id": email_id,
            "client_id": client_id,
            "direction": "inbound",
            "sender": address,
            "to": ["agence@client360.localhost"],
            "cc": [],
            "subject": subject,
            "body": "Bonjour,\nvous trouverez ci-joint le document demandé.\nCordialement",
            "sent_at": _iso(sent_at),
            "message_id": make_msgid(idstring=email_id, domain="demo.example"),
            "status": "received",
            "audit": created_stamps("mailbox"),
        }
        stored = await repo.insert(txn, EMAILS, caller.tenant_id, received)
        await events.email_received(txn, caller, cast(EmailMessage, stored))
    for subject, kind in rng.sample(SENT_SUBJECTS, rng.randint(0, 2)):
        email_id = new_id()
        sent_at = _moment(day - timedelta(days=rng.randint(0, 60)), rng)
        sent = {
            "id": email_id,
            "client_id": client_id,
            "direction": "outbound",
            "sender": DEFAULT_MAIL_FROM,
            "to": [address],
            "cc": [],
            "subject": subject,
            "body": "Bonjour,\nveuillez trouver ci-joint votre document.\nVotre conseiller",
            "sent_at": _iso(sent_at),
            "message_id": make_msgid(idstring=email_id, domain="client360.localhost"),
            "kind": kind,
            "status": "sent",
            "contact_id": "",
            "reply_to": "",
            "attempts": 1,
            "error": "",
            "audit": created_stamps(rng.choice(ADVISORS), at=_iso(sent_at)),
        }
        stored = await repo.insert(txn, EMAILS, caller.tenant_id, sent)
        await events.email_saved(txn, caller, cast(EmailMessage, stored))


async def _seed_documents(
    txn: Transaction,
    repo: CommunicationRepository,
    rng: random.Random,
    caller: Caller,
    client_id: str,
    files: FileStore,
) -> None:
    for kind, name in rng.sample(DOCUMENTS_KINDS, rng.randint(0, 3)):
        content, media_type = _demo_file(kind)
        key = content_key(content)
        if not files.exists(caller.tenant_id, key):
            await asyncio.to_thread(files.put, caller.tenant_id, content)
        document = {
            "id": new_id(),
            "client_id": client_id,
            "kind": kind,
            "name": name,
            "media_type": media_type,
            "size_bytes": len(content),
            "sha256": key,
            "contract_id": "",
            "claim_id": "",
            "intervention_id": "",
            # Claim photos go to the loss adjuster.
            "shared_with": [DEMO_PARTNER] if kind == "claim_photo" else [],
            "audit": created_stamps(rng.choice(ADVISORS)),
        }
        stored = await repo.insert(txn, DOCUMENTS, caller.tenant_id, document)
        await events.document_saved(txn, caller, cast(Document, stored), created=True)


async def _seed_agenda(
    txn: Transaction,
    repo: CommunicationRepository,
    rng: random.Random,
    caller: Caller,
    client_id: str,
) -> None:
    day = today()
    for title, rule in rng.sample(AGENDA_TITLES, rng.randint(0, 2)):
        organizer = rng.choice(ADVISORS)
        start = _moment(day + timedelta(days=rng.randint(-14, 21)), rng)
        invited = list(dict.fromkeys([organizer, rng.choice(ADVISORS)]))
        event: dict[str, Any] = {
            "id": new_id(),
            "client_id": client_id,
            "title": title,
            "description": "",
            "location": rng.choice(("Agence", "Chez le client", "")),
            "starts_at": _iso(start),
            "ends_at": _iso(start + timedelta(minutes=rng.choice((30, 45, 60)))),
            "timezone": AGENCY_TIMEZONE.key,
            "attendees": [
                {
                    "user_id": user,
                    "status": "accepted"
                    if user == organizer
                    else rng.choice(("needs_action", "accepted", "tentative")),
                }
                for user in invited
            ],
            "attendee_ids": invited,
            "rrule": rule,
            "audit": created_stamps(organizer),
        }
        event["series_end"] = agenda.series_end(cast(AgendaEvent, event))
        stored = await repo.insert(txn, AGENDA, caller.tenant_id, event)
        await events.agenda_event_saved(txn, caller, cast(AgendaEvent, stored), created=True)
