"""The rules a caller's billing input must follow, each broken one named with its field path
(as the GraphQL input names it) and its rule. Amounts are parsed here from the decimals the
caller typed into integer minor units, with the currency's ISO 4217 exponent: an amount with
more decimals than its currency has is refused, never rounded."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.money import currency_violations, from_decimal, minor_unit_exponent
from runtime.kit.validators import check_date
from services.billing.models import CREDIT_NOTE_KIND, RECORDABLE, WRITE_OFF, Line

SERIES = re.compile(r"^[A-Z0-9]{1,10}$")
MAX_LABEL = 200
MAX_DESIGNATION = 500
MAX_KEY = 100
MAX_BASIS_POINTS = 10_000


@dataclass(frozen=True, slots=True)
class AllocationRequest:
    entry_id: str
    amount_minor: int


def _required(value: str, field: str) -> list[FieldViolation]:
    return [] if value.strip() else [FieldViolation(field, "required")]


def _length(value: str, field: str, maximum: int) -> list[FieldViolation]:
    return [FieldViolation(field, f"at most {maximum} characters")] if len(value) > maximum else []


def positive_amount(
    value: str, currency: str, field: str, out: list[FieldViolation], *, currency_field: str = ""
) -> int | None:
    """Minor units of a positive decimal amount in ``currency``, or None with its violations
    (``currency_field``: where the caller typed the currency, when it is checked here)."""
    if currency_field and currency_violations(currency, currency_field):
        out += currency_violations(currency, currency_field)
        if value.strip():
            return None
    if not value.strip():
        out.append(FieldViolation(field, "required"))
        return None
    try:
        amount = from_decimal(value.strip(), currency, field=field)
    except InvalidInput as error:
        out.extend(error.violations)
        return None
    if amount.amount_minor <= 0:
        out.append(FieldViolation(field, "must be greater than 0"))
        return None
    return amount.amount_minor


def optional_amount(value: str, currency: str, field: str, out: list[FieldViolation]) -> int | None:
    """Minor units of an amount of 0 or more (blank is 0), or None with its violation."""
    if not value.strip():
        return 0
    if minor_unit_exponent(currency) is None:
        return None  # the currency's own violation says why
    try:
        amount = from_decimal(value.strip(), currency, field=field)
    except InvalidInput as error:
        out.extend(error.violations)
        return None
    if amount.amount_minor < 0:
        out.append(FieldViolation(field, "must not be negative"))
        return None
    return amount.amount_minor


def check_notice(
    *,
    client_id: str,
    contract_id: str,
    period_start: str,
    period_end: str,
    due_date: str,
    idempotency_key: str,
) -> list[FieldViolation]:
    out = _required(client_id, "clientId") + _required(contract_id, "contractId")
    for value, field in (
        (period_start, "periodStart"),
        (period_end, "periodEnd"),
        (due_date, "dueDate"),
    ):
        out += _required(value, field) + check_date(value, field)
    dated = not any(check_date(v, "") for v in (period_start, period_end))
    if dated and period_start and period_end and period_end < period_start:
        out.append(FieldViolation("periodEnd", "must not be before periodStart"))
    return out + _length(idempotency_key, "idempotencyKey", MAX_KEY)


def check_allocations(
    allocations: list[tuple[str, str]], currency: str, field: str, out: list[FieldViolation]
) -> list[AllocationRequest]:
    """Each allocation names an entry once and has a positive amount."""
    parsed: list[AllocationRequest] = []
    seen: set[str] = set()
    for i, (entry_id, amount) in enumerate(allocations):
        out += _required(entry_id, f"{field}[{i}].entryId")
        if entry_id in seen:
            out.append(FieldViolation(f"{field}[{i}].entryId", "an entry is allocated once"))
        seen.add(entry_id)
        minor = positive_amount(amount, currency, f"{field}[{i}].amount", out)
        if minor is not None:
            parsed.append(AllocationRequest(entry_id, minor))
    return parsed


def check_common(
    *, client_id: str, date: str, label: str, idempotency_key: str
) -> list[FieldViolation]:
    out = _required(client_id, "clientId") + _required(date, "date") + check_date(date, "date")
    out += _length(label, "label", MAX_LABEL) + _length(idempotency_key, "idempotencyKey", MAX_KEY)
    return out


def check_entry_kind(kind: str, allocations: int, out: list[FieldViolation]) -> None:
    if kind not in RECORDABLE:
        out.append(FieldViolation("kind", "must be one of PREMIUM_NOTICE, FEE, REFUND, WRITE_OFF"))
    elif allocations and kind != WRITE_OFF:
        out.append(FieldViolation("allocations", "only a write-off settles debts"))


def check_allocated_total(
    allocations: list[AllocationRequest], amount_minor: int | None, out: list[FieldViolation]
) -> None:
    if amount_minor is not None and sum(a.amount_minor for a in allocations) > amount_minor:
        out.append(FieldViolation("allocations", "together exceed the amount"))


# Invoices


def check_series(series: str) -> list[FieldViolation]:
    if series and not SERIES.match(series):
        return [FieldViolation("series", "1 to 10 capital letters or digits")]
    return []


def _basis_points(value: int, field: str) -> list[FieldViolation]:
    if not 0 <= value <= MAX_BASIS_POINTS:
        return [FieldViolation(field, f"must be between 0 and {MAX_BASIS_POINTS}")]
    return []


def line_net_minor(quantity: Decimal, unit_price_minor: int, discount_basis_points: int) -> int:
    """Quantity × unit price less the discount, half up to the currency's minor unit."""
    gross = quantity * unit_price_minor
    net = gross * (MAX_BASIS_POINTS - discount_basis_points) / MAX_BASIS_POINTS
    return int(net.to_integral_value(rounding=ROUND_HALF_UP))


def line_tax_minor(net_minor: int, vat_basis_points: int) -> int:
    tax = Decimal(net_minor) * vat_basis_points / MAX_BASIS_POINTS
    return int(tax.to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class LineInput:
    designation: str
    quantity: str
    unit_price: str
    discount_basis_points: int
    vat_basis_points: int


def check_lines(lines: list[LineInput], currency: str) -> tuple[list[Line], list[FieldViolation]]:
    """The lines with their net amounts, and every broken rule."""
    out: list[FieldViolation] = []
    parsed: list[Line] = []
    if not lines:
        out.append(FieldViolation("lines", "at least one line"))
    known_currency = minor_unit_exponent(currency) is not None
    for i, line in enumerate(lines):
        field = f"lines[{i}]"
        out += _required(line.designation, f"{field}.designation")
        out += _length(line.designation, f"{field}.designation", MAX_DESIGNATION)
        out += _basis_points(line.discount_basis_points, f"{field}.discountBasisPoints")
        out += _basis_points(line.vat_basis_points, f"{field}.vatBasisPoints")
        quantity: Decimal | None = None
        with contextlib.suppress(InvalidOperation):
            quantity = Decimal(line.quantity)
        if quantity is None or not quantity.is_finite() or quantity <= 0:
            out.append(FieldViolation(f"{field}.quantity", "a positive decimal number"))
            quantity = None
        price: int | None = None
        if known_currency:
            try:
                price = from_decimal(
                    line.unit_price.strip() or "", currency, field=f"{field}.unitPrice"
                ).amount_minor
            except InvalidInput as error:
                out.extend(error.violations)
        if price is not None and price < 0:
            out.append(FieldViolation(f"{field}.unitPrice", "must not be negative"))
        if quantity is not None and price is not None:
            parsed.append(
                {
                    "designation": line.designation.strip(),
                    "quantity": str(quantity),
                    "unit_price_minor": price,
                    "discount_basis_points": line.discount_basis_points,
                    "vat_basis_points": line.vat_basis_points,
                    "net_minor": line_net_minor(quantity, price, line.discount_basis_points),
                }
            )
    return parsed, out


def check_invoice(
    *,
    client_id: str,
    kind: str,
    series: str,
    currency: str,
    credited_invoice_id: str,
    exemption_reference: str,
) -> list[FieldViolation]:
    out = _required(client_id, "clientId")
    if not kind:
        out.append(FieldViolation("kind", "must be one of INVOICE, CREDIT_NOTE"))
    out += check_series(series) + currency_violations(currency, "currency")
    if kind == CREDIT_NOTE_KIND:
        out += _required(credited_invoice_id, "creditedInvoiceId")
    elif credited_invoice_id:
        out.append(FieldViolation("creditedInvoiceId", "only a credit note cites an invoice"))
    out += _length(exemption_reference, "exemptionReference", MAX_LABEL)
    return out
