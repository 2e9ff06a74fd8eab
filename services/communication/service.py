"""The communication domain: log activities, keep the memo with its history, tasks, actions
with their counter, tickets, emails (received, and written under the client's block and its
contacts' consents), documents, and the agenda; read all of it for a batch of clients.

Plain keyword-only functions over the repository; no gRPC here. Every function takes the
caller and works inside the caller's tenant only. Each write validates everything first,
then writes the change and its event in one transaction.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import make_msgid, parseaddr
from pathlib import PurePosixPath
from typing import Any, cast

from client360.communication.v1 import communication_pb2
from runtime.caller import Caller
from runtime.clock import AGENCY_TIMEZONE, now_iso, today
from runtime.contracts import max_items
from runtime.errors import FieldViolation, InvalidInput, NotFound, PermissionDenied
from runtime.ids import new_id
from runtime.kit.files import FileStore, require_media_type, require_size
from runtime.kit.jobs import QUEUE_TENANT, Job, JobQueue
from runtime.kit.paging import after as rows_after
from runtime.kit.paging import cursor_of, decode_cursor, page_size
from runtime.kit.updates import check_version, created_stamps, touched_stamps
from runtime.kit.validators import normalize_phone, reject_invalid
from services.communication import agenda, events, roles, timeline
from services.communication.colours import task_colour
from services.communication.inbound import parse_email
from services.communication.models import (
    ACCEPTED,
    ACTION_COUNTERS,
    ACTION_TO_DO,
    ACTIONS,
    ACTIONS_LEFT_STATUSES,
    ACTIVITIES,
    AGENDA,
    CAMPAIGN_JOB,
    CAMPAIGNS,
    CONSENT_OF_KIND,
    DOCUMENT_TYPES,
    DOCUMENTS,
    EMAIL_QUEUED,
    EMAIL_RECEIVED,
    EMAIL_SERVICE,
    EMAILS,
    EXTENSIONS,
    MAIL_QUEUE,
    MAILING_LISTS,
    MAX_AGENDA_DAYS,
    MAX_EXPORTED,
    MAX_OCCURRENCES,
    MEMO_NOTES,
    NEEDS_ACTION,
    SMS,
    SMS_JOB,
    SMS_QUEUED,
    SUBSCRIPTIONS,
    TASK_DONE,
    TASK_OPEN,
    TASKS,
    TICKET_CLOSED,
    TICKET_OPEN,
    TICKETS,
    Action,
    ActionCounter,
    ActionsDashboard,
    Activity,
    AgendaEvent,
    CampaignContent,
    ClientCommunication,
    Document,
    EmailMessage,
    MailingList,
    MemoNote,
    Sms,
    Subscription,
    Task,
    Ticket,
    TimelineEntry,
    actions_left,
    subscription_id,
)
from services.communication.repository import TIMELINE_ORDER, CommunicationRepository
from services.communication.validation import (
    check_action,
    check_action_status,
    check_activity,
    check_agenda_event,
    check_attendee_status,
    check_campaign,
    check_document,
    check_email,
    check_mailing_list,
    check_note,
    check_note_text,
    check_shared_with,
    check_sms,
    check_subscription,
    check_task,
    check_task_status,
    check_ticket,
    check_ticket_status,
    check_timeline_event,
    normal_address,
)

MAX_CLIENTS = max_items(communication_pb2.BatchGetCommunicationRequest, "client_ids")
MAX_ACTIVITIES = 100


def _by_client(records: Sequence[Any]) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for record in records:
        grouped[record["client_id"]].append(record)
    return grouped


def _in_task_order(tasks: list[Task]) -> list[Task]:
    """Open tasks by deadline (as read), then those done, the latest done first."""
    done = [t for t in tasks if t["status"] == TASK_DONE]
    done.sort(key=lambda t: t["audit"]["updated_at"], reverse=True)
    return [t for t in tasks if t["status"] != TASK_DONE] + done


async def get_communication(
    *,
    repo: CommunicationRepository,
    caller: Caller,
    client_ids: Sequence[str],
    activity_limit: int,
    sms_limit: int = 0,
    email_limit: int = 0,
    document_limit: int = 0,
    now: datetime | None = None,
) -> list[ClientCommunication]:
    """Every asked client's part of the file, in the order asked (each once): a few queries
    for the whole batch, whatever its size. Task colours are those of ``now`` (the moment
    of the read when None)."""
    wanted = list(dict.fromkeys(client_ids))
    violations: list[FieldViolation] = []
    if len(wanted) > MAX_CLIENTS:
        violations.append(FieldViolation("clientIds", f"at most {MAX_CLIENTS} clients"))
    if not 0 <= activity_limit <= MAX_ACTIVITIES:
        violations.append(FieldViolation("activityLimit", f"must be 0 to {MAX_ACTIVITIES}"))
    if not 0 <= sms_limit <= MAX_ACTIVITIES:
        violations.append(FieldViolation("smsLimit", f"must be 0 to {MAX_ACTIVITIES}"))
    if not 0 <= email_limit <= MAX_ACTIVITIES:
        violations.append(FieldViolation("emailLimit", f"must be 0 to {MAX_ACTIVITIES}"))
    if not 0 <= document_limit <= MAX_ACTIVITIES:
        violations.append(FieldViolation("documentLimit", f"must be 0 to {MAX_ACTIVITIES}"))
    reject_invalid(violations)
    view = roles.view_of(caller)
    files = {client_id: ClientCommunication(client_id, view) for client_id in wanted}
    if view == roles.NONE or not wanted:
        return list(files.values())
    tenant = caller.tenant_id
    if document_limit and view in (roles.FULL, roles.SHARED_DOCUMENTS):
        partner = caller.user_id if view == roles.SHARED_DOCUMENTS else ""
        found = await repo.documents_of(tenant, wanted, shared_with=partner)
        for client_id, documents in _by_client(found).items():
            files[client_id].documents = documents[:document_limit]
    if view == roles.SHARED_DOCUMENTS:
        return list(files.values())
    for note in await repo.notes_of(tenant, wanted):
        files[note["client_id"]].memo.append(note)
    if view == roles.MEMO_ONLY:
        return list(files.values())

    if activity_limit:
        for client_id, activities in _by_client(await repo.activities_of(tenant, wanted)).items():
            files[client_id].activities = activities[:activity_limit]
    for subscription in await repo.subscriptions_of(tenant, wanted):
        files[subscription["client_id"]].mailing_lists.append(subscription)
    if email_limit:
        for client_id, emails in _by_client(await repo.emails_of(tenant, wanted)).items():
            # The newest of each direction (the file's received and sent tabs, seed 000):
            # the newest of all are among them.
            inbound = [e for e in emails if e["direction"] == "inbound"][:email_limit]
            outbound = [e for e in emails if e["direction"] != "inbound"][:email_limit]
            files[client_id].emails = sorted(
                inbound + outbound, key=lambda e: (e["sent_at"], e["id"]), reverse=True
            )
    if sms_limit:
        for client_id, messages in _by_client(await repo.sms_of(tenant, wanted)).items():
            files[client_id].sms = messages[:sms_limit]
    moment = now or datetime.now(UTC)
    for client_id, tasks in _by_client(await repo.tasks_of(tenant, wanted)).items():
        files[client_id].tasks = _in_task_order(tasks)
        files[client_id].task_colours = {t["id"]: task_colour(t, moment) for t in tasks}
    for client_id, actions in _by_client(await repo.actions_of(tenant, wanted)).items():
        # By due date, those with none last.
        files[client_id].actions = sorted(actions, key=lambda a: (not a["due_date"], a["due_date"]))
    for counter in await repo.counters_of(tenant, wanted):
        files[counter["id"]].actions_left = actions_left(counter)
    for client_id, tickets in _by_client(await repo.tickets_of(tenant, wanted)).items():
        files[client_id].tickets = sorted(tickets, key=lambda t: t["status"] == TICKET_CLOSED)
    for client_id, series in _by_client(await repo.agenda_of(tenant, wanted)).items():
        files[client_id].agenda = series[:MAX_ACTIVITIES]
    return list(files.values())


# The activity log


async def log_activity(
    *, repo: CommunicationRepository, caller: Caller, data: dict[str, Any]
) -> Activity:
    roles.require_full_view(caller)
    activity = cast(
        Activity,
        {
            "client_id": data.get("client_id", ""),
            "kind": data.get("kind", ""),
            "direction": data.get("direction", ""),
            "occurred_at": data.get("occurred_at", "") or now_iso(),
            "contact_id": data.get("contact_id", ""),
            "summary": data.get("summary", ""),
        },
    )
    reject_invalid(check_activity(activity))
    activity["id"] = new_id()
    activity["audit"] = created_stamps(caller.user_id)
    async with repo.transaction() as txn:
        stored = cast(
            Activity,
            await repo.insert(txn, ACTIVITIES, caller.tenant_id, dict(activity)),
        )
        await events.activity_logged(txn, caller, stored)
    return stored


# The memo


async def add_memo_note(
    *, repo: CommunicationRepository, caller: Caller, client_id: str, note_date: str, text: str
) -> MemoNote:
    roles.require_full_view(caller)
    reject_invalid(check_note(client_id, note_date, text))
    note: dict[str, Any] = {
        "id": new_id(),
        "client_id": client_id,
        "note_date": note_date or today().isoformat(),
        "text": text,
        "history": [],
        "audit": created_stamps(caller.user_id),
    }
    async with repo.transaction() as txn:
        stored = cast(MemoNote, await repo.insert(txn, MEMO_NOTES, caller.tenant_id, note))
        await events.memo_note_saved(txn, caller, stored, created=True)
    return stored


async def edit_memo_note(
    *, repo: CommunicationRepository, caller: Caller, note_id: str, version: int, text: str
) -> MemoNote:
    """The note takes ``text``; the text it had goes to the top of its history."""
    roles.require_full_view(caller)
    reject_invalid(check_note_text(text))
    async with repo.transaction() as txn:
        current = cast(
            MemoNote,
            check_version(
                await repo.get_for_update(txn, MEMO_NOTES, caller.tenant_id, note_id),
                version=version,
                what="memo note",
                record_id=note_id,
            ),
        )
        if current["text"] == text:
            return current
        previous = {
            "text": current["text"],
            "at": current["audit"]["updated_at"],
            "by": current["audit"]["updated_by"],
        }
        updated = {
            **current,
            "text": text,
            "history": [previous, *current.get("history", [])],
            "audit": touched_stamps(current["audit"], caller.user_id),
        }
        stored = cast(
            MemoNote,
            await repo.replace(
                txn, MEMO_NOTES, caller.tenant_id, updated, expected_version=current["version"]
            ),
        )
        await events.memo_note_saved(txn, caller, stored, created=False)
    return stored


# Tasks


async def create_task(
    *, repo: CommunicationRepository, caller: Caller, data: dict[str, Any]
) -> Task:
    roles.require_full_view(caller)
    task = cast(
        Task,
        {
            "client_id": data.get("client_id", ""),
            "title": data.get("title", ""),
            "assignee_id": data.get("assignee_id", ""),
            "assignee_timezone": data.get("assignee_timezone", "") or AGENCY_TIMEZONE.key,
            "deadline": data.get("deadline", ""),
            "status": TASK_OPEN,
        },
    )
    reject_invalid(check_task(task))
    task["id"] = new_id()
    task["audit"] = created_stamps(caller.user_id)
    async with repo.transaction() as txn:
        stored = cast(Task, await repo.insert(txn, TASKS, caller.tenant_id, dict(task)))
        await events.task_saved(txn, caller, stored, created=True)
    return stored


async def set_task_status(
    *, repo: CommunicationRepository, caller: Caller, task_id: str, version: int, status: str
) -> Task:
    roles.require_full_view(caller)
    reject_invalid(check_task_status(status))
    async with repo.transaction() as txn:
        current = cast(
            Task,
            check_version(
                await repo.get_for_update(txn, TASKS, caller.tenant_id, task_id),
                version=version,
                what="task",
                record_id=task_id,
            ),
        )
        if current["status"] == status:
            return current
        updated = {
            **current,
            "status": status,
            "audit": touched_stamps(current["audit"], caller.user_id),
        }
        stored = cast(
            Task,
            await repo.replace(
                txn, TASKS, caller.tenant_id, updated, expected_version=current["version"]
            ),
        )
        await events.task_saved(txn, caller, stored, created=False)
    return stored


# Actions and their counter


async def create_action(
    *, repo: CommunicationRepository, caller: Caller, data: dict[str, Any]
) -> tuple[Action, int]:
    """The action and the client's actions left after it."""
    roles.require_full_view(caller)
    action = cast(
        Action,
        {
            "client_id": data.get("client_id", ""),
            "name": data.get("name", ""),
            "status": data.get("status", "") or ACTION_TO_DO,
            "due_date": data.get("due_date", ""),
        },
    )
    reject_invalid(check_action(action))
    action["id"] = new_id()
    action["audit"] = created_stamps(caller.user_id)
    async with repo.transaction() as txn:
        stored = cast(Action, await repo.insert(txn, ACTIONS, caller.tenant_id, dict(action)))
        counter = await repo.count_action(
            txn, caller.tenant_id, stored["client_id"], added=stored["status"], removed=""
        )
        left = actions_left(counter)
        await events.action_saved(txn, caller, stored, previous="", actions_left=left)
    return stored, left


async def set_action_status(
    *, repo: CommunicationRepository, caller: Caller, action_id: str, version: int, status: str
) -> tuple[Action, int]:
    """The action in its new status and the client's actions left after the change, both
    written in the one transaction."""
    roles.require_full_view(caller)
    reject_invalid(check_action_status(status))
    async with repo.transaction() as txn:
        current = cast(
            Action,
            check_version(
                await repo.get_for_update(txn, ACTIONS, caller.tenant_id, action_id),
                version=version,
                what="action",
                record_id=action_id,
            ),
        )
        if current["status"] == status:
            unchanged = await repo.get_for_update(
                txn, ACTION_COUNTERS, caller.tenant_id, current["client_id"]
            )
            return current, actions_left(cast("ActionCounter | None", unchanged))
        updated = {
            **current,
            "status": status,
            "audit": touched_stamps(current["audit"], caller.user_id),
        }
        stored = cast(
            Action,
            await repo.replace(
                txn, ACTIONS, caller.tenant_id, updated, expected_version=current["version"]
            ),
        )
        counter = await repo.count_action(
            txn, caller.tenant_id, stored["client_id"], added=status, removed=current["status"]
        )
        left = actions_left(counter)
        await events.action_saved(
            txn, caller, stored, previous=current["status"], actions_left=left
        )
    return stored, left


async def actions_dashboard(
    *, repo: CommunicationRepository, caller: Caller, on: str | None = None
) -> ActionsDashboard:
    """The tenant's actions across clients: the counts by status are maintained as actions
    change; overdue and due today depend on today (``on``, the agency's today when None) and
    are counted by the store at read time."""
    roles.require_full_view(caller)
    day = on or today().isoformat()
    counter = await repo.tenant_counter(caller.tenant_id)
    by_status = dict(counter["by_status"]) if counter else {}
    return ActionsDashboard(
        by_status=by_status,
        left=sum(by_status.get(s, 0) for s in ACTIONS_LEFT_STATUSES),
        overdue=await repo.count_actions_left(caller.tenant_id, {"$gt": "", "$lt": day}),
        due_today=await repo.count_actions_left(caller.tenant_id, day),
        clients_with_actions_left=await repo.count_clients_with_actions_left(caller.tenant_id),
    )


# Tickets


async def open_ticket(
    *, repo: CommunicationRepository, caller: Caller, data: dict[str, Any]
) -> Ticket:
    roles.require_full_view(caller)
    ticket = cast(
        Ticket,
        {
            "client_id": data.get("client_id", ""),
            "contract_id": data.get("contract_id", ""),
            "subject": data.get("subject", ""),
            "status": TICKET_OPEN,
            "closed_at": "",
        },
    )
    reject_invalid(check_ticket(ticket))
    ticket["id"] = new_id()
    ticket["audit"] = created_stamps(caller.user_id)
    async with repo.transaction() as txn:
        stored = cast(Ticket, await repo.insert(txn, TICKETS, caller.tenant_id, dict(ticket)))
        await events.ticket_saved(txn, caller, stored, previous="")
    return stored


async def set_ticket_status(
    *, repo: CommunicationRepository, caller: Caller, ticket_id: str, version: int, status: str
) -> Ticket:
    roles.require_full_view(caller)
    reject_invalid(check_ticket_status(status))
    async with repo.transaction() as txn:
        current = cast(
            Ticket,
            check_version(
                await repo.get_for_update(txn, TICKETS, caller.tenant_id, ticket_id),
                version=version,
                what="ticket",
                record_id=ticket_id,
            ),
        )
        if current["status"] == status:
            return current
        audit = touched_stamps(current["audit"], caller.user_id)
        updated = {
            **current,
            "status": status,
            "closed_at": audit["updated_at"] if status == TICKET_CLOSED else "",
            "audit": audit,
        }
        stored = cast(
            Ticket,
            await repo.replace(
                txn, TICKETS, caller.tenant_id, updated, expected_version=current["version"]
            ),
        )
        await events.ticket_saved(txn, caller, stored, previous=current["status"])
    return stored


# Text messages


async def send_sms(
    *,
    repo: CommunicationRepository,
    jobs: JobQueue,
    caller: Caller,
    client_id: str,
    contact_id: str,
    number: str,
    text: str,
) -> Sms:
    """A text message queued, with the job that hands it to the provider, in one transaction;
    refused whole when the client's communication is blocked or no number is known."""
    roles.require_full_view(caller)
    reject_invalid(check_sms(client_id, number, text))
    copy = await repo.client_copy(caller.tenant_id, client_id)
    if copy is None:
        raise NotFound(f"client {client_id} not found")
    if copy["communication_blocked"]:
        raise InvalidInput(FieldViolation("clientId", "communication with this client is blocked"))
    default = copy["mobile"]
    if contact_id:
        contact = await repo.contact_copy(caller.tenant_id, contact_id)
        if contact is None or contact["client_id"] != client_id or contact["ended"]:
            raise NotFound(f"contact {contact_id} of client {client_id} not found")
        default = contact["mobile"]
    to = normalize_phone(number) if number else default
    if not to:
        whose = "the contact" if contact_id else "the client"
        raise InvalidInput(FieldViolation("number", f"required: {whose} has no mobile phone"))
    message: dict[str, Any] = {
        "id": new_id(),
        "client_id": client_id,
        "contact_id": contact_id,
        "number": to,
        "text": text,
        "status": SMS_QUEUED,
        "provider_message_id": "",
        "sent_at": "",
        "audit": created_stamps(caller.user_id),
    }
    async with repo.transaction() as txn:
        stored = cast(Sms, await repo.insert(txn, SMS, caller.tenant_id, message))
        await jobs.submit(
            txn, caller.tenant_id, kind=SMS_JOB, items=[stored["id"]], requested_by=caller.user_id
        )
        await events.sms_saved(txn, caller, stored)
    return stored


# Emails


async def ingest_email(
    *, repo: CommunicationRepository, caller: Caller, raw: bytes
) -> EmailMessage:
    """A received email, linked to the tenant's client that sent it (the oldest one when
    several share the address); the same Message-ID ingested again gives the stored email."""
    roles.require_full_view(caller)
    parsed = parse_email(raw)
    if parsed.message_id:
        known = await repo.email_by_message_id(caller.tenant_id, parsed.message_id)
        if known is not None:
            return known
    senders = await repo.clients_with_address(caller.tenant_id, parsed.sender_address)
    if not senders:
        raise NotFound(f"no client with the address {parsed.sender_address}")
    stamps = created_stamps(caller.user_id)
    email: dict[str, Any] = {
        "id": new_id(),
        "client_id": senders[0]["id"],
        "direction": "inbound",
        "sender": parsed.sender,
        "to": parsed.to,
        "cc": parsed.cc,
        "subject": parsed.subject,
        "body": parsed.body,
        "sent_at": parsed.sent_at or stamps["created_at"],
        "message_id": parsed.message_id,
        "status": EMAIL_RECEIVED,
        "audit": stamps,
    }
    async with repo.transaction() as txn:
        stored = cast(EmailMessage, await repo.insert(txn, EMAILS, caller.tenant_id, email))
        await events.email_received(txn, caller, stored)
    return stored


async def send_email(
    *,
    repo: CommunicationRepository,
    caller: Caller,
    sender: str,
    client_id: str,
    contact_id: str,
    to: str,
    subject: str,
    body: str,
    reply_to: str,
    kind: str,
) -> EmailMessage:
    """An email to the client, from ``sender``, queued for the mail sender with its event in
    one transaction (services/communication/mailer.py sends it). The address must be the
    client's or one of its contacts'; refused whole when the client's communication is blocked
    or the recipient contact has not given the consent ``kind`` needs (seed 002)."""
    roles.require_full_view(caller)
    reject_invalid(check_email(client_id, to, subject, body, reply_to, kind))
    kind = kind or EMAIL_SERVICE
    tenant = caller.tenant_id
    copy = await repo.client_copy(tenant, client_id)
    if copy is None:
        raise NotFound(f"client {client_id} not found")
    contacts = [c for c in await repo.contacts_of(tenant, client_id) if not c["ended"]]
    contact = None
    if contact_id:
        contact = next((c for c in contacts if c["id"] == contact_id), None)
        if contact is None:
            raise NotFound(f"contact {contact_id} of client {client_id} not found")
    violations: list[FieldViolation] = []
    if copy["communication_blocked"]:
        violations.append(FieldViolation("clientId", "communication with this client is blocked"))
    address = normal_address(to) if to else ""
    if not address:
        on_file = contact["emails"] if contact is not None else copy["emails"]
        address = on_file[0] if on_file else ""
        if not address:
            whose = "the contact" if contact is not None else "the client"
            violations.append(FieldViolation("to", f"required: {whose} has no email address"))
    elif contact is not None and address not in contact["emails"]:
        violations.append(FieldViolation("to", "not an address of the contact"))
    elif contact is None:
        contact = next((c for c in contacts if address in c["emails"]), None)
        if contact is None and address not in copy["emails"]:
            violations.append(
                FieldViolation("to", "not an address of the client or of its contacts")
            )
    if address and kind in CONSENT_OF_KIND:
        consent, what = CONSENT_OF_KIND[kind]
        if contact is None or not cast(dict[str, Any], contact).get(consent):
            violations.append(FieldViolation("kind", f"the recipient has not consented to {what}"))
    reject_invalid(violations)
    stamps = created_stamps(caller.user_id)
    email_id = new_id()
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email: dict[str, Any] = {
        "id": email_id,
        "client_id": client_id,
        "direction": "outbound",
        "sender": sender,
        "to": [address],
        "cc": [],
        "subject": subject,
        "body": body,
        "sent_at": stamps["created_at"],
        "message_id": make_msgid(idstring=email_id, domain=domain),
        "kind": kind,
        "status": EMAIL_QUEUED,
        "contact_id": contact["id"] if contact is not None else "",
        "reply_to": normal_address(reply_to) if reply_to else "",
        "attempts": 0,
        "error": "",
        "audit": stamps,
    }
    async with repo.transaction() as txn:
        stored = cast(EmailMessage, await repo.insert(txn, EMAILS, tenant, email))
        queued = {"id": email_id, "tenant": tenant, "due_at": stamps["created_at"]}
        await repo.insert(txn, MAIL_QUEUE, QUEUE_TENANT, queued)
        await events.email_saved(txn, caller, stored)
    return stored


# Documents


def _file_name(given: str, kind: str, media_type: str) -> str:
    """The name offered for the download: the uploader's, without any folder."""
    name = PurePosixPath(given.replace("\\", "/")).name.strip()
    return name or f"{kind}.{EXTENSIONS.get(media_type, 'bin')}"


async def upload_document(
    *,
    repo: CommunicationRepository,
    files: FileStore,
    caller: Caller,
    data: dict[str, Any],
    content: bytes,
    max_bytes: int,
) -> Document:
    """A document for the client's file: every rule checked at once (its fields, and its
    file's size and type from the content), then its bytes stored durably, then the record
    and its event committed."""
    roles.require_full_view(caller)
    violations = check_document(data)
    media_type = ""
    try:
        require_size(content, max_bytes, "file")
        media_type = require_media_type(content, DOCUMENT_TYPES, "file")
    except InvalidInput as refused:
        violations += refused.violations
    reject_invalid(violations)
    # On disk (flushed) before the record that names it commits; off the event loop.
    key = await asyncio.to_thread(files.put, caller.tenant_id, content)
    document: dict[str, Any] = {
        "id": new_id(),
        "client_id": data["client_id"],
        "kind": data["kind"],
        "name": _file_name(data["name"], data["kind"], media_type),
        "media_type": media_type,
        "size_bytes": len(content),
        "sha256": key,
        "contract_id": data["contract_id"],
        "claim_id": data["claim_id"],
        "intervention_id": data["intervention_id"],
        "shared_with": list(dict.fromkeys(data["shared_with"])),
        "audit": created_stamps(caller.user_id),
    }
    async with repo.transaction() as txn:
        stored = cast(Document, await repo.insert(txn, DOCUMENTS, caller.tenant_id, document))
        await events.document_saved(txn, caller, stored, created=True)
    return stored


async def share_document(
    *,
    repo: CommunicationRepository,
    caller: Caller,
    document_id: str,
    version: int,
    shared_with: list[str],
) -> Document:
    """The document shared with exactly ``shared_with`` (partners' user ids)."""
    roles.require_full_view(caller)
    reject_invalid(check_shared_with(shared_with))
    partners = list(dict.fromkeys(shared_with))
    async with repo.transaction() as txn:
        current = cast(
            Document,
            check_version(
                await repo.get_for_update(txn, DOCUMENTS, caller.tenant_id, document_id),
                version=version,
                what="document",
                record_id=document_id,
            ),
        )
        if current["shared_with"] == partners:
            return current
        updated = {
            **current,
            "shared_with": partners,
            "audit": touched_stamps(current["audit"], caller.user_id),
        }
        stored = cast(
            Document,
            await repo.replace(
                txn, DOCUMENTS, caller.tenant_id, updated, expected_version=current["version"]
            ),
        )
        await events.document_saved(txn, caller, stored, created=False)
    return stored


async def document_file(
    *, repo: CommunicationRepository, files: FileStore, caller: Caller, document_id: str
) -> tuple[Document, bytes]:
    """A document and its bytes, under the rules of the read: NotFound for another tenant's,
    for a partner's when not shared with it, for a role that sees no document."""
    view = roles.view_of(caller)
    document = await repo.document(caller.tenant_id, document_id) if document_id else None
    visible = document is not None and (
        view == roles.FULL
        or (view == roles.SHARED_DOCUMENTS and caller.user_id in document["shared_with"])
    )
    if document is None or not visible:
        raise NotFound(f"document {document_id} not found")
    return document, await asyncio.to_thread(files.get, caller.tenant_id, document["sha256"])


# The agenda


async def create_agenda_event(
    *, repo: CommunicationRepository, caller: Caller, data: dict[str, Any]
) -> AgendaEvent:
    """An event linked to the client, the organizer (the caller) among its attendees."""
    roles.require_full_view(caller)
    event = {**data, "timezone": data.get("timezone", "") or AGENCY_TIMEZONE.key}
    reject_invalid(check_agenda_event(event))
    invited = list(dict.fromkeys([*event["attendee_ids"], caller.user_id]))
    event["attendees"] = [
        {"user_id": user, "status": ACCEPTED if user == caller.user_id else NEEDS_ACTION}
        for user in invited
    ]
    event["attendee_ids"] = invited
    event["id"] = new_id()
    event["audit"] = created_stamps(caller.user_id)
    event["series_end"] = agenda.series_end(cast(AgendaEvent, event))
    async with repo.transaction() as txn:
        stored = cast(AgendaEvent, await repo.insert(txn, AGENDA, caller.tenant_id, event))
        await events.agenda_event_saved(txn, caller, stored, created=True)
    return stored


async def set_attendance(
    *, repo: CommunicationRepository, caller: Caller, event_id: str, version: int, status: str
) -> AgendaEvent:
    """The caller's own answer to an event it attends."""
    roles.require_full_view(caller)
    reject_invalid(check_attendee_status(status))
    async with repo.transaction() as txn:
        current = cast(
            AgendaEvent,
            check_version(
                await repo.get_for_update(txn, AGENDA, caller.tenant_id, event_id),
                version=version,
                what="agenda event",
                record_id=event_id,
            ),
        )
        if caller.user_id not in current["attendee_ids"]:
            raise PermissionDenied("only an attendee answers an invitation, for themself")
        attendees = [
            {**a, "status": status} if a["user_id"] == caller.user_id else a
            for a in current["attendees"]
        ]
        if attendees == current["attendees"]:
            return current
        updated = {
            **current,
            "attendees": attendees,
            "audit": touched_stamps(current["audit"], caller.user_id),
        }
        stored = cast(
            AgendaEvent,
            await repo.replace(
                txn, AGENDA, caller.tenant_id, updated, expected_version=current["version"]
            ),
        )
        await events.agenda_event_saved(txn, caller, stored, created=False)
    return stored


def _agenda_reader(caller: Caller) -> None:
    """A user's agenda across clients is for the agency's staff (not technicians, partners)."""
    if roles.view_of(caller) != roles.FULL:
        raise PermissionDenied(f"the {caller.role} role may not read the agenda")


async def user_agenda(
    *, repo: CommunicationRepository, caller: Caller, user_id: str, start: str, end: str
) -> tuple[list[agenda.Occurrence], bool]:
    """The occurrences of the events ``user_id`` (the caller when empty) attends overlapping
    [start, end), by start, across clients; and whether there were more than MAX_OCCURRENCES."""
    _agenda_reader(caller)
    violations = []
    if not start:
        violations.append(FieldViolation("from", "required"))
    if not end:
        violations.append(FieldViolation("to", "required"))
    elif start and not (
        timedelta(0)
        < datetime.fromisoformat(end) - datetime.fromisoformat(start)
        <= timedelta(days=MAX_AGENDA_DAYS)
    ):
        violations.append(
            FieldViolation("to", f"after from, at most {MAX_AGENDA_DAYS} days after it")
        )
    reject_invalid(violations)
    user = user_id or caller.user_id
    series = await repo.agenda_of_user(
        caller.tenant_id, user, start=start, end=end, limit=MAX_OCCURRENCES
    )
    low, high = datetime.fromisoformat(start), datetime.fromisoformat(end)
    found: list[agenda.Occurrence] = []
    for event in series:
        for occurrence in agenda.occurrences(event, low, high):
            found.append(occurrence)
            if len(found) > MAX_OCCURRENCES:
                break
    found.sort(key=lambda o: (o.starts_at, o.event["id"]))
    return found[:MAX_OCCURRENCES], len(found) > MAX_OCCURRENCES


async def export_agenda(*, repo: CommunicationRepository, caller: Caller, user_id: str) -> str:
    """The events ``user_id`` (the caller when empty) attends, as an iCalendar file."""
    _agenda_reader(caller)
    user = user_id or caller.user_id
    series = await repo.agenda_of_user(caller.tenant_id, user, limit=MAX_EXPORTED)
    return agenda.to_icalendar(series)


# Mailing lists


async def create_mailing_list(
    *, repo: CommunicationRepository, caller: Caller, name: str, description: str
) -> MailingList:
    """A list of the agency; its name is unique in the agency (a second one is a Conflict)."""
    roles.require_full_view(caller)
    reject_invalid(check_mailing_list(name, description))
    mailing_list: dict[str, Any] = {
        "id": new_id(),
        "name": name.strip(),
        "description": description,
        "subscriber_count": 0,
        "audit": created_stamps(caller.user_id),
    }
    async with repo.transaction() as txn:
        return cast(
            MailingList, await repo.insert(txn, MAILING_LISTS, caller.tenant_id, mailing_list)
        )


async def mailing_lists(*, repo: CommunicationRepository, caller: Caller) -> list[MailingList]:
    roles.require_full_view(caller)
    return await repo.mailing_lists(caller.tenant_id)


async def set_subscription(
    *,
    repo: CommunicationRepository,
    caller: Caller,
    list_id: str,
    client_id: str,
    subscribed: bool,
) -> Subscription:
    """The client subscribed to or unsubscribed from the list, and the list's subscriber
    count moved, with their event, in one transaction; the same state again changes nothing."""
    roles.require_full_view(caller)
    reject_invalid(check_subscription(list_id, client_id))
    async with repo.transaction() as txn:
        found = await repo.get_for_update(txn, MAILING_LISTS, caller.tenant_id, list_id)
        if found is None:
            raise NotFound(f"mailing list {list_id} not found")
        mailing_list = cast(MailingList, found)
        key = subscription_id(list_id, client_id)
        current = cast(
            "Subscription | None",
            await repo.get_for_update(txn, SUBSCRIPTIONS, caller.tenant_id, key),
        )
        if current is not None and current["subscribed"] == subscribed:
            return current
        if current is None and not subscribed:
            raise NotFound(f"client {client_id} is not on mailing list {list_id}")
        record: dict[str, Any] = {
            "id": key,
            "list_id": list_id,
            "list_name": mailing_list["name"],
            "client_id": client_id,
            "subscribed": subscribed,
            "changed_at": now_iso(),
            "changed_by": caller.user_id,
        }
        if current is None:
            stored = await repo.insert(txn, SUBSCRIPTIONS, caller.tenant_id, record)
        else:
            stored = await repo.replace(
                txn, SUBSCRIPTIONS, caller.tenant_id, record, expected_version=current["version"]
            )
        count = mailing_list["subscriber_count"] + (1 if subscribed else -1)
        await repo.replace(
            txn,
            MAILING_LISTS,
            caller.tenant_id,
            {**mailing_list, "subscriber_count": count},
            expected_version=mailing_list["version"],
        )
        subscription = cast(Subscription, stored)
        await events.subscription_changed(txn, caller, subscription, subscriber_count=count)
    return subscription


# Campaigns


async def start_sms_campaign(
    *,
    repo: CommunicationRepository,
    jobs: JobQueue,
    caller: Caller,
    list_id: str,
    name: str,
    text: str,
) -> tuple[Job, CampaignContent]:
    """A text message for every client subscribed to the list now, queued by a durable job
    (which skips blocked clients and those without a mobile phone)."""
    roles.require_full_view(caller)
    reject_invalid(check_campaign(list_id, name, text))
    async with repo.transaction() as txn:
        if await repo.get_for_update(txn, MAILING_LISTS, caller.tenant_id, list_id) is None:
            raise NotFound(f"mailing list {list_id} not found")
        subscribers = await txn.find(
            SUBSCRIPTIONS,
            caller.tenant_id,
            {"list_id": list_id, "subscribed": True},
            sort=(("client_id", 1),),
        )
        job = await jobs.submit(
            txn,
            caller.tenant_id,
            kind=CAMPAIGN_JOB,
            items=[s["client_id"] for s in subscribers],
            requested_by=caller.user_id,
        )
        content: dict[str, Any] = {"id": job["id"], "name": name, "list_id": list_id, "text": text}
        stored = cast(CampaignContent, await repo.insert(txn, CAMPAIGNS, caller.tenant_id, content))
    return job, stored


async def get_campaign(
    *, repo: CommunicationRepository, jobs: JobQueue, caller: Caller, campaign_id: str
) -> tuple[Job, CampaignContent]:
    roles.require_full_view(caller)
    job = await jobs.get(caller.tenant_id, campaign_id)
    content = await repo.campaign(caller.tenant_id, campaign_id)
    if job is None or content is None or job["kind"] != CAMPAIGN_JOB:
        raise NotFound(f"campaign {campaign_id} not found")
    return job, content


# The timeline

MAX_TIMELINE_PAGE = 100
DEFAULT_TIMELINE_PAGE = 20
TIMELINE_LISTING = "communication.timeline"


async def add_timeline_event(
    *,
    repo: CommunicationRepository,
    caller: Caller,
    client_id: str,
    title: str,
    description: str,
    occurred_at: str,
) -> TimelineEntry:
    """An event added by hand to the client's timeline (seed 000's "add an event")."""
    roles.require_full_view(caller)
    title, description = title.strip(), description.strip()
    reject_invalid(check_timeline_event(client_id, title, description, occurred_at))
    at = datetime.fromisoformat(occurred_at) if occurred_at else datetime.now(UTC)
    entry = timeline.manual_entry(new_id(), client_id, title, description, at, caller.user_id)
    async with repo.transaction() as txn:
        stored = await repo.add_timeline_entry(txn, caller.tenant_id, entry)
        assert stored is not None  # a new id
        await events.timeline_event_added(txn, caller, stored)
    return stored


@dataclass(frozen=True, slots=True)
class TimelinePage:
    entries: list[TimelineEntry]
    end_cursor: str
    has_next_page: bool


async def timelines(
    *,
    repo: CommunicationRepository,
    caller: Caller,
    client_ids: Sequence[str],
    first: int,
    after: str,
    types: Sequence[str],
    since: str,
    until: str,
) -> dict[str, TimelinePage]:
    """Each client's timeline, newest first; ``after`` continues one client's. Only a full
    view sees timelines: for other roles (technicians, partners) no client has one."""
    if roles.view_of(caller) != roles.FULL:
        return {}
    first = page_size(first, default=DEFAULT_TIMELINE_PAGE, maximum=MAX_TIMELINE_PAGE)
    ids = list(dict.fromkeys(client_ids))
    if after and len(ids) != 1:
        raise InvalidInput(FieldViolation("after", "continues the timeline of one client only"))
    where: list[Mapping[str, Any]] = []
    if types:
        # A whole subject, or a service's name for all of its events.
        subjects = [t for t in types if "." in t]
        services = [t for t in types if "." not in t]
        where.append({"$or": [{"type": {"$in": subjects}}, {"service": {"$in": services}}]})
    if since:
        where.append({"occurred_at": {"$gte": since}})
    if until:
        where.append({"occurred_at": {"$lt": until}})
    if after:
        keys = decode_cursor(after, listing=TIMELINE_LISTING, arity=len(TIMELINE_ORDER))
        where.append(rows_after(TIMELINE_ORDER, keys))
    found: dict[str, TimelinePage] = {}
    for client_id in ids:
        rows = await repo.timeline_of(
            caller.tenant_id, client_id, {"$and": where} if where else {}, first + 1
        )
        shown = rows[:first]
        found[client_id] = TimelinePage(
            entries=shown,
            end_cursor=(
                cursor_of(shown[-1], TIMELINE_ORDER, listing=TIMELINE_LISTING) if shown else ""
            ),
            has_next_page=len(rows) > first,
        )
    return found
