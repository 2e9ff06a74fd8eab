"""Shared validators: each broken rule is one FieldViolation naming the field as the caller
wrote it; valid values are normalized (E.164 phones, compact numbers)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from runtime.clock import today
from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.common import Address, Email, Phone
from runtime.kit.validators import (
    BIC,
    IBAN,
    NIR,
    SIREN,
    SIRET,
    NumberFormat,
    check_address,
    check_addresses,
    check_date,
    check_emails,
    check_phones,
    check_siret_of_siren,
    normalize_phone,
    reject_invalid,
)

VALID_IBAN = "FR7630006000011234567890189"
VALID_NIR = "184057512345625"
VALID_SIREN = "732829320"


def test_a_phone_typed_any_way_is_stored_in_e164() -> None:
    assert normalize_phone("06 12 34 56 78") == "+33612345678"
    assert normalize_phone("+44 20 7946 0958") == "+442079460958"
    assert normalize_phone("06 12 34") is None
    phones: list[Phone] = [{"number": "06.12.34.56.78", "kind": "mobile"}]
    assert check_phones(phones, "phones") == []
    assert phones == [{"number": "+33612345678", "kind": "mobile", "primary": True}]


def test_bad_phones_name_each_field_and_rule() -> None:
    phones: list[Phone] = [
        {"number": "123", "kind": "pager"},
        {"number": "0612345678", "primary": True},
        {"number": "0612345679", "primary": True},
    ]
    assert check_phones(phones, "contacts[0].phones") == [
        FieldViolation("contacts[0].phones[0].number", "not a valid phone number"),
        FieldViolation(
            "contacts[0].phones[0].kind",
            "must be one of MOBILE, LANDLINE, WORK, FAX, OTHER",
        ),
        FieldViolation("contacts[0].phones[2].primary", "only one can be primary"),
    ]


def test_emails_are_normalized_and_checked() -> None:
    emails: list[Email] = [{"address": "Elodie@Exemple.FR"}, {"address": "nobody@"}]
    assert check_emails(emails, "emails") == [
        FieldViolation("emails[1].address", "not a valid email address")
    ]
    assert emails[0]["address"] == "Elodie@exemple.fr"
    assert emails[0]["primary"] is True


def test_an_address_needs_a_line_or_city_a_country_and_coordinates_in_range() -> None:
    address: Address = {"city": "Lyon"}
    assert check_address(address, "address") == []
    assert address["country"] == "FR"
    bad: list[Address] = [{"country": "France", "latitude": 91.0, "longitude": -181.0}]
    assert [v.field for v in check_addresses(bad, "addresses")] == [
        "addresses[0].line1",
        "addresses[0].country",
        "addresses[0].latitude",
        "addresses[0].longitude",
    ]


@pytest.mark.parametrize(
    ("number_format", "valid", "compact"),
    [
        (IBAN, "FR76 3000 6000 0112 3456 7890 189", VALID_IBAN),
        (BIC, "bnpafrppxxx", "BNPAFRPPXXX"),
        (NIR, "1 84 05 75 123 456 25", VALID_NIR),
        (SIREN, "732 829 320", VALID_SIREN),
        (SIRET, "732 829 320 00074", "73282932000074"),
    ],
)
def test_valid_numbers_pass_and_are_compacted(
    number_format: NumberFormat, valid: str, compact: str
) -> None:
    assert number_format.check(valid, "n") == []
    assert number_format.compact(valid) == compact


@pytest.mark.parametrize(
    ("number_format", "invalid", "rule"),
    [
        (IBAN, VALID_IBAN[:-1] + "0", "not a valid IBAN: the check digits do not match"),
        (BIC, "BNPAF1PP", "not a valid BIC: wrong format"),
        (NIR, VALID_NIR[:-2] + "99", "the check digits do not match"),
        (SIREN, "732829321", "not a valid SIREN: the check digits do not match"),
        (SIRET, "73282932", "not a valid SIRET: wrong length"),
    ],
)
def test_invalid_numbers_name_the_field_and_the_rule(
    number_format: NumberFormat, invalid: str, rule: str
) -> None:
    (violation,) = number_format.check(invalid, "bankAccounts[0].x")
    assert violation.field == "bankAccounts[0].x"
    assert rule in violation.rule


def test_a_blank_number_is_not_checked() -> None:
    assert IBAN.check("", "iban") == []
    assert IBAN.compact("") == ""


def test_a_siret_belongs_to_its_siren() -> None:
    assert check_siret_of_siren("73282932000074", VALID_SIREN, "siret") == []
    assert check_siret_of_siren("44306184100047", VALID_SIREN, "siret") == [
        FieldViolation("siret", "must start with the SIREN")
    ]


def test_dates_are_iso_and_past_dates_not_in_the_future() -> None:
    assert check_date("1984-05-17", "birthDate", past=True) == []
    assert check_date("17/05/1984", "birthDate") == [
        FieldViolation("birthDate", "not a date in the form YYYY-MM-DD")
    ]
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert check_date(tomorrow, "birthDate", past=True) == [
        FieldViolation("birthDate", "must not be in the future")
    ]
    assert check_date(tomorrow, "validTo") == []


def test_any_violation_refuses_the_whole_input() -> None:
    reject_invalid([])
    with pytest.raises(InvalidInput) as refused:
        reject_invalid([FieldViolation("a", "x"), FieldViolation("b", "y")])
    assert [v.field for v in refused.value.violations] == ["a", "b"]
