"""Emails written to clients leave here: built with the standard library's ``EmailMessage``
(From, To, Subject, Date, Message-ID, Reply-To) and handed to the mail server over SMTP with
``aiosmtplib`` by a background sender.

A confirmed write is never lost: ``service.send_email`` commits the email (status queued), an
entry of the mail queue and its event in one transaction, and answers. The sender then takes
the due entries of every tenant's queue (MAIL_QUEUE under jobs.QUEUE_TENANT), oldest first:

1. it claims an entry in a short transaction (its due moment pushed by a lease, so that
   another replica leaves it alone; a Conflict means another one took it);
2. it talks SMTP **outside** any transaction (the store's write lock is never held on the
   network);
3. it commits the outcome with its event: sent; or, after a failure the server may recover
   from (no answer, 4xx), the attempt counted and the entry due again after a pause that
   doubles each time; failed after a permanent refusal (5xx) or the last attempt.

The runtime's job runner is not used: it works inside its chunk's transaction and retries
nothing, where SMTP needs the network outside the store and retries with a pause. The queue
is in the store, so a restart resumes it; a crash between the server's acceptance and the
commit sends that email again (at least once), with the same Message-ID.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime
from typing import Any, cast

import aiosmtplib

from runtime.caller import Caller
from runtime.errors import Conflict
from runtime.kit.jobs import QUEUE_TENANT
from runtime.store import DocumentStore
from services.communication import events
from services.communication.models import (
    EMAIL_FAILED,
    EMAIL_QUEUED,
    EMAIL_SENT,
    EMAILS,
    MAIL_QUEUE,
    EmailMessage,
    QueuedEmail,
)
from services.communication.settings import CommunicationSettings

log = logging.getLogger(__name__)

# How long a claimed email is left to its sender before another may take it.
CLAIM_LEASE = timedelta(minutes=2)
# Entries taken per look at the queue; the sender looks again at once while some were due.
BATCH = 20
IDLE_POLL_SECONDS = 5.0
ERROR_PAUSE_SECONDS = 1.0


def build_message(email: EmailMessage) -> MimeMessage:
    """The RFC 5322 message of an email written (its record holds every header)."""
    message = MimeMessage()
    message["From"] = email["sender"]
    message["To"] = ", ".join(email["to"])
    if email["cc"]:
        message["Cc"] = ", ".join(email["cc"])
    if email.get("reply_to"):
        message["Reply-To"] = email.get("reply_to", "")
    message["Subject"] = email["subject"]
    message["Date"] = format_datetime(datetime.fromisoformat(email["sent_at"]))
    message["Message-ID"] = email["message_id"]
    message.set_content(email["body"])
    return message


def _permanent(exc: Exception) -> bool:
    """The server refused the message for good (5xx, or every recipient refused)."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class MailSender:
    """Hands the queued emails of every tenant to the mail server."""

    def __init__(self, store: DocumentStore, settings: CommunicationSettings) -> None:
        self._store = store
        self._settings = settings
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """An email was queued: look at the queue now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            self._wake.clear()
            try:
                if await self.send_due():
                    continue
            except Exception:
                log.exception("mail sender failed, retrying")
                await asyncio.sleep(ERROR_PAUSE_SECONDS)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=IDLE_POLL_SECONDS)

    async def send_due(self, now: datetime | None = None) -> int:
        """Hands over the emails due at ``now`` (the present when None), a batch at most;
        returns how many entries were looked at."""
        moment = now or datetime.now(UTC)
        due = await self._store.find(
            MAIL_QUEUE,
            QUEUE_TENANT,
            {"due_at": {"$lte": _iso(moment)}},
            sort=(("due_at", 1), ("id", 1)),
            limit=BATCH,
        )
        for entry in due:
            await self.hand_over(cast(QueuedEmail, entry))
        return len(due)

    async def _claim(self, entry: QueuedEmail) -> EmailMessage | None:
        """The email of ``entry``, claimed for a lease; None when there is nothing to send
        (sent meanwhile, gone) or another sender took it."""
        try:
            async with self._store.transaction() as txn:
                current = await txn.get(MAIL_QUEUE, QUEUE_TENANT, entry["id"])
                if current is None or current["version"] != entry.get("version"):
                    return None
                email = cast(
                    "EmailMessage | None", await txn.get(EMAILS, entry["tenant"], entry["id"])
                )
                if email is None or email.get("status") != EMAIL_QUEUED:
                    await txn.delete(MAIL_QUEUE, QUEUE_TENANT, entry["id"])
                    return None
                leased = {**current, "due_at": _iso(datetime.now(UTC) + CLAIM_LEASE)}
                await txn.replace(
                    MAIL_QUEUE, QUEUE_TENANT, leased, expected_version=current["version"]
                )
                return email
        except Conflict:
            return None

    async def _deliver(self, email: EmailMessage) -> str:
        """Hands ``email`` to the server: "" when it accepted it, else why not."""
        s = self._settings
        try:
            await aiosmtplib.send(
                build_message(email),
                hostname=s.smtp_host,
                port=s.smtp_port,
                username=s.smtp_username or None,
                password=s.smtp_password.reveal() or None,
                start_tls=s.smtp_starttls,
                timeout=s.smtp_timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            reason = f"{type(exc).__name__}: {exc}"
            return ("permanent: " if _permanent(exc) else "") + reason
        return ""

    async def hand_over(self, entry: QueuedEmail) -> None:
        email = await self._claim(entry)
        if email is None:
            return
        error = await self._deliver(email)
        attempts = email.get("attempts", 0) + 1
        final = bool(error) and (
            error.startswith("permanent: ") or attempts >= self._settings.mail_attempts
        )
        tenant = entry["tenant"]
        async with self._store.transaction() as txn:
            current = cast("EmailMessage | None", await txn.get(EMAILS, tenant, email["id"]))
            if current is None or current.get("status") != EMAIL_QUEUED:
                await txn.delete(MAIL_QUEUE, QUEUE_TENANT, entry["id"])
                return
            status = EMAIL_SENT if not error else (EMAIL_FAILED if final else EMAIL_QUEUED)
            updated: dict[str, Any] = {
                **current,
                "status": status,
                "attempts": attempts,
                "error": error.removeprefix("permanent: "),
            }
            stored = cast(
                EmailMessage,
                await txn.replace(EMAILS, tenant, updated, expected_version=current["version"]),
            )
            queued = await txn.get(MAIL_QUEUE, QUEUE_TENANT, entry["id"])
            if status != EMAIL_QUEUED:
                await txn.delete(MAIL_QUEUE, QUEUE_TENANT, entry["id"])
            elif queued is not None:
                pause = self._settings.mail_retry_pause * 2 ** (attempts - 1)
                again = {**queued, "due_at": _iso(datetime.now(UTC) + timedelta(seconds=pause))}
                await txn.replace(
                    MAIL_QUEUE, QUEUE_TENANT, again, expected_version=queued["version"]
                )
            caller = Caller(tenant, stored["audit"]["created_by"], "advisor")
            await events.email_saved(txn, caller, stored)
        if error:
            log.warning(
                "email not handed over",
                extra={"email": email["id"], "attempts": attempts, "error": error},
            )
