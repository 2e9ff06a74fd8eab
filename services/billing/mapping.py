"""Direct mapping between the billing service's documents and its protos, field by field; the
stored words of each closed vocabulary are tables over the proto enums."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from client360.billing.v1 import billing_pb2
from client360.common.v1 import common_pb2
from runtime.clock import timestamp
from runtime.clock import today as agency_today
from runtime.kit.common import audit_to_proto
from runtime.kit.vocabulary import Vocabulary
from services.billing.models import (
    CANCELLED,
    CREDIT_NOTE,
    CREDIT_NOTE_KIND,
    DEBITS,
    DEFAULT_CURRENCY,
    DRAFT,
    FEE,
    FORMAL_NOTICE_SENT,
    GOODS,
    IN_PAYMENT,
    INVOICE,
    INVOICE_KIND,
    ISSUED,
    MIXED,
    NOT_PAID,
    OVERDUE,
    PAID,
    PARTLY_PAID,
    PAYMENT,
    POSTED,
    PREMIUM_NOTICE,
    QUOTE_ACCEPTED,
    QUOTE_DRAFT,
    QUOTE_EXPIRED,
    QUOTE_REFUSED,
    QUOTE_SENT,
    REFUND,
    REVERSED,
    SERVICES,
    SUSPENDED,
    TERMINABLE,
    UNPAID_AFTER_DAYS,
    UNPAID_STATUS,
    WRITE_OFF,
    AccountDoc,
    AddressDoc,
    Entry,
    Invoice,
    Line,
    Notice,
    PartyDoc,
    Quote,
    SellerProfile,
    StepTaken,
)
from services.billing.models import REINSTATED as REINSTATED_STEP

ENTRY_KINDS = Vocabulary(
    billing_pb2.EntryKind,
    {
        billing_pb2.ENTRY_KIND_PREMIUM_NOTICE: PREMIUM_NOTICE,
        billing_pb2.ENTRY_KIND_INVOICE: INVOICE,
        billing_pb2.ENTRY_KIND_CREDIT_NOTE: CREDIT_NOTE,
        billing_pb2.ENTRY_KIND_PAYMENT: PAYMENT,
        billing_pb2.ENTRY_KIND_REFUND: REFUND,
        billing_pb2.ENTRY_KIND_FEE: FEE,
        billing_pb2.ENTRY_KIND_WRITE_OFF: WRITE_OFF,
    },
)
INVOICE_KINDS = Vocabulary(
    billing_pb2.InvoiceKind,
    {
        billing_pb2.INVOICE_KIND_INVOICE: INVOICE_KIND,
        billing_pb2.INVOICE_KIND_CREDIT_NOTE: CREDIT_NOTE_KIND,
    },
)
INVOICE_STATES = Vocabulary(
    billing_pb2.InvoiceState,
    {
        billing_pb2.INVOICE_STATE_DRAFT: DRAFT,
        billing_pb2.INVOICE_STATE_POSTED: POSTED,
        billing_pb2.INVOICE_STATE_CANCELLED: CANCELLED,
    },
)
PAYMENT_STATES = Vocabulary(
    billing_pb2.PaymentState,
    {
        billing_pb2.PAYMENT_STATE_NOT_PAID: NOT_PAID,
        billing_pb2.PAYMENT_STATE_PARTLY_PAID: PARTLY_PAID,
        billing_pb2.PAYMENT_STATE_IN_PAYMENT: IN_PAYMENT,
        billing_pb2.PAYMENT_STATE_PAID: PAID,
        billing_pb2.PAYMENT_STATE_REVERSED: REVERSED,
    },
)


OPERATION_CATEGORIES = Vocabulary(
    billing_pb2.OperationCategory,
    {
        billing_pb2.OPERATION_CATEGORY_SERVICES: SERVICES,
        billing_pb2.OPERATION_CATEGORY_GOODS: GOODS,
        billing_pb2.OPERATION_CATEGORY_MIXED: MIXED,
    },
)
QUOTE_STATES = Vocabulary(
    billing_pb2.QuoteState,
    {
        billing_pb2.QUOTE_STATE_DRAFT: QUOTE_DRAFT,
        billing_pb2.QUOTE_STATE_SENT: QUOTE_SENT,
        billing_pb2.QUOTE_STATE_ACCEPTED: QUOTE_ACCEPTED,
        billing_pb2.QUOTE_STATE_REFUSED: QUOTE_REFUSED,
        billing_pb2.QUOTE_STATE_EXPIRED: QUOTE_EXPIRED,
    },
)


def payment_state(entry: Entry) -> str:
    """How much of a debt is settled ("" for what is not a debt)."""
    if entry["kind"] not in DEBITS:
        return ""
    amount, still_open = entry["amount"]["amount_minor"], entry["open_minor"]
    if still_open == 0:
        if entry.get("reversed_minor", 0) >= amount:
            return REVERSED
        return IN_PAYMENT if entry.get("in_payment_minor", 0) > 0 else PAID
    return NOT_PAID if still_open == amount else PARTLY_PAID


def _money(amount_minor: int, currency: str) -> common_pb2.Money:
    return common_pb2.Money(amount_minor=amount_minor, currency=currency)


def balances_to_proto(balances: Mapping[str, int]) -> list[common_pb2.Money]:
    return [_money(balances[currency], currency) for currency in sorted(balances)]


def entry_to_proto(entry: Entry) -> billing_pb2.LedgerEntry:
    currency = entry["amount"]["currency"]
    return billing_pb2.LedgerEntry(
        id=entry["id"],
        client_id=entry["client_id"],
        kind=ENTRY_KINDS.to_proto(entry["kind"]),
        date=entry["date"],
        amount=_money(entry["amount"]["amount_minor"], currency),
        open_amount=_money(entry["open_minor"], currency),
        label=entry.get("label", ""),
        invoice_id=entry.get("invoice_id", ""),
        allocations=[
            billing_pb2.Allocation(
                entry_id=a["entry_id"], amount=_money(a["amount_minor"], currency)
            )
            for a in entry.get("allocations", [])
        ],
        payment_state=PAYMENT_STATES.to_proto(payment_state(entry)),
        recorded_at=timestamp(entry.get("recorded_at", "")),
        recorded_by=entry.get("recorded_by", ""),
        awaiting_clearance=entry.get("awaiting_clearance", False),
        in_payment_amount=_money(entry.get("in_payment_minor", 0), currency),
    )


def address_to_proto(address: AddressDoc) -> common_pb2.Address:
    return common_pb2.Address(
        line1=address["line1"],
        line2=address["line2"],
        postal_code=address["postal_code"],
        city=address["city"],
        country=address["country"],
    )


def party_to_proto(party: PartyDoc | None) -> billing_pb2.Party | None:
    if party is None:
        return None
    return billing_pb2.Party(
        name=party["name"],
        address=address_to_proto(party["address"]),
        siren=party["siren"],
        siret=party["siret"],
        vat_number=party["vat_number"],
        professional=party["professional"],
    )


def seller_profile_to_proto(profile: SellerProfile | None) -> billing_pb2.SellerProfile:
    if profile is None:
        return billing_pb2.SellerProfile()
    capital = profile["share_capital"]
    return billing_pb2.SellerProfile(
        legal_name=profile["legal_name"],
        legal_form=profile["legal_form"],
        share_capital=None
        if capital is None
        else _money(capital["amount_minor"], capital["currency"]),
        address=address_to_proto(profile["address"]),
        siren=profile["siren"],
        siret=profile["siret"],
        vat_number=profile["vat_number"],
        registry=profile["registry"],
        payment_terms=profile["payment_terms"],
        payment_days=profile["payment_days"],
        late_penalty_rate=profile["late_penalty_rate"],
        early_payment_discount=profile["early_payment_discount"],
        vat_on_debits=profile["vat_on_debits"],
        iban=profile["iban"],
        version=profile.get("version", 0),
        audit=audit_to_proto(profile.get("audit")),
    )


def _lines_to_proto(lines: Sequence[Line], currency: str) -> list[billing_pb2.InvoiceLine]:
    return [
        billing_pb2.InvoiceLine(
            designation=line["designation"],
            quantity=line["quantity"],
            unit_price=_money(line["unit_price_minor"], currency),
            discount_basis_points=line["discount_basis_points"],
            vat_basis_points=line["vat_basis_points"],
            net_amount=_money(line["net_minor"], currency),
        )
        for line in lines
    ]


def quote_state(quote: Quote, today: datetime.date) -> str:
    """A sent quote past its validity is expired: computed for ``today``, never stored."""
    if quote["state"] == QUOTE_SENT and quote["valid_until"] < today.isoformat():
        return QUOTE_EXPIRED
    return quote["state"]


def quote_to_proto(quote: Quote, today: datetime.date) -> billing_pb2.Quote:
    currency = quote["currency"]
    return billing_pb2.Quote(
        id=quote["id"],
        client_id=quote["client_id"],
        state=QUOTE_STATES.to_proto(quote_state(quote, today)),
        number=quote["number"],
        issue_date=quote["issue_date"],
        valid_until=quote["valid_until"],
        currency=currency,
        lines=_lines_to_proto(quote["lines"], currency),
        total_excluding_tax=_money(quote["total_excluding_tax_minor"], currency),
        total_tax=_money(quote["total_tax_minor"], currency),
        total_including_tax=_money(quote["total_including_tax_minor"], currency),
        invoice_id=quote["invoice_id"],
        title=quote["title"],
        version=quote.get("version", 0),
        audit=audit_to_proto(quote.get("audit")),
    )


def invoice_to_proto(invoice: Invoice, entry: Entry | None = None) -> billing_pb2.Invoice:
    """``entry``: the posted invoice's ledger entry, which says how much of it is settled."""
    currency = invoice["currency"]
    return billing_pb2.Invoice(
        id=invoice["id"],
        client_id=invoice["client_id"],
        kind=INVOICE_KINDS.to_proto(invoice["kind"]),
        state=INVOICE_STATES.to_proto(invoice["state"]),
        series=invoice["series"],
        number=invoice.get("number", ""),
        issue_date=invoice.get("issue_date", ""),
        currency=currency,
        lines=_lines_to_proto(invoice["lines"], currency),
        total_excluding_tax=_money(invoice["total_excluding_tax_minor"], currency),
        total_tax=_money(invoice["total_tax_minor"], currency),
        total_including_tax=_money(invoice["total_including_tax_minor"], currency),
        credited_invoice_id=invoice.get("credited_invoice_id", ""),
        entry_id=invoice.get("entry_id", ""),
        payment_state=PAYMENT_STATES.to_proto(payment_state(entry) if entry else ""),
        exemption_reference=invoice.get("exemption_reference", ""),
        version=invoice.get("version", 0),
        audit=audit_to_proto(invoice.get("audit")),
        due_date=invoice.get("due_date", ""),
        supply_date=invoice.get("supply_date", ""),
        operation_category=OPERATION_CATEGORIES.to_proto(invoice.get("operation_category", "")),
        quote_id=invoice.get("quote_id", ""),
        seller=party_to_proto(invoice.get("seller")),
        buyer=party_to_proto(invoice.get("buyer")),
    )


NOTICE_STATUSES = Vocabulary(
    billing_pb2.NoticeStatus,
    {
        billing_pb2.NOTICE_STATUS_ISSUED: ISSUED,
        billing_pb2.NOTICE_STATUS_PARTLY_PAID: PARTLY_PAID,
        billing_pb2.NOTICE_STATUS_PAID: PAID,
        billing_pb2.NOTICE_STATUS_UNPAID: UNPAID_STATUS,
    },
)


UNPAID_STEPS = Vocabulary(
    billing_pb2.UnpaidStep,
    {
        billing_pb2.UNPAID_STEP_OVERDUE: OVERDUE,
        billing_pb2.UNPAID_STEP_FORMAL_NOTICE_SENT: FORMAL_NOTICE_SENT,
        billing_pb2.UNPAID_STEP_SUSPENDED: SUSPENDED,
        billing_pb2.UNPAID_STEP_TERMINABLE: TERMINABLE,
        billing_pb2.UNPAID_STEP_REINSTATED: REINSTATED_STEP,
    },
)


def step_to_proto(step: StepTaken) -> billing_pb2.UnpaidStepTaken:
    return billing_pb2.UnpaidStepTaken(step=UNPAID_STEPS.to_proto(step["step"]), date=step["date"])


def notice_status(notice: Notice, entry: Entry | None, today: datetime.date) -> str:
    """Paid, or else unpaid once 10 days past its due date, or else issued or partly paid:
    computed for ``today`` (the agency's), never stored."""
    still_open = entry["open_minor"] if entry else notice["total_minor"]
    if still_open <= 0:
        return PAID
    overdue_from = datetime.date.fromisoformat(notice["due_date"]) + datetime.timedelta(
        days=UNPAID_AFTER_DAYS
    )
    if today >= overdue_from:
        return UNPAID_STATUS
    return ISSUED if still_open == notice["total_minor"] else PARTLY_PAID


def notice_to_proto(
    notice: Notice, entry: Entry | None, today: datetime.date
) -> billing_pb2.PremiumNotice:
    currency = notice["currency"]
    return billing_pb2.PremiumNotice(
        id=notice["id"],
        client_id=notice["client_id"],
        contract_id=notice["contract_id"],
        period_start=notice["period_start"],
        period_end=notice["period_end"],
        due_date=notice["due_date"],
        net_premium=_money(notice["net_premium_minor"], currency),
        taxes=_money(notice["taxes_minor"], currency),
        fees=_money(notice["fees_minor"], currency),
        total=_money(notice["total_minor"], currency),
        open_amount=_money(entry["open_minor"] if entry else notice["total_minor"], currency),
        status=NOTICE_STATUSES.to_proto(notice_status(notice, entry, today)),
        entry_id=notice["entry_id"],
        issued_at=timestamp(notice.get("issued_at", "")),
        issued_by=notice.get("issued_by", ""),
        unpaid_step=UNPAID_STEPS.to_proto(notice.get("unpaid_step", "")),
        unpaid_steps=[step_to_proto(t) for t in notice.get("unpaid_steps", [])],
    )


def debt_age(age_days: int) -> billing_pb2.DebtAge.ValueType:
    if age_days < 0:
        return billing_pb2.DEBT_AGE_NOT_DUE
    if age_days <= 30:
        return billing_pb2.DEBT_AGE_DAYS_0_TO_30
    if age_days <= 60:
        return billing_pb2.DEBT_AGE_DAYS_31_TO_60
    if age_days <= 90:
        return billing_pb2.DEBT_AGE_DAYS_61_TO_90
    return billing_pb2.DEBT_AGE_DAYS_OVER_90


def account_to_proto(
    client_id: str,
    account: AccountDoc | None,
    entries: list[Entry],
    invoices: list[Invoice],
    invoice_entries: Mapping[str, Entry],
    debts: Sequence[tuple[Entry, int]] = (),
    notices: Sequence[Notice] = (),
    today: datetime.date | None = None,
    quotes: Sequence[Quote] = (),
    quote_count: int = 0,
) -> billing_pb2.Account:
    balances = account["balances"] if account else {}
    return billing_pb2.Account(
        client_id=client_id,
        balance=_money(balances.get(DEFAULT_CURRENCY, 0), DEFAULT_CURRENCY),
        balances=balances_to_proto(balances),
        entries=[entry_to_proto(e) for e in entries],
        invoices=[
            invoice_to_proto(i, invoice_entries.get(i.get("entry_id", ""))) for i in invoices
        ],
        entry_count=account["entry_count"] if account else 0,
        invoice_count=account["invoice_count"] if account else 0,
        debts=[
            billing_pb2.Debt(entry=entry_to_proto(e), age_days=age, age=debt_age(age))
            for e, age in debts
        ],
        notices=[
            notice_to_proto(n, invoice_entries.get(n["entry_id"]), today or agency_today())
            for n in notices
        ],
        quotes=[quote_to_proto(q, today or agency_today()) for q in quotes],
        quote_count=quote_count,
    )
