"""Billing's part of the client file: the account of each client (its balance in the default
currency and per currency, its ledger, its invoices and credit notes), the commands that write
to it, and its live events.

Amounts travel as exact decimals in major units ("12.50") with their ISO 4217 code: the
service stores integer minor units and refuses an amount finer than its currency allows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry

from client360.billing.v1 import billing_pb2
from client360.common.v1 import common_pb2
from gateway.context import Info, RequestContext
from gateway.live import LiveEvent
from gateway.planner import Section, ServiceSection
from gateway.schema.enums import proto_enum
from gateway.schema.timestamps import timestamp
from gateway.schema.types import MoneyAmount, MoneyInput, PageInfo, money
from gateway.selection import SelectedField, fields_named
from runtime.contracts import max_items

_DATE = "YYYY-MM-DD"
# Who sees the section: the same rule as the service's (services/billing/roles.py). A
# technician or a partner gets null, never an error; their events show no billing fields.
ACCOUNT_ROLES = frozenset({"advisor", "manager", "admin"})


@proto_enum(billing_pb2.EntryKind)
class EntryKind(Enum):
    """What a ledger entry records; its sign follows from it."""


@proto_enum(billing_pb2.InvoiceKind)
class InvoiceKind(Enum):
    """An invoice or a credit note."""


@proto_enum(billing_pb2.InvoiceState)
class InvoiceState(Enum):
    """Where an invoice or a credit note stands: only a draft changes."""


@proto_enum(billing_pb2.PaymentState)
class PaymentState(Enum):
    """How much of a debt (a posted invoice, a premium notice, a fee) is settled."""


@proto_enum(billing_pb2.DebtAge)
class DebtAge(Enum):
    """How long a debt has been due, today in the agency's timezone."""


@proto_enum(billing_pb2.NoticeStatus)
class NoticeStatus(Enum):
    """Where a premium notice stands; UNPAID is computed today, in the agency's timezone."""


@proto_enum(billing_pb2.UnpaidStep)
class UnpaidStep(Enum):
    """The steps of a premium notice's unpaid path (article L113-3 of the Insurance Code)."""


@strawberry.type(description="Part of a payment, credit note or write-off set against a debt.")
class Allocation:
    entry_id: strawberry.ID = strawberry.field(description="The ledger entry settled.")
    amount: MoneyAmount = strawberry.field(description="How much of it, positive.")


@strawberry.type(description="One dated, typed, signed entry of the client's ledger.")
class LedgerEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    kind: EntryKind = strawberry.field(description="What it records.")
    date: str = strawberry.field(description=f"The day it counts from, {_DATE}.")
    amount: MoneyAmount = strawberry.field(
        description="Signed: positive when the client owes it, negative when it settles."
    )
    open_amount: MoneyAmount = strawberry.field(
        description="What is still open of it, with the same sign (0 once settled or used)."
    )
    label: str | None = strawberry.field(description="What it is for, in words.")
    invoice_id: strawberry.ID | None = strawberry.field(
        description="The invoice or credit note it records; null for other entries."
    )
    allocations: list[Allocation] = strawberry.field(
        description="For a payment, credit note or write-off: the debts it settles."
    )
    payment_state: PaymentState | None = strawberry.field(
        description="For a debt: how much of it is settled; null for the others."
    )
    recorded_by: str | None = strawberry.field(description="User id of who recorded it.")
    recorded_at: datetime | None = strawberry.field(
        description="When it was recorded (ISO 8601, UTC)."
    )


@strawberry.type(description="One line of an invoice or credit note.")
class InvoiceLine:
    designation: str = strawberry.field(description="What is sold.")
    quantity: str = strawberry.field(description='A decimal quantity, such as "2.5".')
    unit_price: MoneyAmount = strawberry.field(description="The unit price excluding tax.")
    discount_basis_points: int = strawberry.field(
        description="The discount in hundredths of a percent (1000: 10 %)."
    )
    vat_basis_points: int = strawberry.field(
        description="The VAT rate in hundredths of a percent (2000: 20 %)."
    )
    net_amount: MoneyAmount = strawberry.field(
        description="Quantity × unit price less the discount, excluding tax."
    )


@strawberry.type(description="An invoice or a credit note.")
class Invoice:
    id: strawberry.ID = strawberry.field(description="The invoice's id.")
    kind: InvoiceKind = strawberry.field(description="Invoice or credit note.")
    state: InvoiceState = strawberry.field(description="Draft, posted or cancelled.")
    series: str = strawberry.field(description="Its numbering series (INV, CN, ...).")
    number: str | None = strawberry.field(
        description='Given at posting, with no gap in its series ("INV-000042"); null for a '
        "draft or a cancelled draft."
    )
    issue_date: str | None = strawberry.field(
        description=f"The posting date, {_DATE}; null before posting."
    )
    currency: str = strawberry.field(description="ISO 4217: every amount is in it.")
    lines: list[InvoiceLine] = strawberry.field(description="Its lines, in order.")
    total_excluding_tax: MoneyAmount = strawberry.field(description="Total excluding tax.")
    total_tax: MoneyAmount = strawberry.field(description="Total VAT.")
    total_including_tax: MoneyAmount = strawberry.field(description="Total including tax.")
    credited_invoice_id: strawberry.ID | None = strawberry.field(
        description="For a credit note: the posted invoice it corrects."
    )
    payment_state: PaymentState | None = strawberry.field(
        description="Once posted: how much of it is settled; null for a draft."
    )
    exemption_reference: str | None = strawberry.field(
        description="Why no VAT applies, when none does."
    )
    version: int = strawberry.field(description="Pass it back to post or cancel the draft.")


@strawberry.type(description="A step of the unpaid path, with the day it took effect.")
class UnpaidStepTaken:
    step: UnpaidStep = strawberry.field(description="The step.")
    date: str = strawberry.field(description=f"The day it took effect, {_DATE}.")


@strawberry.type(description="A run of the unpaid path over the agency's premium notices.")
class UnpaidPathJob:
    id: strawberry.ID = strawberry.field(description="The run's id.")
    state: str = strawberry.field(description="pending, running, succeeded or failed.")
    total: int = strawberry.field(description="Notices it looks at.")
    done: int = strawberry.field(description="Notices looked at so far.")


@strawberry.type(
    description="A premium notice (quittance) of a contract: VAT-exempt, its total in the ledger."
)
class PremiumNotice:
    id: strawberry.ID = strawberry.field(description="The notice's id.")
    contract_id: strawberry.ID = strawberry.field(description="The contract it bills.")
    period_start: str = strawberry.field(description=f"First day covered, {_DATE}.")
    period_end: str = strawberry.field(description=f"Last day covered, {_DATE}.")
    due_date: str = strawberry.field(description=f"When it is due, {_DATE}.")
    net_premium: MoneyAmount = strawberry.field(description="The premium before taxes.")
    taxes: MoneyAmount = strawberry.field(description="Insurance taxes.")
    fees: MoneyAmount = strawberry.field(description="Fees.")
    total: MoneyAmount = strawberry.field(description="What is due in all.")
    open_amount: MoneyAmount = strawberry.field(description="What is still to pay.")
    status: NoticeStatus = strawberry.field(description="Where it stands today.")
    entry_id: strawberry.ID = strawberry.field(
        description="Its ledger entry, which payments are allocated to."
    )
    unpaid_step: UnpaidStep | None = strawberry.field(
        description="The last step of the unpaid path taken; null when not on it."
    )
    unpaid_steps: list[UnpaidStepTaken] = strawberry.field(
        description="Every step of the unpaid path taken, in order."
    )


@strawberry.type(description="A premium notice, invoice or fee still open, with its age today.")
class Debt:
    entry: LedgerEntry = strawberry.field(description="The ledger entry still open.")
    age_days: int = strawberry.field(
        description="Days since its date, today in the agency's timezone (negative before it)."
    )
    age: DebtAge = strawberry.field(description="Its age band.")


@strawberry.type(
    description="The Account section of the file (billing service): advisors, managers and "
    "admins see it; technicians and partners get null."
)
class Account:
    balance: MoneyAmount = strawberry.field(
        description="What the client owes in the platform's default currency (EUR), never "
        "converted from other currencies; negative when in the client's favour."
    )
    balances: list[MoneyAmount] = strawberry.field(
        description="The balance in each currency the client has entries in, by code."
    )
    entry_count: int = strawberry.field(description="Ledger entries in all.")
    invoice_count: int = strawberry.field(description="Invoices and credit notes posted.")
    debts: list[Debt] = strawberry.field(
        description="What is unpaid, debt by debt, oldest first, with its age computed today."
    )
    all_entries: strawberry.Private[list[LedgerEntry]]
    all_invoices: strawberry.Private[list[Invoice]]
    all_notices: strawberry.Private[list[PremiumNotice]]

    @strawberry.field(description="The ledger, newest first.")
    def entries(
        self,
        limit: Annotated[
            int, strawberry.argument(description="How many entries at most, 0 to 100.")
        ] = 20,
    ) -> list[LedgerEntry]:
        return self.all_entries[: max(limit, 0)]

    @strawberry.field(description="Invoices and credit notes, drafts included, newest first.")
    def invoices(
        self,
        limit: Annotated[int, strawberry.argument(description="How many at most, 0 to 100.")] = 20,
    ) -> list[Invoice]:
        return self.all_invoices[: max(limit, 0)]

    @strawberry.field(description="Premium notices, newest due date first.")
    def notices(
        self,
        limit: Annotated[
            int, strawberry.argument(description="How many notices at most, 0 to 100.")
        ] = 20,
    ) -> list[PremiumNotice]:
        return self.all_notices[: max(limit, 0)]


# Protos to the section's types, once per answer: every leaf is then an attribute read.


def _payment_state(value: int) -> PaymentState | None:
    return PaymentState(value) if value else None


def ledger_entry(e: billing_pb2.LedgerEntry) -> LedgerEntry:
    return LedgerEntry(
        id=strawberry.ID(e.id),
        kind=EntryKind(e.kind),
        date=e.date,
        amount=money(e.amount),
        open_amount=money(e.open_amount),
        label=e.label or None,
        invoice_id=strawberry.ID(e.invoice_id) if e.invoice_id else None,
        allocations=[
            Allocation(entry_id=strawberry.ID(a.entry_id), amount=money(a.amount))
            for a in e.allocations
        ],
        payment_state=_payment_state(e.payment_state),
        recorded_by=e.recorded_by or None,
        recorded_at=timestamp(e, "recorded_at"),
    )


def invoice(i: billing_pb2.Invoice) -> Invoice:
    return Invoice(
        id=strawberry.ID(i.id),
        kind=InvoiceKind(i.kind),
        state=InvoiceState(i.state),
        series=i.series,
        number=i.number or None,
        issue_date=i.issue_date or None,
        currency=i.currency,
        lines=[
            InvoiceLine(
                designation=line.designation,
                quantity=line.quantity,
                unit_price=money(line.unit_price),
                discount_basis_points=line.discount_basis_points,
                vat_basis_points=line.vat_basis_points,
                net_amount=money(line.net_amount),
            )
            for line in i.lines
        ],
        total_excluding_tax=money(i.total_excluding_tax),
        total_tax=money(i.total_tax),
        total_including_tax=money(i.total_including_tax),
        credited_invoice_id=strawberry.ID(i.credited_invoice_id) if i.credited_invoice_id else None,
        payment_state=_payment_state(i.payment_state),
        exemption_reference=i.exemption_reference or None,
        version=i.version,
    )


def unpaid_step(t: billing_pb2.UnpaidStepTaken) -> UnpaidStepTaken:
    return UnpaidStepTaken(step=UnpaidStep(t.step), date=t.date)


def premium_notice(n: billing_pb2.PremiumNotice) -> PremiumNotice:
    return PremiumNotice(
        id=strawberry.ID(n.id),
        contract_id=strawberry.ID(n.contract_id),
        period_start=n.period_start,
        period_end=n.period_end,
        due_date=n.due_date,
        net_premium=money(n.net_premium),
        taxes=money(n.taxes),
        fees=money(n.fees),
        total=money(n.total),
        open_amount=money(n.open_amount),
        status=NoticeStatus(n.status),
        entry_id=strawberry.ID(n.entry_id),
        unpaid_step=UnpaidStep(n.unpaid_step) if n.unpaid_step else None,
        unpaid_steps=[unpaid_step(t) for t in n.unpaid_steps],
    )


def account(a: billing_pb2.Account) -> Account:
    return Account(
        balance=money(a.balance),
        balances=[money(m) for m in a.balances],
        entry_count=a.entry_count,
        invoice_count=a.invoice_count,
        debts=[
            Debt(entry=ledger_entry(d.entry), age_days=d.age_days, age=DebtAge(d.age))
            for d in a.debts
        ],
        all_entries=[ledger_entry(e) for e in a.entries],
        all_invoices=[invoice(i) for i in a.invoices],
        all_notices=[premium_notice(n) for n in a.notices],
    )


# What the section takes from the query's selection: how many entries and invoices it shows.
DEFAULT_LIMIT = 20


def _limit(field: SelectedField, name: str) -> int:
    limits = [
        min(max(int(sub.arguments.get("limit", DEFAULT_LIMIT)), 0), 100)
        for sub in fields_named(field.selections, name)
    ]
    return max(limits, default=0)


def _request(field: SelectedField) -> tuple[int, int, bool, int]:
    debts = bool(fields_named(field.selections, "debts"))
    return _limit(field, "entries"), _limit(field, "invoices"), debts, _limit(field, "notices")


async def _load(
    context: RequestContext, client_ids: list[str], asked: tuple[int, int, bool, int]
) -> dict[str, Account]:
    entries_limit, invoices_limit, with_debts, notices_limit = asked
    if context.caller.role not in ACCOUNT_ROLES:
        # Not an error: the section is null for a role that may not see it.
        return {}
    answers = await context.clients.billing.batch_get_accounts(
        context.caller,
        client_ids,
        entries_limit=entries_limit,
        invoices_limit=invoices_limit,
        with_debts=with_debts,
        notices_limit=notices_limit,
    )
    found = {answer.client_id: answer for answer in answers}
    return {
        client_id: account(found.get(client_id) or billing_pb2.Account(client_id=client_id))
        for client_id in client_ids
    }


ACCOUNT = Section(
    name="account",
    type=Account,
    description="Balance, ledger, invoices and credit notes. Null, with the billing service's "
    "error, when they could not be read.",
    load=_load,
    request=_request,
)


@strawberry.type(description="A page of a client's ledger, newest first.")
class LedgerPage:
    entries: list[LedgerEntry] = strawberry.field(description="The page's entries.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    total_count: int = strawberry.field(description="Entries of the listing in all.")


MAX_LEDGER_PAGE = 200


@strawberry.type(description="Billing's queries.")
class BillingQuery:
    @strawberry.field(
        description="A client's whole ledger, page by page (the account shows only the newest "
        "entries)."
    )
    async def ledger(
        self,
        info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(description="The client.")],
        first: Annotated[
            int, strawberry.argument(description=f"Entries per page, 1 to {MAX_LEDGER_PAGE}.")
        ] = 50,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor of the previous page.")
        ] = None,
        kinds: Annotated[
            list[EntryKind] | None,
            strawberry.argument(description="Only these kinds; all when omitted."),
        ] = None,
    ) -> LedgerPage | None:
        request = billing_pb2.ListLedgerRequest(
            client_id=client_id,
            page=common_pb2.PageRequest(first=first, after=after or ""),
            kinds=[k.value for k in kinds or []],
        )
        answer = await info.context.clients.billing.list_ledger(info.context.caller, request)
        return LedgerPage(
            entries=[ledger_entry(e) for e in answer.entries],
            page_info=PageInfo(
                end_cursor=answer.page_info.end_cursor or None,
                has_next_page=answer.page_info.has_next_page,
            ),
            total_count=answer.total_count,
        )


# Inputs


@strawberry.input(description="Part of a payment or write-off set against one debt.")
class AllocationInput:
    entry_id: strawberry.ID = strawberry.field(
        description="The premium notice, invoice or fee entry it settles."
    )
    amount: str = strawberry.field(
        description="How much of it, positive, in major units of the payment's currency."
    )


@strawberry.input(description="A premium notice, fee, refund or write-off written by hand.")
class LedgerEntryInput:
    client_id: strawberry.ID = strawberry.field(description="The client.")
    kind: EntryKind = strawberry.field(
        description="PREMIUM_NOTICE, FEE, REFUND or WRITE_OFF (the others have their own "
        "mutations)."
    )
    date: str = strawberry.field(description=f"The day it counts from, {_DATE}.")
    amount: MoneyInput = strawberry.field(description="Positive: the kind gives the sign.")
    label: str = strawberry.field(default="", description="What it is for.")
    allocations: list[AllocationInput] = strawberry.field(
        default_factory=list, description="For a write-off: the debts it settles."
    )
    idempotency_key: str = strawberry.field(
        default="", description="The same key twice records the entry once."
    )


@strawberry.input(description="A payment received from the client.")
class PaymentInput:
    client_id: strawberry.ID = strawberry.field(description="The client.")
    date: str = strawberry.field(description=f"The day it was received, {_DATE}.")
    amount: MoneyInput = strawberry.field(description="Positive.")
    label: str = strawberry.field(default="", description="Its reference, in words.")
    allocations: list[AllocationInput] = strawberry.field(
        default_factory=list,
        description="The debts it settles, wholly or partly; the rest stays on account.",
    )
    idempotency_key: str = strawberry.field(
        default="", description="The same key twice records the payment once."
    )


@strawberry.input(description="A contract's premium notice.")
class PremiumNoticeInput:
    client_id: strawberry.ID = strawberry.field(description="The client.")
    contract_id: strawberry.ID = strawberry.field(description="The contract it bills.")
    period_start: str = strawberry.field(description=f"First day covered, {_DATE}.")
    period_end: str = strawberry.field(description=f"Last day covered, {_DATE}.")
    due_date: str = strawberry.field(description=f"When it is due, {_DATE}.")
    currency: str = strawberry.field(default="EUR", description="ISO 4217 code.")
    net_premium: str = strawberry.field(description="Positive, in major units.")
    taxes: str = strawberry.field(default="0", description="0 or more, in major units.")
    fees: str = strawberry.field(default="0", description="0 or more, in major units.")
    idempotency_key: str = strawberry.field(
        default="", description="The same key twice issues the notice once."
    )


@strawberry.input(description="One line of a draft invoice or credit note.")
class InvoiceLineInput:
    designation: str = strawberry.field(description="What is sold.")
    quantity: str = strawberry.field(default="1", description='A positive decimal, "2.5".')
    unit_price: str = strawberry.field(
        description="Excluding tax, in major units of the invoice's currency."
    )
    discount_basis_points: int = strawberry.field(
        default=0, description="Hundredths of a percent, 0 to 10000."
    )
    vat_basis_points: int = strawberry.field(
        default=0, description="Hundredths of a percent, 0 to 10000 (2000: 20 %)."
    )


MAX_LINES = max_items(billing_pb2.CreateInvoiceRequest, "lines")


@strawberry.input(description="A draft invoice or credit note.")
class InvoiceInput:
    client_id: strawberry.ID = strawberry.field(description="The client.")
    kind: InvoiceKind = strawberry.field(description="Invoice or credit note.")
    currency: str = strawberry.field(default="EUR", description="ISO 4217 code.")
    lines: list[InvoiceLineInput] = strawberry.field(
        description=f"At least one, at most {MAX_LINES}."
    )
    series: str = strawberry.field(
        default="", description="Empty: INV for an invoice, CN for a credit note."
    )
    credited_invoice_id: strawberry.ID | None = strawberry.field(
        default=None, description="Required for a credit note: the posted invoice it corrects."
    )
    exemption_reference: str = strawberry.field(
        default="", description="Why no VAT applies, when none does."
    )


def _allocations(items: Sequence[AllocationInput]) -> list[billing_pb2.AllocationInput]:
    return [billing_pb2.AllocationInput(entry_id=a.entry_id, amount=a.amount) for a in items]


def _amount(value: MoneyInput) -> billing_pb2.DecimalAmount:
    return billing_pb2.DecimalAmount(value=value.amount, currency=value.currency)


InvoiceId = Annotated[strawberry.ID, strawberry.argument(description="The invoice's id.")]
Version = Annotated[int, strawberry.argument(description="The version last read.")]


@strawberry.type(description="Billing's mutations.")
class BillingMutation:
    @strawberry.mutation(
        description="Writes a premium notice, fee, refund or write-off to the client's ledger."
    )
    async def record_ledger_entry(
        self,
        info: Info,
        input: Annotated[LedgerEntryInput, strawberry.argument(description="The entry.")],
    ) -> LedgerEntry | None:
        request = billing_pb2.RecordEntryRequest(
            client_id=input.client_id,
            kind=input.kind.value,
            date=input.date,
            amount=_amount(input.amount),
            label=input.label,
            allocations=_allocations(input.allocations),
            idempotency_key=input.idempotency_key,
        )
        answer = await info.context.clients.billing.record_entry(info.context.caller, request)
        return ledger_entry(answer)

    @strawberry.mutation(description="Records a payment and the debts it settles.")
    async def record_payment(
        self,
        info: Info,
        input: Annotated[PaymentInput, strawberry.argument(description="The payment.")],
    ) -> LedgerEntry | None:
        request = billing_pb2.RecordPaymentRequest(
            client_id=input.client_id,
            date=input.date,
            amount=_amount(input.amount),
            label=input.label,
            allocations=_allocations(input.allocations),
            idempotency_key=input.idempotency_key,
        )
        answer = await info.context.clients.billing.record_payment(info.context.caller, request)
        return ledger_entry(answer)

    @strawberry.mutation(
        description="Issues a contract's premium notice; its total enters the ledger."
    )
    async def issue_premium_notice(
        self,
        info: Info,
        input: Annotated[PremiumNoticeInput, strawberry.argument(description="The notice.")],
    ) -> PremiumNotice | None:
        request = billing_pb2.IssuePremiumNoticeRequest(
            client_id=input.client_id,
            contract_id=input.contract_id,
            period_start=input.period_start,
            period_end=input.period_end,
            due_date=input.due_date,
            currency=input.currency,
            net_premium=input.net_premium,
            taxes=input.taxes,
            fees=input.fees,
            idempotency_key=input.idempotency_key,
        )
        answer = await info.context.clients.billing.issue_premium_notice(
            info.context.caller, request
        )
        return premium_notice(answer)

    @strawberry.mutation(
        description="Moves the agency's premium notices along the unpaid path as far as today "
        "allows, in the background (run daily; a step is never taken twice)."
    )
    async def run_unpaid_path(self, info: Info) -> UnpaidPathJob | None:
        job = await info.context.clients.billing.run_unpaid_path(info.context.caller)
        return UnpaidPathJob(
            id=strawberry.ID(job.id), state=job.state, total=job.total, done=job.done
        )

    @strawberry.mutation(description="Creates a draft invoice or credit note (no number yet).")
    async def create_invoice(
        self,
        info: Info,
        input: Annotated[InvoiceInput, strawberry.argument(description="The draft.")],
    ) -> Invoice | None:
        request = billing_pb2.CreateInvoiceRequest(
            client_id=input.client_id,
            kind=input.kind.value,
            series=input.series,
            currency=input.currency,
            lines=[
                billing_pb2.InvoiceLineInput(
                    designation=line.designation,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount_basis_points=line.discount_basis_points,
                    vat_basis_points=line.vat_basis_points,
                )
                for line in input.lines
            ],
            credited_invoice_id=input.credited_invoice_id or "",
            exemption_reference=input.exemption_reference,
        )
        answer = await info.context.clients.billing.create_invoice(info.context.caller, request)
        return invoice(answer)

    @strawberry.mutation(
        description="Posts a draft: numbered with no gap in its series, written to the ledger, "
        "never edited again; a credit note settles the invoice it cites."
    )
    async def post_invoice(
        self,
        info: Info,
        id: InvoiceId,
        version: Version,
        issue_date: Annotated[
            str, strawberry.argument(description=f"{_DATE}; empty: today in the agency.")
        ] = "",
        idempotency_key: Annotated[
            str, strawberry.argument(description="The same key twice posts once.")
        ] = "",
    ) -> Invoice | None:
        request = billing_pb2.PostInvoiceRequest(
            id=id, version=version, issue_date=issue_date, idempotency_key=idempotency_key
        )
        answer = await info.context.clients.billing.post_invoice(info.context.caller, request)
        return invoice(answer)

    @strawberry.mutation(
        description="Cancels a draft; a posted invoice is corrected by a credit note instead."
    )
    async def cancel_invoice(self, info: Info, id: InvoiceId, version: Version) -> Invoice | None:
        answer = await info.context.clients.billing.cancel_invoice(info.context.caller, id, version)
        return invoice(answer)


# Live events


_LEDGER_EVENTS = (
    billing_pb2.EntryRecorded,
    billing_pb2.PaymentReceived,
    billing_pb2.PremiumNoticeIssued,
    billing_pb2.InvoicePosted,
)
_INVOICE_EVENTS = (
    billing_pb2.InvoiceCreated,
    billing_pb2.InvoicePosted,
    billing_pb2.InvoiceCancelled,
)


@strawberry.type
class BillingEventFields:
    @strawberry.field(
        description="The ledger entry written, for a billing ledger event; null for others."
    )
    @staticmethod
    def ledger_entry(root: strawberry.Parent[LiveEvent], info: Info) -> LedgerEntry | None:
        payload = root.payload
        if not isinstance(payload, _LEDGER_EVENTS) or info.context.caller.role not in ACCOUNT_ROLES:
            return None
        return ledger_entry(payload.entry)

    @strawberry.field(description="The invoice or credit note, for an invoice event.")
    @staticmethod
    def invoice(root: strawberry.Parent[LiveEvent], info: Info) -> Invoice | None:
        payload = root.payload
        if (
            not isinstance(payload, _INVOICE_EVENTS)
            or info.context.caller.role not in ACCOUNT_ROLES
        ):
            return None
        return invoice(payload.invoice)

    @strawberry.field(description="The client's balance per currency after a billing ledger event.")
    @staticmethod
    def account_balances(
        root: strawberry.Parent[LiveEvent], info: Info
    ) -> list[MoneyAmount] | None:
        payload = root.payload
        if not isinstance(payload, _LEDGER_EVENTS) or info.context.caller.role not in ACCOUNT_ROLES:
            return None
        return [money(m) for m in payload.balances]


SECTION = ServiceSection(
    service="billing",
    sections=(ACCOUNT,),
    query=BillingQuery,
    mutation=BillingMutation,
    events=(
        billing_pb2.EntryRecorded,
        billing_pb2.PaymentReceived,
        billing_pb2.PremiumNoticeIssued,
        billing_pb2.NoticeUnpaidStepTaken,
        billing_pb2.InvoiceCreated,
        billing_pb2.InvoicePosted,
        billing_pb2.InvoiceCancelled,
    ),
    event_fields=BillingEventFields,
)
