"""Quotes (seeds 000 and 001): drafted, sent, then accepted or refused by the client; a quote not
answered by its validity end reads EXPIRED (computed when it is read, in the agency's
timezone, never stored, so that no job has to run for it). Accepting a quote creates its
contract, QUOTE_ACCEPTED with the quote's participants, in the same transaction: the quote's
event and the contract's commit together.

Plain keyword-only functions over the repository, as service.py.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final, cast

from runtime.caller import Caller
from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.paging import Page
from runtime.kit.updates import (
    apply_mask,
    changed_fields,
    check_version,
    created_stamps,
    touched_stamps,
)
from runtime.kit.validators import check_date, reject_invalid
from runtime.store import Transaction
from services.contracts import access, events, products, service
from services.contracts.dates import add_years, parse
from services.contracts.models import (
    ACCEPTED,
    DRAFT,
    EXPIRED,
    QUOTE_ACCEPTED,
    QUOTE_INPUT_FIELDS,
    REFUSED,
    SENT,
    Contract,
    Quote,
    QuoteInput,
)
from services.contracts.repository import ContractsRepository
from services.contracts.validation import MAX_TEXT, check_contract, check_quote

QUOTES_LISTING: Final = "contracts.quotes"
ANSWERABLE: Final = frozenset({DRAFT, SENT})


def status_today(quote: Quote, today: date) -> str:
    """The stored status, or EXPIRED once a draft or sent quote's validity has ended."""
    status = quote.get("status", "")
    if status in ANSWERABLE and quote.get("valid_until", "9999-12-31") < today.isoformat():
        return EXPIRED
    return status


@dataclass(frozen=True, slots=True)
class QuoteView:
    quote: Quote
    status: str


def _keys(view: QuoteView) -> tuple[str, str]:
    return (view.quote.get("audit", {}).get("created_at", ""), view.quote.get("id", ""))


def quotes_page(
    views: list[QuoteView], *, first: int, after: tuple[str, str] | None
) -> Page[QuoteView]:
    """Newest first."""
    return service.page_of(
        views, keys=_keys, newest_first=True, first=first, after=after, listing=QUOTES_LISTING
    )


async def get_quote(
    *, repo: ContractsRepository, caller: Caller, quote_id: str
) -> tuple[QuoteView, dict[str, str]]:
    partner = access.partner_scope(caller)
    quote = await repo.get_quote(caller.tenant_id, quote_id, partner_id=partner)
    if quote is None:
        raise NotFound(f"quote {quote_id} not found")
    day = service.agency_day(await repo.get_settings(caller.tenant_id))
    ids = [p.get("client_id", "") for p in quote.get("participants", [])]
    names = await repo.client_names(caller.tenant_id, ids)
    return QuoteView(quote, status_today(quote, day.today)), names


async def create_quote(*, repo: ContractsRepository, caller: Caller, data: QuoteInput) -> Quote:
    access.require_writer(caller)
    quote = cast(Quote, copy.deepcopy(dict(data)))
    reject_invalid(check_quote(quote))
    day = service.agency_day(await repo.get_settings(caller.tenant_id))
    async with repo.transaction() as txn:
        await products.require_sellable(txn, repo, caller.tenant_id, quote, day.today)
        return await create_quote_in(txn, repo=repo, caller=caller, quote=quote)


async def create_quote_in(
    txn: Transaction, *, repo: ContractsRepository, caller: Caller, quote: Quote
) -> Quote:
    quote["id"] = new_id()
    quote["reference"] = await repo.next_quote_reference(txn, caller.tenant_id)
    quote["status"] = DRAFT
    for name in ("sent_on", "decided_on", "refusal_reason", "contract_id"):
        quote[name] = ""
    quote.setdefault("proposed_effective_date", "")
    quote["party_client_ids"] = list(
        dict.fromkeys(p.get("client_id", "") for p in quote.get("participants", []))
    )
    quote["audit"] = created_stamps(caller.user_id)
    stored = await repo.insert_quote(txn, caller.tenant_id, quote)
    await events.quote_changed(txn, events.QUOTE_CREATED, caller, stored)
    return stored


async def update_quote(
    *,
    repo: ContractsRepository,
    caller: Caller,
    quote_id: str,
    version: int,
    changes: QuoteInput,
    paths: Sequence[str],
) -> Quote:
    """The fields ``paths`` names take their values from ``changes`` while the quote is DRAFT
    or SENT (not expired); the quote is checked whole. New participants bring it to their
    files; those removed hear of it once more."""
    access.require_writer(caller)
    day = service.agency_day(await repo.get_settings(caller.tenant_id))
    async with repo.transaction() as txn:
        current = await _answerable(txn, repo, caller, quote_id, version, day.today, ANSWERABLE)
        updated = apply_mask(current, changes, paths, QUOTE_INPUT_FIELDS)
        reject_invalid(check_quote(updated))
        changed = changed_fields(current, updated, QUOTE_INPUT_FIELDS)
        if not changed:
            return current
        updated["party_client_ids"] = list(
            dict.fromkeys(p.get("client_id", "") for p in updated.get("participants", []))
        )
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_quote(txn, caller.tenant_id, updated, expected_version=version)
        left = set(current.get("party_client_ids", [])) - set(stored["party_client_ids"])
        await events.quote_changed(
            txn, events.QUOTE_UPDATED, caller, stored, changed, also=sorted(left)
        )
    return stored


async def _answerable(
    txn: Transaction,
    repo: ContractsRepository,
    caller: Caller,
    quote_id: str,
    version: int,
    today: date,
    allowed: frozenset[str],
) -> Quote:
    current = check_version(
        await repo.get_quote_for_update(txn, caller.tenant_id, quote_id),
        version=version,
        what="quote",
        record_id=quote_id,
    )
    status = status_today(current, today)
    if status == EXPIRED:
        raise InvalidInput(
            FieldViolation("id", f"the quote expired after {current.get('valid_until')}")
        )
    if status not in allowed:
        names = " or ".join(sorted(s.upper() for s in allowed))
        raise InvalidInput(FieldViolation("id", f"a {status.upper()} quote is not {names}"))
    return current


async def send_quote(
    *, repo: ContractsRepository, caller: Caller, quote_id: str, version: int, sent_on: str = ""
) -> Quote:
    access.require_writer(caller)
    reject_invalid(check_date(sent_on, "sentOn", past=True))
    day = service.agency_day(await repo.get_settings(caller.tenant_id))
    async with repo.transaction() as txn:
        current = await _answerable(
            txn, repo, caller, quote_id, version, day.today, frozenset({DRAFT})
        )
        return await answer_quote_in(
            txn,
            repo=repo,
            caller=caller,
            quote=current,
            status=SENT,
            on=parse(sent_on) or day.today,
        )


async def _save(
    txn: Transaction,
    repo: ContractsRepository,
    caller: Caller,
    quote: Quote,
    event: events.QuoteEvent,
    changed: list[str],
) -> Quote:
    quote["audit"] = touched_stamps(quote.get("audit"), caller.user_id)
    stored = await repo.replace_quote(
        txn, caller.tenant_id, quote, expected_version=quote["version"]
    )
    await events.quote_changed(txn, event, caller, stored, changed)
    return stored


async def refuse_quote(
    *, repo: ContractsRepository, caller: Caller, quote_id: str, version: int, reason: str = ""
) -> Quote:
    access.require_writer(caller)
    if len(reason) > MAX_TEXT:
        raise InvalidInput(FieldViolation("reason", f"at most {MAX_TEXT} characters"))
    day = service.agency_day(await repo.get_settings(caller.tenant_id))
    async with repo.transaction() as txn:
        current = await _answerable(txn, repo, caller, quote_id, version, day.today, ANSWERABLE)
        return await answer_quote_in(
            txn,
            repo=repo,
            caller=caller,
            quote=current,
            status=REFUSED,
            on=day.today,
            reason=reason,
        )


def contract_of(quote: Quote, *, effective: date, due: date, policy_number: str) -> Contract:
    """The contract an accepted quote becomes: its terms and participants, QUOTE_ACCEPTED."""
    return {
        "policy_number": policy_number.strip(),
        "insurer": quote.get("insurer", ""),
        "product": quote.get("product", ""),
        "branch": quote.get("branch", ""),
        "status": QUOTE_ACCEPTED,
        "status_label": "",
        "effective_date": effective.isoformat(),
        "due_date": due.isoformat(),
        "tacit_renewal": quote.get("tacit_renewal", False),
        "premium": copy.deepcopy(quote.get("premium")),
        "payment_frequency": quote.get("payment_frequency", ""),
        "premium_collector": quote.get("premium_collector", ""),
        "consumer": quote.get("consumer", False),
        "participants": copy.deepcopy(quote.get("participants", [])),
        "renewal_notice_sent_on": "",
        "partner_ids": list(quote.get("partner_ids", [])),
        "quote_id": quote["id"],
    }


async def accept_quote(
    *,
    repo: ContractsRepository,
    caller: Caller,
    quote_id: str,
    version: int,
    effective_date: str = "",
    due_date: str = "",
    policy_number: str = "",
) -> tuple[Quote, Contract]:
    """The client accepts: its contract is created (QUOTE_ACCEPTED until the insurer issues
    it) in the same transaction as the quote moves to ACCEPTED; both are announced."""
    access.require_writer(caller)
    reject_invalid([*check_date(effective_date, "effectiveDate"), *check_date(due_date, "dueDate")])
    day = service.agency_day(await repo.get_settings(caller.tenant_id))
    async with repo.transaction() as txn:
        current = await _answerable(txn, repo, caller, quote_id, version, day.today, ANSWERABLE)
        stored, created = await accept_quote_in(
            txn,
            repo=repo,
            caller=caller,
            quote=current,
            today=day.today,
            effective_date=effective_date,
            due_date=due_date,
            policy_number=policy_number,
        )
    return stored, created


async def accept_quote_in(
    txn: Transaction,
    *,
    repo: ContractsRepository,
    caller: Caller,
    quote: Quote,
    today: date,
    effective_date: str = "",
    due_date: str = "",
    policy_number: str = "",
) -> tuple[Quote, Contract]:
    """An answerable ``quote`` accepted in ``txn``: its contract created, both announced."""
    effective = parse(effective_date) or parse(quote.get("proposed_effective_date", "")) or today
    due = parse(due_date) or add_years(effective, 1)
    contract = contract_of(quote, effective=effective, due=due, policy_number=policy_number)
    reject_invalid(check_contract(contract))
    created = await service.create_contract_in(txn, repo=repo, caller=caller, contract=contract)
    updated: Quote = {
        **copy.deepcopy(quote),
        "status": ACCEPTED,
        "decided_on": today.isoformat(),
        "contract_id": created["id"],
    }
    stored = await _save(
        txn, repo, caller, updated, events.QUOTE_ACCEPTED, ["status", "decided_on", "contract_id"]
    )
    return stored, created


async def answer_quote_in(
    txn: Transaction,
    *,
    repo: ContractsRepository,
    caller: Caller,
    quote: Quote,
    status: str,
    on: date,
    reason: str = "",
) -> Quote:
    """A DRAFT quote SENT, or an answerable one REFUSED, in ``txn`` on day ``on``."""
    if status == SENT:
        updated: Quote = {**copy.deepcopy(quote), "status": SENT, "sent_on": on.isoformat()}
        return await _save(txn, repo, caller, updated, events.QUOTE_SENT, ["status", "sent_on"])
    updated = {
        **copy.deepcopy(quote),
        "status": REFUSED,
        "decided_on": on.isoformat(),
        "refusal_reason": reason.strip(),
    }
    return await _save(
        txn, repo, caller, updated, events.QUOTE_REFUSED, ["status", "decided_on", "refusal_reason"]
    )
