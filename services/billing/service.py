"""The billing domain: a ledger per client, its balances per currency kept as entries are
written, payments and write-offs allocated to the debts they settle, and invoices and credit
notes from draft to posting (numbered without gap) or cancellation.

Plain keyword-only functions over the repository; no gRPC here. Each command works in the
caller's tenant and writes its records, the balances they move and its event in one
transaction; an input that breaks a rule is refused whole before anything is written.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from runtime.caller import Caller
from runtime.clock import now_iso, today
from runtime.errors import Conflict, FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.money import minor_unit_exponent
from runtime.kit.paging import Page, cursor_of, decode_cursor, page_size
from runtime.kit.paging import after as after_keys
from runtime.kit.updates import check_version, created_stamps, touched_stamps
from runtime.kit.validators import check_date, reject_invalid
from runtime.store import Transaction
from services.billing import einvoice, events, unpaid
from services.billing.mapping import ENTRY_KINDS as ENTRY_KIND_WORDS
from services.billing.mapping import OPERATION_CATEGORIES
from services.billing.models import (
    CANCELLED,
    CREDIT_NOTE,
    CREDIT_NOTE_KIND,
    CREDITS,
    DEFAULT_CURRENCY,
    DEFAULT_LEDGER_PAGE,
    DEFAULT_SERIES,
    DRAFT,
    INVOICE,
    INVOICE_KIND,
    INVOICE_NUMBERS,
    LEDGER_LISTING,
    LEDGER_SORT,
    MAX_ENTRIES_LIMIT,
    MAX_INVOICES_LIMIT,
    MAX_LEDGER_PAGE,
    MAX_NOTICES_LIMIT,
    MAX_QUOTES_LIMIT,
    PAYMENT,
    POSTED,
    PREMIUM_NOTICE,
    SERVICES,
    SETTLEABLE,
    AccountDoc,
    AllocationDoc,
    Entry,
    Invoice,
    Line,
    Notice,
    Quote,
)
from services.billing.repository import BillingRepository
from services.billing.roles import PARTNER, require_account_role, require_reader
from services.billing.seller import buyer_party, check_mentions, seller_party
from services.billing.validation import (
    AllocationRequest,
    LineInput,
    check_allocated_total,
    check_allocations,
    check_common,
    check_entry_kind,
    check_invoice,
    check_lines,
    check_notice,
    line_tax_minor,
    optional_amount,
    positive_amount,
)

# Reads


@dataclass(frozen=True, slots=True)
class AccountView:
    client_id: str
    account: AccountDoc | None
    entries: list[Entry]
    invoices: list[Invoice]
    # The ledger entries of the posted invoices and the notices shown, by id.
    invoice_entries: dict[str, Entry]
    # Open debts, oldest first, with their age in days today (when asked).
    debts: list[tuple[Entry, int]]
    notices: list[Notice]
    # The agency's today, which statuses and ages are computed for.
    today: datetime.date
    quotes: list[Quote] = field(default_factory=list)
    quote_count: int = 0


async def get_accounts(
    *,
    repo: BillingRepository,
    caller: Caller,
    client_ids: Sequence[str],
    entries_limit: int,
    invoices_limit: int,
    with_debts: bool = False,
    notices_limit: int = 0,
    quotes_limit: int = 0,
) -> list[AccountView]:
    """One account per distinct client id, in the order asked; a client with nothing in the
    caller's tenant (another tenant's included) has none. A partner gets only the premium
    notices of the contracts naming it (see ``partner_accounts``)."""
    require_reader(caller)
    ids = list(dict.fromkeys(i for i in client_ids if i))
    entries_limit = _limit(entries_limit, MAX_ENTRIES_LIMIT, "entriesLimit")
    invoices_limit = _limit(invoices_limit, MAX_INVOICES_LIMIT, "invoicesLimit")
    notices_limit = _limit(notices_limit, MAX_NOTICES_LIMIT, "noticesLimit")
    quotes_limit = _limit(quotes_limit, MAX_QUOTES_LIMIT, "quotesLimit")
    # Statuses and ages follow the agency's calendar, computed now: never stored to go stale.
    day = today()
    if caller.role == PARTNER:
        return await partner_accounts(
            repo=repo, caller=caller, client_ids=ids, notices_limit=notices_limit, day=day
        )
    accounts = {a["id"]: a for a in await repo.get_accounts(caller.tenant_id, ids)}
    # Only clients with an account have entries or invoices: the others cost no query.
    known = [i for i in ids if i in accounts]
    entries: dict[str, list[Entry]] = {i: [] for i in ids}
    invoices: dict[str, list[Invoice]] = {i: [] for i in ids}
    if known and entries_limit:
        for entry in await repo.find_entries(caller.tenant_id, known, limit=entries_limit):
            entries[entry["client_id"]].append(entry)
    if known and invoices_limit:
        for invoice in await repo.find_invoices(caller.tenant_id, known, limit=invoices_limit):
            invoices[invoice["client_id"]].append(invoice)
    debts: dict[str, list[tuple[Entry, int]]] = {i: [] for i in ids}
    if known and with_debts:
        for debt in await repo.find_open_debts(caller.tenant_id, known):
            age = (day - datetime.date.fromisoformat(debt["date"])).days
            debts[debt["client_id"]].append((debt, age))
    notices: dict[str, list[Notice]] = {i: [] for i in ids}
    if known and notices_limit:
        for notice in await repo.find_notices(caller.tenant_id, known, limit=notices_limit):
            notices[notice["client_id"]].append(notice)
    quotes: dict[str, list[Quote]] = {i: [] for i in ids}
    if known and quotes_limit:
        for quote in await repo.find_quotes(caller.tenant_id, known, limit=quotes_limit):
            quotes[quote["client_id"]].append(quote)
    entry_ids = [i["entry_id"] for found in invoices.values() for i in found if i["entry_id"]]
    entry_ids += [n["entry_id"] for found in notices.values() for n in found]
    invoice_entries = {e["id"]: e for e in await repo.get_entries(caller.tenant_id, entry_ids)}
    return [
        AccountView(
            i,
            accounts.get(i),
            entries[i],
            invoices[i],
            invoice_entries,
            debts[i],
            notices[i],
            day,
            quotes[i],
            accounts[i].get("quote_count", 0) if i in accounts else 0,
        )
        for i in ids
    ]


async def partner_accounts(
    *,
    repo: BillingRepository,
    caller: Caller,
    client_ids: Sequence[str],
    notices_limit: int,
    day: datetime.date,
) -> list[AccountView]:
    """What a partner sees of each account: the premium notices of the contracts that name it
    (billing's copy of contracts), their ledger entries and what is open of them, and the
    balance of those notices alone; no invoice, quote, payment or other entry. A client with
    no such notice has no account (the section is null for the partner)."""
    notices = await repo.find_notices(caller.tenant_id, client_ids, limit=MAX_NOTICES_LIMIT)
    contract_ids = sorted({n["contract_id"] for n in notices})
    insured = {
        c["id"]
        for c in await repo.get_contract_copies(caller.tenant_id, contract_ids)
        if caller.user_id in c["partner_ids"]
    }
    shown = [n for n in notices if n["contract_id"] in insured]
    entries = {
        e["id"]: e for e in await repo.get_entries(caller.tenant_id, [n["entry_id"] for n in shown])
    }
    views: list[AccountView] = []
    for client_id in client_ids:
        own = [n for n in shown if n["client_id"] == client_id]
        if not own:
            continue
        own_entries = [entries[n["entry_id"]] for n in own if n["entry_id"] in entries]
        balances: dict[str, int] = {}
        for entry in own_entries:
            currency = entry["amount"]["currency"]
            balances[currency] = balances.get(currency, 0) + entry["open_minor"]
        account: AccountDoc = {
            "id": client_id,
            "balances": balances,
            "entry_count": len(own_entries),
            "invoice_count": 0,
        }
        debts = [
            (e, (day - datetime.date.fromisoformat(e["date"])).days)
            for e in sorted(own_entries, key=lambda e: (e["date"], e["id"]))
            if e["open_minor"] > 0
        ]
        views.append(
            AccountView(
                client_id,
                account,
                own_entries,
                [],
                entries,
                debts,
                own[:notices_limit],
                day,
            )
        )
    return views


async def list_ledger(
    *,
    repo: BillingRepository,
    caller: Caller,
    client_id: str,
    first: int,
    after: str,
    kinds: Sequence[str] = (),
) -> Page[Entry]:
    """One page of a client's whole ledger, newest first, with opaque cursors."""
    require_account_role(caller)
    violations = [] if client_id else [FieldViolation("clientId", "required")]
    for i, kind in enumerate(kinds):
        violations += ENTRY_KIND_WORDS.check(kind, f"kinds[{i}]")
    size, keys = DEFAULT_LEDGER_PAGE, None
    try:
        size = page_size(first, default=DEFAULT_LEDGER_PAGE, maximum=MAX_LEDGER_PAGE)
    except InvalidInput as error:
        violations += error.violations
    try:
        keys = decode_cursor(after, listing=LEDGER_LISTING, arity=2) if after else None
    except InvalidInput as error:
        violations += error.violations
    reject_invalid(violations)
    where: dict[str, object] = {"client_id": client_id}
    if kinds:
        where["kind"] = {"$in": sorted(set(kinds))}
    rows = await repo.page_entries(
        caller.tenant_id,
        where,
        after=None if keys is None else after_keys(LEDGER_SORT, keys),
        limit=size + 1,
    )
    shown = rows[:size]
    return Page(
        rows=shown,
        cursors=[cursor_of(r, LEDGER_SORT, listing=LEDGER_LISTING) for r in shown],
        has_next_page=len(rows) > size,
        total_count=await repo.count_entries(caller.tenant_id, where),
    )


def _limit(value: int, maximum: int, field: str) -> int:
    """How many newest rows per client to return: 0 (none) to ``maximum``."""
    if not 0 <= value <= maximum:
        raise InvalidInput(FieldViolation(field, f"must be between 0 and {maximum}"))
    return value


# The ledger


async def _move_balance(
    txn: Transaction,
    repo: BillingRepository,
    tenant_id: str,
    client_id: str,
    *,
    currency: str,
    amount_minor: int,
    entries: int = 0,
    invoices: int = 0,
    quotes: int = 0,
) -> dict[str, int]:
    """Add a signed amount to the client's balance in its currency (and count what was
    written); the balances after."""
    account = await repo.get_account_for_update(txn, tenant_id, client_id)
    if account is None:
        account = {"id": client_id, "balances": {}, "entry_count": 0, "invoice_count": 0}
    balances = dict(account["balances"])
    if amount_minor or currency in balances:
        balances[currency] = balances.get(currency, 0) + amount_minor
    updated: AccountDoc = {
        **account,
        "balances": balances,
        "entry_count": account["entry_count"] + entries,
        "invoice_count": account["invoice_count"] + invoices,
        "quote_count": account.get("quote_count", 0) + quotes,
    }
    await repo.put_account(txn, tenant_id, updated)
    return balances


async def count_quote(
    txn: Transaction, repo: BillingRepository, tenant_id: str, client_id: str
) -> None:
    """One more quote on the client's account: the counter the file shows, kept on write."""
    await _move_balance(
        txn, repo, tenant_id, client_id, currency=DEFAULT_CURRENCY, amount_minor=0, quotes=1
    )


async def _settle(
    txn: Transaction,
    repo: BillingRepository,
    tenant_id: str,
    *,
    client_id: str,
    currency: str,
    allocations: Sequence[AllocationRequest],
    field: str = "allocations",
    reversal: bool = False,
    in_payment: bool = False,
) -> list[AllocationDoc]:
    """Set each allocation against its debt (same client, same currency, still open enough);
    every refusal is named before anything is written."""
    violations: list[FieldViolation] = []
    debts: list[tuple[Entry, int]] = []
    for i, allocation in enumerate(allocations):
        debt = await repo.get_entry_for_update(txn, tenant_id, allocation.entry_id)
        if debt is None or debt["client_id"] != client_id or debt["kind"] not in SETTLEABLE:
            violations.append(
                FieldViolation(
                    f"{field}[{i}].entryId", "not a premium notice, invoice or fee of this client"
                )
            )
        elif debt["amount"]["currency"] != currency:
            violations.append(
                FieldViolation(f"{field}[{i}].amount", f"must be in {debt['amount']['currency']}")
            )
        elif allocation.amount_minor > debt["open_minor"]:
            violations.append(
                FieldViolation(
                    f"{field}[{i}].amount", f"exceeds what is still open ({debt['open_minor']})"
                )
            )
        else:
            debts.append((debt, allocation.amount_minor))
    reject_invalid(violations)
    for debt, amount in debts:
        debt["open_minor"] -= amount
        if reversal:
            debt["reversed_minor"] = debt.get("reversed_minor", 0) + amount
        if in_payment:
            debt["in_payment_minor"] = debt.get("in_payment_minor", 0) + amount
        await repo.replace_entry(txn, tenant_id, debt)
    return [{"entry_id": debt["id"], "amount_minor": amount} for debt, amount in debts]


def _key_id(command: str, key: str) -> str:
    return f"{command}:{key}"


async def _record(
    *,
    repo: BillingRepository,
    caller: Caller,
    command: str,
    client_id: str,
    kind: str,
    date: str,
    amount: str,
    currency: str,
    label: str,
    allocations: Sequence[tuple[str, str]],
    idempotency_key: str,
    violations: list[FieldViolation],
    awaiting_clearance: bool = False,
) -> Entry:
    require_account_role(caller)
    violations += check_common(
        client_id=client_id, date=date, label=label, idempotency_key=idempotency_key
    )
    amount_minor = positive_amount(
        amount, currency, "amount.value", violations, currency_field="amount.currency"
    )
    if minor_unit_exponent(currency) is None:
        wanted: list[AllocationRequest] = []
    else:
        wanted = check_allocations(list(allocations), currency, "allocations", violations)
    check_allocated_total(wanted, amount_minor, violations)
    reject_invalid(violations)
    assert amount_minor is not None
    tenant = caller.tenant_id
    async with repo.transaction() as txn:
        if idempotency_key:
            earlier = await repo.remembered(txn, tenant, _key_id(command, idempotency_key))
            if earlier is not None:
                found = await repo.get_entry_for_update(txn, tenant, earlier)
                if found is not None:
                    return found
        stored = await write_entry(
            txn,
            repo,
            caller,
            client_id=client_id,
            kind=kind,
            date=date,
            amount_minor=amount_minor,
            currency=currency,
            label=label,
            allocations=wanted,
            awaiting_clearance=awaiting_clearance,
        )
        if idempotency_key:
            key_id = _key_id(command, idempotency_key)
            await repo.remember(txn, tenant, key_id, stored["id"], stored["recorded_at"])
        return stored


async def write_entry(
    txn: Transaction,
    repo: BillingRepository,
    caller: Caller,
    *,
    client_id: str,
    kind: str,
    date: str,
    amount_minor: int,
    currency: str,
    label: str,
    allocations: Sequence[AllocationRequest] = (),
    awaiting_clearance: bool = False,
) -> Entry:
    """Write a checked entry in ``txn``: the debts it settles, the balance and its event. A
    payment awaiting its clearance leaves the debts it settles in payment."""
    tenant = caller.tenant_id
    signed = -amount_minor if kind in CREDITS else amount_minor
    settled = await _settle(
        txn,
        repo,
        tenant,
        client_id=client_id,
        currency=currency,
        allocations=allocations,
        in_payment=awaiting_clearance,
    )
    for allocation in settled:
        debt = await repo.get_entry_for_update(txn, tenant, allocation["entry_id"])
        if debt is not None:
            await unpaid.reinstate_if_paid(txn, repo, caller, debt)
    entry: Entry = {
        "id": new_id(),
        "client_id": client_id,
        "kind": kind,
        "date": date,
        "amount": {"amount_minor": signed, "currency": currency},
        "open_minor": signed + sum(a["amount_minor"] for a in settled),
        "label": label.strip(),
        "invoice_id": "",
        "allocations": settled,
        "reversed_minor": 0,
        "recorded_at": now_iso(),
        "recorded_by": caller.user_id,
    }
    if awaiting_clearance:
        entry["awaiting_clearance"] = True
    stored = await repo.insert_entry(txn, tenant, entry)
    balances = await _move_balance(
        txn, repo, tenant, client_id, currency=currency, amount_minor=signed, entries=1
    )
    await events.entry_recorded(txn, caller, stored, balances)
    return stored


async def record_entry(
    *,
    repo: BillingRepository,
    caller: Caller,
    client_id: str,
    kind: str,
    date: str,
    amount: str,
    currency: str,
    label: str = "",
    allocations: Sequence[tuple[str, str]] = (),
    idempotency_key: str = "",
) -> Entry:
    """A premium notice, fee or refund the client owes, or a write-off that settles debts."""
    violations: list[FieldViolation] = []
    check_entry_kind(kind, len(allocations), violations)
    return await _record(
        repo=repo,
        caller=caller,
        command="record_entry",
        client_id=client_id,
        kind=kind,
        date=date,
        amount=amount,
        currency=currency,
        label=label,
        allocations=allocations,
        idempotency_key=idempotency_key,
        violations=violations,
    )


async def record_payment(
    *,
    repo: BillingRepository,
    caller: Caller,
    client_id: str,
    date: str,
    amount: str,
    currency: str,
    label: str = "",
    allocations: Sequence[tuple[str, str]] = (),
    idempotency_key: str = "",
    awaiting_clearance: bool = False,
) -> Entry:
    """A payment received, settling the debts it is allocated to, wholly or partly; what is
    not allocated stays open on account. One awaiting its clearance leaves those debts in
    payment until ``clear_payment``."""
    return await _record(
        repo=repo,
        caller=caller,
        command="record_payment",
        client_id=client_id,
        kind=PAYMENT,
        date=date,
        amount=amount,
        currency=currency,
        label=label,
        allocations=allocations,
        idempotency_key=idempotency_key,
        violations=[],
        awaiting_clearance=awaiting_clearance,
    )


async def clear_payment(*, repo: BillingRepository, caller: Caller, entry_id: str) -> Entry:
    """A payment's clearance confirmed: the debts it settled leave IN_PAYMENT; a payment
    already cleared is answered as it is."""
    require_account_role(caller)
    tenant = caller.tenant_id
    async with repo.transaction() as txn:
        payment = await repo.get_entry_for_update(txn, tenant, entry_id)
        if payment is None or payment["kind"] != PAYMENT:
            raise NotFound(f"payment {entry_id} not found")
        if not payment.get("awaiting_clearance"):
            return payment
        for allocation in payment["allocations"]:
            debt = await repo.get_entry_for_update(txn, tenant, allocation["entry_id"])
            if debt is not None:
                left = debt.get("in_payment_minor", 0) - allocation["amount_minor"]
                debt["in_payment_minor"] = max(left, 0)
                await repo.replace_entry(txn, tenant, debt)
        payment["awaiting_clearance"] = False
        stored = await repo.replace_entry(txn, tenant, payment)
        await events.payment_cleared(txn, caller, stored)
    return stored


# Premium notices


async def issue_premium_notice(
    *,
    repo: BillingRepository,
    caller: Caller,
    client_id: str,
    contract_id: str,
    period_start: str,
    period_end: str,
    due_date: str,
    currency: str,
    net_premium: str,
    taxes: str = "",
    fees: str = "",
    idempotency_key: str = "",
) -> tuple[Notice, Entry]:
    """A contract's premium notice, and its total as a PREMIUM_NOTICE entry of the ledger."""
    require_account_role(caller)
    violations = check_notice(
        client_id=client_id,
        contract_id=contract_id,
        period_start=period_start,
        period_end=period_end,
        due_date=due_date,
        idempotency_key=idempotency_key,
    )
    net = positive_amount(
        net_premium, currency, "netPremium", violations, currency_field="currency"
    )
    tax = optional_amount(taxes, currency, "taxes", violations)
    fee = optional_amount(fees, currency, "fees", violations)
    reject_invalid(violations)
    assert net is not None
    assert tax is not None
    assert fee is not None
    tenant = caller.tenant_id
    key_id = _key_id("issue_premium_notice", idempotency_key)
    async with repo.transaction() as txn:
        if idempotency_key:
            earlier = await repo.remembered(txn, tenant, key_id)
            if earlier is not None:
                done = await repo.get_notice_for_update(txn, tenant, earlier)
                if done is not None:
                    done_entry = await repo.get_entry_for_update(txn, tenant, done["entry_id"])
                    assert done_entry is not None
                    return done, done_entry
        stored, stored_entry = await write_notice(
            txn,
            repo,
            caller,
            client_id=client_id,
            contract_id=contract_id,
            period=(period_start, period_end),
            due_date=due_date,
            currency=currency,
            amounts=(net, tax, fee),
        )
        if idempotency_key:
            await repo.remember(txn, tenant, key_id, stored["id"], stored["issued_at"])
        return stored, stored_entry


async def write_notice(
    txn: Transaction,
    repo: BillingRepository,
    caller: Caller,
    *,
    client_id: str,
    contract_id: str,
    period: tuple[str, str],
    due_date: str,
    currency: str,
    amounts: tuple[int, int, int],
) -> tuple[Notice, Entry]:
    """Write a checked notice in ``txn`` (net premium, taxes, fees in minor units), its ledger
    entry, the balance and its event."""
    tenant = caller.tenant_id
    net, tax, fee = amounts
    at = now_iso()
    total = net + tax + fee
    notice: Notice = {
        "id": new_id(),
        "client_id": client_id,
        "contract_id": contract_id,
        "period_start": period[0],
        "period_end": period[1],
        "due_date": due_date,
        "currency": currency,
        "net_premium_minor": net,
        "taxes_minor": tax,
        "fees_minor": fee,
        "total_minor": total,
        "entry_id": new_id(),
        "issued_at": at,
        "issued_by": caller.user_id,
        "unpaid_step": "",
        "unpaid_steps": [],
    }
    entry: Entry = {
        "id": notice["entry_id"],
        "client_id": client_id,
        "kind": PREMIUM_NOTICE,
        "date": due_date,
        "amount": {"amount_minor": total, "currency": currency},
        "open_minor": total,
        "label": f"Quittance {period[0]} – {period[1]}",
        "invoice_id": "",
        "allocations": [],
        "reversed_minor": 0,
        "recorded_at": at,
        "recorded_by": caller.user_id,
    }
    stored = await repo.insert_notice(txn, tenant, notice)
    await repo.note_notice_tenant(txn, tenant)
    stored_entry = await repo.insert_entry(txn, tenant, entry)
    balances = await _move_balance(
        txn, repo, tenant, client_id, currency=currency, amount_minor=total, entries=1
    )
    await events.notice_issued(txn, caller, stored, stored_entry, balances, today())
    return stored, stored_entry


# Invoices and credit notes


async def create_invoice(
    *,
    repo: BillingRepository,
    caller: Caller,
    client_id: str,
    kind: str,
    currency: str,
    lines: Sequence[LineInput],
    series: str = "",
    credited_invoice_id: str = "",
    exemption_reference: str = "",
    due_date: str = "",
    supply_date: str = "",
    operation_category: str = "",
) -> Invoice:
    """A draft invoice or credit note; a credit note cites a posted invoice of the same client
    and currency and credits no more than is left of it."""
    require_account_role(caller)
    violations = check_invoice(
        client_id=client_id,
        kind=kind,
        series=series,
        currency=currency,
        credited_invoice_id=credited_invoice_id,
        exemption_reference=exemption_reference,
    )
    violations += check_date(due_date, "dueDate") + check_date(supply_date, "supplyDate")
    violations += OPERATION_CATEGORIES.check(operation_category, "operationCategory")
    parsed, line_violations = check_lines(list(lines), currency)
    reject_invalid(violations + line_violations)
    async with repo.transaction() as txn:
        return await write_draft(
            txn,
            repo,
            caller,
            client_id=client_id,
            kind=kind,
            currency=currency,
            lines=parsed,
            series=series,
            credited_invoice_id=credited_invoice_id,
            exemption_reference=exemption_reference,
            due_date=due_date,
            supply_date=supply_date,
            operation_category=operation_category or SERVICES,
        )


async def write_draft(
    txn: Transaction,
    repo: BillingRepository,
    caller: Caller,
    *,
    client_id: str,
    kind: str,
    currency: str,
    lines: list[Line],
    series: str = "",
    credited_invoice_id: str = "",
    exemption_reference: str = "",
    due_date: str = "",
    supply_date: str = "",
    operation_category: str = SERVICES,
    quote_id: str = "",
) -> Invoice:
    """Write a checked draft in ``txn``, with its totals and its event."""
    total_excl = sum(line["net_minor"] for line in lines)
    total_tax = sum(line_tax_minor(line["net_minor"], line["vat_basis_points"]) for line in lines)
    tenant = caller.tenant_id
    if kind == CREDIT_NOTE_KIND:
        await _check_credited(
            txn, repo, tenant, credited_invoice_id, client_id, currency, total_excl + total_tax
        )
    at = now_iso()
    invoice: Invoice = {
        "id": new_id(),
        "client_id": client_id,
        "kind": kind,
        "state": DRAFT,
        "series": series or DEFAULT_SERIES[kind],
        "number": "",
        "issue_date": "",
        "currency": currency,
        "lines": lines,
        "total_excluding_tax_minor": total_excl,
        "total_tax_minor": total_tax,
        "total_including_tax_minor": total_excl + total_tax,
        "credited_invoice_id": credited_invoice_id,
        "entry_id": "",
        "exemption_reference": exemption_reference.strip(),
        "created_at": at,
        "audit": created_stamps(caller.user_id, at),
        "due_date": due_date,
        "supply_date": supply_date,
        "operation_category": operation_category,
        "quote_id": quote_id,
    }
    stored = await repo.insert_invoice(txn, tenant, invoice)
    await events.invoice_created(txn, caller, stored)
    return stored


async def _check_credited(
    txn: Transaction,
    repo: BillingRepository,
    tenant_id: str,
    invoice_id: str,
    client_id: str,
    currency: str,
    total_minor: int,
) -> Entry:
    """The ledger entry of the posted invoice a credit note cites, if it may credit
    ``total_minor`` of it."""
    cited = await repo.get_invoice_for_update(txn, tenant_id, invoice_id)
    if (
        cited is None
        or cited["client_id"] != client_id
        or cited["kind"] != INVOICE_KIND
        or cited["state"] != POSTED
    ):
        raise InvalidInput(
            FieldViolation("creditedInvoiceId", "not a posted invoice of this client")
        )
    if cited["currency"] != currency:
        raise InvalidInput(
            FieldViolation("currency", f"must be the invoice's, {cited['currency']}")
        )
    entry = await repo.get_entry_for_update(txn, tenant_id, cited["entry_id"])
    assert entry is not None  # written with the posting
    left = entry["amount"]["amount_minor"] - entry.get("reversed_minor", 0)
    if total_minor > left:
        raise InvalidInput(
            FieldViolation("lines", f"the credit note exceeds what is left to credit ({left})")
        )
    return entry


async def post_invoice(
    *,
    repo: BillingRepository,
    caller: Caller,
    invoice_id: str,
    version: int,
    issue_date: str = "",
    idempotency_key: str = "",
) -> tuple[Invoice, Entry]:
    """Number a draft (next in its tenant's series, no gap: a failed posting gives its number
    back) and write it to the ledger; a credit note settles what is open of its invoice."""
    require_account_role(caller)
    reject_invalid(check_date(issue_date, "issueDate"))
    tenant = caller.tenant_id
    key_id = _key_id("post_invoice", idempotency_key)
    async with repo.transaction() as txn:
        if idempotency_key and await repo.remembered(txn, tenant, key_id) is not None:
            done = await repo.get_invoice_for_update(txn, tenant, invoice_id)
            if done is not None and done["state"] == POSTED:
                entry = await repo.get_entry_for_update(txn, tenant, done["entry_id"])
                assert entry is not None
                return done, entry
        draft = check_version(
            await repo.get_invoice_for_update(txn, tenant, invoice_id),
            version=version,
            what="invoice",
            record_id=invoice_id,
        )
        if draft["state"] != DRAFT:
            raise Conflict(f"invoice {invoice_id} is {draft['state']}: only a draft is posted")
        stored, stored_entry = await write_posting(txn, repo, caller, draft, issue_date=issue_date)
        if idempotency_key:
            await repo.remember(txn, tenant, key_id, invoice_id, now_iso())
        return stored, stored_entry


async def write_posting(
    txn: Transaction, repo: BillingRepository, caller: Caller, draft: Invoice, *, issue_date: str
) -> tuple[Invoice, Entry]:
    """Post a draft in ``txn``: the mandatory mentions checked, the next number of its series,
    its ledger entry, the debt a credit note settles, the balance and its event."""
    tenant = caller.tenant_id
    version = draft["version"]
    seller = await repo.get_seller_profile_for_update(txn, tenant)
    buyer = await repo.clients.get(txn, tenant, draft["client_id"])
    reject_invalid(check_mentions(draft, seller, buyer))
    assert seller is not None
    assert buyer is not None
    credit = draft["kind"] == CREDIT_NOTE_KIND
    total = draft["total_including_tax_minor"]
    settled: list[AllocationDoc] = []
    if credit:
        cited = await _check_credited(
            txn,
            repo,
            tenant,
            draft["credited_invoice_id"],
            draft["client_id"],
            draft["currency"],
            total,
        )
        reverse = min(total, max(cited["open_minor"], 0))
        if reverse:
            settled = await _settle(
                txn,
                repo,
                tenant,
                client_id=draft["client_id"],
                currency=draft["currency"],
                allocations=[AllocationRequest(cited["id"], reverse)],
                reversal=True,
            )
        if total > reverse:
            # What was already paid is credited without settling anything more: the credit
            # stays open, to be refunded or used.
            paid = await repo.get_entry_for_update(txn, tenant, cited["id"])
            assert paid is not None
            paid["reversed_minor"] = paid.get("reversed_minor", 0) + total - reverse
            await repo.replace_entry(txn, tenant, paid)
    number = await INVOICE_NUMBERS.next(txn, tenant, series=draft["series"])
    date = issue_date or today().isoformat()
    due = (
        draft.get("due_date")
        or (
            datetime.date.fromisoformat(date) + datetime.timedelta(days=seller["payment_days"])
        ).isoformat()
    )
    at = now_iso()
    signed = -total if credit else total
    entry: Entry = {
        "id": new_id(),
        "client_id": draft["client_id"],
        "kind": CREDIT_NOTE if credit else INVOICE,
        "date": date,
        "amount": {"amount_minor": signed, "currency": draft["currency"]},
        "open_minor": signed + sum(a["amount_minor"] for a in settled),
        "label": number,
        "invoice_id": draft["id"],
        "allocations": settled,
        "reversed_minor": 0,
        "recorded_at": at,
        "recorded_by": caller.user_id,
    }
    stored_entry = await repo.insert_entry(txn, tenant, entry)
    posted: Invoice = {
        **draft,
        "state": POSTED,
        "number": number,
        "issue_date": date,
        "due_date": due,
        "supply_date": draft.get("supply_date") or date,
        "seller": seller_party(seller),
        "buyer": buyer_party(buyer),
        "seller_profile": seller,
        "entry_id": entry["id"],
        "audit": touched_stamps(draft.get("audit"), caller.user_id),
    }
    stored = await repo.replace_invoice(txn, tenant, posted, expected_version=version)
    balances = await _move_balance(
        txn,
        repo,
        tenant,
        draft["client_id"],
        currency=draft["currency"],
        amount_minor=signed,
        entries=1,
        invoices=1,
    )
    await events.invoice_posted(txn, caller, stored, stored_entry, balances)
    return stored, stored_entry


async def cancel_invoice(
    *, repo: BillingRepository, caller: Caller, invoice_id: str, version: int
) -> Invoice:
    """Give up a draft; a posted invoice is never cancelled, only corrected by a credit note."""
    require_account_role(caller)
    tenant = caller.tenant_id
    async with repo.transaction() as txn:
        draft = check_version(
            await repo.get_invoice_for_update(txn, tenant, invoice_id),
            version=version,
            what="invoice",
            record_id=invoice_id,
        )
        if draft["state"] != DRAFT:
            raise Conflict(
                f"invoice {invoice_id} is {draft['state']}: only a draft is cancelled; a posted "
                "invoice is corrected by a credit note"
            )
        cancelled: Invoice = {
            **draft,
            "state": CANCELLED,
            "audit": touched_stamps(draft.get("audit"), caller.user_id),
        }
        stored = await repo.replace_invoice(txn, tenant, cancelled, expected_version=version)
        await events.invoice_cancelled(txn, caller, stored)
        return stored


# The Factur-X file


@dataclass(frozen=True, slots=True)
class InvoiceFile:
    name: str
    media_type: str
    data: bytes


async def invoice_file(*, repo: BillingRepository, caller: Caller, invoice_id: str) -> InvoiceFile:
    """A posted invoice or credit note as a Factur-X PDF, drawn from what was posted; a draft
    or a cancelled draft has no file (NotFound, as for another tenant's invoice)."""
    require_account_role(caller)
    found = await repo.get_invoice(caller.tenant_id, invoice_id) if invoice_id else None
    if found is None:
        raise NotFound(f"invoice {invoice_id} not found")
    if found["state"] != POSTED or "seller" not in found:
        raise NotFound(
            f"invoice {invoice_id} is {found['state']}: only a posted invoice or credit note has "
            "a Factur-X file"
        )
    credited = ""
    if found["credited_invoice_id"]:
        cited = await repo.get_invoice(caller.tenant_id, found["credited_invoice_id"])
        credited = cited["number"] if cited else ""
    data = await asyncio.to_thread(einvoice.factur_x, found, found.get("seller_profile"), credited)
    return InvoiceFile(einvoice.file_name(found), einvoice.MEDIA_TYPE, data)
