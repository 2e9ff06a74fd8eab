"""The rules a client or contact must follow before anything is written.

Checksums and formats come from maintained libraries: python-stdnum (NIR, IBAN, BIC, SIREN,
SIRET) and phonenumbers (E.164); emails from email-validator. Each rule broken gives one
FieldViolation naming the input field as the caller wrote it (``bankAccounts[0].iban``).
"""

from __future__ import annotations

from collections.abc import Callable
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

from runtime.errors import FieldViolation

KINDS = ("individual", "professional")
PHONE_KINDS = ("", "mobile", "landline", "work", "fax", "other")
EMAIL_KINDS = ("", "personal", "work", "other")
CHANNELS = ("", "email", "sms", "phone", "post")
DEFAULT_REGION = "FR"


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


def _check_number(
    value: str, field: str, what: str, validate: Callable[[str], str], out: list[FieldViolation]
) -> str:
    """Validate and return the compact form, or record the violation and return the input."""
    if not value:
        return value
    try:
        return validate(value)
    except ValidationError as error:
        out.append(FieldViolation(field, _stdnum_rule(error, what)))
        return value


def normalize_phone(raw: str) -> str | None:
    """E.164 form of a phone typed in any format (French numbers by default), or None."""
    try:
        parsed = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _check_date(value: str, field: str, out: list[FieldViolation], *, past: bool = False) -> None:
    if not value:
        return
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        out.append(FieldViolation(field, "not a date in the form YYYY-MM-DD"))
        return
    if past and parsed > date.today():
        out.append(FieldViolation(field, "must not be in the future"))


def check_phones(phones: list[dict[str, Any]], field: str, out: list[FieldViolation]) -> None:
    for i, phone in enumerate(phones):
        normalized = normalize_phone(phone.get("number", ""))
        if normalized is None:
            out.append(FieldViolation(f"{field}[{i}].number", "not a valid phone number"))
        else:
            phone["number"] = normalized
        if phone.get("kind", "") not in PHONE_KINDS:
            out.append(FieldViolation(f"{field}[{i}].kind", f"must be one of {PHONE_KINDS[1:]}"))
    _one_primary(phones, field, out)


def check_emails(emails: list[dict[str, Any]], field: str, out: list[FieldViolation]) -> None:
    for i, email in enumerate(emails):
        try:
            checked = validate_email(email.get("address", ""), check_deliverability=False)
        except EmailNotValidError:
            out.append(FieldViolation(f"{field}[{i}].address", "not a valid email address"))
        else:
            email["address"] = checked.normalized
        if email.get("kind", "") not in EMAIL_KINDS:
            out.append(FieldViolation(f"{field}[{i}].kind", f"must be one of {EMAIL_KINDS[1:]}"))
    _one_primary(emails, field, out)


def _one_primary(items: list[dict[str, Any]], field: str, out: list[FieldViolation]) -> None:
    """At most one item is primary; when none is marked, the first one is."""
    primaries = [i for i, item in enumerate(items) if item.get("primary")]
    if len(primaries) > 1:
        out.append(FieldViolation(f"{field}[{primaries[1]}].primary", "only one can be primary"))
    elif items and not primaries:
        items[0]["primary"] = True


def check_address(address: dict[str, Any], field: str, out: list[FieldViolation]) -> None:
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


def check_client(client: dict[str, Any]) -> list[FieldViolation]:
    """Check (and normalize in place) a whole client; returns every violation found."""
    out: list[FieldViolation] = []
    kind = client.get("kind", "")
    if kind not in KINDS:
        out.append(FieldViolation("kind", "must be INDIVIDUAL or PROFESSIONAL"))
    professional = client.get("professional") or {}
    if kind == "individual" and not client.get("last_name", "").strip():
        out.append(FieldViolation("lastName", "required for an individual"))
    if kind == "professional" and not professional.get("legal_name", "").strip():
        out.append(FieldViolation("professional.legalName", "required for a professional"))

    check_phones(client.get("phones", []), "phones", out)
    check_emails(client.get("emails", []), "emails", out)
    for i, address in enumerate(client.get("addresses", [])):
        check_address(address, f"addresses[{i}]", out)
    _one_primary(client.get("addresses", []), "addresses", out)

    personal = client.get("personal") or {}
    _check_date(personal.get("birth_date", ""), "personal.birthDate", out, past=True)
    personal["social_security_number"] = _check_number(
        personal.get("social_security_number", ""),
        "personal.socialSecurityNumber",
        "French social security number (NIR)",
        nir.validate,
        out,
    )
    for i, member in enumerate(client.get("family_members", [])):
        if not member.get("last_name") and not member.get("first_name"):
            out.append(FieldViolation(f"familyMembers[{i}].lastName", "a name is required"))
        _check_date(member.get("birth_date", ""), f"familyMembers[{i}].birthDate", out, past=True)
        member["social_security_number"] = _check_number(
            member.get("social_security_number", ""),
            f"familyMembers[{i}].socialSecurityNumber",
            "French social security number (NIR)",
            nir.validate,
            out,
        )

    for i, account in enumerate(client.get("bank_accounts", [])):
        if not account.get("iban"):
            out.append(FieldViolation(f"bankAccounts[{i}].iban", "required"))
        account["iban"] = _check_number(
            account.get("iban", ""), f"bankAccounts[{i}].iban", "IBAN", iban.validate, out
        )
        account["bic"] = _check_number(
            account.get("bic", ""), f"bankAccounts[{i}].bic", "BIC", bic.validate, out
        )

    professional["siren"] = _check_number(
        professional.get("siren", ""), "professional.siren", "SIREN", siren.validate, out
    )
    professional["siret"] = _check_number(
        professional.get("siret", ""), "professional.siret", "SIRET", siret.validate, out
    )
    if (
        professional.get("siren")
        and professional.get("siret")
        and not professional["siret"].startswith(professional["siren"])
        and not any(v.field.startswith("professional.sir") for v in out)
    ):
        out.append(FieldViolation("professional.siret", "must start with the SIREN"))

    flags = client.get("flags") or {}
    if flags.get("preferred_channel", "") not in CHANNELS:
        out.append(FieldViolation("flags.preferredChannel", f"must be one of {CHANNELS[1:]}"))
    return out


def check_contact(contact: dict[str, Any]) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    if not contact.get("last_name", "").strip():
        out.append(FieldViolation("lastName", "required: a contact needs a name"))
    if not contact.get("function", "").strip():
        out.append(FieldViolation("function", "required: a contact needs a function"))
    if contact.get("display_order", 0) < 0:
        out.append(FieldViolation("displayOrder", "must be 0 or more"))
    _check_date(contact.get("valid_from", ""), "validFrom", out)
    _check_date(contact.get("valid_to", ""), "validTo", out)
    valid_from, valid_to = contact.get("valid_from", ""), contact.get("valid_to", "")
    if valid_from and valid_to and not out and valid_to < valid_from:
        out.append(FieldViolation("validTo", "must not be before validFrom"))
    check_phones(contact.get("phones", []), "phones", out)
    check_emails(contact.get("emails", []), "emails", out)
    address = contact.get("address")
    if address:
        check_address(address, "address", out)
    return out
