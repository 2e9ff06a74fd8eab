"""gRPC transport of the communication service: decode the request, call the domain, encode the
answer. Errors travel as runtime errors and are mapped to status codes by the interceptor."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from client360.common.v1 import common_pb2
from client360.communication.v1 import communication_pb2 as pb
from client360.communication.v1 import communication_pb2_grpc
from runtime.clock import timestamp
from runtime.errors import NotFound
from runtime.kit.files import FileStore
from runtime.kit.jobs import JobQueue, JobRunner
from runtime.rpc import ServicerContext as Context
from runtime.rpc import current_caller
from services.communication import service
from services.communication.mailer import MailSender
from services.communication.mapping import (
    action_from_request,
    action_to_proto,
    activity_from_request,
    activity_to_proto,
    agenda_event_from_request,
    agenda_event_to_proto,
    campaign_to_proto,
    client_communication_to_proto,
    dashboard_to_proto,
    document_from_request,
    document_to_proto,
    email_to_proto,
    instant,
    mailing_list_to_proto,
    note_to_proto,
    sms_to_proto,
    subscription_to_proto,
    task_from_request,
    task_to_proto,
    ticket_from_request,
    ticket_to_proto,
    timeline_entry_to_proto,
)
from services.communication.models import (
    ACTION_STATUSES,
    ATTENDEE_STATUSES,
    EMAIL_KINDS,
    TASK_STATUSES,
    TICKET_STATUSES,
)
from services.communication.repository import CommunicationRepository
from services.communication.settings import CommunicationSettings


class CommunicationServicer(communication_pb2_grpc.CommunicationServiceServicer):
    def __init__(
        self,
        repo: CommunicationRepository,
        jobs: JobQueue,
        sms_runner: JobRunner,
        campaign_runner: JobRunner,
        mailer: MailSender,
        settings: CommunicationSettings,
        files: FileStore,
    ) -> None:
        self._files = files
        self._mailer = mailer
        self._settings = settings
        self._repo = repo
        self._jobs = jobs
        self._sms_runner = sms_runner
        self._campaign_runner = campaign_runner

    async def BatchGetCommunication(
        self, request: pb.BatchGetCommunicationRequest, context: Context
    ) -> pb.BatchGetCommunicationResponse:
        found = await service.get_communication(
            repo=self._repo,
            caller=current_caller(),
            client_ids=list(request.client_ids),
            activity_limit=request.activity_limit,
            sms_limit=request.sms_limit,
            email_limit=request.email_limit,
            document_limit=request.document_limit,
        )
        return pb.BatchGetCommunicationResponse(
            clients=[client_communication_to_proto(c) for c in found]
        )

    async def LogActivity(self, request: pb.LogActivityRequest, context: Context) -> pb.Activity:
        activity = await service.log_activity(
            repo=self._repo, caller=current_caller(), data=activity_from_request(request)
        )
        return activity_to_proto(activity)

    async def BatchGetTimeline(
        self, request: pb.BatchGetTimelineRequest, context: Context
    ) -> pb.BatchGetTimelineResponse:
        pages = await service.timelines(
            repo=self._repo,
            caller=current_caller(),
            client_ids=list(request.client_ids),
            first=request.first,
            after=request.after,
            types=list(request.types),
            since=_instant(request, "from"),
            until=_instant(request, "to"),
        )
        return pb.BatchGetTimelineResponse(
            clients=[
                pb.ClientTimeline(
                    client_id=client_id,
                    entries=[timeline_entry_to_proto(e) for e in page.entries],
                    end_cursor=page.end_cursor,
                    has_next_page=page.has_next_page,
                )
                for client_id, page in pages.items()
            ]
        )

    async def AddTimelineEvent(
        self, request: pb.AddTimelineEventRequest, context: Context
    ) -> pb.TimelineEntry:
        entry = await service.add_timeline_event(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            title=request.title,
            description=request.description,
            occurred_at=_instant(request, "occurred_at"),
        )
        return timeline_entry_to_proto(entry)

    async def AddMemoNote(self, request: pb.AddMemoNoteRequest, context: Context) -> pb.MemoNote:
        note = await service.add_memo_note(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            note_date=request.note_date,
            text=request.text,
        )
        return note_to_proto(note)

    async def EditMemoNote(self, request: pb.EditMemoNoteRequest, context: Context) -> pb.MemoNote:
        note = await service.edit_memo_note(
            repo=self._repo,
            caller=current_caller(),
            note_id=request.id,
            version=request.version,
            text=request.text,
        )
        return note_to_proto(note)

    async def CreateTask(self, request: pb.CreateTaskRequest, context: Context) -> pb.Task:
        task = await service.create_task(
            repo=self._repo, caller=current_caller(), data=task_from_request(request)
        )
        return task_to_proto(task)

    async def SetTaskStatus(self, request: pb.SetTaskStatusRequest, context: Context) -> pb.Task:
        task = await service.set_task_status(
            repo=self._repo,
            caller=current_caller(),
            task_id=request.id,
            version=request.version,
            status=TASK_STATUSES.to_word(request.status),
        )
        return task_to_proto(task)

    async def CreateAction(self, request: pb.CreateActionRequest, context: Context) -> pb.Action:
        action, _ = await service.create_action(
            repo=self._repo, caller=current_caller(), data=action_from_request(request)
        )
        return action_to_proto(action)

    async def SetActionStatus(
        self, request: pb.SetActionStatusRequest, context: Context
    ) -> pb.Action:
        action, _ = await service.set_action_status(
            repo=self._repo,
            caller=current_caller(),
            action_id=request.id,
            version=request.version,
            status=ACTION_STATUSES.to_word(request.status),
        )
        return action_to_proto(action)

    async def OpenTicket(self, request: pb.OpenTicketRequest, context: Context) -> pb.Ticket:
        ticket = await service.open_ticket(
            repo=self._repo, caller=current_caller(), data=ticket_from_request(request)
        )
        return ticket_to_proto(ticket)

    async def SetTicketStatus(
        self, request: pb.SetTicketStatusRequest, context: Context
    ) -> pb.Ticket:
        ticket = await service.set_ticket_status(
            repo=self._repo,
            caller=current_caller(),
            ticket_id=request.id,
            version=request.version,
            status=TICKET_STATUSES.to_word(request.status),
        )
        return ticket_to_proto(ticket)

    async def SendSms(self, request: pb.SendSmsRequest, context: Context) -> pb.Sms:
        sms = await service.send_sms(
            repo=self._repo,
            jobs=self._jobs,
            caller=current_caller(),
            client_id=request.client_id,
            contact_id=request.contact_id,
            number=request.number,
            text=request.text,
        )
        self._sms_runner.wake()
        return sms_to_proto(sms)

    async def SendEmail(self, request: pb.SendEmailRequest, context: Context) -> pb.EmailMessage:
        email = await service.send_email(
            repo=self._repo,
            caller=current_caller(),
            sender=self._settings.mail_from,
            client_id=request.client_id,
            contact_id=request.contact_id,
            to=request.to,
            subject=request.subject,
            body=request.body,
            reply_to=request.reply_to,
            kind=EMAIL_KINDS.to_word(request.kind),
        )
        self._mailer.wake()
        return email_to_proto(email)

    async def IngestEmail(
        self, request: pb.IngestEmailRequest, context: Context
    ) -> pb.EmailMessage:
        email = await service.ingest_email(
            repo=self._repo, caller=current_caller(), raw=request.raw
        )
        return email_to_proto(email)

    async def UploadDocument(
        self, request: pb.UploadDocumentRequest, context: Context
    ) -> pb.Document:
        document = await service.upload_document(
            repo=self._repo,
            files=self._files,
            caller=current_caller(),
            data=document_from_request(request),
            content=request.data,
            max_bytes=self._settings.document_max_bytes,
        )
        return document_to_proto(document)

    async def ShareDocument(
        self, request: pb.ShareDocumentRequest, context: Context
    ) -> pb.Document:
        document = await service.share_document(
            repo=self._repo,
            caller=current_caller(),
            document_id=request.id,
            version=request.version,
            shared_with=list(request.shared_with),
        )
        return document_to_proto(document)

    async def GetFile(
        self, request: common_pb2.FileRequest, context: Context
    ) -> common_pb2.FileContent:
        if request.variant:
            raise NotFound(f"no {request.variant} of a document")
        document, data = await service.document_file(
            repo=self._repo, files=self._files, caller=current_caller(), document_id=request.id
        )
        return common_pb2.FileContent(
            name=document["name"], media_type=document["media_type"], data=data
        )

    async def CreateAgendaEvent(
        self, request: pb.CreateAgendaEventRequest, context: Context
    ) -> pb.AgendaEvent:
        event = await service.create_agenda_event(
            repo=self._repo, caller=current_caller(), data=agenda_event_from_request(request)
        )
        return agenda_event_to_proto(event)

    async def SetAttendance(
        self, request: pb.SetAttendanceRequest, context: Context
    ) -> pb.AgendaEvent:
        event = await service.set_attendance(
            repo=self._repo,
            caller=current_caller(),
            event_id=request.id,
            version=request.version,
            status=ATTENDEE_STATUSES.to_word(request.status),
        )
        return agenda_event_to_proto(event)

    async def ListAgenda(
        self, request: pb.ListAgendaRequest, context: Context
    ) -> pb.ListAgendaResponse:
        found, truncated = await service.user_agenda(
            repo=self._repo,
            caller=current_caller(),
            user_id=request.user_id,
            start=instant(request, "from"),
            end=instant(request, "to"),
        )
        events: dict[str, pb.AgendaEvent] = {}
        occurrences = []
        for occurrence in found:
            event_id = occurrence.event["id"]
            if event_id not in events:
                events[event_id] = agenda_event_to_proto(occurrence.event)
            occurrences.append(
                pb.AgendaOccurrence(
                    event=events[event_id],
                    starts_at=timestamp(occurrence.starts_at),
                    ends_at=timestamp(occurrence.ends_at),
                )
            )
        return pb.ListAgendaResponse(occurrences=occurrences, truncated=truncated)

    async def ExportAgenda(
        self, request: pb.ExportAgendaRequest, context: Context
    ) -> pb.ExportAgendaResponse:
        calendar = await service.export_agenda(
            repo=self._repo, caller=current_caller(), user_id=request.user_id
        )
        return pb.ExportAgendaResponse(calendar=calendar)

    async def CreateMailingList(
        self, request: pb.CreateMailingListRequest, context: Context
    ) -> pb.MailingList:
        created = await service.create_mailing_list(
            repo=self._repo,
            caller=current_caller(),
            name=request.name,
            description=request.description,
        )
        return mailing_list_to_proto(created)

    async def ListMailingLists(
        self, request: pb.ListMailingListsRequest, context: Context
    ) -> pb.ListMailingListsResponse:
        found = await service.mailing_lists(repo=self._repo, caller=current_caller())
        return pb.ListMailingListsResponse(lists=[mailing_list_to_proto(m) for m in found])

    async def SetSubscription(
        self, request: pb.SetSubscriptionRequest, context: Context
    ) -> pb.MailingListSubscription:
        subscription = await service.set_subscription(
            repo=self._repo,
            caller=current_caller(),
            list_id=request.list_id,
            client_id=request.client_id,
            subscribed=request.subscribed,
        )
        return subscription_to_proto(subscription)

    async def StartSmsCampaign(
        self, request: pb.StartSmsCampaignRequest, context: Context
    ) -> pb.Campaign:
        job, content = await service.start_sms_campaign(
            repo=self._repo,
            jobs=self._jobs,
            caller=current_caller(),
            list_id=request.list_id,
            name=request.name,
            text=request.text,
        )
        self._campaign_runner.wake()
        return campaign_to_proto(job, content)

    async def GetCampaign(self, request: pb.GetCampaignRequest, context: Context) -> pb.Campaign:
        job, content = await service.get_campaign(
            repo=self._repo, jobs=self._jobs, caller=current_caller(), campaign_id=request.id
        )
        return campaign_to_proto(job, content)

    async def GetActionsDashboard(
        self, request: pb.GetActionsDashboardRequest, context: Context
    ) -> pb.ActionsDashboard:
        dashboard = await service.actions_dashboard(repo=self._repo, caller=current_caller())
        return dashboard_to_proto(dashboard)


def _instant(message: Any, name: str) -> str:
    """A Timestamp field as the service stores moments; "" when unset."""
    if not message.HasField(name):
        return ""
    return str(getattr(message, name).ToDatetime(tzinfo=UTC).isoformat(timespec="microseconds"))
