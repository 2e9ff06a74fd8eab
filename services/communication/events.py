"""Events the communication service emits, c360.communication.*, whose payload messages and
subjects are declared in protos/client360/communication/v1. Each is queued in the
transaction of its change, with the client id as the envelope's key."""

from __future__ import annotations

from google.protobuf.message import Message

from client360.communication.v1 import communication_pb2 as pb
from runtime.caller import Caller
from runtime.kit.jobs import Job
from runtime.outbox import new_event, queue_event
from runtime.store import Transaction
from services.communication.mapping import (
    action_to_proto,
    activity_to_proto,
    agenda_event_to_proto,
    campaign_to_proto,
    document_to_proto,
    email_to_proto,
    note_to_proto,
    sms_to_proto,
    subscription_to_proto,
    task_to_proto,
    ticket_to_proto,
    timeline_entry_to_proto,
)
from services.communication.models import (
    ACTION_STATUSES,
    TICKET_STATUSES,
    Action,
    Activity,
    AgendaEvent,
    CampaignContent,
    Document,
    EmailMessage,
    MemoNote,
    Sms,
    Subscription,
    Task,
    Ticket,
    TimelineEntry,
)


async def _queue(txn: Transaction, caller: Caller, client_id: str, payload: Message) -> None:
    event = new_event(payload, tenant_id=caller.tenant_id, key=client_id, actor_id=caller.user_id)
    await queue_event(txn, event)


async def activity_logged(txn: Transaction, caller: Caller, activity: Activity) -> None:
    payload = pb.ActivityLogged(activity=activity_to_proto(activity))
    await _queue(txn, caller, activity["client_id"], payload)


async def memo_note_saved(
    txn: Transaction, caller: Caller, note: MemoNote, *, created: bool
) -> None:
    payload = pb.MemoNoteSaved(note=note_to_proto(note), created=created)
    await _queue(txn, caller, note["client_id"], payload)


async def task_saved(txn: Transaction, caller: Caller, task: Task, *, created: bool) -> None:
    # No colour in the event: it depends on the day it is read.
    payload = pb.TaskSaved(task=task_to_proto(task), created=created)
    await _queue(txn, caller, task["client_id"], payload)


async def action_saved(
    txn: Transaction, caller: Caller, action: Action, *, previous: str, actions_left: int
) -> None:
    payload = pb.ActionSaved(
        action=action_to_proto(action),
        created=not previous,
        previous=ACTION_STATUSES.to_proto(previous),
        actions_left=actions_left,
    )
    await _queue(txn, caller, action["client_id"], payload)


async def ticket_saved(txn: Transaction, caller: Caller, ticket: Ticket, *, previous: str) -> None:
    payload = pb.TicketSaved(
        ticket=ticket_to_proto(ticket),
        created=not previous,
        previous=TICKET_STATUSES.to_proto(previous),
    )
    await _queue(txn, caller, ticket["client_id"], payload)


async def sms_saved(txn: Transaction, caller: Caller, sms: Sms) -> None:
    await _queue(txn, caller, sms["client_id"], pb.SmsSaved(sms=sms_to_proto(sms)))


async def email_received(txn: Transaction, caller: Caller, email: EmailMessage) -> None:
    await _queue(txn, caller, email["client_id"], pb.EmailReceived(email=email_to_proto(email)))


async def email_saved(txn: Transaction, caller: Caller, email: EmailMessage) -> None:
    """An email written to the client: queued, then sent or failed."""
    await _queue(txn, caller, email["client_id"], pb.EmailSaved(email=email_to_proto(email)))


async def document_saved(
    txn: Transaction, caller: Caller, document: Document, *, created: bool
) -> None:
    payload = pb.DocumentSaved(document=document_to_proto(document), created=created)
    await _queue(txn, caller, document["client_id"], payload)


async def agenda_event_saved(
    txn: Transaction, caller: Caller, event: AgendaEvent, *, created: bool
) -> None:
    payload = pb.AgendaEventSaved(event=agenda_event_to_proto(event), created=created)
    await _queue(txn, caller, event["client_id"], payload)


async def subscription_changed(
    txn: Transaction, caller: Caller, subscription: Subscription, *, subscriber_count: int
) -> None:
    payload = pb.SubscriptionChanged(
        subscription=subscription_to_proto(subscription), subscriber_count=subscriber_count
    )
    await _queue(txn, caller, subscription["client_id"], payload)


async def campaign_finished(
    txn: Transaction, tenant_id: str, job: Job, content: CampaignContent
) -> None:
    """To the requester, who is notified: the envelope's actor is the requester, its key
    empty (a campaign is about no one client)."""
    payload = pb.CampaignFinished(campaign=campaign_to_proto(job, content))
    event = new_event(payload, tenant_id=tenant_id, key="", actor_id=job["requested_by"])
    await queue_event(txn, event)


async def timeline_event_added(txn: Transaction, caller: Caller, entry: TimelineEntry) -> None:
    payload = pb.TimelineEventAdded(entry=timeline_entry_to_proto(entry))
    await _queue(txn, caller, entry["client_id"], payload)
