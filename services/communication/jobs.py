"""The durable jobs of text messages. One hands queued messages to the SMS provider: each
message is sent and its new status committed with its event in the job's chunk transaction, so
a restart resumes where it stopped (a message may then be handed over twice; the provider is
given our id to drop the duplicate). The other queues a campaign's messages, a chunk of
subscribers per transaction, each message then handed over by the first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from runtime.caller import Caller
from runtime.clock import now_iso
from runtime.ids import new_id
from runtime.kit.jobs import Job, JobQueue, JobRunner
from runtime.kit.updates import created_stamps
from runtime.store import Transaction
from services.communication import events
from services.communication.models import (
    CAMPAIGN_JOB,
    CAMPAIGNS,
    CLIENT_COPIES,
    SMS,
    SMS_FAILED,
    SMS_JOB,
    SMS_QUEUED,
    SMS_SENT,
    CampaignContent,
    ClientCopy,
    Sms,
)
from services.communication.sms import SmsProvider


def sms_runner(queue: JobQueue, provider: SmsProvider) -> JobRunner:
    async def hand_over(
        txn: Transaction, tenant_id: str, job: Job, sms_ids: Sequence[str]
    ) -> Mapping[str, int]:
        counts = {"sent": 0, "failed": 0}
        for sms_id in sms_ids:
            current = cast("Sms | None", await txn.get(SMS, tenant_id, sms_id))
            if current is None or current["status"] != SMS_QUEUED:
                continue
            receipt = await provider.send(
                message_id=current["id"], number=current["number"], text=current["text"]
            )
            status = SMS_FAILED if receipt.refused else SMS_SENT
            updated: dict[str, Any] = {
                **current,
                "status": status,
                "provider_message_id": receipt.provider_message_id,
                "sent_at": now_iso() if status == SMS_SENT else "",
            }
            stored = cast(
                Sms,
                await txn.replace(SMS, tenant_id, updated, expected_version=current["version"]),
            )
            caller = Caller(tenant_id, job["requested_by"], "advisor")
            await events.sms_saved(txn, caller, stored)
            counts[status] += 1
        return counts

    return JobRunner(
        queue,
        kind=SMS_JOB,
        work=hand_over,
        chunk=1,
        failure_message="the text message could not be sent, retry later",
    )


# Subscribers given a message per transaction.
CAMPAIGN_CHUNK = 50
CAMPAIGN_FAILED_MESSAGE = "the campaign stopped on an error; the messages queued so far are sent"


def campaign_runner(queue: JobQueue, *, chunk: int = CAMPAIGN_CHUNK) -> JobRunner:
    async def queue_messages(
        txn: Transaction, tenant_id: str, job: Job, client_ids: Sequence[str]
    ) -> Mapping[str, int]:
        content = cast(CampaignContent, await txn.get(CAMPAIGNS, tenant_id, job["id"]))
        caller = Caller(tenant_id, job["requested_by"], "advisor")
        counts = {"queued": 0, "skipped": 0}
        for client_id in client_ids:
            copy = cast("ClientCopy | None", await txn.get(CLIENT_COPIES, tenant_id, client_id))
            if (
                copy is None
                or copy["communication_blocked"]
                or copy["archived"]
                or not copy["mobile"]
            ):
                counts["skipped"] += 1
                continue
            message: dict[str, Any] = {
                "id": new_id(),
                "client_id": client_id,
                "contact_id": "",
                "number": copy["mobile"],
                "text": content["text"],
                "status": SMS_QUEUED,
                "provider_message_id": "",
                "sent_at": "",
                "audit": created_stamps(job["requested_by"]),
            }
            stored = cast(Sms, await txn.insert(SMS, tenant_id, message))
            await queue.submit(
                txn, tenant_id, kind=SMS_JOB, items=[stored["id"]], requested_by=caller.user_id
            )
            await events.sms_saved(txn, caller, stored)
            counts["queued"] += 1
        return counts

    async def finished(txn: Transaction, tenant_id: str, job: Job) -> None:
        content = cast(CampaignContent, await txn.get(CAMPAIGNS, tenant_id, job["id"]))
        await events.campaign_finished(txn, tenant_id, job, content)

    return JobRunner(
        queue,
        kind=CAMPAIGN_JOB,
        work=queue_messages,
        chunk=chunk,
        on_end=finished,
        failure_message=CAMPAIGN_FAILED_MESSAGE,
    )
