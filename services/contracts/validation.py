"""The rules a contract or a claim must follow before anything is written.

Dates and money are checked by the runtime's shared validators (ISO 8601 dates, ISO 4217
currencies); what is the contracts service's own is here: what a contract needs, who takes
part in it and how, a beneficiary's share, what a claim needs. Each rule broken gives one
FieldViolation naming the input field as the caller wrote it (``participants[1].sharePercent``);
the whole input is checked, so that every violation is reported at once.

Rules that need the stored contract (a loss after the contract ended) are the service's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Final

from runtime.errors import FieldViolation
from runtime.kit.money import MoneyDocument, currency_violations
from runtime.kit.validators import check_date
from services.contracts.models import (
    BENEFICIARY,
    BRANCHES,
    CLAIM_ROLES,
    CLAIM_TYPES,
    COMPLAINT_CHANNELS,
    CONTRACT_STATUSES,
    PARTICIPANT_ROLES,
    PAYMENT_FREQUENCIES,
    POLICYHOLDER,
    PREMIUM_COLLECTORS,
    VEHICLE_USAGES,
    ClaimInput,
    ClaimParticipant,
    ComplaintInput,
    ContractInput,
    Participant,
    QuoteInput,
    VehicleInput,
)

MAX_TEXT = 200
MAX_DESCRIPTION = 4000
MAX_STATUS_LABEL = 60
MAX_PARTICIPANTS = 50
_INT64_MAX = 2**63 - 1


def _required(value: str, field: str) -> list[FieldViolation]:
    return [] if value.strip() else [FieldViolation(field, "required")]


def _text(value: str, field: str, limit: int = MAX_TEXT) -> list[FieldViolation]:
    if len(value) > limit:
        return [FieldViolation(field, f"at most {limit} characters")]
    return []


def _date(value: str) -> date | None:
    """A date already checked by check_date (None when blank or malformed)."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def check_money(amount: MoneyDocument | None, field: str) -> list[FieldViolation]:
    """An amount of 0 or more in an ISO 4217 currency; None (not known) is fine."""
    if amount is None:
        return []
    out = currency_violations(amount.get("currency", ""), f"{field}.currency")
    minor = amount.get("amount_minor", 0)
    if not 0 <= minor <= _INT64_MAX:
        out.append(FieldViolation(f"{field}.amountMinor", "must be 0 or more"))
    return out


def _roles(
    roles: Sequence[str], field: str, check: Callable[[str, str], list[FieldViolation]]
) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    if not roles:
        out.append(FieldViolation(field, "at least one role"))
    if len(set(roles)) != len(roles):
        out.append(FieldViolation(field, "a role is given twice"))
    for i, role in enumerate(roles):
        if not role:
            out.append(FieldViolation(f"{field}[{i}]", "required"))
        else:
            out += check(role, f"{field}[{i}]")
    return out


def _overlap(a: Participant, b: Participant) -> bool:
    """Whether two participations of one client cover a day in common (blank: open)."""
    a_from, a_to = a.get("valid_from") or "", a.get("valid_to") or "9999-12-31"
    b_from, b_to = b.get("valid_from") or "", b.get("valid_to") or "9999-12-31"
    return a_from <= b_to and b_from <= a_to


def check_participants(participants: Sequence[Participant]) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    if not participants:
        return [FieldViolation("participants", "at least one participant, the policyholder")]
    if len(participants) > MAX_PARTICIPANTS:
        out.append(FieldViolation("participants", f"at most {MAX_PARTICIPANTS}"))
    if not any(POLICYHOLDER in p.get("roles", []) for p in participants):
        out.append(FieldViolation("participants", "one of them must be the POLICYHOLDER"))
    shares = 0.0
    for i, participant in enumerate(participants):
        field = f"participants[{i}]"
        out += _required(participant.get("client_id", ""), f"{field}.clientId")
        roles = participant.get("roles", [])
        out += _roles(roles, f"{field}.roles", PARTICIPANT_ROLES.check)
        out += check_date(participant.get("valid_from", ""), f"{field}.validFrom")
        out += check_date(participant.get("valid_to", ""), f"{field}.validTo")
        start = _date(participant.get("valid_from", ""))
        end = _date(participant.get("valid_to", ""))
        if start and end and end < start:
            out.append(FieldViolation(f"{field}.validTo", "must not be before validFrom"))
        share = participant.get("share_percent")
        beneficiary = BENEFICIARY in roles
        if share is not None:
            if not beneficiary:
                out.append(FieldViolation(f"{field}.sharePercent", "only for a BENEFICIARY"))
            elif not 0 < share <= 100:
                out.append(
                    FieldViolation(f"{field}.sharePercent", "must be above 0 and at most 100")
                )
            else:
                shares += share
        if participant.get("minor") and not beneficiary:
            out.append(FieldViolation(f"{field}.minor", "only for a BENEFICIARY"))
        for j, earlier in enumerate(participants[:i]):
            if earlier.get("client_id") == participant.get("client_id") and _overlap(
                earlier, participant
            ):
                out.append(
                    FieldViolation(
                        f"{field}.clientId",
                        f"already participants[{j}] over the same days: give it every role",
                    )
                )
                break
    if shares > 100 + 1e-9:
        out.append(
            FieldViolation("participants", "the beneficiaries' shares add up to more than 100")
        )
    return out


def check_contract(contract: ContractInput) -> list[FieldViolation]:
    """Check a whole contract (as it would be stored); returns every violation found."""
    out: list[FieldViolation] = []
    out += _required(contract.get("insurer", ""), "insurer")
    out += _text(contract.get("insurer", ""), "insurer")
    out += _required(contract.get("product", ""), "product")
    out += _text(contract.get("product", ""), "product")
    out += _text(contract.get("policy_number", ""), "policyNumber")
    out += _text(contract.get("status_label", ""), "statusLabel", MAX_STATUS_LABEL)
    if not contract.get("branch"):
        out.append(FieldViolation("branch", "required"))
    else:
        out += BRANCHES.check(contract["branch"], "branch")
    if not contract.get("status"):
        out.append(FieldViolation("status", "required"))
    else:
        out += CONTRACT_STATUSES.check(contract["status"], "status")
    out += _required(contract.get("effective_date", ""), "effectiveDate")
    out += check_date(contract.get("effective_date", ""), "effectiveDate")
    out += _required(contract.get("due_date", ""), "dueDate")
    out += check_date(contract.get("due_date", ""), "dueDate")
    effective = _date(contract.get("effective_date", ""))
    due = _date(contract.get("due_date", ""))
    if effective and due and due < effective:
        out.append(FieldViolation("dueDate", "must not be before effectiveDate"))
    out += check_date(contract.get("renewal_notice_sent_on", ""), "renewalNoticeSentOn", past=True)
    premium = contract.get("premium")
    out += check_money(premium, "premium")
    frequency = contract.get("payment_frequency", "")
    out += PAYMENT_FREQUENCIES.check(frequency, "paymentFrequency")
    if premium is not None and not frequency:
        out.append(FieldViolation("paymentFrequency", "required with a premium"))
    out += PREMIUM_COLLECTORS.check(contract.get("premium_collector", ""), "premiumCollector")
    out += check_participants(contract.get("participants", []))
    partners = contract.get("partner_ids", [])
    if any(not p.strip() for p in partners):
        out.append(FieldViolation("partnerIds", "a partner id is blank"))
    if len(set(partners)) != len(partners):
        out.append(FieldViolation("partnerIds", "a partner is named twice"))
    return out


def check_claim_participants(participants: Sequence[ClaimParticipant]) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    if len(participants) > MAX_PARTICIPANTS:
        out.append(FieldViolation("participants", f"at most {MAX_PARTICIPANTS}"))
    seen: dict[str, int] = {}
    for i, participant in enumerate(participants):
        field = f"participants[{i}]"
        client_id = participant.get("client_id", "")
        out += _required(client_id, f"{field}.clientId")
        out += _roles(participant.get("roles", []), f"{field}.roles", CLAIM_ROLES.check)
        if client_id and client_id in seen:
            out.append(
                FieldViolation(
                    f"{field}.clientId",
                    f"already participants[{seen[client_id]}]: give it every role",
                )
            )
        seen.setdefault(client_id, i)
    return out


def check_claim(claim: ClaimInput) -> list[FieldViolation]:
    """Check a whole claim (as it would be stored); returns every violation found."""
    out: list[FieldViolation] = []
    out += _required(claim.get("contract_id", ""), "contractId")
    if not claim.get("type"):
        out.append(FieldViolation("type", "required"))
    else:
        out += CLAIM_TYPES.check(claim["type"], "type")
    out += _required(claim.get("loss_date", ""), "lossDate")
    out += check_date(claim.get("loss_date", ""), "lossDate", past=True)
    out += check_date(claim.get("reported_date", ""), "reportedDate", past=True)
    loss = _date(claim.get("loss_date", ""))
    reported = _date(claim.get("reported_date", ""))
    if loss and reported and reported < loss:
        out.append(FieldViolation("reportedDate", "must not be before lossDate"))
    out += _text(claim.get("insurer_claim_number", ""), "insurerClaimNumber")
    out += _text(claim.get("description", ""), "description", MAX_DESCRIPTION)
    out += check_money(claim.get("assessed_amount"), "assessedAmount")
    out += check_money(claim.get("agreed_amount"), "agreedAmount")
    out += check_money(claim.get("paid_amount"), "paidAmount")
    out += check_claim_participants(claim.get("participants", []))
    return out


def check_complaint(complaint: ComplaintInput) -> list[FieldViolation]:
    """Check a complaint as it would be recorded (received_on already defaulted to today)."""
    out: list[FieldViolation] = []
    out += _required(complaint.get("client_id", ""), "clientId")
    out += _required(complaint.get("received_on", ""), "receivedOn")
    out += check_date(complaint.get("received_on", ""), "receivedOn", past=True)
    out += check_date(complaint.get("sent_on", ""), "sentOn", past=True)
    received = _date(complaint.get("received_on", ""))
    sent = _date(complaint.get("sent_on", ""))
    if received and sent and sent > received:
        out.append(FieldViolation("sentOn", "must not be after receivedOn"))
    if not complaint.get("channel"):
        out.append(FieldViolation("channel", "required"))
    else:
        out += COMPLAINT_CHANNELS.check(complaint["channel"], "channel")
    out += _required(complaint.get("subject", ""), "subject")
    out += _text(complaint.get("subject", ""), "subject")
    out += _text(complaint.get("description", ""), "description", MAX_DESCRIPTION)
    return out


def check_quote(quote: QuoteInput) -> list[FieldViolation]:
    """Check a whole quote: what its contract will need, and its validity end."""
    out: list[FieldViolation] = []
    out += _required(quote.get("insurer", ""), "insurer")
    out += _text(quote.get("insurer", ""), "insurer")
    out += _required(quote.get("product", ""), "product")
    out += _text(quote.get("product", ""), "product")
    if not quote.get("branch"):
        out.append(FieldViolation("branch", "required"))
    else:
        out += BRANCHES.check(quote["branch"], "branch")
    premium = quote.get("premium")
    out += check_money(premium, "premium")
    frequency = quote.get("payment_frequency", "")
    out += PAYMENT_FREQUENCIES.check(frequency, "paymentFrequency")
    if premium is not None and not frequency:
        out.append(FieldViolation("paymentFrequency", "required with a premium"))
    out += PREMIUM_COLLECTORS.check(quote.get("premium_collector", ""), "premiumCollector")
    out += check_participants(quote.get("participants", []))
    out += _required(quote.get("valid_until", ""), "validUntil")
    out += check_date(quote.get("valid_until", ""), "validUntil")
    out += check_date(quote.get("proposed_effective_date", ""), "proposedEffectiveDate")
    partners = quote.get("partner_ids", [])
    if any(not p.strip() for p in partners):
        out.append(FieldViolation("partnerIds", "a partner id is blank"))
    if len(set(partners)) != len(partners):
        out.append(FieldViolation("partnerIds", "a partner is named twice"))
    return out


# French registrations since 2009 (SIV): two letters, three digits, two letters; I, O and U are
# never used, nor SS and WW as the first pair or SS as the last; 000 is never issued.
_SIV: Final = re.compile(r"^(?!SS|WW)[A-HJ-NP-TV-Z]{2}-(?!000)\d{3}-(?!SS)[A-HJ-NP-TV-Z]{2}$")
# A vehicle identification number (ISO 3779): 17 characters, no I, O or Q.
_VIN: Final = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def normalize_registration(value: str) -> str:
    """A registration as written on the plate (upper case, hyphens), from a caller's text
    written with spaces, hyphens or nothing between the groups."""
    compact = re.sub(r"[\s-]", "", value).upper()
    if len(compact) == 7:
        return f"{compact[:2]}-{compact[2:5]}-{compact[5:]}"
    return value.strip().upper()


def check_vehicle(vehicle: VehicleInput) -> list[FieldViolation]:
    """Check a vehicle as it would be stored (registration and VIN already normalised)."""
    out: list[FieldViolation] = []
    out += _required(vehicle.get("contract_id", ""), "contractId")
    registration = vehicle.get("registration", "")
    if not registration:
        out.append(FieldViolation("registration", "required"))
    elif not _SIV.match(registration):
        out.append(
            FieldViolation("registration", "not a French registration in the SIV form AA-123-AA")
        )
    vin = vehicle.get("vin", "")
    if vin and not _VIN.match(vin):
        out.append(FieldViolation("vin", "17 letters and digits, without I, O or Q"))
    out += _required(vehicle.get("make", ""), "make")
    out += _text(vehicle.get("make", ""), "make")
    out += _text(vehicle.get("model", ""), "model")
    out += check_date(
        vehicle.get("first_registration_date", ""), "firstRegistrationDate", past=True
    )
    out += VEHICLE_USAGES.check(vehicle.get("usage", ""), "usage")
    out += _required(vehicle.get("entry_date", ""), "entryDate")
    out += check_date(vehicle.get("entry_date", ""), "entryDate")
    first = _date(vehicle.get("first_registration_date", ""))
    entry = _date(vehicle.get("entry_date", ""))
    if first and entry and entry < first:
        out.append(FieldViolation("entryDate", "must not be before firstRegistrationDate"))
    return out
