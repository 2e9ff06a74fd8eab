"""The seller's side of an invoice: the tenant's seller profile (its identity and terms, set by
an admin, numbers checked with python-stdnum), the buyer from billing's copy of identity's
clients, and the mandatory mentions of a French invoice checked before posting (Code général
des impôts art. 242 nonies A, Code de commerce L441-9 and R123-238), every missing one named.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.exceptions import ValidationError
from stdnum.fr import tva

from runtime.caller import Caller
from runtime.errors import Conflict, FieldViolation, PermissionDenied
from runtime.kit.common import Address
from runtime.kit.updates import check_version, created_stamps, touched_stamps
from runtime.kit.validators import IBAN, SIREN, SIRET, check_siret_of_siren, reject_invalid
from services.billing import events
from services.billing.models import (
    COMPANY_FORMS,
    MAX_PAYMENT_DAYS,
    SELLER_PROFILE_ID,
    AddressDoc,
    ClientCopy,
    Invoice,
    PartyDoc,
    SellerProfile,
)
from services.billing.repository import BillingRepository
from services.billing.roles import require_account_role
from services.billing.validation import positive_amount

MAX_TEXT = 200
MAX_FORM = 20


@dataclass(frozen=True, slots=True)
class SellerInput:
    legal_name: str
    legal_form: str
    share_capital: str
    share_capital_currency: str
    address: Address
    siren: str
    siret: str
    vat_number: str
    registry: str
    payment_terms: str
    payment_days: int
    late_penalty_rate: str
    early_payment_discount: str
    vat_on_debits: bool
    iban: str


def empty_address() -> AddressDoc:
    return {"line1": "", "line2": "", "postal_code": "", "city": "", "country": ""}


def address_doc(address: Address) -> AddressDoc:
    return {
        "line1": address.get("line1", "").strip(),
        "line2": address.get("line2", "").strip(),
        "postal_code": address.get("postal_code", "").strip(),
        "city": address.get("city", "").strip(),
        "country": (address.get("country", "") or "FR").strip().upper(),
    }


def _vat_violations(vat_number: str, siren: str) -> list[FieldViolation]:
    if not vat_number:
        return []
    try:
        compact = tva.validate(vat_number)
    except ValidationError:
        return [FieldViolation("vatNumber", "not a valid French VAT number (FR + key + SIREN)")]
    if siren and compact[2:] != SIREN.compact(siren):
        return [FieldViolation("vatNumber", "must carry the SIREN")]
    return []


def _address_violations(address: AddressDoc, field: str) -> list[FieldViolation]:
    """A postal address as printed on an invoice: a line, a postal code, a city, a country."""
    out: list[FieldViolation] = []
    for key, name in (("line1", "line1"), ("postal_code", "postalCode"), ("city", "city")):
        if not address[key]:  # type: ignore[literal-required]
            out.append(FieldViolation(f"{field}.{name}", "required"))
    if len(address["country"]) != 2 or not address["country"].isalpha():
        out.append(FieldViolation(f"{field}.country", "must be an ISO 3166-1 alpha-2 code"))
    return out


def check_seller(given: SellerInput) -> tuple[SellerProfile, list[FieldViolation]]:
    """The profile as stored, and every broken rule; a blank number is not checked here (the
    mentions check at posting says what an invoice still lacks)."""
    out: list[FieldViolation] = []
    if not given.legal_name.strip():
        out.append(FieldViolation("legalName", "required"))
    for value, field, limit in (
        (given.legal_name, "legalName", MAX_TEXT),
        (given.legal_form, "legalForm", MAX_FORM),
        (given.registry, "registry", MAX_TEXT),
        (given.payment_terms, "paymentTerms", MAX_TEXT),
        (given.late_penalty_rate, "latePenaltyRate", MAX_TEXT),
        (given.early_payment_discount, "earlyPaymentDiscount", MAX_TEXT),
    ):
        if len(value) > limit:
            out.append(FieldViolation(field, f"at most {limit} characters"))
    out += SIREN.check(given.siren.strip(), "siren") + SIRET.check(given.siret.strip(), "siret")
    out += check_siret_of_siren(given.siret.strip(), given.siren.strip(), "siret")
    out += _vat_violations(given.vat_number.strip(), given.siren.strip())
    out += IBAN.check(given.iban.strip(), "iban")
    if not 0 <= given.payment_days <= MAX_PAYMENT_DAYS:
        # Code de commerce L441-10: at most 60 days from the invoice's date.
        out.append(FieldViolation("paymentDays", f"must be between 0 and {MAX_PAYMENT_DAYS}"))
    capital = None
    if given.share_capital.strip():
        capital = positive_amount(
            given.share_capital,
            given.share_capital_currency or "EUR",
            "shareCapital.value",
            out,
            currency_field="shareCapital.currency",
        )
    address = address_doc(given.address)
    if address["line1"] or address["postal_code"] or address["city"]:
        out += _address_violations(address, "address")
    profile: SellerProfile = {
        "id": SELLER_PROFILE_ID,
        "legal_name": given.legal_name.strip(),
        "legal_form": given.legal_form.strip().upper(),
        "share_capital": None
        if capital is None
        else {"amount_minor": capital, "currency": given.share_capital_currency or "EUR"},
        "address": address,
        "siren": SIREN.compact(given.siren.strip()),
        "siret": SIRET.compact(given.siret.strip()),
        # Stored with its country prefix, as printed: FR + key + SIREN.
        "vat_number": f"FR{tva.compact(given.vat_number)}" if given.vat_number.strip() else "",
        "registry": given.registry.strip(),
        "payment_terms": given.payment_terms.strip(),
        "payment_days": given.payment_days,
        "late_penalty_rate": given.late_penalty_rate.strip(),
        "early_payment_discount": given.early_payment_discount.strip(),
        "vat_on_debits": given.vat_on_debits,
        "iban": IBAN.compact(given.iban.strip()),
        "audit": created_stamps(""),
    }
    return profile, out


async def get_seller_profile(*, repo: BillingRepository, caller: Caller) -> SellerProfile | None:
    require_account_role(caller)
    return await repo.get_seller_profile(caller.tenant_id)


async def set_seller_profile(
    *, repo: BillingRepository, caller: Caller, given: SellerInput, version: int
) -> SellerProfile:
    """Admins only: the seller printed on every invoice posted from now on (posted invoices
    keep the seller they were posted with)."""
    if caller.role != "admin":
        raise PermissionDenied("only an admin sets the seller profile")
    profile, violations = check_seller(given)
    reject_invalid(violations)
    async with repo.transaction() as txn:
        current = await repo.get_seller_profile_for_update(txn, caller.tenant_id)
        if current is None and version != 0:
            raise Conflict(f"version: {version} is stale, no seller profile is set yet (0)")
        if current is None:
            profile["audit"] = created_stamps(caller.user_id)
            stored = await repo.insert_seller_profile(txn, caller.tenant_id, profile)
        else:
            check_version(current, version=version, what="seller profile", record_id="")
            profile["audit"] = touched_stamps(current.get("audit"), caller.user_id)
            stored = await repo.replace_seller_profile(
                txn, caller.tenant_id, profile, expected_version=version
            )
        await events.seller_profile_set(txn, caller, stored)
        return stored


# The parties printed on an invoice


def seller_party(profile: SellerProfile) -> PartyDoc:
    return {
        "name": profile["legal_name"],
        "address": profile["address"],
        "siren": profile["siren"],
        "siret": profile["siret"],
        "vat_number": profile["vat_number"],
        "professional": True,
    }


def buyer_party(copy: ClientCopy) -> PartyDoc:
    return {
        "name": copy["name"],
        "address": copy["address"] or empty_address(),
        "siren": copy["siren"],
        "siret": copy["siret"],
        "vat_number": "",
        "professional": copy["professional"],
    }


def check_mentions(
    invoice: Invoice, seller: SellerProfile | None, buyer: ClientCopy | None
) -> list[FieldViolation]:
    """Every mandatory mention of a French invoice this posting would lack, each named: the
    seller's identity and terms (from the tenant's seller profile), the buyer's name and
    address (and SIREN for a business, mandatory on e-invoices), at least one line, and the
    exemption reference of a line without VAT. The number, the dates, the VAT per rate and the
    totals are given by the posting itself."""
    out: list[FieldViolation] = []
    if not invoice["lines"]:
        out.append(FieldViolation("lines", "at least one line"))
    untaxed = any(line["vat_basis_points"] == 0 for line in invoice["lines"])
    if untaxed and not invoice.get("exemption_reference"):
        out.append(
            FieldViolation(
                "exemptionReference", "required when a line carries no VAT (mandatory mention)"
            )
        )
    if seller is None:
        out.append(
            FieldViolation("sellerProfile", "no seller profile is set: an admin sets it first")
        )
    else:
        mention = "required on every invoice (mandatory mention)"
        for key, field in (
            ("legal_name", "legalName"),
            ("legal_form", "legalForm"),
            ("siren", "siren"),
            ("siret", "siret"),
            ("vat_number", "vatNumber"),
            ("payment_terms", "paymentTerms"),
            ("late_penalty_rate", "latePenaltyRate"),
            ("early_payment_discount", "earlyPaymentDiscount"),
        ):
            if not seller[key]:  # type: ignore[literal-required]
                out.append(FieldViolation(f"sellerProfile.{field}", mention))
        out += _address_violations(seller["address"], "sellerProfile.address")
        if seller["legal_form"] in COMPANY_FORMS and seller["share_capital"] is None:
            out.append(
                FieldViolation("sellerProfile.shareCapital", "required for a company (mention)")
            )
    if buyer is None:
        out.append(
            FieldViolation("buyer", "the client is not known to billing yet (name and address)")
        )
    else:
        if not buyer["name"]:
            out.append(FieldViolation("buyer.name", "required (mandatory mention)"))
        if buyer["address"] is None:
            out.append(FieldViolation("buyer.address", "required: the client has no address"))
        else:
            out += _address_violations(buyer["address"], "buyer.address")
        if buyer["professional"] and not buyer["siren"]:
            out.append(
                FieldViolation("buyer.siren", "required for a business buyer (e-invoice mention)")
            )
    return out
