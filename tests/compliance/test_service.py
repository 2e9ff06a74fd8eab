"""The compliance domain in process, on a real SQLite store and the sample register: automatic
and manual checks, a person's decisions, the copy of identity's events, register reloads,
batch jobs (also across a restart) and tenant isolation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from google.protobuf.message import Message

from client360.compliance.v1 import compliance_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.contracts import decode_payload, payload_types, subject_of
from runtime.errors import FieldViolation, InvalidInput, NotFound, PermissionDenied
from runtime.ids import new_id
from runtime.kit.jobs import JOB_QUEUE, QUEUE_TENANT, Job, JobRunner
from runtime.outbox import new_event
from runtime.store import Document
from runtime.store.sqlite import SqliteStore
from services.compliance import consumers, jobs, service
from services.compliance.jobs import screening_runner
from services.compliance.mapping import register_info_to_proto
from services.compliance.matching import RegisterIndex
from services.compliance.models import (
    COLLECTIONS,
    JOB_FAILED_MESSAGE,
    REFERENCE_TENANT,
    REGISTER_ENTRIES,
    SCREENING_JOB,
    SCREENINGS,
    SUBJECTS,
    RegisterMeta,
)
from services.compliance.repository import ComplianceRepository
from services.compliance.sample_register import SAMPLE_REGISTER_PATH
from services.compliance.service import ScreeningRegister
from services.compliance.sources import SOURCE_RULE
from services.compliance.status import EMPTY, NO, TO_VERIFY, YES
from tests.compliance.register_server import (
    RegisterFiles,
    closed_port,
    serving_register_files,
    small_register,
)
from tests.waiting import eventually

TENANT = "agency-a"
OTHER_TENANT = "agency-b"
ADVISOR = Caller(TENANT, "alice", "advisor")
# The platform's operator, who alone reloads the register every tenant shares.
OPERATOR = Caller("*", "ops", "operator")
OTHER_ADVISOR = Caller(OTHER_TENANT, "bob", "advisor")

PETROV_ENTRY = "15530"
SAMPLE_ENTRIES = 302


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "compliance.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> ComplianceRepository:
    return ComplianceRepository(store)


@pytest.fixture(scope="module")
def published() -> Iterator[RegisterFiles]:
    """A local web server publishing register files; only its /allowed/ URLs are allow-listed."""
    with serving_register_files() as files:
        yield files


@pytest.fixture
async def register(repo: ComplianceRepository, published: RegisterFiles) -> ScreeningRegister:
    """The sample register, stored and in force, as on a first start."""
    loaded = ScreeningRegister(threshold=0.85, allowed_urls=(f"{published.url}/allowed/",))
    await service.start_register(repo=repo, register=loaded)
    assert isinstance(loaded.index, RegisterIndex)
    return loaded


@pytest.fixture
def handler(
    repo: ComplianceRepository, register: ScreeningRegister
) -> consumers.IdentityEventHandler:
    return consumers.IdentityEventHandler(repo, register)


# Identity events, built by hand as identity would publish them


def client_event(
    event_type: type[Any],
    client_id: str,
    *,
    first: str = "",
    last: str = "",
    birth_date: str = "",
    legal_name: str = "",
    memo: str = "",
    version: int = 1,
    tenant_id: str = TENANT,
) -> events_pb2.Event:
    payload = event_type()
    client = payload.client
    client.id = client_id
    client.version = version
    client.memo = memo
    if legal_name:
        client.kind = identity_pb2.CLIENT_KIND_PROFESSIONAL
        client.professional.legal_name = legal_name
    else:
        client.kind = identity_pb2.CLIENT_KIND_INDIVIDUAL
        client.first_name, client.last_name = first, last
        client.personal.birth_date = birth_date
    client.flags.archived = event_type is identity_pb2.ClientArchived
    return new_event(payload, tenant_id=tenant_id, key=client_id, actor_id="alice")


def contact_event(
    event_type: type[Any],
    contact_id: str,
    client_id: str,
    *,
    first: str,
    last: str,
    version: int = 1,
) -> events_pb2.Event:
    payload = event_type()
    contact = payload.contact
    contact.id, contact.client_id, contact.version = contact_id, client_id, version
    contact.first_name, contact.last_name = first, last
    return new_event(payload, tenant_id=TENANT, key=client_id, actor_id="alice")


async def apply(
    store: SqliteStore, handler: consumers.IdentityEventHandler, event: events_pb2.Event
) -> None:
    async with store.transaction() as txn:
        await handler(txn, event)


async def new_client(
    store: SqliteStore,
    handler: consumers.IdentityEventHandler,
    first: str,
    last: str,
    *,
    birth_date: str = "",
) -> str:
    """A client as identity announces its creation (which also screens it)."""
    client_id = new_id()
    created = client_event(
        identity_pb2.ClientCreated, client_id, first=first, last=last, birth_date=birth_date
    )
    await apply(store, handler, created)
    return client_id


JOB_FINISHED = subject_of(compliance_pb2.ScreeningJobFinished)
P = TypeVar("P", bound=Message)


def payload_of(event: events_pb2.Event, payload_type: type[P]) -> P:
    decoded = decode_payload(event, payload_types(payload_type))
    assert isinstance(decoded, payload_type), event.type
    return decoded


async def outbox(store: SqliteStore) -> list[events_pb2.Event]:
    return [events_pb2.Event.FromString(e.payload) for e in await store.pending_events(10_000)]


async def screenings_of(store: SqliteStore, client_id: str) -> list[Document]:
    return await store.find(SCREENINGS, TENANT, {"client_id": client_id}, sort=(("at", 1),))


async def compliance_of(
    repo: ComplianceRepository, client_id: str, *, caller: Caller = ADVISOR, history: int = 0
) -> service.ClientCompliance:
    (found,) = await service.get_compliance(
        repo=repo, caller=caller, client_ids=[client_id], history_limit=history
    )
    return found


# Screening


async def test_a_client_named_like_a_register_entry_is_to_verify_with_one_event(
    store: SqliteStore, handler: consumers.IdentityEventHandler, repo: ComplianceRepository
) -> None:
    client_id = await new_client(store, handler, "Ivan", "Petrov", birth_date="1961-04-12")

    found = await compliance_of(repo, client_id)
    assert found.compliance["status"] == TO_VERIFY
    last = found.compliance["last_screening"]
    assert last is not None
    assert PETROV_ENTRY in [m["entry_id"] for m in last["matches"]]
    assert (last["status_before"], last["status_after"]) == (EMPTY, TO_VERIFY)
    assert (last["trigger"], last["requested_by"], last["contact_id"]) == ("client_created", "", "")
    assert last["register_date"] == "2026-11-20T08:00:00+00:00"
    queued = await outbox(store)
    assert [e.type for e in queued] == [subject_of(compliance_pb2.ScreeningCompleted)]
    assert queued[0].key == client_id
    assert queued[0].tenant_id == TENANT
    completed = payload_of(queued[0], compliance_pb2.ScreeningCompleted)
    assert completed.screening.matches[0].entry_id == PETROV_ENTRY


async def test_a_clean_french_name_is_no(
    store: SqliteStore, handler: consumers.IdentityEventHandler, repo: ComplianceRepository
) -> None:
    client_id = await new_client(store, handler, "Élodie", "Dubois", birth_date="1984-05-17")
    found = await compliance_of(repo, client_id)
    assert found.compliance["status"] == NO
    last = found.compliance["last_screening"]
    assert last is not None
    assert last["matches"] == []


async def test_a_company_is_screened_against_the_register_entities(
    store: SqliteStore, handler: consumers.IdentityEventHandler, repo: ComplianceRepository
) -> None:
    client_id = new_id()
    await apply(
        store,
        handler,
        client_event(identity_pb2.ClientCreated, client_id, legal_name="Severnaya Logistika OOO"),
    )
    subject = await store.get(SUBJECTS, TENANT, client_id)
    assert subject is not None
    assert (subject["kind"], subject["full_name"]) == ("entity", "Severnaya Logistika OOO")
    assert (await compliance_of(repo, client_id)).compliance["status"] == TO_VERIFY


async def test_every_check_is_kept_in_history_newest_first(
    store: SqliteStore,
    handler: consumers.IdentityEventHandler,
    repo: ComplianceRepository,
    register: ScreeningRegister,
) -> None:
    client_id = await new_client(store, handler, "Camille", "Bernard")
    for _ in range(2):
        await service.screen_client(
            repo=repo, register=register, caller=ADVISOR, client_id=client_id
        )

    found = await compliance_of(repo, client_id, history=10)
    assert [s["trigger"] for s in found.history] == ["manual", "manual", "client_created"]
    assert found.history[0]["requested_by"] == "alice"
    last = found.compliance["last_screening"]
    assert last is not None
    assert last["id"] == found.history[0]["id"]
    assert len((await compliance_of(repo, client_id, history=2)).history) == 2
    assert len((await compliance_of(repo, client_id, history=10_000)).history) == 3  # capped
    assert (await compliance_of(repo, client_id)).history == []
    assert len(await outbox(store)) == 3


async def test_a_persons_yes_is_never_changed_by_later_checks(
    store: SqliteStore,
    handler: consumers.IdentityEventHandler,
    repo: ComplianceRepository,
    register: ScreeningRegister,
) -> None:
    client_id = await new_client(store, handler, "Ivan", "Petrov", birth_date="1961-04-12")
    decided = await service.set_asset_freeze_status(
        repo=repo, caller=ADVISOR, client_id=client_id, status=YES, reason=" Listed person "
    )
    assert decided["status"] == YES
    assert decided["decisions"][0]["reason"] == "Listed person"

    screening = await service.screen_client(
        repo=repo, register=register, caller=ADVISOR, client_id=client_id
    )
    assert (screening["status_before"], screening["status_after"]) == (YES, YES)
    await apply(
        store,
        handler,
        client_event(identity_pb2.ClientUpdated, client_id, first="Jean", last="Dupont", version=2),
    )
    assert (await compliance_of(repo, client_id)).compliance["status"] == YES


async def test_decisions_are_kept_newest_first_with_an_event_each(
    store: SqliteStore, handler: consumers.IdentityEventHandler, repo: ComplianceRepository
) -> None:
    client_id = await new_client(store, handler, "Ivan", "Petrov", birth_date="1961-04-12")
    for status, reason in ((NO, "namesake, other passport"), (TO_VERIFY, "new information")):
        await service.set_asset_freeze_status(
            repo=repo, caller=ADVISOR, client_id=client_id, status=status, reason=reason
        )
    found = await compliance_of(repo, client_id)
    assert found.compliance["status"] == TO_VERIFY
    assert [d["status"] for d in found.compliance["decisions"]] == [TO_VERIFY, NO]
    assert found.compliance["decisions"][0]["decided_by"] == "alice"
    changes = [
        payload_of(e, compliance_pb2.AssetFreezeStatusChanged)
        for e in await outbox(store)
        if e.type == subject_of(compliance_pb2.AssetFreezeStatusChanged)
    ]
    assert len(changes) == 2
    # The status the automatic check had set.
    assert changes[0].previous == compliance_pb2.ASSET_FREEZE_STATUS_TO_VERIFY
    assert changes[1].decision.reason == "new information"


async def test_a_decision_needs_a_decidable_status_a_reason_and_a_known_client(
    store: SqliteStore, handler: consumers.IdentityEventHandler, repo: ComplianceRepository
) -> None:
    client_id = await new_client(store, handler, "Camille", "Bernard")
    with pytest.raises(InvalidInput) as refused:
        await service.set_asset_freeze_status(
            repo=repo, caller=ADVISOR, client_id=client_id, status=EMPTY, reason="  "
        )
    assert [v.field for v in refused.value.violations] == ["status", "reason"]
    assert refused.value.violations[1].rule == "required"
    with pytest.raises(NotFound):
        await service.set_asset_freeze_status(
            repo=repo, caller=ADVISOR, client_id=new_id(), status=NO, reason="checked"
        )


async def test_a_client_never_screened_is_empty(repo: ComplianceRepository) -> None:
    unknown = new_id()
    found = await compliance_of(repo, unknown, history=5)
    assert found.compliance == {
        "id": unknown,
        "status": EMPTY,
        "last_screening": None,
        "decisions": [],
    }
    assert found.history == []
    with pytest.raises(InvalidInput) as refused:
        await service.get_compliance(
            repo=repo, caller=ADVISOR, client_ids=[unknown], history_limit=-1
        )
    assert refused.value.violations[0].field == "historyLimit"


async def test_a_manual_check_of_an_unknown_client_is_not_found(
    repo: ComplianceRepository, register: ScreeningRegister
) -> None:
    with pytest.raises(NotFound):
        await service.screen_client(
            repo=repo, register=register, caller=ADVISOR, client_id=new_id()
        )


# The copy of identity's events


async def test_a_created_client_is_copied_and_screened(
    store: SqliteStore, handler: consumers.IdentityEventHandler
) -> None:
    client_id = await new_client(store, handler, "Ivan", "Petrov", birth_date="1961-04-12")
    subject = await store.get(SUBJECTS, TENANT, client_id)
    assert subject is not None
    assert {k: subject[k] for k in ("client_id", "subject", "kind", "full_name", "birth_date")} == {
        "client_id": client_id,
        "subject": "client",
        "kind": "person",
        "full_name": "Ivan Petrov",
        "birth_date": "1961-04-12",
    }
    assert subject["archived"] is False
    assert len(await screenings_of(store, client_id)) == 1


async def test_an_update_of_the_memo_only_does_not_screen_again(
    store: SqliteStore, handler: consumers.IdentityEventHandler
) -> None:
    client_id = await new_client(store, handler, "Camille", "Bernard", birth_date="1990-01-02")
    await apply(
        store,
        handler,
        client_event(
            identity_pb2.ClientUpdated,
            client_id,
            first="Camille",
            last="Bernard",
            birth_date="1990-01-02",
            memo="called on Monday",
            version=2,
        ),
    )
    assert len(await screenings_of(store, client_id)) == 1
    subject = await store.get(SUBJECTS, TENANT, client_id)
    assert subject is not None
    assert subject["source_version"] == 2


async def test_a_name_change_screens_again(
    store: SqliteStore, handler: consumers.IdentityEventHandler, repo: ComplianceRepository
) -> None:
    client_id = await new_client(store, handler, "Camille", "Bernard")
    await apply(
        store,
        handler,
        client_event(
            identity_pb2.ClientUpdated,
            client_id,
            first="Ivan",
            last="Petrov",
            birth_date="1961-04-12",
            version=2,
        ),
    )
    found = await screenings_of(store, client_id)
    assert [s["trigger"] for s in found] == ["client_created", "client_updated"]
    assert (await compliance_of(repo, client_id)).compliance["status"] == TO_VERIFY


async def test_an_archive_is_copied_but_not_screened(
    store: SqliteStore, handler: consumers.IdentityEventHandler
) -> None:
    client_id = await new_client(store, handler, "Camille", "Bernard")
    await apply(
        store,
        handler,
        client_event(
            identity_pb2.ClientArchived, client_id, first="Camille", last="Bernard", version=2
        ),
    )
    subject = await store.get(SUBJECTS, TENANT, client_id)
    assert subject is not None
    assert subject["archived"] is True
    assert len(await screenings_of(store, client_id)) == 1


async def test_an_event_older_than_the_copy_is_ignored(
    store: SqliteStore, handler: consumers.IdentityEventHandler
) -> None:
    client_id = await new_client(store, handler, "Camille", "Bernard")
    newer = client_event(identity_pb2.ClientUpdated, client_id, first="Léa", last="Roux", version=3)
    older = client_event(
        identity_pb2.ClientUpdated, client_id, first="Zoé", last="Morel", version=2
    )
    await apply(store, handler, newer)
    await apply(store, handler, older)
    subject = await store.get(SUBJECTS, TENANT, client_id)
    assert subject is not None
    assert subject["full_name"] == "Léa Roux"
    assert len(await screenings_of(store, client_id)) == 2


async def test_a_contact_on_the_register_makes_the_client_to_verify(
    store: SqliteStore, handler: consumers.IdentityEventHandler, repo: ComplianceRepository
) -> None:
    client_id = await new_client(store, handler, "Camille", "Bernard")
    clean, listed = new_id(), new_id()
    await apply(
        store,
        handler,
        contact_event(identity_pb2.ContactCreated, clean, client_id, first="Hugo", last="Lambert"),
    )
    # A contact with no match says nothing about the client: still NO from its own check.
    assert (await compliance_of(repo, client_id)).compliance["status"] == NO

    await apply(
        store,
        handler,
        contact_event(
            identity_pb2.ContactCreated, listed, client_id, first="Olena", last="Kovalenko"
        ),
    )
    found = await compliance_of(repo, client_id, history=10)
    assert found.compliance["status"] == TO_VERIFY
    assert found.history[0]["contact_id"] == listed
    assert found.history[0]["trigger"] == "contact_saved"
    assert [s["contact_id"] for s in found.history] == [listed, clean, ""]


@pytest.mark.parametrize("last_event", [identity_pb2.ContactEnded, identity_pb2.ContactDeleted])
async def test_a_contact_is_screened_again_only_when_renamed_and_not_when_ended_or_deleted(
    store: SqliteStore, handler: consumers.IdentityEventHandler, last_event: type[Any]
) -> None:
    client_id = await new_client(store, handler, "Camille", "Bernard")
    contact_id = new_id()
    for event_type, last, version in (
        (identity_pb2.ContactCreated, "Lambert", 1),
        (identity_pb2.ContactUpdated, "Lambert", 2),  # another field changed
        (identity_pb2.ContactUpdated, "Lambert-Roux", 3),
        (last_event, "Lambert-Roux", 4),
    ):
        await apply(
            store,
            handler,
            contact_event(
                event_type, contact_id, client_id, first="Hugo", last=last, version=version
            ),
        )
    contact_checks = [s for s in await screenings_of(store, client_id) if s["contact_id"]]
    assert [s["subject_name"] for s in contact_checks] == ["Hugo Lambert", "Hugo Lambert-Roux"]


# The register


async def test_the_first_start_stores_the_sample_register(
    store: SqliteStore, register: ScreeningRegister
) -> None:
    info = service.register_info(register=register)
    assert info["entry_count"] == SAMPLE_ENTRIES
    assert info["source"] == str(SAMPLE_REGISTER_PATH)
    stored = await store.find(REGISTER_ENTRIES, REFERENCE_TENANT)
    assert len(stored) == SAMPLE_ENTRIES
    assert {e["register_version"] for e in stored} == {info["register_version"]}


async def test_the_register_info_shows_its_date_and_size_but_never_a_server_path(
    register: ScreeningRegister,
) -> None:
    shown = register_info_to_proto(service.register_info(register=register))
    assert shown.entry_count == SAMPLE_ENTRIES
    assert shown.published_at.ToJsonString() == "2026-11-20T08:00:00Z"
    assert shown.source == ""


def test_an_older_stored_version_shows_no_source_either() -> None:
    # Versions stored before public_source existed kept the path in source.
    meta: RegisterMeta = {
        "id": "current",
        "register_version": "v0",
        "published_at": "2026-11-20T08:00:00+00:00",
        "loaded_at": "2026-11-21T08:00:00+00:00",
        "source": "/srv/compliance/register.json",
        "entry_count": 1,
    }
    assert register_info_to_proto(meta).source == ""


async def test_a_restart_puts_the_stored_register_in_force_without_reloading(
    repo: ComplianceRepository, register: ScreeningRegister
) -> None:
    restarted = ScreeningRegister(default_source="/nowhere/register.json")
    await service.start_register(repo=repo, register=restarted)
    assert restarted.info is not None
    assert register.info is not None
    assert restarted.info["register_version"] == register.info["register_version"]
    assert restarted.index is not None
    candidates = restarted.index.screen("Ivan Petrov", kind="person")
    assert PETROV_ENTRY in [c.entry_id for c in candidates]


async def test_a_platform_operator_reloads_from_an_allow_listed_url(
    store: SqliteStore,
    repo: ComplianceRepository,
    register: ScreeningRegister,
    published: RegisterFiles,
) -> None:
    index_before = register.index
    url = published.publish(
        "/allowed/smaller.json",
        small_register(published="2026-12-01T10:00:00", entry_id=1, first="John", last="DOE"),
    )

    info = await service.reload_register(repo=repo, register=register, caller=OPERATOR, source=url)
    assert info["entry_count"] == 1
    assert info["published_at"] == "2026-12-01T09:00:00+00:00"
    assert register.info == info
    assert register.index is not index_before
    stored = await store.find(REGISTER_ENTRIES, REFERENCE_TENANT)
    assert [(e["entry_id"], e["register_version"]) for e in stored] == [
        ("1", info["register_version"])
    ]
    # A loopback URL is not public: users are not shown it.
    assert register_info_to_proto(info).source == ""


async def test_a_blank_source_reloads_the_configured_one(
    repo: ComplianceRepository, register: ScreeningRegister
) -> None:
    before = register.info
    assert before is not None
    info = await service.reload_register(repo=repo, register=register, caller=OPERATOR, source=" ")
    assert info["register_version"] != before["register_version"]
    assert info["entry_count"] == SAMPLE_ENTRIES


@pytest.mark.parametrize("role", ["admin", "advisor", "manager", "technician", "partner"])
async def test_no_tenant_role_may_reload_not_even_an_admin(
    store: SqliteStore,
    repo: ComplianceRepository,
    register: ScreeningRegister,
    published: RegisterFiles,
    role: str,
) -> None:
    before, index_before = register.info, register.index
    url = published.publish(
        "/allowed/hijack.json",
        small_register(published="2026-12-02T10:00:00", entry_id=9, first="Eve", last="NOBODY"),
    )
    for source in ("", url):
        with pytest.raises(PermissionDenied):
            await service.reload_register(
                repo=repo, register=register, caller=Caller(TENANT, "eve", role), source=source
            )
    assert "/allowed/hijack.json" not in published.requested
    assert register.info is before
    assert register.index is index_before
    assert await repo.get_register_meta() == before
    assert len(await store.find(REGISTER_ENTRIES, REFERENCE_TENANT)) == SAMPLE_ENTRIES


def _refusal_cases(published: RegisterFiles, tmp_path: Path) -> list[str]:
    """A caller's sources that must all get the same answer: files that exist or not, file
    URLs, loopback URLs off the allow-list, with or without a server behind them."""
    existing = tmp_path / "register.json"
    existing.write_text(SAMPLE_REGISTER_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    return [
        str(existing),
        str(tmp_path / "missing.json"),
        str(SAMPLE_REGISTER_PATH),
        "/etc/passwd",
        f"file://{existing}",
        f"{published.url}/private/register.json",
        f"{published.url}/private/missing.json",
        f"http://127.0.0.1:{closed_port()}/register.json",
        "http://localhost/register.json",
        "http://169.254.169.254/latest/meta-data/",
    ]


async def test_a_path_a_file_url_or_an_internal_url_gets_one_and_the_same_refusal(
    store: SqliteStore,
    repo: ComplianceRepository,
    register: ScreeningRegister,
    published: RegisterFiles,
    tmp_path: Path,
) -> None:
    published.publish("/private/register.json", SAMPLE_REGISTER_PATH.read_bytes())
    before, index_before = register.info, register.index
    requested_before = list(published.requested)
    answers = set()
    for source in _refusal_cases(published, tmp_path):
        with pytest.raises(InvalidInput) as refused:
            await service.reload_register(
                repo=repo, register=register, caller=OPERATOR, source=source
            )
        answers.add((refused.value.message, tuple(refused.value.violations)))
    assert answers == {(f"source: {SOURCE_RULE}", (FieldViolation("source", SOURCE_RULE),))}
    assert published.requested == requested_before
    assert register.info is before
    assert register.index is index_before
    assert await repo.get_register_meta() == before
    assert len(await store.find(REGISTER_ENTRIES, REFERENCE_TENANT)) == SAMPLE_ENTRIES


async def test_a_malformed_file_changes_nothing(
    store: SqliteStore,
    repo: ComplianceRepository,
    register: ScreeningRegister,
    published: RegisterFiles,
) -> None:
    before, index_before = register.info, register.index
    url = published.publish(
        "/allowed/malformed.json", '{"Publications": {"PublicationDetail": []}}'
    )
    with pytest.raises(InvalidInput) as refused:
        await service.reload_register(repo=repo, register=register, caller=OPERATOR, source=url)
    assert refused.value.violations[0].field == "source"
    assert refused.value.violations[0].rule == "Publications.DatePublication: missing"
    assert register.info is before
    assert register.index is index_before
    assert await repo.get_register_meta() == before
    assert len(await store.find(REGISTER_ENTRIES, REFERENCE_TENANT)) == SAMPLE_ENTRIES


async def test_an_empty_register_changes_nothing(
    repo: ComplianceRepository, register: ScreeningRegister, published: RegisterFiles
) -> None:
    before = register.info
    url = published.publish(
        "/allowed/empty.json",
        '{"Publications": {"DatePublication": "2026-12-01T10:00:00", "PublicationDetail": []}}',
    )
    with pytest.raises(InvalidInput) as refused:
        await service.reload_register(repo=repo, register=register, caller=OPERATOR, source=url)
    assert refused.value.violations[0].field == "source"
    assert register.info is before


async def test_an_unreachable_allowed_source_is_invalid_input(
    repo: ComplianceRepository, register: ScreeningRegister, published: RegisterFiles
) -> None:
    before = register.info
    with pytest.raises(InvalidInput) as refused:
        await service.reload_register(
            repo=repo,
            register=register,
            caller=OPERATOR,
            source=f"{published.url}/allowed/missing.json",
        )
    assert refused.value.violations[0].field == "source"
    assert refused.value.violations[0].rule.startswith("could not be fetched: cannot download")
    assert register.info is before


async def test_an_unreadable_configured_file_is_invalid_input(
    repo: ComplianceRepository, register: ScreeningRegister, tmp_path: Path
) -> None:
    misconfigured = ScreeningRegister(default_source=str(tmp_path / "missing.json"))
    await service.start_register(repo=repo, register=misconfigured)
    before = misconfigured.info
    with pytest.raises(InvalidInput) as refused:
        await service.reload_register(repo=repo, register=misconfigured, caller=OPERATOR, source="")
    assert refused.value.violations[0].field == "source"
    assert refused.value.violations[0].rule.startswith("could not be fetched: cannot read")
    assert misconfigured.info is before


# Batch jobs


async def _run_to_end(runner: JobRunner, job: Job, *, tenant_id: str = TENANT) -> int:
    steps = 1
    while not await runner.step(tenant_id, job["id"]):
        steps += 1
    return steps


async def test_a_job_runs_to_completion_chunk_by_chunk(
    store: SqliteStore,
    handler: consumers.IdentityEventHandler,
    repo: ComplianceRepository,
    register: ScreeningRegister,
) -> None:
    names = [("Ivan", "Petrov"), ("Camille", "Bernard"), ("Olena", "Kovalenko")]
    names += [("Hugo", f"Martin{i}") for i in range(4)]
    client_ids = [await new_client(store, handler, first, last) for first, last in names]
    unknown = new_id()
    job = await jobs.start_screening_job(
        repo=repo, caller=ADVISOR, client_ids=[*client_ids, unknown, client_ids[0]]
    )
    assert (job["state"], job["total"], job["done"]) == ("pending", 8, 0)
    assert await store.find(JOB_QUEUE, QUEUE_TENANT) != []

    runner = screening_runner(repo, register, chunk=3, pause=0)
    assert await _run_to_end(runner, job) == 3

    finished = await jobs.get_screening_job(repo=repo, caller=ADVISOR, job_id=job["id"])
    assert finished["state"] == "succeeded"
    assert finished["done"] == finished["total"] == 8
    assert finished["counts"] == {"matched": 2, "skipped": 1}
    assert finished["finished_at"]
    assert finished["error"] == ""
    assert await store.find(JOB_QUEUE, QUEUE_TENANT) == []
    for client_id in client_ids:
        batch = [s for s in await screenings_of(store, client_id) if s["trigger"] == "batch"]
        assert [(s["job_id"], s["requested_by"]) for s in batch] == [(job["id"], "alice")]
    ends = [e for e in await outbox(store) if e.type == JOB_FINISHED]
    assert len(ends) == 1
    assert (ends[0].actor_id, ends[0].key) == ("alice", "")
    assert payload_of(ends[0], compliance_pb2.ScreeningJobFinished).job.done == 8


async def test_a_job_resumes_after_a_restart_without_screening_anyone_twice(
    store: SqliteStore,
    handler: consumers.IdentityEventHandler,
    repo: ComplianceRepository,
    register: ScreeningRegister,
) -> None:
    client_ids = [await new_client(store, handler, "Hugo", f"Martin{i}") for i in range(5)]
    job = await jobs.start_screening_job(repo=repo, caller=ADVISOR, client_ids=client_ids)
    assert not await screening_runner(repo, register, chunk=2, pause=0).step(TENANT, job["id"])
    halfway = await jobs.get_screening_job(repo=repo, caller=ADVISOR, job_id=job["id"])
    assert (halfway["state"], halfway["next_index"], halfway["done"]) == ("running", 2, 2)

    # A new process: a new register holder and runner over the same store.
    restarted = ScreeningRegister()
    await service.start_register(repo=repo, register=restarted)
    runner = screening_runner(repo, restarted, chunk=2, pause=0)
    (queued,) = await repo.jobs.queued(SCREENING_JOB, limit=10)
    assert (queued["id"], queued["tenant"]) == (job["id"], TENANT)
    await _run_to_end(runner, job)

    for client_id in client_ids:
        batch = [s for s in await screenings_of(store, client_id) if s["job_id"] == job["id"]]
        assert len(batch) == 1
    finished = await jobs.get_screening_job(repo=repo, caller=ADVISOR, job_id=job["id"])
    assert (finished["state"], finished["done"]) == ("succeeded", 5)


async def test_a_job_fails_with_a_plain_message_when_no_register_is_loaded(
    store: SqliteStore, handler: consumers.IdentityEventHandler, repo: ComplianceRepository
) -> None:
    client_id = await new_client(store, handler, "Hugo", "Martin")
    job = await jobs.start_screening_job(repo=repo, caller=ADVISOR, client_ids=[client_id])
    assert await screening_runner(repo, ScreeningRegister(), chunk=5, pause=0).step(
        TENANT, job["id"]
    )

    failed = await jobs.get_screening_job(repo=repo, caller=ADVISOR, job_id=job["id"])
    assert (failed["state"], failed["error"]) == ("failed", JOB_FAILED_MESSAGE)
    assert await store.find(JOB_QUEUE, QUEUE_TENANT) == []
    ends = [e for e in await outbox(store) if e.type == JOB_FINISHED]
    assert [payload_of(e, compliance_pb2.ScreeningJobFinished).job.error for e in ends] == [
        JOB_FAILED_MESSAGE
    ]


@pytest.mark.parametrize("client_ids", [[], [""], [f"c{i}" for i in range(10_001)]])
async def test_a_job_needs_1_to_10000_ids(
    repo: ComplianceRepository, client_ids: list[str]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await jobs.start_screening_job(repo=repo, caller=ADVISOR, client_ids=client_ids)
    assert refused.value.violations[0].field == "clientIds"


async def test_the_runner_takes_a_queued_job_when_woken(
    store: SqliteStore,
    handler: consumers.IdentityEventHandler,
    repo: ComplianceRepository,
    register: ScreeningRegister,
) -> None:
    client_id = await new_client(store, handler, "Hugo", "Martin")
    runner = screening_runner(repo, register, chunk=5, pause=0)
    task = asyncio.create_task(runner.run())
    try:
        job = await jobs.start_screening_job(repo=repo, caller=ADVISOR, client_ids=[client_id])
        runner.wake()
        await eventually(
            lambda: jobs.get_screening_job(repo=repo, caller=ADVISOR, job_id=job["id"]),
            lambda found: found["state"] == "succeeded",
            what="the screening job succeeded",
            timeout=5,
        )
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


# Tenants


async def test_another_tenant_sees_neither_the_job_nor_the_clients_compliance(
    store: SqliteStore,
    handler: consumers.IdentityEventHandler,
    repo: ComplianceRepository,
    register: ScreeningRegister,
) -> None:
    client_id = await new_client(store, handler, "Ivan", "Petrov", birth_date="1961-04-12")
    job = await jobs.start_screening_job(repo=repo, caller=ADVISOR, client_ids=[client_id])

    with pytest.raises(NotFound):
        await jobs.get_screening_job(repo=repo, caller=OTHER_ADVISOR, job_id=job["id"])
    seen = await compliance_of(repo, client_id, caller=OTHER_ADVISOR, history=5)
    assert seen.compliance["status"] == EMPTY
    assert seen.compliance["last_screening"] is None
    assert seen.history == []
    with pytest.raises(NotFound):
        await service.screen_client(
            repo=repo, register=register, caller=OTHER_ADVISOR, client_id=client_id
        )
    with pytest.raises(NotFound):
        await service.set_asset_freeze_status(
            repo=repo, caller=OTHER_ADVISOR, client_id=client_id, status=YES, reason="r"
        )
    assert (await compliance_of(repo, client_id)).compliance["status"] == TO_VERIFY
