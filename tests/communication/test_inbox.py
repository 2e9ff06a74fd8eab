"""The file drop of received emails, with real files: each message of <inbox>/<tenant>/*.eml is
ingested, linked to the tenant's client by address and moved to processed/; an unknown sender's
goes to unmatched/, a file that is no email to rejected/; the same message dropped again is
kept once; a tenant's drop never feeds another tenant."""

from __future__ import annotations

from pathlib import Path

from runtime.store.sqlite import SqliteStore
from services.communication.inbox import InboxWatcher
from services.communication.models import EMAILS
from services.communication.repository import CommunicationRepository
from tests.communication.test_emails import TENANT, client_with_address, repo, rfc5322, store

__all__ = ["repo", "store"]  # the fixtures, shared with test_emails


def drop(root: Path, tenant: str, name: str, raw: bytes) -> Path:
    folder = root / tenant
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(raw)
    return path


async def test_a_dropped_email_is_ingested_linked_and_moved_to_processed(
    repo: CommunicationRepository, store: SqliteStore, tmp_path: Path
) -> None:
    client = await client_with_address(store, repo, "lea.martin@example.fr")
    root = tmp_path / "inbox"
    raw = rfc5322("Carte grise", "Tue, 03 Mar 2026 10:15:00 +0100")
    drop(root, TENANT, "1.eml", raw)
    drop(
        root,
        TENANT,
        "2.eml",
        rfc5322("Pub", "Tue, 03 Mar 2026 10:15:00 +0100", sender="x@spam.example"),
    )
    drop(root, TENANT, "3.eml", b"Subject: no sender\r\n\r\nhello")
    drop(root, TENANT, "4.part", raw)  # still being written: left alone
    watcher = InboxWatcher(repo, root, poll=1)
    assert await watcher.scan() == {"processed": 1, "unmatched": 1, "rejected": 1}
    [email] = await repo.emails_of(TENANT, [client])
    assert (email["subject"], email["direction"], email["status"]) == (
        "Carte grise",
        "inbound",
        "received",
    )
    folder = root / TENANT
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == ["4.part"]
    assert [p.name for p in (folder / "processed").iterdir()] == ["1.eml"]
    assert [p.name for p in (folder / "unmatched").iterdir()] == ["2.eml"]
    assert [p.name for p in (folder / "rejected").iterdir()] == ["3.eml"]

    # Dropped again (a second delivery, or a crash before the move): kept once.
    drop(root, TENANT, "1-again.eml", raw)
    assert await watcher.scan() == {"processed": 1, "unmatched": 0, "rejected": 0}
    assert await store.count(EMAILS, TENANT) == 1


async def test_a_tenant_s_drop_never_feeds_another_tenant(
    repo: CommunicationRepository, store: SqliteStore, tmp_path: Path
) -> None:
    await client_with_address(store, repo, "lea.martin@example.fr")
    root = tmp_path / "inbox"
    drop(root, "agency-b", "1.eml", rfc5322("Devis", "Tue, 03 Mar 2026 10:15:00 +0100"))
    watcher = InboxWatcher(repo, root, poll=1)
    assert await watcher.scan() == {"processed": 0, "unmatched": 1, "rejected": 0}
    assert await store.count(EMAILS, TENANT) == 0
    assert await store.count(EMAILS, "agency-b") == 0
