"""The file drop of received emails: ``<inbox>/<tenant>/*.eml``, one RFC 5322 message per
file, as a mail server's delivery agent (or a person) leaves them. The service looks at it
every few seconds, ingests each message (parsed with the standard library, linked to the
tenant's client by the sender's address, kept once by its Message-ID) and moves the file out
of the way:

- ``processed/`` once the email is stored (or was already: the same Message-ID);
- ``unmatched/`` when no client of the tenant has the sender's address;
- ``rejected/`` when it is not an email (no sender) or is too big.

A writer drops a file under another name (``*.part``, ``.tmp``…) and renames it to ``*.eml``
when it is whole: only ``*.eml`` files are read. A crash between the commit and the move reads
the file again at the next look, and its Message-ID finds the stored email: nothing twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
from pathlib import Path

from runtime.caller import Caller
from runtime.errors import InvalidInput, NotFound
from services.communication import service
from services.communication.repository import CommunicationRepository

log = logging.getLogger(__name__)

PROCESSED = "processed"
UNMATCHED = "unmatched"
REJECTED = "rejected"
# Who the emails of the file drop are ingested as.
MAILBOX_USER = "mailbox"
# Tenant ids as directory names; anything else in the drop is left alone.
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
ERROR_PAUSE_SECONDS = 1.0


class InboxWatcher:
    def __init__(self, repo: CommunicationRepository, root: Path, *, poll: float) -> None:
        self._repo = repo
        self.root = root
        self._poll = poll

    async def run(self) -> None:
        while True:
            try:
                await self.scan()
            except Exception:
                log.exception("file drop scan failed, retrying")
                await asyncio.sleep(ERROR_PAUSE_SECONDS)
                continue
            await asyncio.sleep(self._poll)

    def _waiting(self) -> list[tuple[str, Path]]:
        if not self.root.is_dir():
            return []
        found: list[tuple[str, Path]] = []
        for tenant_dir in sorted(self.root.iterdir()):
            if tenant_dir.is_dir() and _TENANT.match(tenant_dir.name):
                found += [(tenant_dir.name, path) for path in sorted(tenant_dir.glob("*.eml"))]
        return found

    async def scan(self) -> dict[str, int]:
        """Ingests every message waiting in the drop; returns how many went where."""
        counts = {PROCESSED: 0, UNMATCHED: 0, REJECTED: 0}
        for tenant, path in await asyncio.to_thread(self._waiting):
            try:
                raw = await asyncio.to_thread(path.read_bytes)
            except FileNotFoundError:
                continue  # taken by another replica meanwhile
            caller = Caller(tenant, MAILBOX_USER, "advisor")
            outcome = PROCESSED
            try:
                await service.ingest_email(repo=self._repo, caller=caller, raw=raw)
            except NotFound:
                outcome = UNMATCHED
            except InvalidInput:
                outcome = REJECTED
            await asyncio.to_thread(_move, path, outcome)
            counts[outcome] += 1
            if outcome != PROCESSED:
                log.warning(
                    "received email not ingested", extra={"file": str(path), "outcome": outcome}
                )
        return counts


def _move(path: Path, folder: str) -> None:
    target = path.parent / folder
    target.mkdir(exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        os.replace(path, target / path.name)
