"""Contracts, claims, complaints, quotes and vehicles between their stored documents and
contracts.proto, field by field (no reflection: this runs for every row of a page). What is
computed at read time (markers, termination rights, open claims, the complaint clock,
participants' names) is passed in, never stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from client360.common.v1 import common_pb2
from client360.contracts.v1 import contracts_pb2
from runtime.clock import timestamp
from runtime.kit.common import audit_to_proto
from runtime.kit.money import MoneyDocument
from services.contracts.complaint_clock import Clock
from services.contracts.models import (
    BRANCHES,
    CLAIM_ROLES,
    CLAIM_STATUSES,
    CLAIM_TYPES,
    CLOSED,
    COMPLAINT_CHANNELS,
    COMPLAINT_OUTCOMES,
    COMPLAINT_STATUSES,
    CONTRACT_STATUSES,
    PARTICIPANT_ROLES,
    PAYMENT_FREQUENCIES,
    PREMIUM_COLLECTORS,
    QUOTE_STATUSES,
    RENEWAL_STATES,
    TERMINATION_REASONS,
    TERMINATION_RULES,
    UNPAID_NONE,
    UNPAID_STATES,
    VEHICLE_USAGES,
    Claim,
    ClaimInput,
    ClaimParticipant,
    Complaint,
    ComplaintInput,
    Contract,
    ContractInput,
    Participant,
    Quote,
    QuoteInput,
    Settings,
    Vehicle,
    VehicleInput,
)
from services.contracts.renewal import Markers
from services.contracts.termination import Right, Rights

# Money


def money_to_proto(amount: MoneyDocument | None) -> common_pb2.Money | None:
    if amount is None:
        return None
    return common_pb2.Money(amount_minor=amount["amount_minor"], currency=amount["currency"])


def money_from_proto(message: common_pb2.Money, *, given: bool) -> MoneyDocument | None:
    """A caller's amount (checked by validation), None when the field was not given."""
    if not given:
        return None
    return {"amount_minor": message.amount_minor, "currency": message.currency.upper()}


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


# Contracts


def participant_to_proto(
    participant: Participant, names: Mapping[str, str]
) -> contracts_pb2.Participant:
    client_id = participant.get("client_id", "")
    return contracts_pb2.Participant(
        client_id=client_id,
        roles=[PARTICIPANT_ROLES.to_proto(r) for r in participant.get("roles", [])],
        valid_from=participant.get("valid_from", ""),
        valid_to=participant.get("valid_to", ""),
        share_percent=participant.get("share_percent"),
        minor=participant.get("minor", False),
        client_name=names.get(client_id, ""),
    )


def participant_from_proto(message: contracts_pb2.Participant) -> Participant:
    return {
        "client_id": message.client_id,
        "roles": [PARTICIPANT_ROLES.to_word(r) for r in message.roles],
        "valid_from": message.valid_from,
        "valid_to": message.valid_to,
        "share_percent": message.share_percent if message.HasField("share_percent") else None,
        "minor": message.minor,
    }


def right_to_proto(right: Right) -> contracts_pb2.TerminationRight:
    return contracts_pb2.TerminationRight(
        rule=TERMINATION_RULES.to_proto(right.rule),
        available=right.available,
        available_from=_day(right.available_from),
        available_until=_day(right.available_until),
        earliest_end_date=_day(right.earliest_end),
        explanation=right.explanation,
    )


def rights_to_proto(rights: Rights) -> contracts_pb2.TerminationRights:
    best = rights.best
    return contracts_pb2.TerminationRights(
        received_on=rights.received_on.isoformat(),
        best_rule=TERMINATION_RULES.to_proto(best.rule if best else ""),
        earliest_end_date=_day(best.earliest_end) if best else "",
        rules=[right_to_proto(r) for r in rights.rules],
    )


def contract_to_proto(
    contract: Contract,
    *,
    names: Mapping[str, str] | None = None,
    markers: Markers | None = None,
    open_claims: int = 0,
    rights: Rights | None = None,
    open_tickets: int = 0,
) -> contracts_pb2.Contract:
    """The contract as the proto carries it; ``markers`` (computed for today) also give the
    status as of today."""
    names = names or {}
    request = contract.get("termination_request")
    status = markers.status if markers is not None else contract.get("status", "")
    message = contracts_pb2.Contract(
        id=contract.get("id", ""),
        reference=contract.get("reference", ""),
        policy_number=contract.get("policy_number", ""),
        insurer=contract.get("insurer", ""),
        product=contract.get("product", ""),
        branch=BRANCHES.to_proto(contract.get("branch", "")),
        status=CONTRACT_STATUSES.to_proto(status),
        status_label=contract.get("status_label", ""),
        effective_date=contract.get("effective_date", ""),
        due_date=contract.get("due_date", ""),
        tacit_renewal=contract.get("tacit_renewal", False),
        termination_date=contract.get("termination_date", ""),
        termination_reason=TERMINATION_REASONS.to_proto(contract.get("termination_reason", "")),
        premium=money_to_proto(contract.get("premium")),
        payment_frequency=PAYMENT_FREQUENCIES.to_proto(contract.get("payment_frequency", "")),
        premium_collector=PREMIUM_COLLECTORS.to_proto(contract.get("premium_collector", "")),
        consumer=contract.get("consumer", False),
        participants=[participant_to_proto(p, names) for p in contract.get("participants", [])],
        renewal_notice_sent_on=contract.get("renewal_notice_sent_on", ""),
        last_renewed_on=contract.get("last_renewed_on", ""),
        last_renewal_notice_sent_on=contract.get("last_renewal_notice_sent_on", ""),
        partner_ids=contract.get("partner_ids", []),
        version=contract.get("version", 0),
        audit=audit_to_proto(contract.get("audit")),
        open_claims_count=open_claims,
        quote_id=contract.get("quote_id", ""),
    )
    unpaid = unpaid_state(contract)
    message.unpaid_state = UNPAID_STATES.to_proto(unpaid[0])
    message.unpaid_state_since = unpaid[1]
    if request:
        message.termination_request.CopyFrom(
            contracts_pb2.TerminationRequest(
                received_on=request["received_on"],
                rule=TERMINATION_RULES.to_proto(request["rule"]),
                end_date=request["end_date"],
                recorded_by=request["recorded_by"],
                recorded_at=timestamp(request["recorded_at"]),
            )
        )
    if markers is not None:
        message.markers.CopyFrom(
            contracts_pb2.ContractMarkers(
                renewal_state=RENEWAL_STATES.to_proto(markers.renewal_state),
                open_claim=open_claims > 0,
                days_to_due_date=markers.days_to_due_date,
                open_ticket=open_tickets > 0,
            )
        )
    if rights is not None:
        message.termination_rights.CopyFrom(rights_to_proto(rights))
    return message


_UNPAID_RANK = {"formal_notice": 1, "suspended": 2, "terminable": 3}


def unpaid_state(contract: Contract) -> tuple[str, str]:
    """The furthest step of billing's unpaid path among the contract's notices, and since when."""
    on_path = [
        n for n in (contract.get("unpaid_notices") or {}).values() if n["state"] != UNPAID_NONE
    ]
    if not on_path:
        return UNPAID_NONE, ""
    furthest = max(on_path, key=lambda n: (_UNPAID_RANK.get(n["state"], 0), n["since"]))
    return furthest["state"], furthest["since"]


def contract_input_to_doc(message: contracts_pb2.ContractInput) -> ContractInput:
    return {
        "policy_number": message.policy_number.strip(),
        "insurer": message.insurer.strip(),
        "product": message.product.strip(),
        "branch": BRANCHES.to_word(message.branch),
        "status": CONTRACT_STATUSES.to_word(message.status),
        "status_label": message.status_label.strip(),
        "effective_date": message.effective_date,
        "due_date": message.due_date,
        "tacit_renewal": message.tacit_renewal,
        "premium": money_from_proto(message.premium, given=message.HasField("premium")),
        "payment_frequency": PAYMENT_FREQUENCIES.to_word(message.payment_frequency),
        "premium_collector": PREMIUM_COLLECTORS.to_word(message.premium_collector),
        "consumer": message.consumer,
        "participants": [participant_from_proto(p) for p in message.participants],
        "renewal_notice_sent_on": message.renewal_notice_sent_on,
        "partner_ids": [p.strip() for p in message.partner_ids],
    }


# Claims


def claim_participant_to_proto(
    participant: ClaimParticipant, names: Mapping[str, str]
) -> contracts_pb2.ClaimParticipant:
    client_id = participant.get("client_id", "")
    return contracts_pb2.ClaimParticipant(
        client_id=client_id,
        roles=[CLAIM_ROLES.to_proto(r) for r in participant.get("roles", [])],
        client_name=names.get(client_id, ""),
    )


def claim_to_proto(claim: Claim, *, names: Mapping[str, str] | None = None) -> contracts_pb2.Claim:
    names = names or {}
    status = claim.get("status", "")
    return contracts_pb2.Claim(
        id=claim.get("id", ""),
        reference=claim.get("reference", ""),
        insurer_claim_number=claim.get("insurer_claim_number", ""),
        contract_id=claim.get("contract_id", ""),
        type=CLAIM_TYPES.to_proto(claim.get("type", "")),
        loss_date=claim.get("loss_date", ""),
        reported_date=claim.get("reported_date", ""),
        description=claim.get("description", ""),
        status=CLAIM_STATUSES.to_proto(status),
        assessed_amount=money_to_proto(claim.get("assessed_amount")),
        agreed_amount=money_to_proto(claim.get("agreed_amount")),
        paid_amount=money_to_proto(claim.get("paid_amount")),
        participants=[claim_participant_to_proto(p, names) for p in claim.get("participants", [])],
        client_ids=claim.get("client_ids", []),
        history=[
            contracts_pb2.ClaimStatusChange(
                status=CLAIM_STATUSES.to_proto(change["status"]),
                at=timestamp(change["at"]),
                by=change["by"],
                note=change["note"],
            )
            for change in claim.get("history", [])
        ],
        open=status != CLOSED,
        version=claim.get("version", 0),
        audit=audit_to_proto(claim.get("audit")),
    )


def claim_input_to_doc(message: contracts_pb2.ClaimInput) -> ClaimInput:
    return {
        "contract_id": message.contract_id,
        "insurer_claim_number": message.insurer_claim_number.strip(),
        "type": CLAIM_TYPES.to_word(message.type),
        "loss_date": message.loss_date,
        "reported_date": message.reported_date,
        "description": message.description.strip(),
        "assessed_amount": money_from_proto(
            message.assessed_amount, given=message.HasField("assessed_amount")
        ),
        "agreed_amount": money_from_proto(
            message.agreed_amount, given=message.HasField("agreed_amount")
        ),
        "paid_amount": money_from_proto(message.paid_amount, given=message.HasField("paid_amount")),
        "participants": [
            {
                "client_id": p.client_id,
                "roles": [CLAIM_ROLES.to_word(r) for r in p.roles],
            }
            for p in message.participants
        ],
    }


# Complaints


def clock_to_proto(clock: Clock) -> contracts_pb2.ComplaintClock:
    return contracts_pb2.ComplaintClock(
        counted_from=clock.counted_from.isoformat(),
        acknowledgement_due=clock.acknowledgement_due.isoformat(),
        answer_due=clock.answer_due.isoformat(),
        acknowledgement_overdue=clock.acknowledgement_overdue,
        answer_overdue=clock.answer_overdue,
        overdue=clock.overdue,
        days_to_answer_due=clock.days_to_answer_due,
    )


def complaint_to_proto(
    complaint: Complaint,
    *,
    clock: Clock | None = None,
    names: Mapping[str, str] | None = None,
) -> contracts_pb2.Complaint:
    client_id = complaint.get("client_id", "")
    message = contracts_pb2.Complaint(
        id=complaint.get("id", ""),
        reference=complaint.get("reference", ""),
        client_id=client_id,
        received_on=complaint.get("received_on", ""),
        sent_on=complaint.get("sent_on", ""),
        channel=COMPLAINT_CHANNELS.to_proto(complaint.get("channel", "")),
        subject=complaint.get("subject", ""),
        description=complaint.get("description", ""),
        contract_id=complaint.get("contract_id", ""),
        claim_id=complaint.get("claim_id", ""),
        status=COMPLAINT_STATUSES.to_proto(complaint.get("status", "")),
        acknowledged_on=complaint.get("acknowledged_on", ""),
        answered_on=complaint.get("answered_on", ""),
        closed_on=complaint.get("closed_on", ""),
        outcome=COMPLAINT_OUTCOMES.to_proto(complaint.get("outcome", "")),
        mediator=complaint.get("mediator", ""),
        answer_summary=complaint.get("answer_summary", ""),
        version=complaint.get("version", 0),
        audit=audit_to_proto(complaint.get("audit")),
        client_name=(names or {}).get(client_id, ""),
    )
    if clock is not None:
        message.clock.CopyFrom(clock_to_proto(clock))
    return message


def complaint_input_to_doc(message: contracts_pb2.ComplaintInput) -> ComplaintInput:
    return {
        "client_id": message.client_id.strip(),
        "received_on": message.received_on,
        "sent_on": message.sent_on,
        "channel": COMPLAINT_CHANNELS.to_word(message.channel),
        "subject": message.subject.strip(),
        "description": message.description.strip(),
        "contract_id": message.contract_id.strip(),
        "claim_id": message.claim_id.strip(),
    }


# Quotes


def quote_to_proto(
    quote: Quote, *, status: str | None = None, names: Mapping[str, str] | None = None
) -> contracts_pb2.Quote:
    """``status``: as of today (EXPIRED computed by the caller); the stored one otherwise."""
    names = names or {}
    return contracts_pb2.Quote(
        id=quote.get("id", ""),
        reference=quote.get("reference", ""),
        insurer=quote.get("insurer", ""),
        product=quote.get("product", ""),
        branch=BRANCHES.to_proto(quote.get("branch", "")),
        premium=money_to_proto(quote.get("premium")),
        payment_frequency=PAYMENT_FREQUENCIES.to_proto(quote.get("payment_frequency", "")),
        premium_collector=PREMIUM_COLLECTORS.to_proto(quote.get("premium_collector", "")),
        consumer=quote.get("consumer", False),
        tacit_renewal=quote.get("tacit_renewal", False),
        participants=[participant_to_proto(p, names) for p in quote.get("participants", [])],
        partner_ids=quote.get("partner_ids", []),
        valid_until=quote.get("valid_until", ""),
        proposed_effective_date=quote.get("proposed_effective_date", ""),
        status=QUOTE_STATUSES.to_proto(status or quote.get("status", "")),
        sent_on=quote.get("sent_on", ""),
        decided_on=quote.get("decided_on", ""),
        refusal_reason=quote.get("refusal_reason", ""),
        contract_id=quote.get("contract_id", ""),
        version=quote.get("version", 0),
        audit=audit_to_proto(quote.get("audit")),
    )


def quote_input_to_doc(message: contracts_pb2.QuoteInput) -> QuoteInput:
    return {
        "insurer": message.insurer.strip(),
        "product": message.product.strip(),
        "branch": BRANCHES.to_word(message.branch),
        "premium": money_from_proto(message.premium, given=message.HasField("premium")),
        "payment_frequency": PAYMENT_FREQUENCIES.to_word(message.payment_frequency),
        "premium_collector": PREMIUM_COLLECTORS.to_word(message.premium_collector),
        "consumer": message.consumer,
        "tacit_renewal": message.tacit_renewal,
        "participants": [participant_from_proto(p) for p in message.participants],
        "partner_ids": [p.strip() for p in message.partner_ids],
        "valid_until": message.valid_until,
        "proposed_effective_date": message.proposed_effective_date,
    }


# Vehicles


def vehicle_to_proto(
    vehicle: Vehicle, *, on_cover: bool = False, names: Mapping[str, str] | None = None
) -> contracts_pb2.Vehicle:
    driver = vehicle.get("driver_client_id", "")
    return contracts_pb2.Vehicle(
        id=vehicle.get("id", ""),
        contract_id=vehicle.get("contract_id", ""),
        registration=vehicle.get("registration", ""),
        vin=vehicle.get("vin", ""),
        make=vehicle.get("make", ""),
        model=vehicle.get("model", ""),
        first_registration_date=vehicle.get("first_registration_date", ""),
        usage=VEHICLE_USAGES.to_proto(vehicle.get("usage", "")),
        driver_client_id=driver,
        driver_name=(names or {}).get(driver, ""),
        entry_date=vehicle.get("entry_date", ""),
        exit_date=vehicle.get("exit_date", ""),
        on_cover=on_cover,
        version=vehicle.get("version", 0),
        audit=audit_to_proto(vehicle.get("audit")),
    )


def vehicle_input_to_doc(message: contracts_pb2.VehicleInput) -> VehicleInput:
    return {
        "contract_id": message.contract_id.strip(),
        "registration": message.registration.strip(),
        "vin": message.vin.strip(),
        "make": message.make.strip(),
        "model": message.model.strip(),
        "first_registration_date": message.first_registration_date,
        "usage": VEHICLE_USAGES.to_word(message.usage),
        "driver_client_id": message.driver_client_id.strip(),
        "entry_date": message.entry_date,
    }


# Settings


def settings_to_proto(settings: Settings) -> contracts_pb2.ContractSettings:
    return contracts_pb2.ContractSettings(
        renewal_window_days=settings.get("renewal_window_days", 0),
        timezone=settings.get("timezone", ""),
        holiday_subdivision=settings.get("holiday_subdivision", ""),
        version=settings.get("version", 0),
    )
