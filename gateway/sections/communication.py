"""Communication's part of the client file: emails received and written (sent over SMTP),
documents (uploaded, downloaded through /files/communication/<id>), the activity log
("consigner"), text messages, the memo with its notes' history and its tasks coloured in the
assignee's timezone, agenda events, actions with the counter of those left and the agency's
dashboard, and tickets linked to a contract; and across clients, a user's global agenda and
its iCalendar export.

What each role sees is the service's to say (services/communication/roles.py): the answer
names the caller's view, and the parts it leaves out show null here: a technician gets the
memo and null for the rest, a partner the documents shared with it and null for the rest,
never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from client360.communication.v1 import communication_pb2 as pb
from gateway.context import Info, RequestContext
from gateway.files import Upload, read_upload
from gateway.live import LiveEvent
from gateway.planner import Argument, Section, ServiceSection
from gateway.schema.enums import enum_field, proto_enum
from gateway.schema.timestamps import timestamp
from gateway.selection import SelectedField, below, fields_named

if TYPE_CHECKING:
    from gateway.schema.client import Client

_DATE = "YYYY-MM-DD"
ClientRef = Annotated["Client", strawberry.lazy("gateway.schema.client")]


@proto_enum(pb.ActivityKind)
class ActivityKind(Enum):
    """What kind of exchange an activity records."""


@proto_enum(pb.Direction)
class ActivityDirection(Enum):
    """Who started an exchange."""


@proto_enum(pb.TaskStatus)
class MemoTaskStatus(Enum):
    """Whether a task of the memo is still to do."""


@proto_enum(pb.TaskColour)
class TaskColour(Enum):
    """A task's colour, computed when read from its deadline and today's date in the
    assignee's timezone."""


@proto_enum(pb.ActionStatus)
class ActionStatus(Enum):
    """Where an action stands; TO_DO and IN_PROGRESS count among the actions left."""


@proto_enum(pb.SmsStatus)
class SmsStatus(Enum):
    """Where a text message stands."""


@proto_enum(pb.EmailKind)
class OutgoingEmailKind(Enum):
    """What an email written to a client is about: the consent of the recipient it needs."""


@proto_enum(pb.EmailStatus)
class EmailStatus(Enum):
    """Where an email stands: received, or written and queued, sent or failed."""


@proto_enum(pb.DocumentKind)
class DocumentKind(Enum):
    """What a document of the client's file is."""


@proto_enum(pb.AttendeeStatus)
class AttendeeStatus(Enum):
    """An attendee's answer to an agenda event (iCalendar's PARTSTAT)."""


@proto_enum(pb.CampaignState)
class CampaignState(Enum):
    """Where an SMS campaign stands."""


@proto_enum(pb.TicketStatus)
class TicketStatus(Enum):
    """Where a ticket stands; closed tickets are shown greyed."""


@strawberry.type(description="A call, SMS or email logged by hand.")
class LoggedActivity:
    id: strawberry.ID = strawberry.field(description="The activity's id.")
    kind: ActivityKind | None = enum_field("Call, SMS or email.")
    direction: ActivityDirection | None = enum_field("Inbound or outbound.")
    contact_id: str | None = strawberry.field(
        description="The client's contact it was with (identity's contact id); null: the client."
    )
    summary: str = strawberry.field(description="What was said.")
    version: int = strawberry.field(description="Version, for optimistic concurrency.")

    @strawberry.field(description="When the exchange took place (ISO 8601, UTC).")
    @staticmethod
    def occurred_at(root: strawberry.Parent[pb.Activity]) -> datetime | None:
        return timestamp(root, "occurred_at")

    @strawberry.field(description="User id of whoever logged it.")
    @staticmethod
    def logged_by(root: strawberry.Parent[pb.Activity]) -> str | None:
        return root.audit.created_by or None


@strawberry.type(description="An earlier text of a memo note.")
class MemoRevision:
    text: str = strawberry.field(description="The text as it was.")
    by: str | None = strawberry.field(description="User id of whoever wrote that text.")

    @strawberry.field(description="When that text was written (ISO 8601, UTC).")
    @staticmethod
    def at(root: strawberry.Parent[pb.MemoRevision]) -> datetime | None:
        return timestamp(root, "at")


@strawberry.type(description="A dated note of the memo, kept with its history.")
class MemoNote:
    id: strawberry.ID = strawberry.field(description="The note's id.")
    note_date: str = strawberry.field(description=f"The day the note is about, {_DATE}.")
    text: str = strawberry.field(description="The note's current text.")
    history: list[MemoRevision] = strawberry.field(description="Earlier texts, newest first.")
    version: int = strawberry.field(description="Version, for editMemoNote.")

    @strawberry.field(description="User id of whoever wrote the current text.")
    @staticmethod
    def written_by(root: strawberry.Parent[pb.MemoNote]) -> str | None:
        return root.audit.updated_by or None

    @strawberry.field(description="When the current text was written (ISO 8601, UTC).")
    @staticmethod
    def written_at(root: strawberry.Parent[pb.MemoNote]) -> datetime | None:
        return timestamp(root.audit, "updated_at")


@strawberry.type(description="A task of the memo, with its assignee and deadline.")
class MemoTask:
    id: strawberry.ID = strawberry.field(description="The task's id.")
    title: str = strawberry.field(description="What is to be done.")
    assignee_id: str = strawberry.field(description="User id of the assignee.")
    assignee_timezone: str = strawberry.field(
        description="The assignee's IANA timezone: the colour follows the assignee's day."
    )
    deadline: str = strawberry.field(description=f"The deadline, {_DATE}.")
    status: MemoTaskStatus | None = enum_field("Open or done.")
    colour: TaskColour | None = enum_field(
        "OVERDUE (red), NEAR (yellow: due within two days) or ON_TIME (blue), computed when "
        "read in the assignee's timezone; null for a task done."
    )
    version: int = strawberry.field(description="Version, for setTaskStatus.")


@strawberry.type(description="An action to follow up for the client.")
class FollowUpAction:
    id: strawberry.ID = strawberry.field(description="The action's id.")
    name: str = strawberry.field(description="What is to be done.")
    status: ActionStatus | None = enum_field("Where it stands.")
    due_date: str | None = strawberry.field(description=f"Due date, {_DATE}; null when none.")
    version: int = strawberry.field(description="Version, for setActionStatus.")


@strawberry.type(description="A ticket: a request of the client followed until closed.")
class Ticket:
    id: strawberry.ID = strawberry.field(description="The ticket's id.")
    contract_id: str | None = strawberry.field(
        description="The contract it concerns (contracts service id); null when none."
    )
    subject: str = strawberry.field(description="What it is about.")
    status: TicketStatus | None = enum_field("Open, pending or closed (greyed).")
    version: int = strawberry.field(description="Version, for setTicketStatus.")

    @strawberry.field(description="When it was opened (ISO 8601, UTC).")
    @staticmethod
    def opened_at(root: strawberry.Parent[pb.Ticket]) -> datetime | None:
        return timestamp(root.audit, "created_at")

    @strawberry.field(description="When it was closed (ISO 8601, UTC); null while not closed.")
    @staticmethod
    def closed_at(root: strawberry.Parent[pb.Ticket]) -> datetime | None:
        return timestamp(root, "closed_at")


@strawberry.type(description="A text message sent to the client.")
class TextMessage:
    id: strawberry.ID = strawberry.field(description="The message's id.")
    contact_id: str | None = strawberry.field(
        description="The client's contact it was sent to; null: the client."
    )
    number: str = strawberry.field(description="The number it was sent to, E.164.")
    text: str = strawberry.field(description="The text.")
    status: SmsStatus | None = enum_field("Queued, sent or failed.")

    @strawberry.field(description="User id of whoever sent it.")
    @staticmethod
    def sent_by(root: strawberry.Parent[pb.Sms]) -> str | None:
        return root.audit.created_by or None

    @strawberry.field(description="When it was handed to the provider (ISO 8601, UTC).")
    @staticmethod
    def sent_at(root: strawberry.Parent[pb.Sms]) -> datetime | None:
        return timestamp(root, "sent_at")


@strawberry.type(description="An email to or from the client.")
class ClientEmail:
    id: strawberry.ID = strawberry.field(description="The email's id.")
    direction: ActivityDirection | None = enum_field("Received (INBOUND) or sent (OUTBOUND).")
    sender: str = strawberry.field(description='The sender, "Name <address>" or the address.')
    to: list[str] = strawberry.field(description="The addresses it was sent to.")
    cc: list[str] = strawberry.field(description="The addresses in copy.")
    subject: str | None = strawberry.field(description="The subject; null when it had none.")
    body: str | None = strawberry.field(description="The plain-text body; null when none.")
    status: EmailStatus | None = enum_field(
        "RECEIVED, or for an email written: QUEUED, SENT or FAILED."
    )
    kind: OutgoingEmailKind | None = enum_field(
        "For an email written: what it is about (the consent it needed); null when received."
    )
    contact_id: str | None = strawberry.field(
        description="The client's contact it was written to; null: the client or received."
    )
    reply_to: str | None = strawberry.field(
        description="The Reply-To address of an email written; null when none."
    )
    attempts: int = strawberry.field(
        description="Hand-overs to the mail server tried so far (an email written)."
    )
    error: str | None = strawberry.field(
        description="The mail server's last answer when a hand-over failed; null otherwise."
    )
    message_id: str | None = strawberry.field(description="Its Message-ID header.")

    @strawberry.field(description="When it was sent (its Date, ISO 8601, UTC).")
    @staticmethod
    def sent_at(root: strawberry.Parent[pb.EmailMessage]) -> datetime | None:
        return timestamp(root, "sent_at")


@strawberry.type(description="A document of the client's file; its type is found from its content.")
class ClientDocument:
    id: strawberry.ID = strawberry.field(description="The document's id.")
    kind: DocumentKind | None = enum_field("What the document is.")
    contract_id: str | None = strawberry.field(
        description="The contract it is linked to; null when none."
    )
    claim_id: str | None = strawberry.field(
        description="The claim it is linked to; null when none."
    )
    intervention_id: str | None = strawberry.field(
        description="The intervention it is linked to; null when none."
    )
    shared_with: list[str] = strawberry.field(
        description="User ids of the partners it is shared with."
    )
    version: int = strawberry.field(description="Version, for shareDocument.")

    @strawberry.field(description="The file name offered for the download.")
    @staticmethod
    def name(root: strawberry.Parent[pb.Document]) -> str:
        return root.file.name

    @strawberry.field(description="The media type, found from the content.")
    @staticmethod
    def media_type(root: strawberry.Parent[pb.Document]) -> str:
        return root.file.media_type

    @strawberry.field(description="Its size in bytes.")
    @staticmethod
    def size_bytes(root: strawberry.Parent[pb.Document]) -> int:
        return root.file.size_bytes

    @strawberry.field(description="Hex SHA-256 of the content.")
    @staticmethod
    def sha256(root: strawberry.Parent[pb.Document]) -> str:
        return root.file.sha256

    @strawberry.field(description="User id of whoever uploaded it.")
    @staticmethod
    def uploaded_by(root: strawberry.Parent[pb.Document]) -> str | None:
        return root.audit.created_by or None

    @strawberry.field(description="When it was uploaded (ISO 8601, UTC).")
    @staticmethod
    def uploaded_at(root: strawberry.Parent[pb.Document]) -> datetime | None:
        return timestamp(root.audit, "created_at")

    @strawberry.field(
        description="A link to download it, signed for you and valid a short while (15 "
        "minutes by default): GET it as is, no token needed."
    )
    @staticmethod
    def url(root: strawberry.Parent[pb.Document], info: Info) -> str:
        return info.context.files.link(info.context.caller, "communication", root.id)


@strawberry.type(description="A user invited to an agenda event, and their answer.")
class AgendaAttendee:
    user_id: str = strawberry.field(description="The attendee's user id.")
    status: AttendeeStatus | None = enum_field("Needs action, tentative, accepted or declined.")


@strawberry.type(
    description="An agenda event linked to the client (a meeting, a call, a visit), once or "
    "recurring."
)
class AgendaEvent:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    client_id: strawberry.ID = strawberry.field(description="The client it is linked to.")
    title: str = strawberry.field(description="What it is.")
    description: str | None = strawberry.field(description="More about it; null when none.")
    location: str | None = strawberry.field(description="Where; null when not said.")
    timezone: str = strawberry.field(
        description="The IANA timezone it recurs in: its wall-clock time holds across summer time."
    )
    attendees: list[AgendaAttendee] = strawberry.field(
        description="Who is invited (the organizer among them), with their answers."
    )
    rrule: str | None = strawberry.field(
        description='Its recurrence, an iCalendar RRULE ("FREQ=WEEKLY;COUNT=10"); null: once.'
    )
    version: int = strawberry.field(description="Version, for setAttendance.")

    @strawberry.field(description="The first occurrence's start (ISO 8601, UTC).")
    @staticmethod
    def starts_at(root: strawberry.Parent[pb.AgendaEvent]) -> datetime | None:
        return timestamp(root, "starts_at")

    @strawberry.field(description="The first occurrence's end (ISO 8601, UTC).")
    @staticmethod
    def ends_at(root: strawberry.Parent[pb.AgendaEvent]) -> datetime | None:
        return timestamp(root, "ends_at")

    @strawberry.field(description="User id of the organizer, who created it.")
    @staticmethod
    def organizer(root: strawberry.Parent[pb.AgendaEvent]) -> str | None:
        return root.audit.created_by or None


@dataclass(slots=True)
class OccurrenceView:
    """An occurrence as the service gave it, with its client's file when the query asks."""

    occurrence: pb.AgendaOccurrence
    client: object | None


@strawberry.type(description="One occurrence of an agenda event, in a user's agenda.")
class AgendaOccurrence:
    @strawberry.field(description="The event (the series, if recurring).")
    @staticmethod
    def event(root: strawberry.Parent[OccurrenceView]) -> AgendaEvent:
        return cast(AgendaEvent, root.occurrence.event)

    @strawberry.field(description="When this occurrence starts (ISO 8601, UTC).")
    @staticmethod
    def starts_at(root: strawberry.Parent[OccurrenceView]) -> datetime | None:
        return timestamp(root.occurrence, "starts_at")

    @strawberry.field(description="When this occurrence ends (ISO 8601, UTC).")
    @staticmethod
    def ends_at(root: strawberry.Parent[OccurrenceView]) -> datetime | None:
        return timestamp(root.occurrence, "ends_at")

    @strawberry.field(
        description="The client it is linked to (its name to show, seed 003), read once for "
        "the whole agenda; null if you may not see it."
    )
    @staticmethod
    def client(root: strawberry.Parent[OccurrenceView]) -> ClientRef | None:
        return cast("Client | None", root.client)


@dataclass(slots=True)
class AgendaAnswer:
    occurrences: list[OccurrenceView]
    truncated: bool


@strawberry.type(description="A user's agenda across clients over a range.")
class Agenda:
    occurrences: list[AgendaOccurrence] = strawberry.field(
        description="The occurrences overlapping the range, by start."
    )
    truncated: bool = strawberry.field(
        description="True when there were more than 2000: ask for a shorter range."
    )


@strawberry.type(description="A mailing list of the agency.")
class MailingList:
    id: strawberry.ID = strawberry.field(description="The list's id.")
    name: str = strawberry.field(description="Its name, unique in the agency.")
    description: str | None = strawberry.field(description="What it is for.")
    subscriber_count: int = strawberry.field(description="Clients subscribed now.")


@strawberry.type(description="The client's subscription to a mailing list.")
class MailingListSubscription:
    list_id: strawberry.ID = strawberry.field(description="The list's id.")
    list_name: str = strawberry.field(description="The list's name.")
    subscribed: bool = strawberry.field(
        description="Subscribed now; false once unsubscribed (kept for the record)."
    )
    changed_by: str | None = strawberry.field(description="User id of whoever changed it last.")

    @strawberry.field(description="When it was last subscribed or unsubscribed (ISO 8601, UTC).")
    @staticmethod
    def changed_at(root: strawberry.Parent[pb.MailingListSubscription]) -> datetime | None:
        return timestamp(root, "changed_at")


@strawberry.type(
    description="A text message to every client subscribed to a mailing list, queued in the "
    "background; blocked clients and those without a mobile phone are skipped."
)
class SmsCampaign:
    id: strawberry.ID = strawberry.field(description="The campaign's id.")
    name: str = strawberry.field(description="Its name.")
    list_id: strawberry.ID = strawberry.field(description="The mailing list it goes to.")
    text: str = strawberry.field(description="The text sent.")
    state: CampaignState | None = enum_field("Where it stands.")
    total: int = strawberry.field(description="Subscribers when it started.")
    done: int = strawberry.field(description="Subscribers handled so far.")
    queued: int = strawberry.field(description="Messages queued (each then sent).")
    skipped: int = strawberry.field(
        description="Subscribers skipped: communication blocked, no mobile phone."
    )
    requested_by: str | None = strawberry.field(description="User id of whoever started it.")
    error: str | None = strawberry.field(
        description="Why it failed, to show the requester; null unless state is FAILED."
    )

    @strawberry.field(description="When it was started (ISO 8601, UTC).")
    @staticmethod
    def created_at(root: strawberry.Parent[pb.Campaign]) -> datetime | None:
        return timestamp(root, "created_at")

    @strawberry.field(description="When it ended (ISO 8601, UTC); null while it runs.")
    @staticmethod
    def finished_at(root: strawberry.Parent[pb.Campaign]) -> datetime | None:
        return timestamp(root, "finished_at")


@dataclass(slots=True)
class CommunicationSection:
    """What the Communication type reads: the service's answer with the parts the caller's
    role may not see set to None, so that every field is a plain attribute read."""

    memo: Sequence[pb.MemoNote] | None
    all_activities: Sequence[pb.Activity] | None
    tasks: Sequence[pb.Task] | None
    actions: Sequence[pb.Action] | None
    actions_left: int | None
    tickets: Sequence[pb.Ticket] | None
    all_sms: Sequence[pb.Sms] | None
    all_emails: Sequence[pb.EmailMessage] | None
    mailing_lists: Sequence[pb.MailingListSubscription] | None
    all_documents: Sequence[pb.Document] | None
    agenda: Sequence[pb.AgendaEvent] | None


def communication_section(answer: pb.ClientCommunication) -> CommunicationSection:
    full = answer.view == pb.SECTION_VIEW_FULL
    memo_seen = full or answer.view == pb.SECTION_VIEW_MEMO_ONLY
    documents_seen = full or answer.view == pb.SECTION_VIEW_SHARED_DOCUMENTS
    return CommunicationSection(
        memo=answer.memo if memo_seen else None,
        all_activities=answer.activities if full else None,
        tasks=answer.tasks if full else None,
        actions=answer.actions if full else None,
        actions_left=answer.actions_left if full else None,
        tickets=answer.tickets if full else None,
        all_sms=answer.sms if full else None,
        all_emails=answer.emails if full else None,
        mailing_lists=answer.mailing_lists if full else None,
        all_documents=answer.documents if documents_seen else None,
        agenda=answer.agenda if full else None,
    )


DEFAULT_ACTIVITIES = 20
# The file header shows the last three emails (seed 000).
DEFAULT_EMAILS = 3
MAX_ACTIVITIES = 100


@strawberry.type(
    description="The Communication section of the file (communication service). A technician "
    "sees the memo only (the other fields are null); a partner sees only the documents shared "
    "with it."
)
class Communication:
    memo: list[MemoNote] | None = strawberry.field(
        description="The memo's notes, newest date first; what technicians see."
    )
    tasks: list[MemoTask] | None = strawberry.field(
        description="Tasks: open ones by deadline, then those done, latest first."
    )
    actions: list[FollowUpAction] | None = strawberry.field(
        description="Actions by due date (those without one last)."
    )
    actions_left: int | None = strawberry.field(
        description="Actions TO_DO or IN_PROGRESS, maintained as actions change."
    )
    tickets: list[Ticket] | None = strawberry.field(
        description="Tickets: open and pending first, then closed, newest first."
    )
    mailing_lists: list[MailingListSubscription] | None = strawberry.field(
        description="The mailing lists the client is or was subscribed to, by name."
    )
    agenda: list[AgendaEvent] | None = strawberry.field(
        description="The client's agenda events (series), by first start."
    )

    @strawberry.field(description="The activity log (calls, SMS, emails logged), newest first.")
    @staticmethod
    def activities(
        root: strawberry.Parent[CommunicationSection],
        limit: Annotated[
            int,
            strawberry.argument(description=f"How many at most, 0 to {MAX_ACTIVITIES}."),
        ] = DEFAULT_ACTIVITIES,
    ) -> list[LoggedActivity] | None:
        if root.all_activities is None:
            return None
        return cast(list[LoggedActivity], list(root.all_activities[: max(limit, 0)]))

    @strawberry.field(description="Text messages sent, newest first.")
    @staticmethod
    def sms(
        root: strawberry.Parent[CommunicationSection],
        limit: Annotated[
            int,
            strawberry.argument(description=f"How many at most, 0 to {MAX_ACTIVITIES}."),
        ] = DEFAULT_ACTIVITIES,
    ) -> list[TextMessage] | None:
        if root.all_sms is None:
            return None
        return cast(list[TextMessage], list(root.all_sms[: max(limit, 0)]))

    @strawberry.field(
        description="Emails received and sent, newest first (the file header shows three); "
        "received or sent only with direction (the file's two tabs)."
    )
    @staticmethod
    def emails(
        root: strawberry.Parent[CommunicationSection],
        limit: Annotated[
            int,
            strawberry.argument(description=f"How many at most, 0 to {MAX_ACTIVITIES}."),
        ] = DEFAULT_EMAILS,
        direction: Annotated[
            ActivityDirection | None,
            strawberry.argument(description="INBOUND: received; OUTBOUND: sent; null: both."),
        ] = None,
    ) -> list[ClientEmail] | None:
        if root.all_emails is None:
            return None
        emails = [e for e in root.all_emails if direction is None or e.direction == direction.value]
        return cast(list[ClientEmail], emails[: max(limit, 0)])

    @strawberry.field(
        description="Documents, newest first; a partner gets those shared with it only."
    )
    @staticmethod
    def documents(
        root: strawberry.Parent[CommunicationSection],
        limit: Annotated[
            int,
            strawberry.argument(description=f"How many at most, 0 to {MAX_ACTIVITIES}."),
        ] = DEFAULT_ACTIVITIES,
    ) -> list[ClientDocument] | None:
        if root.all_documents is None:
            return None
        return cast(list[ClientDocument], list(root.all_documents[: max(limit, 0)]))


def _most_asked(field: SelectedField, name: str, default: int) -> int:
    """The most items any `name(limit:)` of the selection shows (the call asks for that)."""
    limits = [
        min(max(int(selected.arguments.get("limit", default)), 0), MAX_ACTIVITIES)
        for selected in fields_named(field.selections, name)
    ]
    return max(limits, default=0)


def _limits(field: SelectedField) -> tuple[int, int, int, int]:
    """How many activities, text messages, emails and documents per client the call asks
    for."""
    return (
        _most_asked(field, "activities", DEFAULT_ACTIVITIES),
        _most_asked(field, "sms", DEFAULT_ACTIVITIES),
        _most_asked(field, "emails", DEFAULT_EMAILS),
        _most_asked(field, "documents", DEFAULT_ACTIVITIES),
    )


# The call: client ids in, one call, answers keyed back by client id.


async def _load(
    context: RequestContext, client_ids: list[str], limits: tuple[int, int, int, int]
) -> dict[str, CommunicationSection]:
    activity_limit, sms_limit, email_limit, document_limit = limits
    answers = await context.clients.communication.batch_get_communication(
        context.caller,
        client_ids,
        activity_limit=activity_limit,
        sms_limit=sms_limit,
        email_limit=email_limit,
        document_limit=document_limit,
    )
    found = {answer.client_id: answer for answer in answers}
    return {
        client_id: communication_section(
            found.get(client_id) or pb.ClientCommunication(client_id=client_id)
        )
        for client_id in client_ids
    }


COMMUNICATION = Section(
    name="communication",
    type=Communication,
    description="Emails, documents, activity log, text messages, memo, tasks, actions and "
    "tickets. Null, "
    "with the communication service's error, when they could not be read.",
    load=_load,
    request=_limits,
)


@strawberry.type(
    description="One entry of a client's timeline: an event of any service about the client, "
    "or one added by hand."
)
class TimelineEntry:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    type: str = strawberry.field(
        description="The event's subject, c360.<service>.<entity>.<verb> "
        "(c360.communication.timeline_event.added for one added by hand)."
    )
    service: str = strawberry.field(description="The service it comes from.")
    summary: str = strawberry.field(description="What happened, in one line.")
    manual: bool = strawberry.field(description="Added by hand.")
    actor_id: str | None = strawberry.field(
        description="Who caused it (a user id); null for the system."
    )
    description: str | None = strawberry.field(description="More, for an entry added by hand.")
    record_service: str | None = strawberry.field(
        description="The service of the record it is about; null for an entry added by hand."
    )
    record_kind: str | None = strawberry.field(
        description="The kind of record (client, contract, claim, intervention, entry…)."
    )
    record_id: strawberry.ID | None = strawberry.field(description="The record's id.")

    @strawberry.field(description="When it happened (ISO 8601, UTC).")
    @staticmethod
    def occurred_at(root: strawberry.Parent[pb.TimelineEntry]) -> datetime | None:
        return timestamp(root, "occurred_at")


@strawberry.type(description="A page of a client's timeline, newest first.")
class Timeline:
    entries: list[TimelineEntry] = strawberry.field(description="The entries of the page.")
    end_cursor: str | None = strawberry.field(
        description="Pass it as `after` to read on; null when the page is empty."
    )
    has_next_page: bool = strawberry.field(description="Whether older entries follow.")


@dataclass(frozen=True, slots=True)
class TimelineAsk:
    first: int
    after: str
    types: tuple[str, ...]
    since: datetime | None
    until: datetime | None


def _timeline_asked(field: SelectedField) -> TimelineAsk:
    args = field.arguments
    return TimelineAsk(
        first=int(args.get("first") or DEFAULT_TIMELINE),
        after=args.get("after") or "",
        types=tuple(args.get("types") or ()),
        since=_moment(args.get("from")),
        until=_moment(args.get("to")),
    )


def _moment(value: object) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


async def _load_timeline(
    context: RequestContext, client_ids: list[str], ask: TimelineAsk
) -> dict[str, Timeline | None]:
    """The timelines the service answers; a client it gives none of (a role that may not see
    timelines) shows null."""
    request = pb.BatchGetTimelineRequest(
        client_ids=client_ids, first=ask.first, after=ask.after, types=ask.types
    )
    for name, moment in (("from", ask.since), ("to", ask.until)):
        if moment is not None:
            getattr(request, name).FromDatetime(
                moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
            )
    answers = {
        t.client_id: t
        for t in await context.clients.communication.batch_get_timeline(context.caller, request)
    }
    return {
        client_id: Timeline(
            entries=cast(list[TimelineEntry], list(answers[client_id].entries)),
            end_cursor=answers[client_id].end_cursor or None,
            has_next_page=answers[client_id].has_next_page,
        )
        if client_id in answers
        else None
        for client_id in client_ids
    }


DEFAULT_TIMELINE = 20
TIMELINE = Section(
    name="timeline",
    type=Timeline,
    description="Everything that happened to the client, from every service (its file, "
    "screenings, contracts, claims, complaints, interventions, payments, emails, tasks…) and "
    "the events added by hand, newest first. Kept by the communication service from the "
    "services' events. Null for technicians and partners, and, with the communication "
    "service's error, when it could not be read.",
    load=_load_timeline,
    request=_timeline_asked,
    arguments=(
        Argument("first", int, default=DEFAULT_TIMELINE, description="Entries, 1 to 100."),
        Argument(
            "after",
            str | None,
            default=None,
            description="The endCursor to continue after; only when one client's file is read.",
        ),
        Argument(
            "types",
            list[str] | None,
            default=None,
            description="Only these event subjects (c360.contracts.claim.opened…), or every "
            "event of these services (contracts, billing…).",
        ),
        Argument(
            "from_",
            datetime | None,
            default=None,
            description="Only entries from this moment on.",
            graphql_name="from",
        ),
        Argument(
            "to", datetime | None, default=None, description="Only entries before this moment."
        ),
    ),
)


@strawberry.type(description="The agency's actions across its clients.")
class ActionsDashboard:
    to_do: int = strawberry.field(description="Actions not started.")
    in_progress: int = strawberry.field(description="Actions started.")
    done: int = strawberry.field(description="Actions done.")
    cancelled: int = strawberry.field(description="Actions dropped.")
    left: int = strawberry.field(description="Actions left: TO_DO plus IN_PROGRESS.")
    overdue: int = strawberry.field(
        description="Actions left whose due date has passed (the agency's today)."
    )
    due_today: int = strawberry.field(description="Actions left due today.")
    clients_with_actions_left: int = strawberry.field(
        description="Clients with at least one action left."
    )


@strawberry.type(description="Communication's queries.")
class CommunicationQuery:
    @strawberry.field(description="An SMS campaign's progress; null with NOT_FOUND if not yours.")
    async def sms_campaign(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The campaign's id.")],
    ) -> SmsCampaign | None:
        found = await info.context.clients.communication.campaign(info.context.caller, id)
        return cast(SmsCampaign, found)

    @strawberry.field(description="The agency's mailing lists, by name.")
    async def mailing_lists(self, info: Info) -> list[MailingList] | None:
        found = await info.context.clients.communication.mailing_lists(info.context.caller)
        return cast(list[MailingList], found)

    @strawberry.field(
        description="A user's agenda across clients: the occurrences of the events they "
        "attend overlapping [from, to), recurring ones expanded (at most 366 days). Not for "
        "technicians, partners."
    )
    async def agenda(
        self,
        info: Info,
        from_: Annotated[
            datetime, strawberry.argument(name="from", description="The range's start.")
        ],
        to: Annotated[datetime, strawberry.argument(description="The range's end (excluded).")],
        user_id: Annotated[str, strawberry.argument(description="The user; empty: you.")] = "",
    ) -> Agenda | None:
        context = info.context
        request = pb.ListAgendaRequest(user_id=user_id)
        getattr(request, "from").FromDatetime(_utc(from_))
        request.to.FromDatetime(_utc(to))
        found = await context.clients.communication.list_agenda(context.caller, request)
        files: dict[str, object] = {}
        asked = [
            selected
            for top in info.selected_fields
            for selected in fields_named(below(top.selections, "occurrences"), "client")
        ]
        ids = list(dict.fromkeys(o.event.client_id for o in found.occurrences))
        if asked and ids:
            # The clients' files, one read for the whole agenda (identity and any section).
            plan = context.planner.plan(info, ("occurrences", "client"))
            files = dict(zip(ids, await context.planner.read(context, plan, ids), strict=True))
        views = [OccurrenceView(o, files.get(o.event.client_id)) for o in found.occurrences]
        return cast(Agenda, AgendaAnswer(views, found.truncated))

    @strawberry.field(
        description="A user's agenda as an iCalendar file (RFC 5545, text/calendar): every "
        "event they attend, recurring ones with their RRULE. Not for technicians, partners."
    )
    async def agenda_calendar(
        self,
        info: Info,
        user_id: Annotated[str, strawberry.argument(description="The user; empty: you.")] = "",
    ) -> str | None:
        request = pb.ExportAgendaRequest(user_id=user_id)
        found = await info.context.clients.communication.export_agenda(info.context.caller, request)
        return found.calendar

    @strawberry.field(description="The agency's actions summary (not for technicians, partners).")
    async def actions_dashboard(self, info: Info) -> ActionsDashboard | None:
        board = await info.context.clients.communication.actions_dashboard(info.context.caller)
        return cast(ActionsDashboard, board)


ClientId = Annotated[strawberry.ID, strawberry.argument(description="The client's id.")]
Version = Annotated[
    int,
    strawberry.argument(
        description="The version as you read it; if it changed since, the change is refused "
        "with CONFLICT."
    ),
]


@strawberry.input(description="A call, SMS or email to log.")
class LogActivityInput:
    client_id: strawberry.ID = strawberry.field(description="The client's id.")
    kind: ActivityKind = strawberry.field(description="Call, SMS or email.")
    direction: ActivityDirection = strawberry.field(description="Inbound or outbound.")
    summary: str = strawberry.field(description="What was said; required.")
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When it took place (not in the future); omitted: now."
    )
    contact_id: str = strawberry.field(
        default="", description="The client's contact it was with, if not the client."
    )


@strawberry.input(description="A task for the memo.")
class CreateTaskInput:
    client_id: strawberry.ID = strawberry.field(description="The client's id.")
    title: str = strawberry.field(description="What is to be done.")
    assignee_id: str = strawberry.field(description="User id of the assignee.")
    deadline: str = strawberry.field(description=f"The deadline, {_DATE}.")
    assignee_timezone: str = strawberry.field(
        default="", description="The assignee's IANA timezone; empty: Europe/Paris."
    )


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


@strawberry.input(description="An agenda event to create.")
class CreateAgendaEventInput:
    client_id: strawberry.ID = strawberry.field(description="The client it is linked to.")
    title: str = strawberry.field(description="What it is; required.")
    starts_at: datetime = strawberry.field(description="The (first) start.")
    ends_at: datetime = strawberry.field(description="The (first) end, after the start.")
    attendee_ids: list[str] = strawberry.field(
        default_factory=list,
        description="User ids to invite; you are added as the organizer, accepted.",
    )
    rrule: str = strawberry.field(
        default="",
        description='An iCalendar RRULE ("FREQ=WEEKLY;BYDAY=MO;COUNT=10"), at most hourly; '
        "empty: once.",
    )
    timezone: str = strawberry.field(
        default="", description="The IANA timezone it recurs in; empty: Europe/Paris."
    )
    description: str = strawberry.field(default="", description="More about it.")
    location: str = strawberry.field(default="", description="Where.")


@strawberry.type(description="Communication's mutations.")
class CommunicationMutation:
    @strawberry.mutation(
        description="Adds an event by hand to a client's timeline (seed 000's \"add an "
        'event"); the entry.'
    )
    async def add_timeline_event(
        self,
        info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(description="The client.")],
        title: Annotated[str, strawberry.argument(description="What happened, in one line.")],
        description: Annotated[
            str, strawberry.argument(description="More, up to the length of a memo note.")
        ] = "",
        occurred_at: Annotated[
            datetime | None,
            strawberry.argument(description="When it happened; now when not given."),
        ] = None,
    ) -> TimelineEntry | None:
        request = pb.AddTimelineEventRequest(
            client_id=client_id, title=title, description=description
        )
        if occurred_at is not None:
            request.occurred_at.FromDatetime(
                occurred_at.astimezone(UTC)
                if occurred_at.tzinfo
                else occurred_at.replace(tzinfo=UTC)
            )
        entry = await info.context.clients.communication.add_timeline_event(
            info.context.caller, request
        )
        return cast(TimelineEntry, entry)

    @strawberry.mutation(description="Logs a call, SMS or email by hand.")
    async def log_activity(
        self,
        info: Info,
        input: Annotated[LogActivityInput, strawberry.argument(description="The activity.")],
    ) -> LoggedActivity | None:
        request = pb.LogActivityRequest(
            client_id=input.client_id,
            kind=input.kind.value,
            direction=input.direction.value,
            contact_id=input.contact_id,
            summary=input.summary,
        )
        if input.occurred_at is not None:
            moment = input.occurred_at
            request.occurred_at.FromDatetime(
                moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
            )
        activity = await info.context.clients.communication.log_activity(
            info.context.caller, request
        )
        return cast(LoggedActivity, activity)

    @strawberry.mutation(description="Adds a dated note to the client's memo.")
    async def add_memo_note(
        self,
        info: Info,
        client_id: ClientId,
        text: Annotated[str, strawberry.argument(description="The note; required.")],
        note_date: Annotated[
            str,
            strawberry.argument(description=f"The day it is about, {_DATE}; empty: today."),
        ] = "",
    ) -> MemoNote | None:
        request = pb.AddMemoNoteRequest(client_id=client_id, note_date=note_date, text=text)
        note = await info.context.clients.communication.add_memo_note(info.context.caller, request)
        return cast(MemoNote, note)

    @strawberry.mutation(
        description="Changes a memo note's text; the text it had is kept in its history."
    )
    async def edit_memo_note(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The note's id.")],
        version: Version,
        text: Annotated[str, strawberry.argument(description="The new text; required.")],
    ) -> MemoNote | None:
        request = pb.EditMemoNoteRequest(id=id, version=version, text=text)
        note = await info.context.clients.communication.edit_memo_note(info.context.caller, request)
        return cast(MemoNote, note)

    @strawberry.mutation(description="Gives someone a task on the client, with a deadline.")
    async def create_task(
        self,
        info: Info,
        input: Annotated[CreateTaskInput, strawberry.argument(description="The task.")],
    ) -> MemoTask | None:
        request = pb.CreateTaskRequest(
            client_id=input.client_id,
            title=input.title,
            assignee_id=input.assignee_id,
            assignee_timezone=input.assignee_timezone,
            deadline=input.deadline,
        )
        task = await info.context.clients.communication.create_task(info.context.caller, request)
        return cast(MemoTask, task)

    @strawberry.mutation(description="Marks a task done, or open again.")
    async def set_task_status(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The task's id.")],
        version: Version,
        status: Annotated[MemoTaskStatus, strawberry.argument(description="The new status.")],
    ) -> MemoTask | None:
        request = pb.SetTaskStatusRequest(id=id, version=version, status=status.value)
        task = await info.context.clients.communication.set_task_status(
            info.context.caller, request
        )
        return cast(MemoTask, task)

    @strawberry.mutation(description="Adds an action to follow up for the client.")
    async def create_action(
        self,
        info: Info,
        client_id: ClientId,
        name: Annotated[str, strawberry.argument(description="What is to be done; required.")],
        due_date: Annotated[
            str, strawberry.argument(description=f"Due date, {_DATE}; empty: none.")
        ] = "",
        status: Annotated[
            ActionStatus | None, strawberry.argument(description="Where it stands; null: TO_DO.")
        ] = None,
    ) -> FollowUpAction | None:
        request = pb.CreateActionRequest(
            client_id=client_id,
            name=name,
            due_date=due_date,
            status=status.value if status is not None else pb.ACTION_STATUS_UNSPECIFIED,
        )
        action = await info.context.clients.communication.create_action(
            info.context.caller, request
        )
        return cast(FollowUpAction, action)

    @strawberry.mutation(
        description="Moves an action to another status; the client's actions left follow."
    )
    async def set_action_status(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The action's id.")],
        version: Version,
        status: Annotated[ActionStatus, strawberry.argument(description="The new status.")],
    ) -> FollowUpAction | None:
        request = pb.SetActionStatusRequest(id=id, version=version, status=status.value)
        action = await info.context.clients.communication.set_action_status(
            info.context.caller, request
        )
        return cast(FollowUpAction, action)

    @strawberry.mutation(
        description="Sends a text message through the SMS provider (queued, then sent in the "
        "background). Refused with BAD_USER_INPUT on clientId when the client's communication "
        "is blocked."
    )
    async def send_sms(
        self,
        info: Info,
        client_id: ClientId,
        text: Annotated[str, strawberry.argument(description="The text, 612 characters at most.")],
        number: Annotated[
            str,
            strawberry.argument(
                description="Any format, French by default; empty: the client's primary mobile."
            ),
        ] = "",
        contact_id: Annotated[
            str,
            strawberry.argument(description="The client's contact it is for; empty: the client."),
        ] = "",
    ) -> TextMessage | None:
        request = pb.SendSmsRequest(
            client_id=client_id, contact_id=contact_id, number=number, text=text
        )
        sms = await info.context.clients.communication.send_sms(info.context.caller, request)
        return cast(TextMessage, sms)

    @strawberry.mutation(
        description="Writes an email to the client, queued and sent over SMTP in the "
        "background (its status follows: QUEUED, SENT or FAILED). Refused with BAD_USER_INPUT "
        "when the client's communication is blocked (clientId), when the address is not the "
        "client's or one of its contacts' (to), or when the recipient contact has not "
        "consented to that kind of email (kind)."
    )
    async def send_email(
        self,
        info: Info,
        client_id: ClientId,
        subject: Annotated[
            str, strawberry.argument(description="The subject, one line, 200 characters at most.")
        ],
        body: Annotated[str, strawberry.argument(description="The plain-text body; required.")],
        to: Annotated[
            str,
            strawberry.argument(
                description="The address; empty: the contact's first address, or the client's."
            ),
        ] = "",
        contact_id: Annotated[
            str,
            strawberry.argument(
                description="The client's contact it is for (a professional client's); empty: "
                "the client, or the contact the address is of."
            ),
        ] = "",
        reply_to: Annotated[
            str, strawberry.argument(description="An address for the answers; empty: none.")
        ] = "",
        kind: Annotated[
            OutgoingEmailKind | None,
            strawberry.argument(
                description="What it is about; null: SERVICE. COMMERCIAL, PARTNER and "
                "E_SIGNATURE need the recipient contact's consent."
            ),
        ] = None,
    ) -> ClientEmail | None:
        request = pb.SendEmailRequest(
            client_id=client_id,
            contact_id=contact_id,
            to=to,
            subject=subject,
            body=body,
            reply_to=reply_to,
            kind=kind.value if kind is not None else pb.EMAIL_KIND_UNSPECIFIED,
        )
        email = await info.context.clients.communication.send_email(info.context.caller, request)
        return cast(ClientEmail, email)

    @strawberry.mutation(
        description="Uploads a document to the client's file (a multipart request). Refused "
        "with BAD_USER_INPUT on file when it is empty, too big (8 MB by default) or not a PDF, "
        "JPEG, PNG or WebP (found from the content, whatever its name)."
    )
    async def upload_document(
        self,
        info: Info,
        client_id: ClientId,
        kind: Annotated[DocumentKind, strawberry.argument(description="What the document is.")],
        file: Annotated[Upload, strawberry.argument(description="The file.")],
        contract_id: Annotated[
            str, strawberry.argument(description="The contract it is linked to; empty: none.")
        ] = "",
        claim_id: Annotated[
            str, strawberry.argument(description="The claim it is linked to; empty: none.")
        ] = "",
        intervention_id: Annotated[
            str,
            strawberry.argument(description="The intervention it is linked to; empty: none."),
        ] = "",
        shared_with: Annotated[
            list[str] | None,
            strawberry.argument(description="User ids of the partners to share it with."),
        ] = None,
    ) -> ClientDocument | None:
        uploaded = await read_upload(file)
        request = pb.UploadDocumentRequest(
            client_id=client_id,
            kind=kind.value,
            name=uploaded.name,
            data=uploaded.data,
            contract_id=contract_id,
            claim_id=claim_id,
            intervention_id=intervention_id,
            shared_with=shared_with or [],
        )
        document = await info.context.clients.communication.upload_document(
            info.context.caller, request
        )
        return cast(ClientDocument, document)

    @strawberry.mutation(
        description="Sets the partners a document is shared with (the whole list): they see "
        "it on the client's file and may download it."
    )
    async def share_document(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The document's id.")],
        version: Version,
        shared_with: Annotated[
            list[str], strawberry.argument(description="User ids of the partners; [] for none.")
        ],
    ) -> ClientDocument | None:
        request = pb.ShareDocumentRequest(id=id, version=version, shared_with=shared_with)
        document = await info.context.clients.communication.share_document(
            info.context.caller, request
        )
        return cast(ClientDocument, document)

    @strawberry.mutation(description="Creates an agenda event linked to the client.")
    async def create_agenda_event(
        self,
        info: Info,
        input: Annotated[CreateAgendaEventInput, strawberry.argument(description="The event.")],
    ) -> AgendaEvent | None:
        request = pb.CreateAgendaEventRequest(
            client_id=input.client_id,
            title=input.title,
            description=input.description,
            location=input.location,
            timezone=input.timezone,
            attendee_ids=input.attendee_ids,
            rrule=input.rrule,
        )
        request.starts_at.FromDatetime(_utc(input.starts_at))
        request.ends_at.FromDatetime(_utc(input.ends_at))
        event = await info.context.clients.communication.create_agenda_event(
            info.context.caller, request
        )
        return cast(AgendaEvent, event)

    @strawberry.mutation(
        description="Answers an agenda event you are invited to (your own answer only)."
    )
    async def set_attendance(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The event's id.")],
        version: Version,
        status: Annotated[AttendeeStatus, strawberry.argument(description="Your answer.")],
    ) -> AgendaEvent | None:
        request = pb.SetAttendanceRequest(id=id, version=version, status=status.value)
        event = await info.context.clients.communication.set_attendance(
            info.context.caller, request
        )
        return cast(AgendaEvent, event)

    @strawberry.mutation(description="Creates a mailing list; its name is unique in the agency.")
    async def create_mailing_list(
        self,
        info: Info,
        name: Annotated[str, strawberry.argument(description="Its name; required.")],
        description: Annotated[str, strawberry.argument(description="What it is for.")] = "",
    ) -> MailingList | None:
        request = pb.CreateMailingListRequest(name=name, description=description)
        created = await info.context.clients.communication.create_mailing_list(
            info.context.caller, request
        )
        return cast(MailingList, created)

    @strawberry.mutation(
        description="Subscribes the client to a mailing list (subscribed: true) or "
        "unsubscribes it; the same state again changes nothing."
    )
    async def set_mailing_list_subscription(
        self,
        info: Info,
        list_id: Annotated[strawberry.ID, strawberry.argument(description="The list's id.")],
        client_id: ClientId,
        subscribed: Annotated[
            bool, strawberry.argument(description="True to subscribe, false to unsubscribe.")
        ],
    ) -> MailingListSubscription | None:
        request = pb.SetSubscriptionRequest(
            list_id=list_id, client_id=client_id, subscribed=subscribed
        )
        subscription = await info.context.clients.communication.set_subscription(
            info.context.caller, request
        )
        return cast(MailingListSubscription, subscription)

    @strawberry.mutation(
        description="Texts every client subscribed to the mailing list now, in the "
        "background; the requester is notified when it ends (the notifications subscription)."
    )
    async def start_sms_campaign(
        self,
        info: Info,
        list_id: Annotated[strawberry.ID, strawberry.argument(description="The list's id.")],
        name: Annotated[str, strawberry.argument(description="The campaign's name; required.")],
        text: Annotated[str, strawberry.argument(description="The text, 612 characters at most.")],
    ) -> SmsCampaign | None:
        request = pb.StartSmsCampaignRequest(list_id=list_id, name=name, text=text)
        started = await info.context.clients.communication.start_sms_campaign(
            info.context.caller, request
        )
        return cast(SmsCampaign, started)

    @strawberry.mutation(description="Opens a ticket for the client, on a contract if given.")
    async def open_ticket(
        self,
        info: Info,
        client_id: ClientId,
        subject: Annotated[str, strawberry.argument(description="What it is about; required.")],
        contract_id: Annotated[
            str, strawberry.argument(description="The contract it concerns; empty: none.")
        ] = "",
    ) -> Ticket | None:
        request = pb.OpenTicketRequest(
            client_id=client_id, contract_id=contract_id, subject=subject
        )
        ticket = await info.context.clients.communication.open_ticket(info.context.caller, request)
        return cast(Ticket, ticket)

    @strawberry.mutation(description="Moves a ticket to open, pending or closed.")
    async def set_ticket_status(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The ticket's id.")],
        version: Version,
        status: Annotated[TicketStatus, strawberry.argument(description="The new status.")],
    ) -> Ticket | None:
        request = pb.SetTicketStatusRequest(id=id, version=version, status=status.value)
        ticket = await info.context.clients.communication.set_ticket_status(
            info.context.caller, request
        )
        return cast(Ticket, ticket)


# Live events

# Who hears what of this section's events: the same rule as the service's read
# (services/communication/roles.py), since an event shows the record itself. Technicians hear
# of memo notes only; any other role not listed hears nothing of this section.
_HEARS_ALL = frozenset({"advisor", "manager", "admin"})
_HEARS_MEMO = frozenset({"technician"})


def _heard(info: Info, *, memo: bool = False) -> bool:
    role = info.context.caller.role
    return role in _HEARS_ALL or (memo and role in _HEARS_MEMO)


@strawberry.type
class CommunicationEventFields:
    @strawberry.field(description="The activity logged, for an activity event; null for others.")
    @staticmethod
    def activity(root: strawberry.Parent[LiveEvent], info: Info) -> LoggedActivity | None:
        if not isinstance(root.payload, pb.ActivityLogged) or not _heard(info):
            return None
        return cast(LoggedActivity, root.payload.activity)

    @strawberry.field(description="The memo note saved, for a memo event; null for others.")
    @staticmethod
    def memo_note(root: strawberry.Parent[LiveEvent], info: Info) -> MemoNote | None:
        if not isinstance(root.payload, pb.MemoNoteSaved) or not _heard(info, memo=True):
            return None
        return cast(MemoNote, root.payload.note)

    @strawberry.field(
        description="The task saved, for a memo task event (without its colour, which "
        "depends on the day it is read); null for others."
    )
    @staticmethod
    def memo_task(root: strawberry.Parent[LiveEvent], info: Info) -> MemoTask | None:
        if not isinstance(root.payload, pb.TaskSaved) or not _heard(info):
            return None
        return cast(MemoTask, root.payload.task)

    @strawberry.field(description="The action saved, for an action event; null for others.")
    @staticmethod
    def follow_up_action(root: strawberry.Parent[LiveEvent], info: Info) -> FollowUpAction | None:
        if not isinstance(root.payload, pb.ActionSaved) or not _heard(info):
            return None
        return cast(FollowUpAction, root.payload.action)

    @strawberry.field(
        description="The client's actions left after an action event; null for others."
    )
    @staticmethod
    def actions_left(root: strawberry.Parent[LiveEvent], info: Info) -> int | None:
        if not isinstance(root.payload, pb.ActionSaved) or not _heard(info):
            return None
        return root.payload.actions_left

    @strawberry.field(description="The text message, for a text message event; null for others.")
    @staticmethod
    def text_message(root: strawberry.Parent[LiveEvent], info: Info) -> TextMessage | None:
        if not isinstance(root.payload, pb.SmsSaved) or not _heard(info):
            return None
        return cast(TextMessage, root.payload.sms)

    @strawberry.field(
        description="The email received, or written (queued, sent or failed), for an email "
        "event; null for others."
    )
    @staticmethod
    def email(root: strawberry.Parent[LiveEvent], info: Info) -> ClientEmail | None:
        if not isinstance(root.payload, pb.EmailReceived | pb.EmailSaved) or not _heard(info):
            return None
        return cast(ClientEmail, root.payload.email)

    @strawberry.field(
        description="The mailing list subscription changed, for a subscription event; null "
        "for others."
    )
    @staticmethod
    def mailing_list_subscription(
        root: strawberry.Parent[LiveEvent], info: Info
    ) -> MailingListSubscription | None:
        if not isinstance(root.payload, pb.SubscriptionChanged) or not _heard(info):
            return None
        return cast(MailingListSubscription, root.payload.subscription)

    @strawberry.field(
        description="The document saved, for a document event (a partner hears of those "
        "shared with it); null for others."
    )
    @staticmethod
    def document(root: strawberry.Parent[LiveEvent], info: Info) -> ClientDocument | None:
        if not isinstance(root.payload, pb.DocumentSaved):
            return None
        caller = info.context.caller
        shared = caller.role == "partner" and caller.user_id in root.payload.document.shared_with
        if not (_heard(info) or shared):
            return None
        return cast(ClientDocument, root.payload.document)

    @strawberry.field(description="The agenda event saved, for an agenda event; null for others.")
    @staticmethod
    def agenda_event(root: strawberry.Parent[LiveEvent], info: Info) -> AgendaEvent | None:
        if not isinstance(root.payload, pb.AgendaEventSaved) or not _heard(info):
            return None
        return cast(AgendaEvent, root.payload.event)

    @strawberry.field(description="The ticket saved, for a ticket event; null for others.")
    @staticmethod
    def ticket(root: strawberry.Parent[LiveEvent], info: Info) -> Ticket | None:
        if not isinstance(root.payload, pb.TicketSaved) or not _heard(info):
            return None
        return cast(Ticket, root.payload.ticket)


def _campaign_finished_message(payload: pb.CampaignFinished) -> str:
    campaign = payload.campaign
    if campaign.error:
        return campaign.error
    return (
        f"The SMS campaign {campaign.name} is finished: {campaign.queued} messages sent, "
        f"{campaign.skipped} subscribers skipped."
    )


@strawberry.type
class CommunicationNoticeFields:
    @strawberry.field(description="The SMS campaign that ended, for a campaign notification.")
    @staticmethod
    def sms_campaign(root: strawberry.Parent[LiveEvent]) -> SmsCampaign | None:
        if not isinstance(root.payload, pb.CampaignFinished):
            return None
        return cast(SmsCampaign, root.payload.campaign)


SECTION = ServiceSection(
    service="communication",
    sections=(COMMUNICATION, TIMELINE),
    query=CommunicationQuery,
    mutation=CommunicationMutation,
    events=(
        pb.ActivityLogged,
        pb.MemoNoteSaved,
        pb.TaskSaved,
        pb.ActionSaved,
        pb.TicketSaved,
        pb.SmsSaved,
        pb.EmailReceived,
        pb.EmailSaved,
        pb.DocumentSaved,
        pb.AgendaEventSaved,
        pb.SubscriptionChanged,
        pb.CampaignFinished,
    ),
    event_fields=CommunicationEventFields,
    notices={pb.CampaignFinished: _campaign_finished_message},
    notice_fields=CommunicationNoticeFields,
)
