"""Data shapes of the communication service: the collections, the documents they hold and the
words (kinds, directions, statuses) stored in them, one per value of the proto's enums.

Documents are typed dicts with snake_case fields; instants are ISO 8601 strings in UTC and
dates are YYYY-MM-DD. The store owns ``tenant_id`` and ``version`` (the optimistic lock) of
every document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, NotRequired, TypedDict

from client360.communication.v1 import communication_pb2 as pb
from runtime.kit import jobs
from runtime.kit.common import AuditStamps
from runtime.kit.vocabulary import Vocabulary
from runtime.store import CollectionSpec

ACTIVITIES: Final = "activities"
MEMO_NOTES: Final = "memo_notes"
TASKS: Final = "tasks"
ACTIONS: Final = "actions"
ACTION_COUNTERS: Final = "action_counters"
TICKETS: Final = "tickets"
SMS: Final = "sms"
EMAILS: Final = "emails"
MAILING_LISTS: Final = "mailing_lists"
SUBSCRIPTIONS: Final = "subscriptions"
CAMPAIGNS: Final = "campaigns"
CLIENT_COPIES: Final = "client_copies"
CONTACT_COPIES: Final = "contact_copies"
MAIL_QUEUE: Final = "mail_queue"
DOCUMENTS: Final = "documents"
AGENDA: Final = "agenda_events"
# The client's timeline: one entry per event about the client, and those added by hand.
TIMELINE: Final = "timeline"

COLLECTIONS = (
    # Read by client, newest first.
    CollectionSpec(ACTIVITIES, indexes=(("client_id", "occurred_at"),)),
    CollectionSpec(MEMO_NOTES, indexes=(("client_id", "note_date"),)),
    CollectionSpec(TASKS, indexes=(("client_id", "deadline"), ("assignee_id", "deadline"))),
    # Read by client; the dashboard counts the tenant's actions left by due date.
    CollectionSpec(ACTIONS, indexes=(("client_id", "due_date"), ("status", "due_date"))),
    # One document per client (id: the client id) and one for the tenant (id: TENANT_COUNTER):
    # the actions by status, maintained in the transaction of every change.
    CollectionSpec(ACTION_COUNTERS),
    CollectionSpec(TICKETS, indexes=(("client_id", "status"), ("contract_id",))),
    CollectionSpec(SMS, indexes=(("client_id", "id"),)),
    CollectionSpec(MAILING_LISTS, unique=("name",)),
    # One per list and client (id: "<list id>.<client id>"), read by client.
    CollectionSpec(SUBSCRIPTIONS, indexes=(("client_id",), ("list_id",))),
    # What a campaign sends (id: its job's id); its progress is the job's.
    CollectionSpec(CAMPAIGNS),
    # The local copy of identity's clients: what sending needs (block flag, mobile number).
    CollectionSpec(CLIENT_COPIES, multikey=("emails",)),
    # The local copy of identity's contacts: their mobile and their consents.
    CollectionSpec(CONTACT_COPIES, indexes=(("client_id",),)),
    # Read by client, newest first; a message ingested twice is found by its Message-ID.
    CollectionSpec(EMAILS, indexes=(("client_id", "sent_at"), ("message_id",))),
    # Read by client, newest first; a partner's read asks for those shared with it.
    CollectionSpec(DOCUMENTS, indexes=(("client_id", "id"),), multikey=("shared_with",)),
    # Read by client, and by attendee over a range (a series from its first start to the end
    # of its last occurrence, series_end).
    CollectionSpec(
        AGENDA,
        indexes=(("client_id", "starts_at"), ("starts_at",)),
        multikey=("attendee_ids",),
    ),
    # Emails written and not yet handed to the mail server, every tenant's under
    # jobs.QUEUE_TENANT (id: the email's id), by the moment they are due.
    CollectionSpec(MAIL_QUEUE, indexes=(("due_at",),)),
    # Read by client, newest first.
    CollectionSpec(TIMELINE, indexes=(("client_id", "occurred_at"),)),
    # Text messages are handed to the provider by durable jobs.
    *jobs.JOB_COLLECTIONS,
)

# The id of the tenant-wide actions counter in ACTION_COUNTERS (a client id is a ULID, never
# this word).
TENANT_COUNTER: Final = "tenant"

ACTIVITY_KINDS = Vocabulary(
    pb.ActivityKind,
    {pb.ACTIVITY_KIND_CALL: "call", pb.ACTIVITY_KIND_SMS: "sms", pb.ACTIVITY_KIND_EMAIL: "email"},
)
DIRECTIONS = Vocabulary(
    pb.Direction, {pb.DIRECTION_INBOUND: "inbound", pb.DIRECTION_OUTBOUND: "outbound"}
)
TASK_STATUSES = Vocabulary(
    pb.TaskStatus, {pb.TASK_STATUS_OPEN: "open", pb.TASK_STATUS_DONE: "done"}
)
ACTION_STATUSES = Vocabulary(
    pb.ActionStatus,
    {
        pb.ACTION_STATUS_TO_DO: "to_do",
        pb.ACTION_STATUS_IN_PROGRESS: "in_progress",
        pb.ACTION_STATUS_DONE: "done",
        pb.ACTION_STATUS_CANCELLED: "cancelled",
    },
)
TICKET_STATUSES = Vocabulary(
    pb.TicketStatus,
    {
        pb.TICKET_STATUS_OPEN: "open",
        pb.TICKET_STATUS_PENDING: "pending",
        pb.TICKET_STATUS_CLOSED: "closed",
    },
)

SMS_STATUSES = Vocabulary(
    pb.SmsStatus,
    {pb.SMS_STATUS_QUEUED: "queued", pb.SMS_STATUS_SENT: "sent", pb.SMS_STATUS_FAILED: "failed"},
)

EMAIL_KINDS = Vocabulary(
    pb.EmailKind,
    {
        pb.EMAIL_KIND_SERVICE: "service",
        pb.EMAIL_KIND_COMMERCIAL: "commercial",
        pb.EMAIL_KIND_PARTNER: "partner",
        pb.EMAIL_KIND_E_SIGNATURE: "e_signature",
    },
)
EMAIL_STATUSES = Vocabulary(
    pb.EmailStatus,
    {
        pb.EMAIL_STATUS_RECEIVED: "received",
        pb.EMAIL_STATUS_QUEUED: "queued",
        pb.EMAIL_STATUS_SENT: "sent",
        pb.EMAIL_STATUS_FAILED: "failed",
    },
)
DOCUMENT_KINDS = Vocabulary(
    pb.DocumentKind,
    {
        pb.DOCUMENT_KIND_VEHICLE_REGISTRATION: "vehicle_registration",
        pb.DOCUMENT_KIND_INVOICE: "invoice",
        pb.DOCUMENT_KIND_RENEWAL_NOTICE: "renewal_notice",
        pb.DOCUMENT_KIND_QUOTE: "quote",
        pb.DOCUMENT_KIND_PROOF_OF_IDENTITY: "proof_of_identity",
        pb.DOCUMENT_KIND_PROOF_OF_ADDRESS: "proof_of_address",
        pb.DOCUMENT_KIND_CLAIM_PHOTO: "claim_photo",
        pb.DOCUMENT_KIND_OTHER: "other",
    },
)
# What a document may be, found from its content. Office formats are not accepted: puremagic
# names any ZIP archive a Word document, so a .docx could not be told from a ZIP of anything.
DOCUMENT_TYPES: Final = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp"})
# The file names offered for a download when the uploader gave none.
EXTENSIONS: Final = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
}
# Partners a document is shared with, at most.
MAX_SHARED = 20

ATTENDEE_STATUSES = Vocabulary(
    pb.AttendeeStatus,
    {
        pb.ATTENDEE_STATUS_NEEDS_ACTION: "needs_action",
        pb.ATTENDEE_STATUS_TENTATIVE: "tentative",
        pb.ATTENDEE_STATUS_ACCEPTED: "accepted",
        pb.ATTENDEE_STATUS_DECLINED: "declined",
    },
)
NEEDS_ACTION: Final = "needs_action"
ACCEPTED: Final = "accepted"
MAX_ATTENDEES = 50
# A global agenda covers at most this many days, and gives at most this many occurrences.
MAX_AGENDA_DAYS = 366
MAX_OCCURRENCES = 2000
# The events an iCalendar export holds, at most (the latest first).
MAX_EXPORTED = 1000

EMAIL_SERVICE: Final = "service"
# The consent of the recipient contact (a ContactCopy field) each kind of email needs.
CONSENT_OF_KIND: Final = {
    "commercial": ("commercial_emails", "commercial emails"),
    "partner": ("partner_emails", "partner emails"),
    "e_signature": ("e_signature", "electronic signature"),
}
EMAIL_RECEIVED: Final = "received"
EMAIL_QUEUED: Final = "queued"
EMAIL_SENT: Final = "sent"
EMAIL_FAILED: Final = "failed"

TASK_OPEN: Final = "open"
TASK_DONE: Final = "done"
ACTION_TO_DO: Final = "to_do"
# The statuses counted among the actions left.
ACTIONS_LEFT_STATUSES: Final = ("to_do", "in_progress")
TICKET_OPEN: Final = "open"
TICKET_CLOSED: Final = "closed"
SMS_QUEUED: Final = "queued"
SMS_SENT: Final = "sent"
SMS_FAILED: Final = "failed"
# The kind of the jobs that hand text messages to the provider.
SMS_JOB: Final = "sms"
# The kind of the jobs that queue a campaign's messages, over the list's subscribers.
CAMPAIGN_JOB: Final = "sms_campaign"

# Text limits: a summary or a note is a paragraph or a page, not a document.
MAX_SUMMARY = 4000
MAX_NOTE = 20000
MAX_TITLE = 200
# Four concatenated SMS segments at most.
MAX_SMS_TEXT = 612
MAX_EMAIL_BODY = 100_000


class _Stored(TypedDict):
    id: str
    client_id: str
    audit: AuditStamps
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class Activity(_Stored):
    kind: str
    direction: str
    occurred_at: str
    contact_id: str
    summary: str


class MemoRevision(TypedDict):
    text: str
    at: str
    by: str


class MemoNote(_Stored):
    note_date: str
    text: str
    history: list[MemoRevision]  # newest first


class Task(_Stored):
    title: str
    assignee_id: str
    assignee_timezone: str
    deadline: str
    status: str


class Action(_Stored):
    name: str
    status: str
    due_date: str


class Ticket(_Stored):
    contract_id: str
    subject: str
    status: str
    closed_at: str


class Sms(_Stored):
    contact_id: str
    number: str
    text: str
    status: str
    provider_message_id: str
    sent_at: str


class EmailMessage(_Stored):
    direction: str
    sender: str
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    sent_at: str
    message_id: str
    # Of an email written (absent from those received before they were kept).
    kind: NotRequired[str]
    status: NotRequired[str]
    contact_id: NotRequired[str]
    reply_to: NotRequired[str]
    attempts: NotRequired[int]
    error: NotRequired[str]


class QueuedEmail(TypedDict):
    """An email waiting for the sender, in MAIL_QUEUE under jobs.QUEUE_TENANT."""

    id: str  # the email's id
    tenant: str
    due_at: str  # ISO 8601 UTC: not handed over before
    version: NotRequired[int]
    tenant_id: NotRequired[str]


class Document(_Stored):
    kind: str
    name: str
    media_type: str
    size_bytes: int
    sha256: str  # also the key of its bytes in the service's FileStore
    contract_id: str
    claim_id: str
    intervention_id: str
    shared_with: list[str]  # partners' user ids


class Attendee(TypedDict):
    user_id: str
    status: str


class AgendaEvent(_Stored):
    title: str
    description: str
    location: str
    starts_at: str  # the first occurrence, ISO 8601 UTC
    ends_at: str
    timezone: str  # IANA: the recurrence follows its wall clock
    attendees: list[Attendee]
    attendee_ids: list[str]  # the attendees' user ids, for the global agenda's query
    rrule: str
    series_end: str  # when the last occurrence ends; agenda.NO_END for an endless series


class MailingList(TypedDict):
    id: str
    name: str
    description: str
    subscriber_count: int
    audit: AuditStamps
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class Subscription(TypedDict):
    id: str  # subscription_id(list_id, client_id)
    list_id: str
    list_name: str
    client_id: str
    subscribed: bool
    changed_at: str
    changed_by: str
    tenant_id: NotRequired[str]
    version: NotRequired[int]


def subscription_id(list_id: str, client_id: str) -> str:
    return f"{list_id}.{client_id}"


class CampaignContent(TypedDict):
    id: str  # the id of the job that runs it
    name: str
    list_id: str
    text: str
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class ClientCopy(TypedDict):
    """The local copy of one of identity's clients (``id`` is identity's id), kept by a
    runtime replica, which adds ``source_version`` and ``refreshed_at``."""

    id: str
    communication_blocked: bool
    archived: bool
    mobile: str  # E.164 of the primary mobile phone (or the first one); "" when none
    emails: list[str]  # the client's addresses, lower case
    source_version: NotRequired[int]
    refreshed_at: NotRequired[str]
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class ContactCopy(TypedDict):
    """The local copy of one of identity's contacts, kept by a runtime replica. Its consents
    are what sending an email will check (commercial, partner, e-signature)."""

    id: str
    client_id: str
    mobile: str  # E.164; "" when none
    emails: list[str]  # lower case
    commercial_emails: bool
    partner_emails: bool
    e_signature: bool
    ended: bool  # ended or deleted in identity: no longer messaged
    source_version: NotRequired[int]
    refreshed_at: NotRequired[str]
    tenant_id: NotRequired[str]
    version: NotRequired[int]


class ActionCounter(TypedDict):
    """The actions of a client (or of the tenant) by status word."""

    id: str
    by_status: dict[str, int]
    tenant_id: NotRequired[str]
    version: NotRequired[int]


def actions_left(counter: ActionCounter | None) -> int:
    if counter is None:
        return 0
    return sum(counter["by_status"].get(status, 0) for status in ACTIONS_LEFT_STATUSES)


@dataclass(slots=True)
class ClientCommunication:
    """One client's part of the file as the caller's role sees it; ``task_colours`` holds the
    colour of each open task at the moment of the read."""

    client_id: str
    view: str
    activities: list[Activity] = field(default_factory=list)
    memo: list[MemoNote] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    task_colours: dict[str, str] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    actions_left: int = 0
    tickets: list[Ticket] = field(default_factory=list)
    sms: list[Sms] = field(default_factory=list)
    emails: list[EmailMessage] = field(default_factory=list)
    mailing_lists: list[Subscription] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    agenda: list[AgendaEvent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ActionsDashboard:
    by_status: dict[str, int]
    left: int
    overdue: int
    due_today: int
    clients_with_actions_left: int


class TimelineEntry(TypedDict):
    id: str
    client_id: str
    occurred_at: str  # ISO 8601 UTC
    type: str
    service: str
    actor_id: str
    summary: str
    description: str
    record_service: str
    record_kind: str
    record_id: str
    manual: bool
    tenant_id: NotRequired[str]
    version: NotRequired[int]


# The records that belong to one client by their client_id, by the kind a merge or an erasure
# reports them as (documents are moved this way too; their contents are the erasure's to
# delete).
BY_CLIENT: Final = {
    "activities": ACTIVITIES,
    "memo_notes": MEMO_NOTES,
    "tasks": TASKS,
    "actions": ACTIONS,
    "tickets": TICKETS,
    "sms": SMS,
    "emails": EMAILS,
    "documents": DOCUMENTS,
    "agenda_events": AGENDA,
    "timeline_entries": TIMELINE,
}
