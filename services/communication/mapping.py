"""Stored documents to protos and requests to documents, field by field (no reflection: this
is on every read)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from client360.common.v1 import common_pb2
from client360.communication.v1 import communication_pb2 as pb
from runtime.clock import timestamp
from runtime.kit import jobs
from runtime.kit.common import audit_to_proto
from services.communication import colours, roles
from services.communication.models import (
    ACTION_STATUSES,
    ACTIVITY_KINDS,
    ATTENDEE_STATUSES,
    DIRECTIONS,
    DOCUMENT_KINDS,
    EMAIL_KINDS,
    EMAIL_RECEIVED,
    EMAIL_STATUSES,
    SMS_STATUSES,
    TASK_STATUSES,
    TICKET_STATUSES,
    Action,
    ActionsDashboard,
    Activity,
    AgendaEvent,
    CampaignContent,
    ClientCommunication,
    ClientCopy,
    ContactCopy,
    Document,
    EmailMessage,
    MailingList,
    MemoNote,
    Sms,
    Subscription,
    Task,
    Ticket,
    TimelineEntry,
)

VIEWS = {
    roles.FULL: pb.SECTION_VIEW_FULL,
    roles.MEMO_ONLY: pb.SECTION_VIEW_MEMO_ONLY,
    roles.NONE: pb.SECTION_VIEW_NONE,
    roles.SHARED_DOCUMENTS: pb.SECTION_VIEW_SHARED_DOCUMENTS,
}
COLOURS = {
    colours.ON_TIME: pb.TASK_COLOUR_ON_TIME,
    colours.NEAR: pb.TASK_COLOUR_NEAR,
    colours.OVERDUE: pb.TASK_COLOUR_OVERDUE,
}


def _occurred_at(r: pb.LogActivityRequest) -> str:
    """The stored form of the request's moment ("" when unset)."""
    if not r.HasField("occurred_at"):
        return ""
    return r.occurred_at.ToDatetime(tzinfo=UTC).isoformat(timespec="microseconds")


# Documents → protos


def activity_to_proto(a: Activity) -> pb.Activity:
    return pb.Activity(
        id=a["id"],
        client_id=a["client_id"],
        kind=ACTIVITY_KINDS.to_proto(a["kind"]),
        direction=DIRECTIONS.to_proto(a["direction"]),
        occurred_at=timestamp(a["occurred_at"]),
        contact_id=a["contact_id"],
        summary=a["summary"],
        version=a.get("version", 0),
        audit=audit_to_proto(a.get("audit")),
    )


def note_to_proto(n: MemoNote) -> pb.MemoNote:
    return pb.MemoNote(
        id=n["id"],
        client_id=n["client_id"],
        note_date=n["note_date"],
        text=n["text"],
        history=[
            pb.MemoRevision(text=r["text"], at=timestamp(r["at"]), by=r["by"])
            for r in n.get("history", [])
        ],
        version=n.get("version", 0),
        audit=audit_to_proto(n.get("audit")),
    )


def task_to_proto(t: Task, colour: str = "") -> pb.Task:
    return pb.Task(
        id=t["id"],
        client_id=t["client_id"],
        title=t["title"],
        assignee_id=t["assignee_id"],
        assignee_timezone=t["assignee_timezone"],
        deadline=t["deadline"],
        status=TASK_STATUSES.to_proto(t["status"]),
        colour=COLOURS.get(colour, pb.TASK_COLOUR_UNSPECIFIED),
        version=t.get("version", 0),
        audit=audit_to_proto(t.get("audit")),
    )


def action_to_proto(a: Action) -> pb.Action:
    return pb.Action(
        id=a["id"],
        client_id=a["client_id"],
        name=a["name"],
        status=ACTION_STATUSES.to_proto(a["status"]),
        due_date=a["due_date"],
        version=a.get("version", 0),
        audit=audit_to_proto(a.get("audit")),
    )


def ticket_to_proto(t: Ticket) -> pb.Ticket:
    return pb.Ticket(
        id=t["id"],
        client_id=t["client_id"],
        contract_id=t["contract_id"],
        subject=t["subject"],
        status=TICKET_STATUSES.to_proto(t["status"]),
        version=t.get("version", 0),
        audit=audit_to_proto(t.get("audit")),
        closed_at=timestamp(t.get("closed_at", "")),
    )


def sms_to_proto(m: Sms) -> pb.Sms:
    return pb.Sms(
        id=m["id"],
        client_id=m["client_id"],
        contact_id=m["contact_id"],
        number=m["number"],
        text=m["text"],
        status=SMS_STATUSES.to_proto(m["status"]),
        provider_message_id=m["provider_message_id"],
        version=m.get("version", 0),
        audit=audit_to_proto(m.get("audit")),
        sent_at=timestamp(m.get("sent_at", "")),
    )


def email_to_proto(m: EmailMessage) -> pb.EmailMessage:
    return pb.EmailMessage(
        id=m["id"],
        client_id=m["client_id"],
        direction=DIRECTIONS.to_proto(m["direction"]),
        sender=m["sender"],
        to=m["to"],
        cc=m["cc"],
        subject=m["subject"],
        body=m["body"],
        sent_at=timestamp(m["sent_at"]),
        message_id=m["message_id"],
        version=m.get("version", 0),
        audit=audit_to_proto(m.get("audit")),
        kind=EMAIL_KINDS.to_proto(m.get("kind", "")),
        status=EMAIL_STATUSES.to_proto(m.get("status", EMAIL_RECEIVED)),
        contact_id=m.get("contact_id", ""),
        reply_to=m.get("reply_to", ""),
        attempts=m.get("attempts", 0),
        error=m.get("error", ""),
    )


def document_to_proto(d: Document) -> pb.Document:
    return pb.Document(
        id=d["id"],
        client_id=d["client_id"],
        kind=DOCUMENT_KINDS.to_proto(d["kind"]),
        file=common_pb2.FileInfo(
            id=d["id"],
            name=d["name"],
            media_type=d["media_type"],
            size_bytes=d["size_bytes"],
            sha256=d["sha256"],
        ),
        contract_id=d["contract_id"],
        claim_id=d["claim_id"],
        intervention_id=d["intervention_id"],
        shared_with=d["shared_with"],
        version=d.get("version", 0),
        audit=audit_to_proto(d.get("audit")),
    )


def agenda_event_to_proto(e: AgendaEvent) -> pb.AgendaEvent:
    return pb.AgendaEvent(
        id=e["id"],
        client_id=e["client_id"],
        title=e["title"],
        description=e["description"],
        location=e["location"],
        starts_at=timestamp(e["starts_at"]),
        ends_at=timestamp(e["ends_at"]),
        timezone=e["timezone"],
        attendees=[
            pb.Attendee(user_id=a["user_id"], status=ATTENDEE_STATUSES.to_proto(a["status"]))
            for a in e["attendees"]
        ],
        rrule=e["rrule"],
        version=e.get("version", 0),
        audit=audit_to_proto(e.get("audit")),
    )


def instant(message: Any, name: str) -> str:
    """The stored form of a request's Timestamp field ("" when unset)."""
    if not message.HasField(name):
        return ""
    moment = getattr(message, name).ToDatetime(tzinfo=UTC)
    return str(moment.isoformat(timespec="microseconds"))


def agenda_event_from_request(r: pb.CreateAgendaEventRequest) -> dict[str, Any]:
    return {
        "client_id": r.client_id,
        "title": r.title,
        "description": r.description,
        "location": r.location,
        "starts_at": instant(r, "starts_at"),
        "ends_at": instant(r, "ends_at"),
        "timezone": r.timezone,
        "attendee_ids": list(r.attendee_ids),
        "rrule": r.rrule,
    }


def mailing_list_to_proto(m: MailingList) -> pb.MailingList:
    return pb.MailingList(
        id=m["id"],
        name=m["name"],
        description=m["description"],
        subscriber_count=m["subscriber_count"],
        version=m.get("version", 0),
        audit=audit_to_proto(m.get("audit")),
    )


def subscription_to_proto(s: Subscription) -> pb.MailingListSubscription:
    return pb.MailingListSubscription(
        list_id=s["list_id"],
        list_name=s["list_name"],
        client_id=s["client_id"],
        subscribed=s["subscribed"],
        changed_at=timestamp(s["changed_at"]),
        changed_by=s["changed_by"],
    )


CAMPAIGN_STATES = {
    jobs.PENDING: pb.CAMPAIGN_STATE_PENDING,
    jobs.RUNNING: pb.CAMPAIGN_STATE_RUNNING,
    jobs.SUCCEEDED: pb.CAMPAIGN_STATE_SUCCEEDED,
    jobs.FAILED: pb.CAMPAIGN_STATE_FAILED,
}


def campaign_to_proto(job: jobs.Job, content: CampaignContent) -> pb.Campaign:
    return pb.Campaign(
        id=job["id"],
        name=content["name"],
        list_id=content["list_id"],
        text=content["text"],
        state=CAMPAIGN_STATES.get(job["state"], pb.CAMPAIGN_STATE_UNSPECIFIED),
        total=job["total"],
        done=job["done"],
        queued=job["counts"].get("queued", 0),
        skipped=job["counts"].get("skipped", 0),
        requested_by=job["requested_by"],
        created_at=timestamp(job["created_at"]),
        finished_at=timestamp(job["finished_at"]),
        error=job["error"],
    )


def client_communication_to_proto(c: ClientCommunication) -> pb.ClientCommunication:
    return pb.ClientCommunication(
        client_id=c.client_id,
        view=VIEWS[c.view],
        activities=[activity_to_proto(a) for a in c.activities],
        memo=[note_to_proto(n) for n in c.memo],
        tasks=[task_to_proto(t, c.task_colours.get(t["id"], "")) for t in c.tasks],
        actions=[action_to_proto(a) for a in c.actions],
        actions_left=c.actions_left,
        tickets=[ticket_to_proto(t) for t in c.tickets],
        sms=[sms_to_proto(m) for m in c.sms],
        emails=[email_to_proto(m) for m in c.emails],
        mailing_lists=[subscription_to_proto(s) for s in c.mailing_lists],
        documents=[document_to_proto(d) for d in c.documents],
        agenda=[agenda_event_to_proto(e) for e in c.agenda],
    )


def dashboard_to_proto(d: ActionsDashboard) -> pb.ActionsDashboard:
    return pb.ActionsDashboard(
        to_do=d.by_status.get("to_do", 0),
        in_progress=d.by_status.get("in_progress", 0),
        done=d.by_status.get("done", 0),
        cancelled=d.by_status.get("cancelled", 0),
        left=d.left,
        overdue=d.overdue,
        due_today=d.due_today,
        clients_with_actions_left=d.clients_with_actions_left,
    )


# Requests → documents (checked by the domain)


def activity_from_request(r: pb.LogActivityRequest) -> dict[str, Any]:
    return {
        "client_id": r.client_id,
        "kind": ACTIVITY_KINDS.to_word(r.kind),
        "direction": DIRECTIONS.to_word(r.direction),
        "occurred_at": _occurred_at(r),
        "contact_id": r.contact_id,
        "summary": r.summary,
    }


def task_from_request(r: pb.CreateTaskRequest) -> dict[str, Any]:
    return {
        "client_id": r.client_id,
        "title": r.title,
        "assignee_id": r.assignee_id,
        "assignee_timezone": r.assignee_timezone,
        "deadline": r.deadline,
    }


def action_from_request(r: pb.CreateActionRequest) -> dict[str, Any]:
    return {
        "client_id": r.client_id,
        "name": r.name,
        "due_date": r.due_date,
        "status": ACTION_STATUSES.to_word(r.status),
    }


def document_from_request(r: pb.UploadDocumentRequest) -> dict[str, Any]:
    return {
        "client_id": r.client_id,
        "kind": DOCUMENT_KINDS.to_word(r.kind),
        "name": r.name,
        "contract_id": r.contract_id,
        "claim_id": r.claim_id,
        "intervention_id": r.intervention_id,
        "shared_with": list(r.shared_with),
    }


def ticket_from_request(r: pb.OpenTicketRequest) -> dict[str, Any]:
    return {"client_id": r.client_id, "contract_id": r.contract_id, "subject": r.subject}


def _mobile(phones: Any) -> str:
    """The primary mobile number among ``phones`` (the first mobile when none is primary)."""
    mobiles = [p for p in phones if p.kind == common_pb2.PHONE_KIND_MOBILE]
    primary = [p for p in mobiles if p.primary] or mobiles
    return str(primary[0].number) if primary else ""


def _addresses(emails: Any) -> list[str]:
    return sorted({e.address.lower() for e in emails if e.address})


def client_copy(client: Any) -> ClientCopy:
    """What this service keeps of one of identity's clients (an identity_pb2.Client)."""
    return {
        "id": client.id,
        "communication_blocked": client.flags.communication_blocked,
        "archived": client.flags.archived,
        "mobile": _mobile(client.phones),
        "emails": _addresses(client.emails),
    }


def contact_copy(contact: Any, *, ended: bool) -> ContactCopy:
    """What this service keeps of one of identity's contacts (an identity_pb2.Contact)."""
    return {
        "id": contact.id,
        "client_id": contact.client_id,
        "mobile": _mobile(contact.phones),
        "emails": _addresses(contact.emails),
        "commercial_emails": contact.consents.commercial_emails,
        "partner_emails": contact.consents.partner_emails,
        "e_signature": contact.consents.e_signature,
        "ended": ended,
    }


def timeline_entry_to_proto(e: TimelineEntry) -> pb.TimelineEntry:
    return pb.TimelineEntry(
        id=e["id"],
        client_id=e["client_id"],
        occurred_at=timestamp(e["occurred_at"]),
        type=e["type"],
        service=e["service"],
        actor_id=e["actor_id"],
        summary=e["summary"],
        description=e["description"],
        record_service=e["record_service"],
        record_kind=e["record_kind"],
        record_id=e["record_id"],
        manual=e["manual"],
    )
