"""The compliance domain: screen clients and contacts against the asset-freeze register, keep
each client's status and history, record a person's decisions, and load the register.

Plain keyword-only functions over the repository; no gRPC here. Every function works inside
one tenant (the caller's or the event's) and writes a change, its history and its event in one
transaction.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime

from runtime.caller import OPERATOR, Caller
from runtime.clock import now_iso
from runtime.errors import (
    FieldViolation,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
)
from runtime.ids import new_id
from runtime.store import Transaction
from services.compliance import events
from services.compliance.matching import DEFAULT_THRESHOLD, RegisterIndex, normalize_name
from services.compliance.models import (
    CLIENT_SUBJECT,
    CONTACT_SUBJECT,
    CURRENT_REGISTER,
    MAX_HISTORY,
    TRIGGER_MANUAL,
    Compliance,
    Decision,
    RegisterMeta,
    Screening,
    Subject,
)
from services.compliance.register import (
    FreezeRegister,
    RegisterFetchError,
    RegisterFormatError,
    entry_from_dict,
    entry_to_dict,
    parse_register,
)
from services.compliance.repository import ComplianceRepository
from services.compliance.sample_register import SAMPLE_REGISTER_PATH
from services.compliance.sources import SOURCE_RULE, RegisterSources, SourceRefused
from services.compliance.status import DECIDABLE, EMPTY, after_check, is_decidable

log = logging.getLogger(__name__)

# Every refused source gets this one answer, whatever the reason: a path that exists or not, an
# internal address, a URL off the allow-list. It must not tell what exists on the server.
REFUSED_SOURCE = FieldViolation("source", SOURCE_RULE)
# What a check compares: a change to anything else of a client never calls for a new check.
SCREENED_FIELDS = ("full_name", "kind", "birth_date")


class ScreeningRegister:
    """The register version in force, held in memory for screening, with its stored meta, and
    the sources it may be reloaded from.

    Owned by the process wiring and passed to the domain functions. Index and meta are swapped
    as one pair, so a check always names the register date of the index that screened it.
    """

    def __init__(
        self,
        *,
        threshold: float = DEFAULT_THRESHOLD,
        default_source: str = "",
        allowed_urls: tuple[str, ...] = (),
    ) -> None:
        self.threshold = threshold
        self.sources = RegisterSources(
            configured=default_source or str(SAMPLE_REGISTER_PATH), allowed=allowed_urls
        )
        self._current: tuple[RegisterIndex, RegisterMeta] | None = None
        # Reloads one at a time, so the index in memory is the one committed last.
        self.reload_lock = asyncio.Lock()

    @property
    def index(self) -> RegisterIndex | None:
        return None if self._current is None else self._current[0]

    @property
    def info(self) -> RegisterMeta | None:
        return None if self._current is None else self._current[1]

    def swap(self, index: RegisterIndex, info: RegisterMeta) -> None:
        self._current = (index, info)

    def require(self) -> tuple[RegisterIndex, RegisterMeta]:
        if self._current is None:
            raise ServiceUnavailable(
                "the asset-freeze register is not loaded", service="compliance"
            )
        return self._current


# Screening


def screenable(subject: Subject) -> bool:
    """Whether the subject has a name to screen (a blank name must not pass as clean)."""
    return bool(normalize_name(subject.get("full_name", "")))


def screened_fields_changed(previous: Subject | None, current: Subject) -> bool:
    return previous is None or any(previous.get(f) != current.get(f) for f in SCREENED_FIELDS)


def _birth_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def new_compliance(client_id: str) -> Compliance:
    return {"id": client_id, "status": EMPTY, "last_screening": None, "decisions": []}


async def screen_subject(
    txn: Transaction,
    *,
    repo: ComplianceRepository,
    register: ScreeningRegister,
    tenant_id: str,
    subject: Subject,
    trigger: str,
    actor_id: str,
    job_id: str = "",
    requested_by: str = "",
) -> Screening:
    """Check one client or contact in ``txn``: the screening, the client's new status and the
    screening.completed event are written together."""
    index, info = register.require()
    if not screenable(subject):
        raise InvalidInput(FieldViolation("clientId", "the client has no name to screen"))
    candidates = index.screen(
        subject["full_name"],
        birth_date=_birth_date(subject.get("birth_date", "")),
        kind=subject["kind"],
        threshold=register.threshold,
    )
    client_id = subject["client_id"]
    contact = subject["subject"] == CONTACT_SUBJECT
    compliance = await repo.get_compliance_for_update(txn, tenant_id, client_id)
    compliance = compliance or new_compliance(client_id)
    before = compliance["status"]
    screening: Screening = {
        "id": new_id(),
        "client_id": client_id,
        "contact_id": subject["id"] if contact else "",
        "subject_name": subject["full_name"],
        "at": now_iso(),
        "register_date": info["published_at"],
        "matches": [
            {
                "entry_id": c.entry_id,
                "name": c.name,
                "matched_name": c.matched_name,
                "score": c.score,
                "url": c.url,
            }
            for c in candidates
        ],
        "status_before": before,
        "status_after": after_check(before, matched=bool(candidates), contact=contact),
        "trigger": trigger,
        "job_id": job_id,
        "requested_by": requested_by,
    }
    await repo.insert_screening(txn, tenant_id, screening)
    await repo.put_compliance(
        txn,
        tenant_id,
        {**compliance, "status": screening["status_after"], "last_screening": screening},
    )
    await events.screening_completed(
        txn, tenant_id=tenant_id, actor_id=actor_id, screening=screening
    )
    return screening


async def _client_subject(
    txn: Transaction, repo: ComplianceRepository, tenant_id: str, client_id: str
) -> Subject:
    subject = await repo.subjects.get(txn, tenant_id, client_id) if client_id else None
    if subject is None or subject.get("subject") != CLIENT_SUBJECT:
        raise NotFound(f"client {client_id} not found")
    return subject


async def screen_client(
    *, repo: ComplianceRepository, register: ScreeningRegister, caller: Caller, client_id: str
) -> Screening:
    """A check asked for by a person, now."""
    async with repo.transaction() as txn:
        subject = await _client_subject(txn, repo, caller.tenant_id, client_id)
        return await screen_subject(
            txn,
            repo=repo,
            register=register,
            tenant_id=caller.tenant_id,
            subject=subject,
            trigger=TRIGGER_MANUAL,
            actor_id=caller.user_id,
            requested_by=caller.user_id,
        )


# A person's decision


async def set_asset_freeze_status(
    *, repo: ComplianceRepository, caller: Caller, client_id: str, status: str, reason: str
) -> Compliance:
    violations: list[FieldViolation] = []
    if not is_decidable(status):
        allowed = ", ".join(s.upper() for s in DECIDABLE)
        violations.append(FieldViolation("status", f"must be one of {allowed}"))
    if not reason.strip():
        violations.append(FieldViolation("reason", "required"))
    if violations:
        raise InvalidInput(violations)
    async with repo.transaction() as txn:
        await _client_subject(txn, repo, caller.tenant_id, client_id)
        compliance = await repo.get_compliance_for_update(txn, caller.tenant_id, client_id)
        compliance = compliance or new_compliance(client_id)
        previous = compliance["status"]
        decision: Decision = {
            "status": status,
            "reason": reason.strip(),
            "decided_by": caller.user_id,
            "decided_at": now_iso(),
        }
        stored = await repo.put_compliance(
            txn,
            caller.tenant_id,
            {**compliance, "status": status, "decisions": [decision, *compliance["decisions"]]},
        )
        await events.status_changed(
            txn,
            tenant_id=caller.tenant_id,
            actor_id=caller.user_id,
            client_id=client_id,
            decision=decision,
            previous=previous,
        )
    return stored


# Reads


@dataclass(frozen=True, slots=True)
class ClientCompliance:
    """A client's compliance document (``id`` = client id) and its latest screenings."""

    compliance: Compliance
    history: list[Screening]


async def get_compliance(
    *, repo: ComplianceRepository, caller: Caller, client_ids: list[str], history_limit: int = 0
) -> list[ClientCompliance]:
    """One answer per distinct id asked, in that order, with at most ``history_limit``
    screenings each (newest first, MAX_HISTORY at most); a client never checked nor decided
    (or unknown here) is EMPTY with no screening."""
    if history_limit < 0:
        raise InvalidInput(FieldViolation("historyLimit", "must be 0 or more"))
    # Capped rather than refused: a long history on screen must not fail the client file.
    history_limit = min(history_limit, MAX_HISTORY)
    ids = list(dict.fromkeys(i for i in client_ids if i))
    if not ids:
        return []
    found = {c["id"]: c for c in await repo.get_compliances(caller.tenant_id, ids)}
    history: dict[str, list[Screening]] = {}
    if history_limit:
        for screening in await repo.find_screenings(caller.tenant_id, ids):
            kept = history.setdefault(screening["client_id"], [])
            if len(kept) < history_limit:
                kept.append(screening)
    return [ClientCompliance(found.get(i) or new_compliance(i), history.get(i, [])) for i in ids]


# The register


def register_info(*, register: ScreeningRegister) -> RegisterMeta:
    info = register.info
    if info is None:
        raise NotFound("no asset-freeze register is loaded")
    return info


async def load_register(
    *, repo: ComplianceRepository, register: ScreeningRegister, source: str
) -> RegisterMeta:
    """Fetch, parse and index a publication from ``source`` (the configured source or an
    admitted URL), then store it as the new version and put it in force. Nothing is written
    unless the whole file is valid; the previous version stays in force (stored and in memory)
    when anything fails."""
    try:
        fetched = await register.sources.fetch(source)
        # Parsing and indexing thousands of entries is CPU work: off the event loop.
        parsed = await asyncio.to_thread(parse_register, fetched.content)
    except SourceRefused:
        raise InvalidInput(REFUSED_SOURCE) from None
    except RegisterFetchError as error:
        raise InvalidInput(FieldViolation("source", f"could not be fetched: {error}")) from None
    except RegisterFormatError as error:
        raise InvalidInput(FieldViolation("source", str(error))) from None
    if not parsed.entries:
        # A truncated download can be well-formed; an empty register would clear everyone.
        raise InvalidInput(
            FieldViolation("source", "Publications.PublicationDetail: no entry at all")
        )
    index = await asyncio.to_thread(RegisterIndex, parsed)
    register_version = new_id()
    meta: RegisterMeta = {
        "id": CURRENT_REGISTER,
        "register_version": register_version,
        "published_at": parsed.published_at.isoformat(),
        "loaded_at": now_iso(),
        "source": source,
        "public_source": fetched.public_url,
        "entry_count": len(parsed.entries),
    }
    entries = [
        {
            "id": f"{register_version}:{entry.entry_id}",
            "register_version": register_version,
            **entry_to_dict(entry),
        }
        for entry in parsed.entries
    ]
    async with register.reload_lock:
        async with repo.transaction() as txn:
            stored = await repo.replace_register(txn, meta, entries)
        register.swap(index, stored)
    log.info(
        "asset-freeze register loaded",
        extra={"source": source, "entries": len(entries), "published_at": meta["published_at"]},
    )
    return stored


async def reload_register(
    *, repo: ComplianceRepository, register: ScreeningRegister, caller: Caller, source: str
) -> RegisterMeta:
    """A platform operator's reload, from the configured source when ``source`` is blank, else
    from ``source`` if it is an allow-listed URL. The register is shared by every tenant, so a
    tenant's admin may not replace it."""
    if caller.role != OPERATOR:
        raise PermissionDenied("only a platform operator may reload the asset-freeze register")
    try:
        chosen = register.sources.choose(source)
    except SourceRefused:
        raise InvalidInput(REFUSED_SOURCE) from None
    return await load_register(repo=repo, register=register, source=chosen)


async def start_register(*, repo: ComplianceRepository, register: ScreeningRegister) -> None:
    """At start-up: put the stored version in force, or load the configured source when none
    is stored yet. A source that fails leaves the service up without a register: checks then
    answer UNAVAILABLE (and identity events wait) until an operator reloads one."""
    meta = await repo.get_register_meta()
    if meta is None:
        try:
            await load_register(repo=repo, register=register, source=register.sources.configured)
        except InvalidInput as error:
            log.error("asset-freeze register not loaded", extra={"error": error.message})
        return
    await _put_stored_register_in_force(repo=repo, register=register, meta=meta)


async def follow_register(
    *, repo: ComplianceRepository, register: ScreeningRegister, every: float
) -> None:
    """Keep the register in memory equal to the stored one: another process of the service
    (a replica) may have loaded a new version."""
    while True:
        await asyncio.sleep(every)
        try:
            meta = await repo.get_register_meta()
            current = register.info
            if meta is not None and (
                current is None or meta["register_version"] != current["register_version"]
            ):
                async with register.reload_lock:
                    await _put_stored_register_in_force(repo=repo, register=register, meta=meta)
                log.info("asset-freeze register followed", extra={"source": meta["source"]})
        except Exception:
            log.exception("could not follow the stored asset-freeze register")


async def _put_stored_register_in_force(
    *, repo: ComplianceRepository, register: ScreeningRegister, meta: RegisterMeta
) -> None:
    documents = await repo.register_entries(meta["register_version"])
    if len(documents) != meta["entry_count"]:
        log.warning(
            "stored register is incomplete",
            extra={"expected": meta["entry_count"], "found": len(documents)},
        )
    stored = FreezeRegister(
        published_at=datetime.fromisoformat(meta["published_at"]),
        entries=tuple(entry_from_dict(d) for d in documents),
    )
    register.swap(await asyncio.to_thread(RegisterIndex, stored), meta)
