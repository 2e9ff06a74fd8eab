"""The contracts domain: contracts and their participants, the batch read of the client files
with the markers computed for today, renewals and terminations (checked against the rules of
termination.py), and the agency's settings. Claims are in claims.py.

Plain keyword-only functions over the repository; no gRPC here. Every function takes the
caller and works inside the caller's tenant only, within what its role may see (access.py).
Each write validates everything first, then writes the change and its events in one
transaction. The writes also exist as ``*_in`` functions working inside a transaction the
caller holds (the demo data, written in the consumer's transaction, uses them).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Final, TypeVar, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from runtime import clock
from runtime.caller import Caller
from runtime.errors import Conflict, FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.paging import CursorKey, Page, decode_cursor, encode_cursor, page_size
from runtime.kit.updates import (
    apply_mask,
    changed_fields,
    check_version,
    created_stamps,
    touched_stamps,
)
from runtime.kit.validators import check_date, reject_invalid
from runtime.store import Transaction
from services.contracts import access, events, products
from services.contracts.complaint_clock import FRENCH_SUBDIVISIONS
from services.contracts.dates import add_years, parse
from services.contracts.models import (
    CLOSED,
    CONTRACT_INPUT_FIELDS,
    IN_FORCE,
    INSURED_REQUEST,
    MAX_RENEWAL_WINDOW_DAYS,
    TERMINATED,
    TERMINATION_REASONS,
    TERMINATION_RULES,
    Claim,
    Contract,
    ContractInput,
    Settings,
    Tally,
    TerminationRequest,
    tally_id,
)
from services.contracts.renewal import Markers, is_terminated, markers
from services.contracts.repository import ContractsRepository
from services.contracts.termination import Rights, refusal, termination_rights
from services.contracts.validation import check_contract

DEFAULT_PAGE: Final = 50
MAX_PAGE: Final = 200
# The clients of one batch read: a page of client files, and more.
MAX_CLIENTS: Final = 500
CONTRACTS_LISTING: Final = "contracts.contracts"
CLAIMS_LISTING: Final = "contracts.claims"

Row = TypeVar("Row")


# The agency's day


@dataclass(frozen=True, slots=True)
class AgencyDay:
    """Today where the agency is, and its renewal window: what the markers depend on."""

    today: date
    window_days: int
    # The French subdivision whose public holidays the complaint clock also skips ("": none).
    holiday_subdivision: str = ""


def agency_day(settings: Settings) -> AgencyDay:
    timezone = ZoneInfo(settings.get("timezone") or "Europe/Paris")
    return AgencyDay(
        clock.today(timezone),
        int(settings.get("renewal_window_days", 60)),
        settings.get("holiday_subdivision", ""),
    )


async def _day(repo: ContractsRepository, tenant_id: str) -> AgencyDay:
    return agency_day(await repo.get_settings(tenant_id))


# Reads


@dataclass(frozen=True, slots=True)
class ContractFilter:
    statuses: frozenset[str] = frozenset()
    branches: frozenset[str] = frozenset()
    renewal_states: frozenset[str] = frozenset()
    include_past_participations: bool = False


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    statuses: frozenset[str] = frozenset()
    open_only: bool = False


@dataclass(frozen=True, slots=True)
class PageAsk:
    """What a caller asks of one listing: its size (0: the default) and where to resume."""

    first: int = 0
    after: str = ""


@dataclass(frozen=True, slots=True)
class ContractView:
    """A contract as read today: its markers, the status as of today, open claims, rights."""

    contract: Contract
    markers: Markers
    open_claims: int
    rights: Rights | None = None
    # Tickets of the communication service filed on it and not closed.
    open_tickets: int = 0


@dataclass(frozen=True, slots=True)
class ClientContracts:
    client_id: str
    open_claims: int
    contracts: Page[ContractView] | None = None
    claims: Page[Claim] | None = None
    # Complaints neither answered nor closed (the agency's count; client_file.py counts a
    # partner's from what it sees).
    open_complaints: int = 0


@dataclass(frozen=True, slots=True)
class ContractsFile:
    """The answer of one batch read: each client's part, the day the markers are for, and
    the names of the clients taking part (from the copy of identity's clients)."""

    today: date
    clients: list[ClientContracts]
    names: dict[str, str] = field(default_factory=dict)
    holiday_subdivision: str = ""


def takes_part(contract: Contract, client_id: str, today: date, *, past: bool = False) -> bool:
    """Whether the client takes part in the contract today (at any time with ``past``)."""
    for participant in contract.get("participants", []):
        if participant.get("client_id") != client_id:
            continue
        if past:
            return True
        start, end = participant.get("valid_from", ""), participant.get("valid_to", "")
        if (not start or start <= today.isoformat()) and (not end or today.isoformat() <= end):
            return True
    return False


def _keys_contract(view: ContractView) -> tuple[str, str]:
    return (view.contract.get("due_date", ""), view.contract.get("id", ""))


def _keys_claim(claim: Claim) -> tuple[str, str]:
    return (claim.get("reported_date", ""), claim.get("id", ""))


def read_cursor(ask: PageAsk, *, listing: str, field: str) -> tuple[str, str] | None:
    if not ask.after:
        return None
    keys = decode_cursor(ask.after, listing=listing, arity=2, field=field)
    if not all(isinstance(k, str) for k in keys):
        raise InvalidInput(FieldViolation(field, "not a cursor returned by this listing"))
    return (str(keys[0]), str(keys[1]))


def page_of(
    rows: list[Row],
    *,
    keys: Callable[[Row], tuple[str, str]],
    newest_first: bool,
    first: int,
    after: tuple[str, str] | None,
    listing: str,
) -> Page[Row]:
    """One page of rows sorted by ``keys`` (descending with ``newest_first``), after the
    cursor's row; the total counts the whole listing."""
    ordered = sorted(rows, key=keys, reverse=newest_first)
    if after is not None:
        ordered = [r for r in ordered if (keys(r) < after if newest_first else keys(r) > after)]
    shown = ordered[:first]
    cursors = [encode_cursor(list[CursorKey](keys(r)), listing=listing) for r in shown]
    return Page(shown, cursors, has_next_page=len(ordered) > first, total_count=len(rows))


def _view(
    contract: Contract,
    day: AgencyDay,
    tallies: Mapping[str, Tally],
    *,
    rights_on: date | None,
) -> ContractView:
    tally = tallies.get(tally_id("contract", contract["id"]), {})
    return ContractView(
        contract,
        markers(contract, today=day.today, window_days=day.window_days),
        tally.get("open_claims", 0),
        termination_rights(contract, rights_on) if rights_on is not None else None,
        tally.get("open_tickets", 0),
    )


def _shown(view: ContractView, wanted: ContractFilter) -> bool:
    contract = view.contract
    return (
        (not wanted.statuses or view.markers.status in wanted.statuses)
        and (not wanted.branches or contract.get("branch", "") in wanted.branches)
        and (not wanted.renewal_states or view.markers.renewal_state in wanted.renewal_states)
    )


def _claim_shown(claim: Claim, wanted: ClaimFilter) -> bool:
    status = claim.get("status", "")
    return (not wanted.statuses or status in wanted.statuses) and not (
        wanted.open_only and status == CLOSED
    )


async def client_contracts(
    *,
    repo: ContractsRepository,
    caller: Caller,
    client_ids: Sequence[str],
    with_contracts: bool = True,
    contract_filter: ContractFilter = ContractFilter(),
    contract_page: PageAsk = PageAsk(),
    with_rights: bool = False,
    with_claims: bool = False,
    claim_filter: ClaimFilter = ClaimFilter(),
    claim_page: PageAsk = PageAsk(),
) -> ContractsFile:
    """The contracts section of every client of ``client_ids``, in one read: each client's
    contracts (those it takes part in, whoever holds them), claims and open-claims counter."""
    partner = access.partner_scope(caller)
    ids = list(dict.fromkeys(client_ids))
    violations: list[FieldViolation] = []
    if len(ids) > MAX_CLIENTS:
        violations.append(FieldViolation("clientIds", f"at most {MAX_CLIENTS}"))
    for ask, name in ((contract_page, "contracts"), (claim_page, "claims")):
        if ask.after and len(ids) != 1:
            violations.append(FieldViolation(f"{name}.after", "only when one client is read"))
    reject_invalid(violations)
    first_contracts = page_size(
        contract_page.first, default=DEFAULT_PAGE, maximum=MAX_PAGE, field="contracts.first"
    )
    first_claims = page_size(
        claim_page.first, default=DEFAULT_PAGE, maximum=MAX_PAGE, field="claims.first"
    )
    contracts_after = read_cursor(contract_page, listing=CONTRACTS_LISTING, field="contracts.after")
    claims_after = read_cursor(claim_page, listing=CLAIMS_LISTING, field="claims.after")
    tenant = caller.tenant_id
    day = await _day(repo, tenant)

    contracts = (
        await repo.contracts_of_clients(tenant, ids, partner_id=partner) if with_contracts else []
    )
    # A partner's counts obey its filter: they are counted from the claims it may see.
    claims = (
        await repo.claims_of_clients(tenant, ids, partner_id=partner)
        if with_claims or partner is not None
        else []
    )
    tallies = await repo.tallies(
        tenant,
        [
            *(tally_id("client", i) for i in ids),
            *(tally_id("contract", c["id"]) for c in contracts),
        ],
    )
    if partner is not None:
        tallies = _partner_tallies(claims, ids)
    views = [
        _view(c, day, tallies, rights_on=day.today if with_rights else None) for c in contracts
    ]
    named = {p.get("client_id", "") for c in contracts for p in c.get("participants", [])}
    named |= {p.get("client_id", "") for c in claims for p in c.get("participants", [])}
    answers: list[ClientContracts] = []
    for client_id in ids:
        contract_rows = [
            v
            for v in views
            if takes_part(
                v.contract,
                client_id,
                day.today,
                past=contract_filter.include_past_participations,
            )
            and _shown(v, contract_filter)
        ]
        claim_rows = [
            c
            for c in claims
            if client_id in c.get("client_ids", []) and _claim_shown(c, claim_filter)
        ]
        answers.append(
            ClientContracts(
                client_id,
                tallies.get(tally_id("client", client_id), {}).get("open_claims", 0),
                contracts=page_of(
                    contract_rows,
                    keys=_keys_contract,
                    newest_first=False,
                    first=first_contracts,
                    after=contracts_after,
                    listing=CONTRACTS_LISTING,
                )
                if with_contracts
                else None,
                claims=page_of(
                    claim_rows,
                    keys=_keys_claim,
                    newest_first=True,
                    first=first_claims,
                    after=claims_after,
                    listing=CLAIMS_LISTING,
                )
                if with_claims
                else None,
                open_complaints=tallies.get(tally_id("client", client_id), {}).get(
                    "open_complaints", 0
                ),
            )
        )
    names = await repo.client_names(tenant, sorted(n for n in named if n)) if named else {}
    return ContractsFile(day.today, answers, names, day.holiday_subdivision)


def _partner_tallies(claims: Sequence[Claim], client_ids: Sequence[str]) -> dict[str, Tally]:
    """Open claims per client file and per contract, among the claims a partner sees (tickets
    are no partner's business: none is counted)."""
    counted: dict[str, Tally] = {}
    for claim in claims:
        if claim.get("status") == CLOSED:
            continue
        for key in [
            *(tally_id("client", c) for c in claim.get("client_ids", []) if c in client_ids),
            tally_id("contract", claim.get("contract_id", "")),
        ]:
            tally = counted.setdefault(key, {"open_claims": 0})
            tally["open_claims"] = tally.get("open_claims", 0) + 1
    return counted


async def get_contract(
    *,
    repo: ContractsRepository,
    caller: Caller,
    contract_id: str,
    notice_received_on: str = "",
) -> tuple[ContractView, dict[str, str]]:
    """One contract as read today, with its termination rights for a notice received on
    ``notice_received_on`` (today when blank), and its participants' names."""
    partner = access.partner_scope(caller)
    reject_invalid(check_date(notice_received_on, "noticeReceivedOn"))
    contract = await repo.get_contract(caller.tenant_id, contract_id, partner_id=partner)
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    day = await _day(repo, caller.tenant_id)
    if partner is None:
        tallies = await repo.tallies(caller.tenant_id, [tally_id("contract", contract_id)])
    else:
        visible = await repo.claims_of_clients(
            caller.tenant_id, contract.get("party_client_ids", []), partner_id=partner
        )
        tallies = _partner_tallies([c for c in visible if c.get("contract_id") == contract_id], [])
    view = _view(contract, day, tallies, rights_on=parse(notice_received_on) or day.today)
    ids = [p.get("client_id", "") for p in contract.get("participants", [])]
    return view, await repo.client_names(caller.tenant_id, ids)


# Writes


def _derive(contract: Contract) -> Contract:
    contract["party_client_ids"] = list(
        dict.fromkeys(p.get("client_id", "") for p in contract.get("participants", []))
    )
    return contract


def _no_terminated_status(contract: ContractInput) -> list[FieldViolation]:
    if contract.get("status") == TERMINATED:
        return [
            FieldViolation("status", "TERMINATED is set by terminateContract or requestTermination")
        ]
    return []


async def create_contract(
    *, repo: ContractsRepository, caller: Caller, data: ContractInput
) -> Contract:
    access.require_writer(caller)
    contract = cast(Contract, copy.deepcopy(dict(data)))
    contract["status"] = contract.get("status") or IN_FORCE
    reject_invalid([*check_contract(contract), *_no_terminated_status(contract)])
    day = await _day(repo, caller.tenant_id)
    async with repo.transaction() as txn:
        await products.require_sellable(txn, repo, caller.tenant_id, contract, day.today)
        return await create_contract_in(txn, repo=repo, caller=caller, contract=contract)


async def create_contract_in(
    txn: Transaction, *, repo: ContractsRepository, caller: Caller, contract: Contract
) -> Contract:
    """A checked contract written in ``txn``, numbered, announced to every client in it."""
    contract["id"] = new_id()
    contract["reference"] = await repo.next_contract_reference(txn, caller.tenant_id)
    contract.setdefault("termination_date", "")
    contract.setdefault("termination_reason", "")
    contract.setdefault("last_renewed_on", "")
    contract.setdefault("last_renewal_notice_sent_on", "")
    contract.setdefault("termination_request", None)
    contract["audit"] = created_stamps(caller.user_id)
    stored = await repo.insert_contract(txn, caller.tenant_id, _derive(contract))
    await events.contract_changed(txn, events.CONTRACT_CREATED, caller, stored)
    return stored


async def update_contract(
    *,
    repo: ContractsRepository,
    caller: Caller,
    contract_id: str,
    version: int,
    changes: ContractInput,
    paths: Sequence[str],
) -> Contract:
    """The fields ``paths`` names take their values from ``changes`` (a list named is
    replaced whole); the contract is checked whole."""
    access.require_writer(caller)
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_contract_for_update(txn, caller.tenant_id, contract_id),
            version=version,
            what="contract",
            record_id=contract_id,
        )
        updated = apply_mask(current, changes, paths, CONTRACT_INPUT_FIELDS)
        violations = check_contract(updated)
        if updated.get("status") != current.get("status"):
            violations += _no_terminated_status(updated)
        reject_invalid(violations)
        changed = changed_fields(current, updated, CONTRACT_INPUT_FIELDS)
        if not changed:
            return current
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_contract(
            txn, caller.tenant_id, _derive(updated), expected_version=version
        )
        if "partner_ids" in changed:
            await _follow_partners(txn, repo, caller.tenant_id, stored)
        left = set(current.get("party_client_ids", [])) - set(stored["party_client_ids"])
        await events.contract_changed(
            txn, events.CONTRACT_UPDATED, caller, stored, changed, also=sorted(left)
        )
    return stored


async def _follow_partners(
    txn: Transaction, repo: ContractsRepository, tenant_id: str, contract: Contract
) -> None:
    """A contract's claims and complaints are seen by the contract's partners."""
    partners = list(contract.get("partner_ids", []))
    for claim in await repo.claims_of_contract(txn, tenant_id, contract["id"]):
        updated: Claim = {**claim, "partner_ids": partners}
        await repo.replace_claim(txn, tenant_id, updated, expected_version=claim["version"])
    for complaint in await repo.complaints_of_contract(txn, tenant_id, contract["id"]):
        await repo.replace_complaint(
            txn,
            tenant_id,
            {**complaint, "partner_ids": partners},
            expected_version=complaint["version"],
        )


def _ending(contract: Contract, today: date) -> InvalidInput | None:
    """Refuses a renewal or a termination of a contract already ending."""
    ends = contract.get("termination_date", "")
    if ends:
        verb = "ended" if is_terminated(contract, today) else "ends"
        return InvalidInput(FieldViolation("id", f"the contract already {verb} on {ends}"))
    if contract.get("status") == TERMINATED:
        return InvalidInput(FieldViolation("id", "the contract is terminated"))
    return None


async def renew_contract(
    *,
    repo: ContractsRepository,
    caller: Caller,
    contract_id: str,
    version: int,
    next_due_date: str = "",
) -> Contract:
    """The contract renewed at its due date: the due date moves on (one year by default) and
    the renewal notice sent for it is kept with the last renewal (Chatel looks at it)."""
    access.require_writer(caller)
    reject_invalid(check_date(next_due_date, "nextDueDate"))
    day = await _day(repo, caller.tenant_id)
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_contract_for_update(txn, caller.tenant_id, contract_id),
            version=version,
            what="contract",
            record_id=contract_id,
        )
        ending = _ending(current, day.today)
        if ending is not None:
            raise ending
        due = date.fromisoformat(current["due_date"])
        following = parse(next_due_date) or add_years(due, 1)
        if following <= due:
            raise InvalidInput(
                FieldViolation("nextDueDate", f"must be after the current due date, {due}")
            )
        updated: Contract = {
            **copy.deepcopy(current),
            "due_date": following.isoformat(),
            "last_renewed_on": due.isoformat(),
            "last_renewal_notice_sent_on": current.get("renewal_notice_sent_on", ""),
            "renewal_notice_sent_on": "",
        }
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_contract(
            txn, caller.tenant_id, updated, expected_version=version
        )
        await events.contract_changed(
            txn,
            events.CONTRACT_RENEWED,
            caller,
            stored,
            [
                "due_date",
                "last_renewed_on",
                "last_renewal_notice_sent_on",
                "renewal_notice_sent_on",
            ],
        )
    return stored


_TERMINATION_FIELDS = ("termination_date", "termination_reason", "termination_request", "status")


async def terminate_contract(
    *,
    repo: ContractsRepository,
    caller: Caller,
    contract_id: str,
    version: int,
    termination_date: str,
    reason: str,
) -> Contract:
    """A termination for a reason other than the client's request (the insurer's decision, an
    unpaid premium, a death, a sale...), on the day given."""
    access.require_writer(caller)
    violations = check_date(termination_date, "terminationDate")
    if not termination_date:
        violations.append(FieldViolation("terminationDate", "required"))
    if not reason:
        violations.append(FieldViolation("reason", "required"))
    elif reason == INSURED_REQUEST:
        violations.append(
            FieldViolation(
                "reason",
                "the client's request goes through requestTermination, which checks the "
                "termination rules",
            )
        )
    else:
        violations += TERMINATION_REASONS.check(reason, "reason")
    reject_invalid(violations)
    day = await _day(repo, caller.tenant_id)
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_contract_for_update(txn, caller.tenant_id, contract_id),
            version=version,
            what="contract",
            record_id=contract_id,
        )
        ending = _ending(current, day.today)
        if ending is not None:
            raise ending
        if termination_date < current["effective_date"]:
            raise InvalidInput(
                FieldViolation(
                    "terminationDate",
                    f"must not be before the contract took effect, {current['effective_date']}",
                )
            )
        return await _record_termination(
            txn, repo, caller, current, end=date.fromisoformat(termination_date), reason=reason
        )


async def request_termination(
    *,
    repo: ContractsRepository,
    caller: Caller,
    contract_id: str,
    version: int,
    received_on: str = "",
    rule: str = "",
    end_date: str = "",
) -> Contract:
    """The client's termination request, recorded if a rule allows it: ``rule`` (the one
    ending the contract soonest when blank), for a notice received on ``received_on`` (today
    when blank), ending on ``end_date`` (the earliest the rule allows when blank). Refused
    otherwise, naming the rule and the day from which it would allow it."""
    access.require_writer(caller)
    violations = [
        *check_date(received_on, "receivedOn", past=True),
        *check_date(end_date, "endDate"),
        *TERMINATION_RULES.check(rule, "rule"),
    ]
    reject_invalid(violations)
    day = await _day(repo, caller.tenant_id)
    received = parse(received_on) or day.today
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_contract_for_update(txn, caller.tenant_id, contract_id),
            version=version,
            what="contract",
            record_id=contract_id,
        )
        ending = _ending(current, day.today)
        if ending is not None:
            raise ending
        rights = termination_rights(current, received)
        if rule:
            right = rights.of(rule)
            if not right.available:
                raise InvalidInput(FieldViolation("rule", refusal(right, received)))
        else:
            best = rights.best
            if best is None:
                raise InvalidInput(
                    [FieldViolation("rule", refusal(r, received)) for r in rights.rules]
                )
            right = best
        assert right.earliest_end is not None
        end = parse(end_date) or right.earliest_end
        if end < right.earliest_end:
            raise InvalidInput(
                FieldViolation(
                    "endDate",
                    f"{right.name}: a notice received on {received} ends the contract on "
                    f"{right.earliest_end} at the earliest ({right.explanation})",
                )
            )
        return await _record_termination(
            txn,
            repo,
            caller,
            current,
            end=end,
            reason=INSURED_REQUEST,
            request={
                "received_on": received.isoformat(),
                "rule": right.rule,
                "end_date": end.isoformat(),
                "recorded_by": caller.user_id,
                "recorded_at": clock.now_iso(),
            },
            today=day.today,
        )


async def _record_termination(
    txn: Transaction,
    repo: ContractsRepository,
    caller: Caller,
    current: Contract,
    *,
    end: date,
    reason: str,
    request: TerminationRequest | None = None,
    today: date | None = None,
) -> Contract:
    today = today or (await _day(repo, caller.tenant_id)).today
    updated: Contract = {
        **copy.deepcopy(current),
        "termination_date": end.isoformat(),
        "termination_reason": reason,
        "termination_request": request,
    }
    if end <= today:
        updated["status"] = TERMINATED
    updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
    stored = await repo.replace_contract(
        txn, caller.tenant_id, updated, expected_version=current["version"]
    )
    changed = [f for f in _TERMINATION_FIELDS if stored.get(f) != current.get(f)]
    await events.contract_changed(txn, events.CONTRACT_TERMINATED, caller, stored, changed)
    return stored


# Settings


async def get_settings(*, repo: ContractsRepository, caller: Caller) -> Settings:
    access.partner_scope(caller)
    return await repo.get_settings(caller.tenant_id)


def check_settings(settings: Settings) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    window = settings.get("renewal_window_days", 0)
    if not 1 <= window <= MAX_RENEWAL_WINDOW_DAYS:
        out.append(
            FieldViolation(
                "renewalWindowDays", f"must be between 1 and {MAX_RENEWAL_WINDOW_DAYS} days"
            )
        )
    timezone = settings.get("timezone", "")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        out.append(FieldViolation("timezone", "must be an IANA timezone, such as Europe/Paris"))
    subdivision = settings.get("holiday_subdivision", "")
    if subdivision and subdivision not in FRENCH_SUBDIVISIONS:
        out.append(
            FieldViolation(
                "holidaySubdivision",
                f"empty, or one of the French subdivisions {', '.join(FRENCH_SUBDIVISIONS)}",
            )
        )
    return out


async def update_settings(
    *,
    repo: ContractsRepository,
    caller: Caller,
    version: int,
    changes: Settings,
    paths: Collection[str],
) -> Settings:
    """The settings ``paths`` names (every one when empty) take their values from
    ``changes``; ``version`` is the one read (0 while the agency has the defaults)."""
    access.require_settings_writer(caller)
    async with repo.transaction() as txn:
        current = await repo.get_settings_for_update(txn, caller.tenant_id)
        if current.get("version", 0) != version:
            raise Conflict(
                f"version: {version} is stale, the current version is {current.get('version', 0)}"
            )
        updated: Settings = copy.deepcopy(current)
        if not paths or "renewal_window_days" in paths:
            updated["renewal_window_days"] = changes.get("renewal_window_days", 0)
        if not paths or "timezone" in paths:
            updated["timezone"] = changes.get("timezone", "")
        if not paths or "holiday_subdivision" in paths:
            updated["holiday_subdivision"] = changes.get("holiday_subdivision", "")
        reject_invalid(check_settings(updated))
        return await repo.put_settings(txn, caller.tenant_id, updated)
