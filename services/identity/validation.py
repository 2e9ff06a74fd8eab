"""The rules a client or contact must follow before anything is written.

Contact points and identification numbers are checked by the runtime's shared validators
(phonenumbers, email-validator, python-stdnum); what is identity's own is here: the kinds, the
names each kind requires, who a family member is, the closed vocabularies (the words of
models.py, one per value of the proto's enums), a contact's validity. Each rule broken gives
one FieldViolation naming the input field as the caller wrote it (``bankAccounts[0].iban``);
the whole input is checked, so that every violation is reported at once, and normalized in
place (E.164 phones, compact numbers).
"""

from __future__ import annotations

from typing import cast

from runtime.errors import FieldViolation
from runtime.kit.validators import (
    BIC,
    IBAN,
    NIR,
    SIREN,
    SIRET,
    check_address,
    check_addresses,
    check_date,
    check_emails,
    check_phones,
    check_siret_of_siren,
)
from services.identity.models import (
    CIVILITIES,
    CLIENT_KINDS,
    FAMILY_RELATIONSHIPS,
    GENDERS,
    MARITAL_STATUSES,
    PREFERRED_CHANNELS,
    SOCIAL_SECURITY_REGIMES,
    Client,
    ClientInput,
    ContactInput,
)

MAX_LEASING_IDENTIFIER = 40
MAX_ASSOCIATION_TEXT = 100


def check_client(client: ClientInput) -> list[FieldViolation]:
    """Check (and normalize in place) a whole client; returns every violation found."""
    out: list[FieldViolation] = []
    kind = client.get("kind", "")
    if kind not in CLIENT_KINDS.words:
        out.append(FieldViolation("kind", "must be INDIVIDUAL or PROFESSIONAL"))
    out += CIVILITIES.check(client.get("civility", ""), "civility")
    professional = client.get("professional") or {}
    if kind == "individual" and not client.get("last_name", "").strip():
        out.append(FieldViolation("lastName", "required for an individual"))
    if kind == "professional" and not professional.get("legal_name", "").strip():
        out.append(FieldViolation("professional.legalName", "required for a professional"))

    out += check_phones(client.get("phones", []), "phones")
    out += check_emails(client.get("emails", []), "emails")
    out += check_addresses(client.get("addresses", []), "addresses")

    personal = client.get("personal") or {}
    out += MARITAL_STATUSES.check(personal.get("marital_status", ""), "personal.maritalStatus")
    out += GENDERS.check(personal.get("gender", ""), "personal.gender")
    out += SOCIAL_SECURITY_REGIMES.check(
        personal.get("social_security_regime", ""), "personal.socialSecurityRegime"
    )
    out += check_date(personal.get("birth_date", ""), "personal.birthDate", past=True)
    nir = personal.get("social_security_number", "")
    out += NIR.check(nir, "personal.socialSecurityNumber")
    personal["social_security_number"] = NIR.compact(nir)
    for i, member in enumerate(client.get("family_members", [])):
        if not member.get("last_name") and not member.get("first_name"):
            out.append(FieldViolation(f"familyMembers[{i}].lastName", "a name is required"))
        out += FAMILY_RELATIONSHIPS.check(
            member.get("relationship", ""), f"familyMembers[{i}].relationship"
        )
        out += check_date(member.get("birth_date", ""), f"familyMembers[{i}].birthDate", past=True)
        member_nir = member.get("social_security_number", "")
        out += NIR.check(member_nir, f"familyMembers[{i}].socialSecurityNumber")
        member["social_security_number"] = NIR.compact(member_nir)

    for i, account in enumerate(client.get("bank_accounts", [])):
        if not account.get("iban"):
            out.append(FieldViolation(f"bankAccounts[{i}].iban", "required"))
        out += IBAN.check(account.get("iban", ""), f"bankAccounts[{i}].iban")
        out += BIC.check(account.get("bic", ""), f"bankAccounts[{i}].bic")
        account["iban"] = IBAN.compact(account.get("iban", ""))
        account["bic"] = BIC.compact(account.get("bic", ""))

    siren, siret = professional.get("siren", ""), professional.get("siret", "")
    numbers = SIREN.check(siren, "professional.siren") + SIRET.check(siret, "professional.siret")
    professional["siren"] = SIREN.compact(siren)
    professional["siret"] = SIRET.compact(siret)
    # Whether a SIRET belongs to its SIREN means something only when both are valid.
    out += numbers or check_siret_of_siren(siret, siren, "professional.siret")

    # Associations are written by the item commands only, but checked with the whole client.
    out += _check_associations(cast(Client, client))

    flags = client.get("flags") or {}
    out += PREFERRED_CHANNELS.check(flags.get("preferred_channel", ""), "flags.preferredChannel")
    leasing_identifier = flags.get("leasing_identifier", "").strip()
    if leasing_identifier:
        flags["leasing_identifier"] = leasing_identifier
        if not flags.get("leasing_company", False):
            out.append(
                FieldViolation(
                    "flags.leasingIdentifier", "only a leasing company (leasingCompany) has one"
                )
            )
        if len(leasing_identifier) > MAX_LEASING_IDENTIFIER:
            out.append(
                FieldViolation(
                    "flags.leasingIdentifier", f"at most {MAX_LEASING_IDENTIFIER} characters"
                )
            )
    return out


def _required_text(value: str, field: str, limit: int) -> list[FieldViolation]:
    if not value.strip():
        return [FieldViolation(field, "required")]
    if len(value) > limit:
        return [FieldViolation(field, f"at most {limit} characters")]
    return []


def _check_associations(client: Client) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    seen_users: set[tuple[str, str]] = set()
    for i, user in enumerate(client.get("associated_users", [])):
        field = f"associatedUsers[{i}]"
        out += _required_text(user.get("user_id", ""), f"{field}.userId", MAX_ASSOCIATION_TEXT)
        out += _required_text(user.get("role", ""), f"{field}.role", MAX_ASSOCIATION_TEXT)
        key = (user.get("user_id", ""), user.get("role", "").casefold())
        if key in seen_users:
            out.append(FieldViolation(f"{field}.userId", "already associated with this role"))
        seen_users.add(key)
    seen_products: set[str] = set()
    for i, product in enumerate(client.get("associated_products", [])):
        field = f"associatedProducts[{i}]"
        name = product.get("product", "")
        out += _required_text(name, f"{field}.product", MAX_ASSOCIATION_TEXT)
        out += check_date(product.get("available_until", ""), f"{field}.availableUntil")
        if name.casefold() in seen_products:
            out.append(FieldViolation(f"{field}.product", "already associated"))
        seen_products.add(name.casefold())
    return out


def check_contact(contact: ContactInput) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    if not contact.get("last_name", "").strip():
        out.append(FieldViolation("lastName", "required: a contact needs a name"))
    if not contact.get("function", "").strip():
        out.append(FieldViolation("function", "required: a contact needs a function"))
    out += CIVILITIES.check(contact.get("civility", ""), "civility")
    if contact.get("display_order", 0) < 0:
        out.append(FieldViolation("displayOrder", "must be 0 or more"))
    out += check_date(contact.get("valid_from", ""), "validFrom")
    out += check_date(contact.get("valid_to", ""), "validTo")
    valid_from, valid_to = contact.get("valid_from", ""), contact.get("valid_to", "")
    if valid_from and valid_to and not out and valid_to < valid_from:
        out.append(FieldViolation("validTo", "must not be before validFrom"))
    out += check_phones(contact.get("phones", []), "phones")
    out += check_emails(contact.get("emails", []), "emails")
    address = contact.get("address")
    if address:
        out += check_address(address, "address")
    return out
