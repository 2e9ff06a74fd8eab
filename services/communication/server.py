"""Wiring of the communication service process: repository, servicer, the consumer of
identity's client events (the local copies of clients and contacts, and the demo follow-up when
demo data is on), the runners of the jobs that queue campaigns' messages and hand text
messages to the SMS provider, the sender of emails (SMTP), the watcher of the file drop of
received emails, and the store of documents' files."""

from __future__ import annotations

from client360.communication.v1 import communication_pb2, communication_pb2_grpc
from runtime.kit.files import FileStore
from runtime.kit.jobs import JobQueue
from runtime.server import ServiceContext, main
from services.communication import consumers, timeline
from services.communication.erasure import client_erasure
from services.communication.inbox import InboxWatcher
from services.communication.jobs import campaign_runner, sms_runner
from services.communication.mailer import MailSender
from services.communication.merges import CLIENT_RECORDS
from services.communication.models import COLLECTIONS
from services.communication.repository import CommunicationRepository
from services.communication.servicer import CommunicationServicer
from services.communication.settings import load_communication_settings
from services.communication.sms import RecordingSmsProvider

SERVICE_NAME = communication_pb2.DESCRIPTOR.services_by_name["CommunicationService"].full_name
# Where the development SMS provider records what was sent, under the data directory.
SMS_RECORD = "communication-sms.jsonl"


async def wire(ctx: ServiceContext) -> None:
    settings = load_communication_settings()
    repo = CommunicationRepository(ctx.store)
    files = FileStore(ctx.settings.data_dir / "communication-files")
    queue = JobQueue(ctx.store)
    runner = sms_runner(queue, RecordingSmsProvider(ctx.settings.data_dir / SMS_RECORD))
    ctx.consume(
        durable=consumers.IDENTITY_DURABLE,
        subjects=consumers.IDENTITY_SUBJECTS,
        handler=consumers.IdentityClientsHandler(
            repo,
            demo_tenant=ctx.settings.demo_tenant if ctx.settings.demo_data else None,
            files=files,
        ),
    )
    ctx.consume(
        durable=consumers.TIMELINE_DURABLE,
        subjects=timeline.ALL_SUBJECTS,
        handler=consumers.TimelineHandler(repo),
    )
    campaigns = campaign_runner(queue)
    ctx.background(runner.run(), "sms-jobs")
    ctx.background(campaigns.run(), "sms-campaigns")
    mailer = MailSender(ctx.store, settings)
    ctx.background(mailer.run(), "mail-sender")
    inbox = InboxWatcher(repo, settings.inbox(ctx.settings.data_dir), poll=settings.inbox_poll)
    ctx.background(inbox.run(), "mail-inbox")
    CLIENT_RECORDS.wire(ctx)
    client_erasure(files).wire(ctx)
    ctx.add_servicer(
        communication_pb2_grpc.add_CommunicationServiceServicer_to_server,
        CommunicationServicer(
            repo,
            queue,
            runner,
            campaigns,
            mailer,
            settings,
            files,
        ),
        SERVICE_NAME,
    )


def run() -> None:
    main("communication", COLLECTIONS, wire)
