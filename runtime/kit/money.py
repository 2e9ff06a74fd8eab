"""Money as every service stores it: an integer amount of minor units and an ISO 4217 code,
checked against the ISO 4217 table, with exact conversions from and to Decimal using the
currency's own number of decimals (2 for EUR, 0 for JPY, 3 for TND)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TypedDict

import iso4217

from client360.common.v1 import common_pb2
from runtime.errors import FieldViolation, InvalidInput

# The widest amount a proto int64 carries.
_INT64_MAX = 2**63 - 1


class MoneyDocument(TypedDict):
    """How an amount is stored: ``{"amount_minor": 1999, "currency": "EUR"}``."""

    amount_minor: int
    currency: str


def minor_unit_exponent(currency: str) -> int | None:
    """The currency's number of decimals, or None when ISO 4217 knows no such currency or
    gives it no minor unit (gold, test codes): neither can be an amount of money here."""
    try:
        exponent: int | None = iso4217.Currency(currency).exponent
    except ValueError:
        return None
    return exponent


def currency_violations(currency: str, field: str) -> list[FieldViolation]:
    if minor_unit_exponent(currency) is None:
        return [FieldViolation(field, "must be an ISO 4217 currency code, such as EUR")]
    return []


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units (cents for EUR). Build it with ``money()`` or
    ``from_decimal()``, which check the currency."""

    amount_minor: int
    currency: str

    @property
    def exponent(self) -> int:
        exponent = minor_unit_exponent(self.currency)
        if exponent is None:
            raise ValueError(f"not an ISO 4217 currency: {self.currency!r}")
        return exponent

    def to_decimal(self) -> Decimal:
        """The amount in major units, exactly: Money(1999, "EUR") → Decimal("19.99")."""
        return Decimal(self.amount_minor).scaleb(-self.exponent)

    def to_document(self) -> MoneyDocument:
        return {"amount_minor": self.amount_minor, "currency": self.currency}

    def to_proto(self) -> common_pb2.Money:
        return common_pb2.Money(amount_minor=self.amount_minor, currency=self.currency)


def money(amount_minor: int, currency: str, *, field: str = "amount") -> Money:
    """A checked amount; an unknown currency or an amount past int64 is InvalidInput naming
    ``field.currency`` or ``field.amountMinor``."""
    violations = currency_violations(currency, f"{field}.currency")
    if not -_INT64_MAX <= amount_minor <= _INT64_MAX:
        violations.append(FieldViolation(f"{field}.amountMinor", "out of range"))
    if violations:
        raise InvalidInput(violations)
    return Money(amount_minor, currency)


def from_decimal(
    amount: Decimal | str, currency: str, *, field: str = "amount", rounding: str | None = None
) -> Money:
    """Major units to Money: Decimal("19.99"), "EUR" → Money(1999, "EUR").

    An amount finer than the currency allows (0.005 EUR) is refused unless ``rounding`` (a
    ``decimal`` rounding mode, such as ROUND_HALF_EVEN) says how to round it: money is never
    rounded silently.
    """
    exponent = minor_unit_exponent(currency)
    if exponent is None:
        raise InvalidInput(currency_violations(currency, f"{field}.currency"))
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise InvalidInput(FieldViolation(field, "not a decimal amount")) from None
    if not value.is_finite():
        raise InvalidInput(FieldViolation(field, "not a decimal amount"))
    minor = value.scaleb(exponent)
    whole = minor.to_integral_value(rounding=rounding) if rounding else minor
    if whole != whole.to_integral_value():
        raise InvalidInput(
            FieldViolation(field, f"{currency} amounts have at most {exponent} decimals")
        )
    return money(int(whole), currency, field=field)


def from_document(doc: MoneyDocument) -> Money:
    """A stored amount; stored amounts were checked on their way in."""
    return Money(int(doc["amount_minor"]), doc["currency"])


def from_proto(message: common_pb2.Money, *, field: str = "amount") -> Money:
    """A caller's amount, checked (a proto's currency is whatever the caller typed)."""
    return money(message.amount_minor, message.currency, field=field)
