"""Complaints (seed 000) and their ACPR 2022-R-01 clock: recorded on a client's file (about one
of its contracts or claims, or none), moved received → acknowledged → answered → closed (an
answer stands for the acknowledgement), the deadlines computed at read time by
complaint_clock.py. Each file keeps a count of its complaints neither answered nor closed,
moved in the transaction that records, answers or closes one. Managers list them across
clients, the overdue ones first of all.

Plain keyword-only functions over the repository, as service.py.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Final, cast

from runtime.caller import Caller
from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.paging import Page, page_size
from runtime.kit.updates import check_version, created_stamps, touched_stamps
from runtime.kit.validators import check_date, reject_invalid
from runtime.store import Transaction
from services.contracts import access, events
from services.contracts.complaint_clock import Clock, clock
from services.contracts.models import (
    ACKNOWLEDGED,
    ANSWERED,
    CLOSED,
    COMPLAINT_OUTCOMES,
    RECEIVED,
    REJECTED,
    Complaint,
    ComplaintInput,
)
from services.contracts.repository import ContractsRepository
from services.contracts.service import (
    DEFAULT_PAGE,
    MAX_PAGE,
    PageAsk,
    agency_day,
    page_of,
    read_cursor,
)
from services.contracts.validation import MAX_DESCRIPTION, MAX_TEXT, check_complaint

OPEN_STATUSES: Final = frozenset({RECEIVED, ACKNOWLEDGED})
# The status path: where each status may lead (closing an unanswered complaint: withdrawn).
NEXT_STATUSES: Final[dict[str, frozenset[str]]] = {
    RECEIVED: frozenset({ACKNOWLEDGED, ANSWERED, CLOSED}),
    ACKNOWLEDGED: frozenset({ANSWERED, CLOSED}),
    ANSWERED: frozenset({CLOSED}),
    CLOSED: frozenset(),
}
COMPLAINTS_LISTING: Final = "contracts.complaints"
AGENCY_COMPLAINTS_LISTING: Final = "contracts.agency-complaints"


def is_open(complaint: Complaint) -> bool:
    """Counted on the file: neither answered nor closed."""
    return complaint.get("status", "") in OPEN_STATUSES


def clock_of(complaint: Complaint, today: date, subdivision: str = "") -> Clock:
    return clock(
        received_on=complaint.get("received_on", ""),
        sent_on=complaint.get("sent_on", ""),
        acknowledged_on=complaint.get("acknowledged_on", ""),
        answered_on=complaint.get("answered_on", ""),
        closed_on=complaint.get("closed_on", ""),
        today=today,
        subdivision=subdivision,
    )


@dataclass(frozen=True, slots=True)
class ComplaintView:
    complaint: Complaint
    clock: Clock


@dataclass(frozen=True, slots=True)
class ComplaintFilter:
    statuses: frozenset[str] = frozenset()
    overdue_only: bool = False
    open_only: bool = False


def shown(view: ComplaintView, wanted: ComplaintFilter) -> bool:
    status = view.complaint.get("status", "")
    return (
        (not wanted.statuses or status in wanted.statuses)
        and not (wanted.overdue_only and not view.clock.overdue)
        and not (wanted.open_only and status not in OPEN_STATUSES)
    )


def _keys(view: ComplaintView) -> tuple[str, str]:
    return (view.clock.counted_from.isoformat(), view.complaint.get("id", ""))


def complaints_page(
    views: list[ComplaintView], *, first: int, after: tuple[str, str] | None, listing: str
) -> Page[ComplaintView]:
    """Newest first on a file; the agency's listing reads oldest first (see list_complaints)."""
    return page_of(
        views,
        keys=_keys,
        newest_first=listing == COMPLAINTS_LISTING,
        first=first,
        after=after,
        listing=listing,
    )


async def get_complaint(
    *, repo: ContractsRepository, caller: Caller, complaint_id: str
) -> tuple[ComplaintView, dict[str, str]]:
    partner = access.partner_scope(caller)
    complaint = await repo.get_complaint(caller.tenant_id, complaint_id, partner_id=partner)
    if complaint is None:
        raise NotFound(f"complaint {complaint_id} not found")
    day = agency_day(await repo.get_settings(caller.tenant_id))
    names = await repo.client_names(caller.tenant_id, [complaint.get("client_id", "")])
    return ComplaintView(complaint, clock_of(complaint, day.today, day.holiday_subdivision)), names


async def list_complaints(
    *,
    repo: ContractsRepository,
    caller: Caller,
    wanted: ComplaintFilter,
    page: PageAsk,
) -> tuple[Page[ComplaintView], dict[str, str]]:
    """Managers and admins: the agency's complaints across clients, oldest first (the most
    urgent deadlines first), with the names of their clients."""
    access.require_complaint_lister(caller)
    first = page_size_of(page)
    after = read_cursor(page, listing=AGENCY_COMPLAINTS_LISTING, field="page.after")
    day = agency_day(await repo.get_settings(caller.tenant_id))
    found: list[Complaint] = []
    if wanted.overdue_only or wanted.open_only:
        # Only an open complaint can be overdue: the index on status narrows the read.
        statuses = sorted((wanted.statuses or OPEN_STATUSES) & OPEN_STATUSES)
        if statuses:
            found = await repo.complaints_with_status(caller.tenant_id, statuses)
    else:
        found = await repo.complaints_with_status(caller.tenant_id, sorted(wanted.statuses))
    views = [ComplaintView(c, clock_of(c, day.today, day.holiday_subdivision)) for c in found]
    rows = page_of(
        [v for v in views if shown(v, wanted)],
        keys=_keys,
        newest_first=False,
        first=first,
        after=after,
        listing=AGENCY_COMPLAINTS_LISTING,
    )
    ids = sorted({v.complaint.get("client_id", "") for v in rows.rows})
    return rows, await repo.client_names(caller.tenant_id, ids)


def page_size_of(page: PageAsk) -> int:
    return page_size(page.first, default=DEFAULT_PAGE, maximum=MAX_PAGE, field="page.first")


async def record_complaint(
    *, repo: ContractsRepository, caller: Caller, data: ComplaintInput
) -> Complaint:
    """A new complaint, RECEIVED, on the client's file; about one of the agency's contracts or
    claims when given (a claim given alone brings its contract)."""
    access.require_writer(caller)
    complaint = cast(Complaint, copy.deepcopy(dict(data)))
    day = agency_day(await repo.get_settings(caller.tenant_id))
    if not complaint.get("received_on"):
        complaint["received_on"] = day.today.isoformat()
    reject_invalid(check_complaint(complaint))
    async with repo.transaction() as txn:
        return await record_complaint_in(txn, repo=repo, caller=caller, complaint=complaint)


async def record_complaint_in(
    txn: Transaction, *, repo: ContractsRepository, caller: Caller, complaint: Complaint
) -> Complaint:
    tenant = caller.tenant_id
    violations: list[FieldViolation] = []
    partners: list[str] = []
    claim_id = complaint.get("claim_id", "")
    if claim_id:
        claim = await repo.get_claim_in(txn, tenant, claim_id)
        if claim is None:
            violations.append(FieldViolation("claimId", "no such claim"))
        elif not complaint.get("contract_id"):
            complaint["contract_id"] = claim["contract_id"]
        elif claim["contract_id"] != complaint["contract_id"]:
            violations.append(FieldViolation("claimId", "not a claim on contractId"))
    contract_id = complaint.get("contract_id", "")
    if contract_id:
        contract = await repo.get_contract_for_update(txn, tenant, contract_id)
        if contract is None:
            violations.append(FieldViolation("contractId", "no such contract"))
        else:
            partners = list(contract.get("partner_ids", []))
    reject_invalid(violations)
    complaint["id"] = new_id()
    complaint["reference"] = await repo.next_complaint_reference(txn, tenant)
    complaint["status"] = RECEIVED
    for name in ("sent_on", "contract_id", "claim_id", "description"):
        complaint.setdefault(name, "")  # type: ignore[misc]
    for name in ("acknowledged_on", "answered_on", "closed_on", "outcome", "mediator"):
        complaint[name] = ""  # type: ignore[literal-required]
    complaint["answer_summary"] = ""
    complaint["partner_ids"] = partners
    complaint["audit"] = created_stamps(caller.user_id)
    stored = await repo.insert_complaint(txn, tenant, complaint)
    await repo.adjust_open_complaints(txn, tenant, stored["client_id"], +1)
    await events.complaint_changed(txn, events.COMPLAINT_RECEIVED, caller, stored)
    return stored


def _step(current: Complaint, status: str) -> None:
    previous = current.get("status", "")
    allowed = NEXT_STATUSES.get(previous, frozenset())
    if status not in allowed:
        names = ", ".join(sorted(s.upper() for s in allowed)) or "nothing"
        raise InvalidInput(
            FieldViolation(
                "id", f"a {previous.upper()} complaint moves to {names}, not {status.upper()}"
            )
        )


def _on(
    value: str, field: str, today: date, current: Complaint
) -> tuple[str, list[FieldViolation]]:
    """A step's day: today when blank; not in the future, not before the steps before it."""
    violations = check_date(value, field, past=True)
    day = value or today.isoformat()
    if not violations:
        if day > today.isoformat():
            violations.append(FieldViolation(field, "must not be in the future"))
        else:
            steps = {
                "receivedOn": current.get("received_on", ""),
                "acknowledgedOn": current.get("acknowledged_on", ""),
                "answeredOn": current.get("answered_on", ""),
            }
            latest = max(((d, label) for label, d in steps.items() if d), default=("", ""))
            if day < latest[0]:
                violations.append(
                    FieldViolation(field, f"must not be before {latest[1]}, {latest[0]}")
                )
    return day, violations


async def _move(
    *,
    repo: ContractsRepository,
    caller: Caller,
    complaint_id: str,
    version: int,
    status: str,
    field: str,
    on: str,
    extra: Complaint | None = None,
    violations: list[FieldViolation] | None = None,
) -> Complaint:
    access.require_writer(caller)
    reject_invalid(violations or [])
    day = agency_day(await repo.get_settings(caller.tenant_id))
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_complaint_for_update(txn, caller.tenant_id, complaint_id),
            version=version,
            what="complaint",
            record_id=complaint_id,
        )
        return await move_complaint_in(
            txn,
            repo=repo,
            caller=caller,
            complaint=current,
            status=status,
            field=field,
            on=on,
            today=day.today,
            extra=extra,
        )


async def move_complaint_in(
    txn: Transaction,
    *,
    repo: ContractsRepository,
    caller: Caller,
    complaint: Complaint,
    status: str,
    field: str,
    on: str,
    today: date,
    extra: Complaint | None = None,
) -> Complaint:
    """One step of ``complaint``'s path in ``txn``, on day ``on`` (today when blank); leaving
    the open statuses takes it off its file's count."""
    _step(complaint, status)
    when, bad = _on(on, field, today, complaint)
    reject_invalid(bad)
    date_field = f"{status}_on"
    updated: Complaint = {**copy.deepcopy(complaint), **(extra or {}), "status": status}
    updated[date_field] = when  # type: ignore[literal-required]
    updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
    stored = await repo.replace_complaint(
        txn, caller.tenant_id, updated, expected_version=complaint["version"]
    )
    if is_open(complaint) and not is_open(stored):
        await repo.adjust_open_complaints(txn, caller.tenant_id, stored["client_id"], -1)
    event: events.ComplaintEvent = events.COMPLAINT_CLOSED
    if status == ACKNOWLEDGED:
        event = events.COMPLAINT_ACKNOWLEDGED
    elif status == ANSWERED:
        event = events.COMPLAINT_ANSWERED
    changed = ["status", date_field, *sorted((extra or {}).keys())]
    await events.complaint_changed(txn, event, caller, stored, changed)
    return stored


async def acknowledge_complaint(
    *, repo: ContractsRepository, caller: Caller, complaint_id: str, version: int, on: str = ""
) -> Complaint:
    return await _move(
        repo=repo,
        caller=caller,
        complaint_id=complaint_id,
        version=version,
        status=ACKNOWLEDGED,
        field="acknowledgedOn",
        on=on,
    )


async def answer_complaint(
    *,
    repo: ContractsRepository,
    caller: Caller,
    complaint_id: str,
    version: int,
    outcome: str,
    mediator: str = "",
    summary: str = "",
    on: str = "",
) -> Complaint:
    """The answer, with its outcome; a rejection names the mediator the client may turn to
    (ACPR 2022-R-01)."""
    violations = COMPLAINT_OUTCOMES.check(outcome, "outcome")
    if not outcome:
        violations.append(FieldViolation("outcome", "required"))
    if outcome == REJECTED and not mediator.strip():
        violations.append(FieldViolation("mediator", "required when the outcome is REJECTED"))
    if len(mediator) > MAX_TEXT:
        violations.append(FieldViolation("mediator", f"at most {MAX_TEXT} characters"))
    if len(summary) > MAX_DESCRIPTION:
        violations.append(FieldViolation("answerSummary", f"at most {MAX_DESCRIPTION} characters"))
    return await _move(
        repo=repo,
        caller=caller,
        complaint_id=complaint_id,
        version=version,
        status=ANSWERED,
        field="answeredOn",
        on=on,
        extra={"outcome": outcome, "mediator": mediator.strip(), "answer_summary": summary.strip()},
        violations=violations,
    )


async def close_complaint(
    *, repo: ContractsRepository, caller: Caller, complaint_id: str, version: int, on: str = ""
) -> Complaint:
    return await _move(
        repo=repo,
        caller=caller,
        complaint_id=complaint_id,
        version=version,
        status=CLOSED,
        field="closedOn",
        on=on,
    )
