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
# Who sees the section: the same rule as the service's (services/billing/roles.py). A partner
# sees only the premium notices of the contracts it insures (null elsewhere); a technician gets
# null, never an error. Neither sees billing fields in events.
ACCOUNT_ROLES = frozenset({"advisor", "manager", "admin"})
PARTNER = "partner"
READER_ROLES = ACCOUNT_ROLES | {PARTNER}


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


@proto_enum(billing_pb2.OperationCategory)
class OperationCategory(Enum):
    """What an invoice sells: goods, services or both (an e-invoice mention)."""


@proto_enum(billing_pb2.QuoteState)
class QuoteState(Enum):
    """Where a quote stands; EXPIRED is computed today, in the agency's timezone."""


@strawberry.type(description="A postal address as printed on an invoice.")
class InvoiceAddress:
    line1: str = strawberry.field(description="Number and street.")
    line2: str | None = strawberry.field(description="What comes after the street.")
    postal_code: str = strawberry.field(description="Postal code.")
    city: str = strawberry.field(description="City or town.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code.")


@strawberry.type(description="A party of a posted invoice, as printed on it.")
class InvoiceParty:
    name: str = strawberry.field(description="Its legal name, or the client's name.")
    address: InvoiceAddress = strawberry.field(description="Its postal address.")
    siren: str | None = strawberry.field(description="Its SIREN; null for a private person.")
    siret: str | None = strawberry.field(description="Its SIRET, when known.")
    vat_number: str | None = strawberry.field(description="Its intra-community VAT number.")
    professional: bool = strawberry.field(description="Whether it is a business.")


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
    awaiting_clearance: bool = strawberry.field(
        description="For a payment: received, not yet cleared (clearPayment confirms it)."
    )
    in_payment_amount: MoneyAmount = strawberry.field(
        description="For a debt: the part settled by payments still awaiting their clearance."
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
    due_date: str | None = strawberry.field(
        description=f"When payment is due, {_DATE}; set at posting when the draft gives none."
    )
    supply_date: str | None = strawberry.field(
        description=f"When the goods or services were supplied, {_DATE}."
    )
    operation_category: OperationCategory | None = strawberry.field(
        description="Goods, services or both."
    )
    quote_id: strawberry.ID | None = strawberry.field(
        description="The accepted quote it invoices, when it comes from one."
    )
    seller: InvoiceParty | None = strawberry.field(
        description="The seller as printed at posting; null for a draft."
    )
    buyer: InvoiceParty | None = strawberry.field(
        description="The buyer as printed at posting; null for a draft."
    )

    @strawberry.field(
        description="A short-lived link to the posted invoice or credit note as a Factur-X PDF "
        "(PDF/A-3 with its EN 16931 XML); null for a draft or a cancelled draft."
    )
    def factur_x_url(self, info: Info) -> str | None:
        if self.state.value != billing_pb2.INVOICE_STATE_POSTED:
            return None
        return info.context.files.link(info.context.caller, "billing", str(self.id))


@strawberry.type(
    description="A quote (devis): lines and totals like an invoice, numbered when sent."
)
class Quote:
    id: strawberry.ID = strawberry.field(description="The quote's id.")
    state: QuoteState = strawberry.field(description="Where it stands today.")
    number: str | None = strawberry.field(
        description='Given when sent, with no gap ("DEV-000042"); null for a draft.'
    )
    title: str | None = strawberry.field(description="What it is for.")
    issue_date: str | None = strawberry.field(description=f"The day it was sent, {_DATE}.")
    valid_until: str = strawberry.field(description=f"The last day it may be accepted, {_DATE}.")
    currency: str = strawberry.field(description="ISO 4217: every amount is in it.")
    lines: list[InvoiceLine] = strawberry.field(description="Its lines, in order.")
    total_excluding_tax: MoneyAmount = strawberry.field(description="Total excluding tax.")
    total_tax: MoneyAmount = strawberry.field(description="Total VAT.")
    total_including_tax: MoneyAmount = strawberry.field(description="Total including tax.")
    invoice_id: strawberry.ID | None = strawberry.field(
        description="The draft invoice made from it, once accepted and invoiced."
    )
    version: int = strawberry.field(description="Pass it back to answer or invoice it.")


@strawberry.type(
    description="The agency's identity and terms printed on every invoice (mandatory mentions)."
)
class SellerProfile:
    legal_name: str | None = strawberry.field(description="The legal name.")
    legal_form: str | None = strawberry.field(description="SA, SAS, SARL, EURL, EI...")
    share_capital: MoneyAmount | None = strawberry.field(
        description="The share capital of a company; null when none is set."
    )
    address: InvoiceAddress | None = strawberry.field(description="The registered address.")
    siren: str | None = strawberry.field(description="9 digits.")
    siret: str | None = strawberry.field(description="14 digits, starting with the SIREN.")
    vat_number: str | None = strawberry.field(description="The intra-community VAT number.")
    registry: str | None = strawberry.field(description='The trade register ("RCS Paris").')
    payment_terms: str | None = strawberry.field(description="The payment terms printed.")
    payment_days: int = strawberry.field(
        description="Days from the issue date to the due date when an invoice gives none."
    )
    late_penalty_rate: str | None = strawberry.field(description="Late-payment penalty rate.")
    early_payment_discount: str | None = strawberry.field(
        description="Early payment discount terms."
    )
    vat_on_debits: bool = strawberry.field(description="VAT paid on debits (option).")
    iban: str | None = strawberry.field(description="IBAN for payment by transfer.")
    version: int = strawberry.field(
        description="Pass it back to change the profile; 0 while none is set."
    )


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
    "admins see it; a partner sees only the premium notices of the contracts it insures (null "
    "when there are none); technicians get null."
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
    quote_count: int = strawberry.field(description="Quotes in all, drafts included.")
    all_entries: strawberry.Private[list[LedgerEntry]]
    all_invoices: strawberry.Private[list[Invoice]]
    all_notices: strawberry.Private[list[PremiumNotice]]
    all_quotes: strawberry.Private[list[Quote]]

    @strawberry.field(description="Quotes, newest first.")
    def quotes(
        self,
        limit: Annotated[int, strawberry.argument(description="How many at most, 0 to 100.")] = 20,
    ) -> list[Quote]:
        return self.all_quotes[: max(limit, 0)]

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
        awaiting_clearance=e.awaiting_clearance,
        in_payment_amount=money(e.in_payment_amount),
        recorded_by=e.recorded_by or None,
        recorded_at=timestamp(e, "recorded_at"),
    )


def invoice_address(a: common_pb2.Address) -> InvoiceAddress:
    return InvoiceAddress(
        line1=a.line1,
        line2=a.line2 or None,
        postal_code=a.postal_code,
        city=a.city,
        country=a.country,
    )


def invoice_party(i: billing_pb2.Invoice, name: str) -> InvoiceParty | None:
    if not i.HasField(name):  # type: ignore[arg-type]
        return None
    p: billing_pb2.Party = getattr(i, name)
    return InvoiceParty(
        name=p.name,
        address=invoice_address(p.address),
        siren=p.siren or None,
        siret=p.siret or None,
        vat_number=p.vat_number or None,
        professional=p.professional,
    )


def _lines(lines: Sequence[billing_pb2.InvoiceLine]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            designation=line.designation,
            quantity=line.quantity,
            unit_price=money(line.unit_price),
            discount_basis_points=line.discount_basis_points,
            vat_basis_points=line.vat_basis_points,
            net_amount=money(line.net_amount),
        )
        for line in lines
    ]


def quote(q: billing_pb2.Quote) -> Quote:
    return Quote(
        id=strawberry.ID(q.id),
        state=QuoteState(q.state),
        number=q.number or None,
        title=q.title or None,
        issue_date=q.issue_date or None,
        valid_until=q.valid_until,
        currency=q.currency,
        lines=_lines(q.lines),
        total_excluding_tax=money(q.total_excluding_tax),
        total_tax=money(q.total_tax),
        total_including_tax=money(q.total_including_tax),
        invoice_id=strawberry.ID(q.invoice_id) if q.invoice_id else None,
        version=q.version,
    )


def seller_profile(p: billing_pb2.SellerProfile) -> SellerProfile:
    return SellerProfile(
        legal_name=p.legal_name or None,
        legal_form=p.legal_form or None,
        share_capital=money(p.share_capital) if p.HasField("share_capital") else None,
        address=invoice_address(p.address) if p.HasField("address") else None,
        siren=p.siren or None,
        siret=p.siret or None,
        vat_number=p.vat_number or None,
        registry=p.registry or None,
        payment_terms=p.payment_terms or None,
        payment_days=p.payment_days,
        late_penalty_rate=p.late_penalty_rate or None,
        early_payment_discount=p.early_payment_discount or None,
        vat_on_debits=p.vat_on_debits,
        iban=p.iban or None,
        version=p.version,
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
        lines=_lines(i.lines),
        total_excluding_tax=money(i.total_excluding_tax),
        total_tax=money(i.total_tax),
        total_including_tax=money(i.total_including_tax),
        credited_invoice_id=strawberry.ID(i.credited_invoice_id) if i.credited_invoice_id else None,
        payment_state=_payment_state(i.payment_state),
        exemption_reference=i.exemption_reference or None,
        version=i.version,
        due_date=i.due_date or None,
        supply_date=i.supply_date or None,
        operation_category=OperationCategory(i.operation_category)
        if i.operation_category
        else None,
        quote_id=strawberry.ID(i.quote_id) if i.quote_id else None,
        seller=invoice_party(i, "seller"),
        buyer=invoice_party(i, "buyer"),
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
        quote_count=a.quote_count,
        all_quotes=[quote(q) for q in a.quotes],
    )


# What the section takes from the query's selection: how many entries and invoices it shows.
DEFAULT_LIMIT = 20


def _limit(field: SelectedField, name: str) -> int:
    limits = [
        min(max(int(sub.arguments.get("limit", DEFAULT_LIMIT)), 0), 100)
        for sub in fields_named(field.selections, name)
    ]
    return max(limits, default=0)


def _request(field: SelectedField) -> tuple[int, int, bool, int, int]:
    debts = bool(fields_named(field.selections, "debts"))
    return (
        _limit(field, "entries"),
        _limit(field, "invoices"),
        debts,
        _limit(field, "notices"),
        _limit(field, "quotes"),
    )


async def _load(
    context: RequestContext, client_ids: list[str], asked: tuple[int, int, bool, int, int]
) -> dict[str, Account]:
    entries_limit, invoices_limit, with_debts, notices_limit, quotes_limit = asked
    if context.caller.role not in READER_ROLES:
        # Not an error: the section is null for a role that may not see it.
        return {}
    answers = await context.clients.billing.batch_get_accounts(
        context.caller,
        client_ids,
        entries_limit=entries_limit,
        invoices_limit=invoices_limit,
        with_debts=with_debts,
        notices_limit=notices_limit,
        quotes_limit=quotes_limit,
    )
    found = {answer.client_id: answer for answer in answers}
    if context.caller.role == PARTNER:
        # A partner's account holds only the notices of the contracts it insures: the
        # service answers no account for a client where it insures none, and the section is
        # then null.
        return {
            client_id: account(found[client_id]) for client_id in client_ids if client_id in found
        }
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

    @strawberry.field(
        description="The agency's seller profile: its identity and terms printed on every "
        "invoice (version 0 and empty fields while none is set)."
    )
    async def seller_profile(self, info: Info) -> SellerProfile | None:
        answer = await info.context.clients.billing.get_seller_profile(info.context.caller)
        return seller_profile(answer)


# Inputs


@strawberry.input(description="A postal address printed on invoices.")
class InvoiceAddressInput:
    line1: str = strawberry.field(description="Number and street.")
    line2: str = strawberry.field(default="", description="What comes after the street.")
    postal_code: str = strawberry.field(description="Postal code.")
    city: str = strawberry.field(description="City or town.")
    country: str = strawberry.field(default="FR", description="ISO 3166-1 alpha-2 code.")


@strawberry.input(description="The agency's identity and terms printed on every invoice.")
class SellerProfileInput:
    legal_name: str = strawberry.field(description="The legal name (dénomination sociale).")
    legal_form: str = strawberry.field(default="", description="SA, SAS, SARL, EURL, EI...")
    share_capital: MoneyInput | None = strawberry.field(
        default=None, description="The share capital, required on invoices of a company."
    )
    address: InvoiceAddressInput | None = strawberry.field(
        default=None, description="The registered address."
    )
    siren: str = strawberry.field(default="", description="9 digits, checked.")
    siret: str = strawberry.field(
        default="", description="14 digits starting with the SIREN, checked."
    )
    vat_number: str = strawberry.field(
        default="", description="The French VAT number (FR + key + SIREN), checked."
    )
    registry: str = strawberry.field(default="", description='The trade register ("RCS Paris").')
    payment_terms: str = strawberry.field(
        default="", description='The payment terms ("30 jours date de facture").'
    )
    payment_days: int = strawberry.field(
        default=30, description="Days to the due date when an invoice gives none, 0 to 60."
    )
    late_penalty_rate: str = strawberry.field(
        default="", description="The late-payment penalty rate."
    )
    early_payment_discount: str = strawberry.field(
        default="", description="The early payment discount terms (or that there is none)."
    )
    vat_on_debits: bool = strawberry.field(
        default=False, description="VAT paid on debits (option)."
    )
    iban: str = strawberry.field(default="", description="IBAN for payment by transfer, checked.")


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
    awaiting_clearance: bool = strawberry.field(
        default=False,
        description="Received but not yet cleared (a cheque to cash, a transfer announced): the "
        "debts it settles are IN_PAYMENT until clearPayment.",
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
    due_date: str = strawberry.field(
        default="",
        description=f"When payment is due, {_DATE}; empty: the issue date plus the seller's "
        "payment days.",
    )
    supply_date: str = strawberry.field(
        default="", description=f"When the goods or services were supplied, {_DATE}."
    )
    operation_category: OperationCategory | None = strawberry.field(
        default=None, description="Goods, services or both; null: services."
    )


@strawberry.input(description="A draft quote.")
class QuoteInput:
    client_id: strawberry.ID = strawberry.field(description="The client.")
    title: str = strawberry.field(default="", description="What it is for.")
    currency: str = strawberry.field(default="EUR", description="ISO 4217 code.")
    lines: list[InvoiceLineInput] = strawberry.field(
        description=f"At least one, at most {MAX_LINES}."
    )
    valid_until: str = strawberry.field(
        description=f"The last day it may be accepted, {_DATE}, not in the past."
    )


def _line_inputs(lines: Sequence[InvoiceLineInput]) -> list[billing_pb2.InvoiceLineInput]:
    return [
        billing_pb2.InvoiceLineInput(
            designation=line.designation,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount_basis_points=line.discount_basis_points,
            vat_basis_points=line.vat_basis_points,
        )
        for line in lines
    ]


QuoteId = Annotated[strawberry.ID, strawberry.argument(description="The quote's id.")]


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
            awaiting_clearance=input.awaiting_clearance,
        )
        answer = await info.context.clients.billing.record_payment(info.context.caller, request)
        return ledger_entry(answer)

    @strawberry.mutation(
        description="Confirms a payment's clearance (on the bank statement): the debts it "
        "settles leave IN_PAYMENT for PAID. A payment already cleared is answered as it is."
    )
    async def clear_payment(
        self,
        info: Info,
        entry_id: Annotated[
            strawberry.ID, strawberry.argument(description="The payment's ledger entry.")
        ],
    ) -> LedgerEntry | None:
        answer = await info.context.clients.billing.clear_payment(info.context.caller, entry_id)
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
            lines=_line_inputs(input.lines),
            credited_invoice_id=input.credited_invoice_id or "",
            exemption_reference=input.exemption_reference,
            due_date=input.due_date,
            supply_date=input.supply_date,
            operation_category=input.operation_category.value
            if input.operation_category
            else billing_pb2.OPERATION_CATEGORY_UNSPECIFIED,
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

    @strawberry.mutation(
        description="Admins only: sets the agency's seller profile (SIREN, SIRET and VAT number "
        "checked); invoices posted from then on print it."
    )
    async def set_seller_profile(
        self,
        info: Info,
        input: Annotated[SellerProfileInput, strawberry.argument(description="The profile.")],
        version: Annotated[
            int, strawberry.argument(description="The version last read; 0 for the first.")
        ],
    ) -> SellerProfile | None:
        where = input.address
        request = billing_pb2.SetSellerProfileRequest(
            profile=billing_pb2.SellerProfileInput(
                legal_name=input.legal_name,
                legal_form=input.legal_form,
                share_capital=_amount(input.share_capital) if input.share_capital else None,
                address=common_pb2.Address(
                    line1=where.line1,
                    line2=where.line2,
                    postal_code=where.postal_code,
                    city=where.city,
                    country=where.country,
                )
                if where
                else None,
                siren=input.siren,
                siret=input.siret,
                vat_number=input.vat_number,
                registry=input.registry,
                payment_terms=input.payment_terms,
                payment_days=input.payment_days,
                late_penalty_rate=input.late_penalty_rate,
                early_payment_discount=input.early_payment_discount,
                vat_on_debits=input.vat_on_debits,
                iban=input.iban,
            ),
            version=version,
        )
        answer = await info.context.clients.billing.set_seller_profile(info.context.caller, request)
        return seller_profile(answer)

    @strawberry.mutation(description="Creates a draft quote (numbered when sent).")
    async def create_quote(
        self,
        info: Info,
        input: Annotated[QuoteInput, strawberry.argument(description="The draft.")],
    ) -> Quote | None:
        request = billing_pb2.CreateQuoteRequest(
            client_id=input.client_id,
            title=input.title,
            currency=input.currency,
            lines=_line_inputs(input.lines),
            valid_until=input.valid_until,
        )
        answer = await info.context.clients.billing.create_quote(info.context.caller, request)
        return quote(answer)

    @strawberry.mutation(
        description="Sends a draft quote (numbered then), or records the client's acceptance "
        "or refusal of a sent quote still valid."
    )
    async def answer_quote(
        self,
        info: Info,
        id: QuoteId,
        version: Version,
        state: Annotated[QuoteState, strawberry.argument(description="SENT, ACCEPTED, REFUSED.")],
    ) -> Quote | None:
        request = billing_pb2.AnswerQuoteRequest(id=id, version=version, state=state.value)
        answer = await info.context.clients.billing.answer_quote(info.context.caller, request)
        return quote(answer)

    @strawberry.mutation(
        description="Makes a draft invoice of an accepted quote, citing it, with its lines."
    )
    async def invoice_quote(
        self,
        info: Info,
        id: QuoteId,
        version: Version,
        exemption_reference: Annotated[
            str, strawberry.argument(description="Why no VAT applies, when a line has none.")
        ] = "",
    ) -> Invoice | None:
        request = billing_pb2.InvoiceQuoteRequest(
            id=id, version=version, exemption_reference=exemption_reference
        )
        answer = await info.context.clients.billing.invoice_quote(info.context.caller, request)
        return invoice(answer)


# Live events


# The events that change the balance carry it; a payment's clearance changes none.
_BALANCE_EVENTS = (
    billing_pb2.EntryRecorded,
    billing_pb2.PaymentReceived,
    billing_pb2.PremiumNoticeIssued,
    billing_pb2.InvoicePosted,
)
_LEDGER_EVENTS = (*_BALANCE_EVENTS, billing_pb2.PaymentCleared)
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

    @strawberry.field(description="The quote, for a billing quote event; null for others.")
    @staticmethod
    def quote(root: strawberry.Parent[LiveEvent], info: Info) -> Quote | None:
        payload = root.payload
        if (
            not isinstance(payload, billing_pb2.QuoteSaved)
            or info.context.caller.role not in ACCOUNT_ROLES
        ):
            return None
        return quote(payload.quote)

    @strawberry.field(description="The client's balance per currency after a billing ledger event.")
    @staticmethod
    def account_balances(
        root: strawberry.Parent[LiveEvent], info: Info
    ) -> list[MoneyAmount] | None:
        payload = root.payload
        if (
            not isinstance(payload, _BALANCE_EVENTS)
            or info.context.caller.role not in ACCOUNT_ROLES
        ):
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
        billing_pb2.PaymentCleared,
        billing_pb2.PremiumNoticeIssued,
        billing_pb2.NoticeUnpaidStepTaken,
        billing_pb2.InvoiceCreated,
        billing_pb2.InvoicePosted,
        billing_pb2.InvoiceCancelled,
        billing_pb2.QuoteSaved,
    ),
    event_fields=BillingEventFields,
)
