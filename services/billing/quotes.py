"""Quotes (devis, seed 001): lines and totals like an invoice; draft → sent (numbered then, in
the tenant's DEV series, with no gap) → accepted or refused by the client while still valid
(a sent quote past its validity reads as expired, computed at read time); an accepted quote
becomes a draft invoice that cites it, once."""

from __future__ import annotations

from collections.abc import Sequence

from runtime.caller import Caller
from runtime.clock import now_iso, today
from runtime.errors import Conflict, FieldViolation, InvalidInput
from runtime.ids import new_id
from runtime.kit.money import currency_violations
from runtime.kit.updates import check_version, created_stamps, touched_stamps
from runtime.kit.validators import check_date, reject_invalid
from services.billing import events, service
from services.billing.mapping import quote_state
from services.billing.models import (
    INVOICE_KIND,
    QUOTE_ACCEPTED,
    QUOTE_DRAFT,
    QUOTE_NUMBERS,
    QUOTE_REFUSED,
    QUOTE_SENT,
    SERVICES,
    Invoice,
    Quote,
)
from services.billing.repository import BillingRepository
from services.billing.roles import require_account_role
from services.billing.validation import LineInput, check_lines, line_tax_minor

MAX_TITLE = 200
# Where each state may go, by the answer asked for.
NEXT_STATES = {
    QUOTE_SENT: (QUOTE_DRAFT,),
    QUOTE_ACCEPTED: (QUOTE_SENT,),
    QUOTE_REFUSED: (QUOTE_SENT,),
}


async def create_quote(
    *,
    repo: BillingRepository,
    caller: Caller,
    client_id: str,
    title: str,
    currency: str,
    lines: Sequence[LineInput],
    valid_until: str,
) -> Quote:
    """A draft quote, with its lines' totals."""
    require_account_role(caller)
    violations = [] if client_id else [FieldViolation("clientId", "required")]
    if len(title) > MAX_TITLE:
        violations.append(FieldViolation("title", f"at most {MAX_TITLE} characters"))
    violations += currency_violations(currency, "currency")
    if not valid_until:
        violations.append(FieldViolation("validUntil", "required"))
    else:
        violations += check_date(valid_until, "validUntil")
        if not violations and valid_until < today().isoformat():
            violations.append(FieldViolation("validUntil", "must not be in the past"))
    parsed, line_violations = check_lines(list(lines), currency)
    reject_invalid(violations + line_violations)
    total_excl = sum(line["net_minor"] for line in parsed)
    total_tax = sum(line_tax_minor(line["net_minor"], line["vat_basis_points"]) for line in parsed)
    at = now_iso()
    quote: Quote = {
        "id": new_id(),
        "client_id": client_id,
        "state": QUOTE_DRAFT,
        "number": "",
        "issue_date": "",
        "valid_until": valid_until,
        "title": title.strip(),
        "currency": currency,
        "lines": parsed,
        "total_excluding_tax_minor": total_excl,
        "total_tax_minor": total_tax,
        "total_including_tax_minor": total_excl + total_tax,
        "invoice_id": "",
        "created_at": at,
        "audit": created_stamps(caller.user_id, at),
    }
    async with repo.transaction() as txn:
        stored = await repo.insert_quote(txn, caller.tenant_id, quote)
        await service.count_quote(txn, repo, caller.tenant_id, client_id)
        await events.quote_saved(txn, caller, stored, today())
        return stored


async def answer_quote(
    *, repo: BillingRepository, caller: Caller, quote_id: str, version: int, state: str
) -> Quote:
    """Send a draft (numbered then), or record the client's acceptance or refusal of a sent
    quote that is still valid."""
    require_account_role(caller)
    if state not in NEXT_STATES:
        raise InvalidInput(FieldViolation("state", "must be one of SENT, ACCEPTED, REFUSED"))
    tenant = caller.tenant_id
    day = today()
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_quote_for_update(txn, tenant, quote_id),
            version=version,
            what="quote",
            record_id=quote_id,
        )
        now_state = quote_state(current, day)
        if now_state not in NEXT_STATES[state]:
            raise Conflict(f"quote {quote_id} is {now_state}: it cannot become {state}")
        changed: Quote = {
            **current,
            "state": state,
            "audit": touched_stamps(current.get("audit"), caller.user_id),
        }
        if state == QUOTE_SENT:
            changed["number"] = await QUOTE_NUMBERS.next(txn, tenant)
            changed["issue_date"] = day.isoformat()
        stored = await repo.replace_quote(txn, tenant, changed, expected_version=version)
        await events.quote_saved(txn, caller, stored, day)
        return stored


async def invoice_quote(
    *,
    repo: BillingRepository,
    caller: Caller,
    quote_id: str,
    version: int,
    exemption_reference: str = "",
) -> Invoice:
    """A draft invoice of an accepted quote, with its lines, citing it; a quote is invoiced
    once."""
    require_account_role(caller)
    if len(exemption_reference) > MAX_TITLE:
        raise InvalidInput(FieldViolation("exemptionReference", f"at most {MAX_TITLE} characters"))
    tenant = caller.tenant_id
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_quote_for_update(txn, tenant, quote_id),
            version=version,
            what="quote",
            record_id=quote_id,
        )
        if current["state"] != QUOTE_ACCEPTED:
            raise Conflict(f"quote {quote_id} is {current['state']}: only an accepted one")
        if current["invoice_id"]:
            raise Conflict(f"quote {quote_id} is invoiced already ({current['invoice_id']})")
        draft = await service.write_draft(
            txn,
            repo,
            caller,
            client_id=current["client_id"],
            kind=INVOICE_KIND,
            currency=current["currency"],
            lines=current["lines"],
            exemption_reference=exemption_reference,
            operation_category=SERVICES,
            quote_id=current["id"],
        )
        invoiced: Quote = {
            **current,
            "invoice_id": draft["id"],
            "audit": touched_stamps(current.get("audit"), caller.user_id),
        }
        stored = await repo.replace_quote(txn, tenant, invoiced, expected_version=version)
        await events.quote_saved(txn, caller, stored, today())
        return draft
