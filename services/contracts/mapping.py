"""Contracts and claims between their stored documents and contracts.proto, field by field (no
reflection: this runs for every row of a page). What is computed at read time (markers,
termination rights, open claims, participants' names) is passed in, never stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from client360.common.v1 import common_pb2
from client360.contracts.v1 import contracts_pb2
from runtime.clock import timestamp
from runtime.kit.common import audit_to_proto
from runtime.kit.money import MoneyDocument
from services.contracts.models import (
    BRANCHES,
    CLAIM_ROLES,
    CLAIM_STATUSES,
    CLAIM_TYPES,
    CLOSED,
    CONTRACT_STATUSES,
    PARTICIPANT_ROLES,
    PAYMENT_FREQUENCIES,
    PREMIUM_COLLECTORS,
    RENEWAL_STATES,
    TERMINATION_REASONS,
    TERMINATION_RULES,
    Claim,
    ClaimInput,
    ClaimParticipant,
    Contract,
    ContractInput,
    Participant,
    Settings,
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
    )
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


# Settings


def settings_to_proto(settings: Settings) -> contracts_pb2.ContractSettings:
    return contracts_pb2.ContractSettings(
        renewal_window_days=settings.get("renewal_window_days", 0),
        timezone=settings.get("timezone", ""),
        version=settings.get("version", 0),
    )
