"""Checks that several services share, each returning the FieldViolations it finds (naming the
input field as the caller wrote it, ``bankAccounts[0].iban``), with maintained libraries:
phonenumbers (E.164), email-validator, python-stdnum (IBAN, BIC, NIR, SIREN, SIRET).

Contact points are normalized in place as they are checked (a phone typed ``06 12 34 56 78``
is stored ``+33612345678``); numbers are compacted by their format's ``compact``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import bic, iban
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.fr import nir, siren, siret

from runtime.clock import today
from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.common import EMAIL_KINDS, PHONE_KINDS, Address, Email, Phone

# Numbers typed without a country code are French: the agencies are.
DEFAULT_REGION = "FR"


def reject_invalid(violations: Sequence[FieldViolation]) -> None:
    """Refuse the whole input when any rule is broken: nothing is written."""
    if violations:
        raise InvalidInput(list(violations))


# Identification numbers


def _stdnum_rule(error: ValidationError, what: str) -> str:
    if isinstance(error, InvalidChecksum):
        return f"not a valid {what}: the check digits do not match"
    if isinstance(error, InvalidLength):
        return f"not a valid {what}: wrong length"
    if isinstance(error, InvalidFormat):
        return f"not a valid {what}: wrong format"
    if isinstance(error, InvalidComponent):
        return f"not a valid {what}: a component is out of range"
    return f"not a valid {what}"


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """An identification number checked by python-stdnum; a blank value is not checked
    (whether it is required is the domain's rule)."""

    what: str
    _validate: Callable[[str], str]
    _compact: Callable[[str], str]

    def check(self, value: str, field: str) -> list[FieldViolation]:
        if not value:
            return []
        try:
            self._validate(value)
        except ValidationError as error:
            return [FieldViolation(field, _stdnum_rule(error, what=self.what))]
        return []

    def compact(self, value: str) -> str:
        """The stored form: spaces and separators dropped, letters upper-cased."""
        return self._compact(value) if value else value


IBAN = NumberFormat("IBAN", iban.validate, iban.compact)
BIC = NumberFormat("BIC", bic.validate, bic.compact)
NIR = NumberFormat("French social security number (NIR)", nir.validate, nir.compact)
SIREN = NumberFormat("SIREN", siren.validate, siren.compact)
SIRET = NumberFormat("SIRET", siret.validate, siret.compact)


def check_siret_of_siren(siret_value: str, siren_value: str, field: str) -> list[FieldViolation]:
    """A SIRET is its company's SIREN followed by the establishment's number."""
    if (
        siret_value
        and siren_value
        and not SIRET.compact(siret_value).startswith(SIREN.compact(siren_value))
    ):
        return [FieldViolation(field, "must start with the SIREN")]
    return []


# Dates


def check_date(value: str, field: str, *, past: bool = False) -> list[FieldViolation]:
    """A calendar date as YYYY-MM-DD (blank is not checked); ``past``: not after today."""
    if not value:
        return []
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        return [FieldViolation(field, "not a date in the form YYYY-MM-DD")]
    if past and parsed > today():
        return [FieldViolation(field, "must not be in the future")]
    return []


# Contact points


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 form of a phone typed in any format (``region``'s numbers by default), or None
    when it is not a valid number."""
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def check_phones(phones: list[Phone], field: str) -> list[FieldViolation]:
    """Valid numbers (stored in E.164), known kinds, one primary (the first when none is)."""
    out: list[FieldViolation] = []
    for i, phone in enumerate(phones):
        normalized = normalize_phone(phone.get("number", ""))
        if normalized is None:
            out.append(FieldViolation(f"{field}[{i}].number", "not a valid phone number"))
        else:
            phone["number"] = normalized
        out += PHONE_KINDS.check(phone.get("kind", ""), f"{field}[{i}].kind")
    return out + check_one_primary(phones, field)


def check_emails(emails: list[Email], field: str) -> list[FieldViolation]:
    """Valid addresses (stored normalized), known kinds, one primary."""
    out: list[FieldViolation] = []
    for i, email in enumerate(emails):
        try:
            checked = validate_email(email.get("address", ""), check_deliverability=False)
        except EmailNotValidError:
            out.append(FieldViolation(f"{field}[{i}].address", "not a valid email address"))
        else:
            email["address"] = checked.normalized
        out += EMAIL_KINDS.check(email.get("kind", ""), f"{field}[{i}].kind")
    return out + check_one_primary(emails, field)


def check_address(address: Address, field: str) -> list[FieldViolation]:
    """A line or a city, an ISO 3166-1 country (the default region when blank, stored
    upper-case), coordinates in range."""
    out: list[FieldViolation] = []
    if not address.get("line1") and not address.get("city"):
        out.append(FieldViolation(f"{field}.line1", "an address needs at least a line or a city"))
    country = address.get("country") or DEFAULT_REGION
    if len(country) != 2 or not country.isalpha():
        out.append(FieldViolation(f"{field}.country", "must be an ISO 3166-1 alpha-2 code"))
    address["country"] = country.upper()
    latitude, longitude = address.get("latitude"), address.get("longitude")
    if latitude is not None and not -90 <= latitude <= 90:
        out.append(FieldViolation(f"{field}.latitude", "must be between -90 and 90"))
    if longitude is not None and not -180 <= longitude <= 180:
        out.append(FieldViolation(f"{field}.longitude", "must be between -180 and 180"))
    return out


def check_addresses(addresses: list[Address], field: str) -> list[FieldViolation]:
    out = [v for i, a in enumerate(addresses) for v in check_address(a, f"{field}[{i}]")]
    return out + check_one_primary(addresses, field)


def check_one_primary(items: Sequence[Phone | Email | Address], field: str) -> list[FieldViolation]:
    """At most one item is primary; when none is marked, the first one becomes it."""
    primaries = [i for i, item in enumerate(items) if item.get("primary")]
    if len(primaries) > 1:
        return [FieldViolation(f"{field}[{primaries[1]}].primary", "only one can be primary")]
    if items and not primaries:
        first: Any = items[0]
        first["primary"] = True
    return []
