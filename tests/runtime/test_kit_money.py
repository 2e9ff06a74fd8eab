"""Money: integer minor units and an ISO 4217 code, checked against the ISO 4217 table, with
exact conversions that follow each currency's number of decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from client360.common.v1 import common_pb2
from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.money import (
    Money,
    from_decimal,
    from_document,
    from_proto,
    minor_unit_exponent,
    money,
)


def test_each_currency_has_its_own_number_of_decimals() -> None:
    assert minor_unit_exponent("EUR") == 2
    assert minor_unit_exponent("JPY") == 0
    assert minor_unit_exponent("TND") == 3
    assert minor_unit_exponent("XAU") is None  # gold: no minor unit, not money here
    assert minor_unit_exponent("ZZZ") is None


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("19.99", "EUR", 1999), ("1999", "JPY", 1999), ("1.999", "TND", 1999), ("-0.5", "EUR", -50)],
)
def test_decimal_amounts_become_minor_units_and_back(
    amount: str, currency: str, minor: int
) -> None:
    converted = from_decimal(Decimal(amount), currency)
    assert converted == Money(minor, currency)
    assert converted.to_decimal() == Decimal(amount)


def test_an_amount_finer_than_the_currency_is_refused_unless_rounding_is_asked() -> None:
    with pytest.raises(InvalidInput) as refused:
        from_decimal(Decimal("0.005"), "EUR", field="total")
    assert refused.value.violations == [
        FieldViolation("total", "EUR amounts have at most 2 decimals")
    ]
    with pytest.raises(InvalidInput):
        from_decimal("1.5", "JPY")
    assert from_decimal("0.125", "EUR", rounding=ROUND_HALF_EVEN) == Money(12, "EUR")


@pytest.mark.parametrize("currency", ["ZZZ", "eur", "", "XAU"])
def test_an_unknown_currency_is_refused_naming_the_field(currency: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        money(100, currency, field="premium")
    assert refused.value.violations == [
        FieldViolation("premium.currency", "must be an ISO 4217 currency code, such as EUR")
    ]
    with pytest.raises(InvalidInput) as also_refused:
        from_decimal("1", currency, field="premium")
    assert also_refused.value.violations[0].field == "premium.currency"


def test_an_amount_is_refused_past_what_a_proto_carries() -> None:
    with pytest.raises(InvalidInput) as refused:
        money(2**63, "EUR", field="premium")
    assert refused.value.violations == [FieldViolation("premium.amountMinor", "out of range")]


def test_a_decimal_that_is_not_a_number_is_refused() -> None:
    for raw in ("douze", "NaN", "Infinity"):
        with pytest.raises(InvalidInput) as refused:
            from_decimal(raw, "EUR", field="price")
        assert refused.value.violations == [FieldViolation("price", "not a decimal amount")]


def test_money_goes_to_documents_and_protos_and_back() -> None:
    amount = money(123456, "EUR")
    assert amount.to_document() == {"amount_minor": 123456, "currency": "EUR"}
    assert from_document(amount.to_document()) == amount
    message = amount.to_proto()
    assert (message.amount_minor, message.currency) == (123456, "EUR")
    assert from_proto(message) == amount
    with pytest.raises(InvalidInput) as refused:
        from_proto(common_pb2.Money(amount_minor=1, currency="EURO"), field="balance")
    assert refused.value.violations[0].field == "balance.currency"
