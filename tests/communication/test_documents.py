"""Documents in process, on a real SQLite store and file store: the type found from the
content, every rule reported at once and nothing stored when one is broken, the bytes given
back whole, scoped by tenant and role (a partner gets only what is shared with it, a
technician none), an event for every change."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from PIL import Image

from runtime.caller import Caller
from runtime.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from runtime.kit.files import FileStore
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.models import DOCUMENTS
from services.communication.repository import CommunicationRepository
from tests.communication.test_emails import TENANT, repo, store

__all__ = ["repo", "store"]  # the fixtures, shared with test_emails

ADVISOR = Caller(TENANT, "alice", "advisor")
PARTNER = Caller(TENANT, "partner-axa", "partner")
OTHER_PARTNER = Caller(TENANT, "partner-maif", "partner")
LIMIT = 100_000


def pdf() -> bytes:
    """The same bytes at every call (its creation date fixed)."""
    document = FPDF()
    document.set_creation_date(datetime(2026, 1, 1, tzinfo=UTC))
    document.add_page()
    document.set_font("helvetica")
    document.cell(text="Avis d'echeance")
    return bytes(document.output())


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "communication-files")


async def upload(
    repo: CommunicationRepository,
    files: FileStore,
    content: bytes,
    *,
    caller: Caller = ADVISOR,
    **fields: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_id": "client-1",
        "kind": "renewal_notice",
        "name": "avis.pdf",
        "contract_id": "",
        "claim_id": "",
        "intervention_id": "",
        "shared_with": [],
        **fields,
    }
    document = await service.upload_document(
        repo=repo, files=files, caller=caller, data=data, content=content, max_bytes=LIMIT
    )
    return dict(document)


async def test_a_document_uploaded_comes_back_whole_with_its_type_from_the_content(
    repo: CommunicationRepository, store: SqliteStore, files: FileStore
) -> None:
    content = pdf()
    # The name lies about the type and names folders: the content decides, the folders go.
    document = await upload(
        repo, files, content, name="../../etc/avis.png", contract_id="contract-9"
    )
    assert (document["media_type"], document["name"], document["size_bytes"]) == (
        "application/pdf",
        "avis.png",
        len(content),
    )
    assert document["contract_id"] == "contract-9"
    found, data = await service.document_file(
        repo=repo, files=files, caller=ADVISOR, document_id=document["id"]
    )
    assert data == content
    assert found["audit"]["created_by"] == "alice"
    [event] = [e for e in await store.pending_events(10) if "document" in e.subject]
    assert event.subject == "c360.communication.document.saved"


async def test_a_refused_upload_reports_every_rule_and_stores_nothing(
    repo: CommunicationRepository, store: SqliteStore, files: FileStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await upload(repo, files, b"just some text\n", client_id="", kind="")
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("clientId", "required"),
        ("kind", "required"),
        (
            "file",
            "the content is not a file type we recognise; accepted: application/pdf, "
            "image/jpeg, image/png, image/webp",
        ),
    ]
    with pytest.raises(InvalidInput) as too_big:
        await upload(repo, files, pdf() + b"\0" * LIMIT)
    [violation] = too_big.value.violations
    assert violation.field == "file"
    assert violation.rule.endswith(f"at most {LIMIT} are accepted")
    with pytest.raises(InvalidInput) as empty:
        await upload(repo, files, b"")
    assert [v.rule for v in empty.value.violations] == ["the file is empty"]
    assert await store.count(DOCUMENTS, TENANT) == 0
    assert not files.root.exists()


async def test_another_tenant_s_document_is_not_found(
    repo: CommunicationRepository, files: FileStore
) -> None:
    document = await upload(repo, files, pdf())
    for caller in (replace(ADVISOR, tenant_id="agency-b"), replace(ADVISOR, role="technician")):
        with pytest.raises(NotFound):
            await service.document_file(
                repo=repo, files=files, caller=caller, document_id=document["id"]
            )
    with pytest.raises(NotFound):
        await service.share_document(
            repo=repo,
            caller=replace(ADVISOR, tenant_id="agency-b"),
            document_id=document["id"],
            version=1,
            shared_with=["partner-axa"],
        )
    [file] = await service.get_communication(
        repo=repo,
        caller=replace(ADVISOR, tenant_id="agency-b"),
        client_ids=["client-1"],
        activity_limit=0,
        document_limit=10,
    )
    assert file.documents == []


async def test_a_partner_sees_and_downloads_only_the_documents_shared_with_it(
    repo: CommunicationRepository, files: FileStore
) -> None:
    shared = await upload(repo, files, pdf(), shared_with=["partner-axa"])
    kept = await upload(repo, files, png(), kind="claim_photo", name="photo.png")
    [file] = await service.get_communication(
        repo=repo, caller=PARTNER, client_ids=["client-1"], activity_limit=20, document_limit=10
    )
    assert [d["id"] for d in file.documents] == [shared["id"]]
    assert (file.view, file.memo, file.activities) == ("shared_documents", [], [])
    _, data = await service.document_file(
        repo=repo, files=files, caller=PARTNER, document_id=shared["id"]
    )
    assert data == pdf()
    for caller, document in ((PARTNER, kept), (OTHER_PARTNER, shared)):
        with pytest.raises(NotFound):
            await service.document_file(
                repo=repo, files=files, caller=caller, document_id=document["id"]
            )
    # Shared later, with both partners: each sees it.
    both = await service.share_document(
        repo=repo,
        caller=ADVISOR,
        document_id=kept["id"],
        version=kept["version"],
        shared_with=["partner-axa", "partner-maif", "partner-axa"],
    )
    assert both["shared_with"] == ["partner-axa", "partner-maif"]
    [file] = await service.get_communication(
        repo=repo,
        caller=OTHER_PARTNER,
        client_ids=["client-1"],
        activity_limit=0,
        document_limit=10,
    )
    assert [d["id"] for d in file.documents] == [kept["id"]]
    with pytest.raises(Conflict):
        await service.share_document(
            repo=repo, caller=ADVISOR, document_id=kept["id"], version=1, shared_with=[]
        )
    with pytest.raises(PermissionDenied):
        await upload(repo, files, pdf(), caller=PARTNER)


async def test_the_partners_a_document_is_shared_with_follow_their_rules(
    repo: CommunicationRepository, files: FileStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await upload(repo, files, pdf(), shared_with=["partner-axa", " "], kind="12")
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        (
            "kind",
            "must be one of VEHICLE_REGISTRATION, INVOICE, RENEWAL_NOTICE, QUOTE, "
            "PROOF_OF_IDENTITY, PROOF_OF_ADDRESS, CLAIM_PHOTO, OTHER",
        ),
        ("sharedWith[1]", "required"),
    ]
    document = await upload(repo, files, pdf())
    with pytest.raises(InvalidInput) as too_many:
        await service.share_document(
            repo=repo,
            caller=ADVISOR,
            document_id=document["id"],
            version=document["version"],
            shared_with=[f"partner-{n}" for n in range(21)],
        )
    assert [(v.field, v.rule) for v in too_many.value.violations] == [
        ("sharedWith", "at most 20 partners")
    ]
    with pytest.raises(InvalidInput) as limit:
        await service.get_communication(
            repo=repo, caller=ADVISOR, client_ids=["client-1"], activity_limit=0, document_limit=101
        )
    assert [v.field for v in limit.value.violations] == ["documentLimit"]
