"""Contracts' part of the client file: what the client holds (contracts with their participants,
the markers computed for today and the termination rights, the fleet tab's vehicles), what it
was offered (quotes), its claims with the open-claims counter and its complaints with the ACPR
clock, in one call for a page of clients; the commands; a manager's listing of complaints
across clients; the live events.

A contract shared by several clients (a child insured on a parent's contract) shows on each of
their files. What each role sees of the section is declared once, in SEES_SECTION below; the
service enforces the same (services/contracts/access.py)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Final, cast

import strawberry
from strawberry import UNSET

from client360.common.v1 import common_pb2
from client360.contracts.v1 import contracts_pb2 as pb
from gateway.context import Info, RequestContext
from gateway.errors import graphql_error
from gateway.live import LiveEvent
from gateway.planner import Argument, Section, ServiceSection
from gateway.schema.enums import enum_field, proto_enum
from gateway.schema.inputs import given_fields, proto_value
from gateway.schema.timestamps import timestamp
from gateway.schema.types import AuditStamps, MoneyAmount, MoneyInput, PageInfo, money
from gateway.selection import SelectedField, below, fields_named
from runtime.errors import Client360Error, FieldViolation, InvalidInput
from runtime.kit.money import from_decimal

_DATE = "YYYY-MM-DD"
DEFAULT_CONTRACTS: Final = 50
DEFAULT_CLAIMS: Final = 20
DEFAULT_QUOTES: Final = 20
DEFAULT_COMPLAINTS: Final = 20
DEFAULT_VEHICLES: Final = 50

# What each role sees of the section. Advisors, managers and admins: everything of their
# agency. Partners (insurers, introducers): the contracts and claims that name them, counted
# the same way (the service filters). Technicians, and the platform's operator: none of it,
# the section is null without an error. Writes are the service's to refuse (FORBIDDEN).
SEES_SECTION: Final = frozenset({"advisor", "manager", "admin", "partner"})


# The closed vocabularies, from contracts.proto's enums.


@proto_enum(pb.Branch)
class Branch(Enum):
    """The line of insurance a contract belongs to (branche)."""


@proto_enum(pb.ContractStatus)
class ContractStatus(Enum):
    """Where a contract stands (a fixed category; statusLabel is the agency's own name)."""


@proto_enum(pb.TerminationReason)
class TerminationReason(Enum):
    """Why a contract ended or ends."""


@proto_enum(pb.PaymentFrequency)
class PaymentFrequency(Enum):
    """How often the premium is paid."""


@proto_enum(pb.PremiumCollector)
class PremiumCollector(Enum):
    """Who collects the premium from the client."""


@proto_enum(pb.ParticipantRole)
class ParticipantRole(Enum):
    """What a client is to a contract; one client may hold several roles."""


@proto_enum(pb.RenewalState)
class RenewalState(Enum):
    """The renewal marker of a contract (seed 003), computed when it is read from today in the
    agency's timezone."""


@proto_enum(pb.TerminationRule)
class TerminationRule(Enum):
    """The French rules under which a client may end a contract."""


@proto_enum(pb.ClaimType)
class ClaimType(Enum):
    """What kind of loss a claim is about."""


@proto_enum(pb.ClaimStatus)
class ClaimStatus(Enum):
    """Where a claim stands on its path: declared → opened → expert appointed → offer made →
    agreed or disputed → paid → closed; refused; reopened."""


@proto_enum(pb.ClaimRole)
class ClaimRole(Enum):
    """What a client is to a claim; one client may hold several roles."""


@proto_enum(pb.ComplaintChannel)
class ComplaintChannel(Enum):
    """How a complaint reached the agency; an oral complaint counts."""


@proto_enum(pb.ComplaintStatus)
class ComplaintStatus(Enum):
    """Where a complaint stands: received → acknowledged → answered → closed."""


@proto_enum(pb.ComplaintOutcome)
class ComplaintOutcome(Enum):
    """What the answer to a complaint says."""


@proto_enum(pb.QuoteStatus)
class InsuranceQuoteStatus(Enum):
    """Where an insurance quote stands; EXPIRED is computed when it is read."""


@proto_enum(pb.VehicleUsage)
class VehicleUsage(Enum):
    """What a fleet vehicle is used for."""


@proto_enum(pb.UnpaidState)
class UnpaidState(Enum):
    """Where a contract is on the unpaid-premium path (L113-3), as billing tells it."""


# The types: they resolve straight from the protos (an attribute read per leaf; "" is null).


def _money(message: Any, name: str) -> MoneyAmount | None:
    return money(getattr(message, name)) if message.HasField(name) else None


@strawberry.type(description="A client taking part in a contract, with its roles and when.")
class ContractParticipant:
    client_id: strawberry.ID = strawberry.field(description="The client (its file's id).")
    client_name: str | None = strawberry.field(
        description="The client's name; null until the contracts service knows the client."
    )
    roles: list[ParticipantRole] = strawberry.field(description="One or more roles.")
    valid_from: str | None = strawberry.field(
        description=f"First day of the participation, {_DATE}; null: from the contract's start."
    )
    valid_to: str | None = strawberry.field(
        description=f"Last day of the participation, {_DATE}; null: open-ended."
    )
    minor: bool = strawberry.field(description="A beneficiary who is a minor.")

    @strawberry.field(description="A beneficiary's share in percent; null for other roles.")
    @staticmethod
    def share_percent(root: strawberry.Parent[pb.Participant]) -> float | None:
        return root.share_percent if root.HasField("share_percent") else None


@strawberry.type(description="The markers of a contract on the file (seed 003), as of today.")
class ContractMarkers:
    renewal_state: RenewalState | None = enum_field(
        "Terminated (greyed), terminating, not renewed (red), to renew (yellow) or up to "
        "date; null in live events, which carry no markers."
    )
    open_claim: bool = strawberry.field(description="A claim on the contract is not closed.")
    open_ticket: bool = strawberry.field(
        description="A ticket filed on the contract (communication service) is not closed."
    )
    days_to_due_date: int = strawberry.field(
        description="Days from today to the due date; negative once it has passed."
    )


@strawberry.type(description="What one termination rule allows, for a notice received that day.")
class TerminationRight:
    rule: TerminationRule | None = enum_field("The rule.")
    available: bool = strawberry.field(
        description="Whether a notice received that day may use the rule."
    )
    available_from: str | None = strawberry.field(
        description=f"The first day a notice may use the rule, {_DATE}; null when it never "
        "applies to this contract."
    )
    available_until: str | None = strawberry.field(
        description=f"The last day a notice may be received to end the contract on "
        f"earliestEndDate, {_DATE} (L113-12's 2 months, Chatel's 20 days); null: no end."
    )
    earliest_end_date: str | None = strawberry.field(
        description=f"The day the contract would end, {_DATE}; null when the rule does not apply."
    )
    explanation: str = strawberry.field(description="Why, in a sentence.")


@strawberry.type(description="When the client may end the contract, rule by rule.")
class TerminationRights:
    received_on: str = strawberry.field(
        description=f"The day the notice is supposed received (today unless asked), {_DATE}."
    )
    best_rule: TerminationRule | None = enum_field(
        "The rule ending the contract soonest; null when none applies."
    )
    earliest_end_date: str | None = strawberry.field(
        description=f"The day it would end under bestRule, {_DATE}."
    )
    rules: list[TerminationRight] = strawberry.field(
        description="Every rule: ANNUAL, CHATEL, HAMON."
    )


@strawberry.type(description="The client's termination request, as recorded.")
class TerminationRequest:
    received_on: str = strawberry.field(description=f"The day the notice was received, {_DATE}.")
    rule: TerminationRule | None = enum_field("The rule it was accepted under.")
    end_date: str = strawberry.field(description=f"The day the contract ends, {_DATE}.")
    recorded_by: str | None = strawberry.field(description="User id of whoever recorded it.")

    @strawberry.field(description="When it was recorded (ISO 8601, UTC).")
    @staticmethod
    def recorded_at(root: strawberry.Parent[pb.TerminationRequest]) -> datetime | None:
        return timestamp(root, "recorded_at")


@strawberry.type(description="An insurance contract the client takes part in.")
class Contract:
    id: strawberry.ID = strawberry.field(description="The contract's id.")
    reference: str = strawberry.field(description="The agency's reference, CT000123.")
    policy_number: str | None = strawberry.field(description="The insurer's policy number.")
    insurer: str = strawberry.field(description="The insurer's name.")
    product: str = strawberry.field(description="The insurer's product.")
    branch: Branch | None = enum_field("The line of insurance.")
    status: ContractStatus | None = enum_field(
        "The status as of today: TERMINATED once the termination date has come."
    )
    status_label: str | None = strawberry.field(
        description="The agency's own name for the status, to show instead of the category."
    )
    effective_date: str = strawberry.field(description=f"The day it took effect, {_DATE}.")
    due_date: str = strawberry.field(
        description=f"The next annual due date (échéance principale), {_DATE}."
    )
    tacit_renewal: bool = strawberry.field(
        description="Renewed by tacit agreement at each due date."
    )
    termination_date: str | None = strawberry.field(
        description=f"The day it ends or ended, {_DATE}; null while none is recorded."
    )
    termination_reason: TerminationReason | None = enum_field("Why it ends; null while in force.")
    payment_frequency: PaymentFrequency | None = enum_field("How often the premium is paid.")
    premium_collector: PremiumCollector | None = enum_field("Who collects the premium.")
    consumer: bool = strawberry.field(
        description="The policyholder is a private person outside a trade: Chatel and Hamon apply."
    )
    participants: list[ContractParticipant] = strawberry.field(
        description="The clients taking part, with their roles and validity."
    )
    renewal_notice_sent_on: str | None = strawberry.field(
        description=f"When the renewal notice for the coming due date was sent, {_DATE}."
    )
    last_renewed_on: str | None = strawberry.field(
        description=f"The due date of the last renewal recorded, {_DATE}."
    )
    last_renewal_notice_sent_on: str | None = strawberry.field(
        description=f"When that renewal's notice was sent, {_DATE}; null: never."
    )
    partner_ids: list[str] = strawberry.field(
        description="The partners party to it (insurer's, introducer's ids on the platform)."
    )
    version: int = strawberry.field(
        description="Pass it back to the contract mutations; a stale one is a CONFLICT."
    )
    audit: AuditStamps = strawberry.field(description="Who created and last changed it.")
    markers: ContractMarkers = strawberry.field(description="The markers on the file, today.")
    open_claims_count: int = strawberry.field(description="Its claims not closed.")
    unpaid_state: UnpaidState | None = enum_field(
        "Where it is on the unpaid-premium path (billing's events): the status is SUSPENDED "
        "while cover is, IN_FORCE again once paid."
    )
    unpaid_state_since: str | None = strawberry.field(
        description=f"The day that unpaid state was reached, {_DATE}; null with NONE."
    )
    quote_id: strawberry.ID | None = strawberry.field(
        description="The insurance quote it was made from; null when created directly."
    )

    @strawberry.field(description="The yearly premium (or per frequency); null when not known.")
    @staticmethod
    def premium(root: strawberry.Parent[pb.Contract]) -> MoneyAmount | None:
        return _money(root, "premium")

    @strawberry.field(description="The client's termination request; null when none is recorded.")
    @staticmethod
    def termination_request(root: strawberry.Parent[pb.Contract]) -> TerminationRequest | None:
        if not root.HasField("termination_request"):
            return None
        return cast(TerminationRequest, root.termination_request)

    @strawberry.field(
        description="When the client may end it, rule by rule, for a notice received today; "
        "null in live events."
    )
    @staticmethod
    def termination_rights(root: strawberry.Parent[pb.Contract]) -> TerminationRights | None:
        if not root.HasField("termination_rights"):
            return None
        return cast(TerminationRights, root.termination_rights)


@strawberry.type(description="A client taking part in a claim, with its roles.")
class ClaimParticipant:
    client_id: strawberry.ID = strawberry.field(description="The client (its file's id).")
    client_name: str | None = strawberry.field(
        description="The client's name; null until the contracts service knows the client."
    )
    roles: list[ClaimRole] = strawberry.field(description="One or more roles.")


@strawberry.type(description="One step of a claim's status path.")
class ClaimStatusChange:
    status: ClaimStatus | None = enum_field("The status reached.")
    by: str | None = strawberry.field(description="User id of whoever moved it.")
    note: str | None = strawberry.field(description="Why, when given.")

    @strawberry.field(description="When (ISO 8601, UTC).")
    @staticmethod
    def at(root: strawberry.Parent[pb.ClaimStatusChange]) -> datetime | None:
        return timestamp(root, "at")


@strawberry.type(description="A claim on one of the client's contracts.")
class Claim:
    id: strawberry.ID = strawberry.field(description="The claim's id.")
    reference: str = strawberry.field(description="The agency's reference, SI000123.")
    insurer_claim_number: str | None = strawberry.field(description="The insurer's number.")
    contract_id: strawberry.ID = strawberry.field(description="The contract it is made on.")
    type: ClaimType | None = enum_field("What kind of loss.")
    loss_date: str = strawberry.field(description=f"The day of the loss, {_DATE}.")
    reported_date: str = strawberry.field(description=f"The day it was reported, {_DATE}.")
    description: str | None = strawberry.field(description="What happened.")
    status: ClaimStatus | None = enum_field("Where it stands.")
    participants: list[ClaimParticipant] = strawberry.field(
        description="Clients taking part (driver, victim, witness...)."
    )
    client_ids: list[strawberry.ID] = strawberry.field(
        description="The client files it shows on: its contract's policyholders and its "
        "participants."
    )
    history: list[ClaimStatusChange] = strawberry.field(
        description="Every status it went through, oldest first."
    )
    open: bool = strawberry.field(description="Not closed: counted by openClaimsCount.")
    version: int = strawberry.field(
        description="Pass it back to the claim mutations; a stale one is a CONFLICT."
    )
    audit: AuditStamps = strawberry.field(description="Who declared and last changed it.")

    @strawberry.field(description="The loss as assessed; null when not known.")
    @staticmethod
    def assessed_amount(root: strawberry.Parent[pb.Claim]) -> MoneyAmount | None:
        return _money(root, "assessed_amount")

    @strawberry.field(description="The amount agreed with the client; null when not known.")
    @staticmethod
    def agreed_amount(root: strawberry.Parent[pb.Claim]) -> MoneyAmount | None:
        return _money(root, "agreed_amount")

    @strawberry.field(description="The amount paid; null when not known.")
    @staticmethod
    def paid_amount(root: strawberry.Parent[pb.Claim]) -> MoneyAmount | None:
        return _money(root, "paid_amount")


@strawberry.type(
    description="The ACPR 2022-R-01 clock of a complaint, computed today in the agency's timezone."
)
class ComplaintClock:
    counted_from: str = strawberry.field(
        description=f"The earliest known date (sent or received), {_DATE}: both delays count "
        "from it."
    )
    acknowledgement_due: str = strawberry.field(
        description=f"The last day to acknowledge it: 10 jours ouvrables later (Sundays and "
        f"French public holidays excluded), {_DATE}."
    )
    answer_due: str = strawberry.field(
        description=f"The last day to answer it: 2 months later, {_DATE}."
    )
    acknowledgement_overdue: bool = strawberry.field(
        description="Neither acknowledged nor answered, and its due day has passed."
    )
    answer_overdue: bool = strawberry.field(description="Not answered, and its due day has passed.")
    overdue: bool = strawberry.field(description="One of the two: flag it on the file.")
    days_to_answer_due: int = strawberry.field(
        description="Days from today to answerDue; negative once passed."
    )


@strawberry.type(description="A complaint of the client (réclamation), with its regulatory clock.")
class Complaint:
    id: strawberry.ID = strawberry.field(description="The complaint's id.")
    reference: str = strawberry.field(description="The agency's reference, RC000123.")
    client_id: strawberry.ID = strawberry.field(description="The client who complains.")
    client_name: str | None = strawberry.field(
        description="The client's name; null until the contracts service knows the client."
    )
    received_on: str = strawberry.field(description=f"The day it was received, {_DATE}.")
    sent_on: str | None = strawberry.field(
        description=f"The day the client sent it, when known, {_DATE}."
    )
    channel: ComplaintChannel | None = enum_field("How it came.")
    subject: str = strawberry.field(description="What it is about, in a line.")
    description: str | None = strawberry.field(description="What the client says.")
    contract_id: strawberry.ID | None = strawberry.field(
        description="The contract it is about; null when none."
    )
    claim_id: strawberry.ID | None = strawberry.field(
        description="The claim it is about; null when none."
    )
    status: ComplaintStatus | None = enum_field("Where it stands.")
    acknowledged_on: str | None = strawberry.field(
        description=f"The day it was acknowledged, {_DATE}."
    )
    answered_on: str | None = strawberry.field(description=f"The day it was answered, {_DATE}.")
    closed_on: str | None = strawberry.field(description=f"The day it was closed, {_DATE}.")
    outcome: ComplaintOutcome | None = enum_field("What the answer says; null until answered.")
    mediator: str | None = strawberry.field(description="The mediator named in a rejecting answer.")
    answer_summary: str | None = strawberry.field(description="What was answered, in short.")
    version: int = strawberry.field(
        description="Pass it back to the complaint mutations; a stale one is a CONFLICT."
    )
    audit: AuditStamps = strawberry.field(description="Who recorded and last changed it.")

    @strawberry.field(description="Its deadlines and overdue flags today; null in live events.")
    @staticmethod
    def clock(root: strawberry.Parent[pb.Complaint]) -> ComplaintClock | None:
        if not root.HasField("clock"):
            return None
        return cast(ComplaintClock, root.clock)


@strawberry.type(description="A complaint and its cursor.")
class ComplaintEdge:
    cursor: str = strawberry.field(description="Pass it as `after` to continue after it.")
    node: Complaint = strawberry.field(description="The complaint.")


@strawberry.type(description="One page of complaints.")
class ComplaintConnection:
    edges: list[ComplaintEdge] = strawberry.field(description="The complaints with their cursors.")
    nodes: list[Complaint] = strawberry.field(description="The complaints alone.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    total_count: int = strawberry.field(description="How many match, all pages together.")


@strawberry.type(description="An insurance quote (devis) made to the client.")
class InsuranceQuote:
    id: strawberry.ID = strawberry.field(description="The quote's id.")
    reference: str = strawberry.field(description="The agency's reference, DV000123.")
    insurer: str = strawberry.field(description="The insurer's name.")
    product: str = strawberry.field(description="The insurer's product.")
    branch: Branch | None = enum_field("The line of insurance.")
    payment_frequency: PaymentFrequency | None = enum_field("How often the premium is paid.")
    premium_collector: PremiumCollector | None = enum_field("Who would collect the premium.")
    consumer: bool = strawberry.field(description="A private policyholder outside a trade.")
    tacit_renewal: bool = strawberry.field(description="The contract would renew tacitly.")
    participants: list[ContractParticipant] = strawberry.field(
        description="The clients it is for, as the contract will have them."
    )
    partner_ids: list[str] = strawberry.field(description="The partners party to it.")
    valid_until: str = strawberry.field(description=f"The last day it may be accepted, {_DATE}.")
    proposed_effective_date: str | None = strawberry.field(
        description=f"The day cover would start, {_DATE}; null: the day it is accepted."
    )
    status: InsuranceQuoteStatus | None = enum_field(
        "Where it stands today (EXPIRED once validUntil has passed unanswered)."
    )
    sent_on: str | None = strawberry.field(description=f"The day it was sent, {_DATE}.")
    decided_on: str | None = strawberry.field(
        description=f"The day it was accepted or refused, {_DATE}."
    )
    refusal_reason: str | None = strawberry.field(description="Why the client refused it.")
    contract_id: strawberry.ID | None = strawberry.field(
        description="The contract its acceptance created."
    )
    version: int = strawberry.field(
        description="Pass it back to the quote mutations; a stale one is a CONFLICT."
    )
    audit: AuditStamps = strawberry.field(description="Who made and last changed it.")

    @strawberry.field(description="The premium proposed; null when not known.")
    @staticmethod
    def premium(root: strawberry.Parent[pb.Quote]) -> MoneyAmount | None:
        return _money(root, "premium")


@strawberry.type(description="An insurance quote and its cursor.")
class InsuranceQuoteEdge:
    cursor: str = strawberry.field(description="Pass it as `after` to continue after it.")
    node: InsuranceQuote = strawberry.field(description="The quote.")


@strawberry.type(description="One page of the client's insurance quotes, newest first.")
class InsuranceQuoteConnection:
    edges: list[InsuranceQuoteEdge] = strawberry.field(description="The quotes with cursors.")
    nodes: list[InsuranceQuote] = strawberry.field(description="The quotes alone.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    total_count: int = strawberry.field(description="How many match, all pages together.")


@strawberry.type(description="A vehicle on a fleet contract.")
class FleetVehicle:
    id: strawberry.ID = strawberry.field(description="The vehicle's id on the contract.")
    contract_id: strawberry.ID = strawberry.field(description="The fleet contract.")
    registration: str = strawberry.field(description="The French registration, AA-123-AA.")
    vin: str | None = strawberry.field(description="The vehicle identification number.")
    make: str = strawberry.field(description="The make.")
    model: str | None = strawberry.field(description="The model.")
    first_registration_date: str | None = strawberry.field(
        description=f"The day it was first registered, {_DATE}."
    )
    usage: VehicleUsage | None = enum_field("What it is used for.")
    driver_client_id: strawberry.ID | None = strawberry.field(
        description="Its usual driver (a client's id)."
    )
    driver_name: str | None = strawberry.field(description="The usual driver's name.")
    entry_date: str = strawberry.field(description=f"The day it came on the contract, {_DATE}.")
    exit_date: str | None = strawberry.field(
        description=f"The day it left the contract, {_DATE}; null while on it."
    )
    on_cover: bool = strawberry.field(
        description="Covered today: entered and not yet left (false in live events)."
    )
    version: int = strawberry.field(
        description="Pass it back to removeFleetVehicle; a stale one is a CONFLICT."
    )
    audit: AuditStamps = strawberry.field(description="Who added and last changed it.")


@strawberry.type(description="A fleet vehicle and its cursor.")
class FleetVehicleEdge:
    cursor: str = strawberry.field(description="Pass it as `after` to continue after it.")
    node: FleetVehicle = strawberry.field(description="The vehicle.")


@strawberry.type(description="One page of fleet vehicles, by entry date.")
class FleetVehicleConnection:
    edges: list[FleetVehicleEdge] = strawberry.field(description="The vehicles with cursors.")
    nodes: list[FleetVehicle] = strawberry.field(description="The vehicles alone.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    total_count: int = strawberry.field(description="How many match, all pages together.")


@strawberry.type(description="The fleet tab (seed 000): the client's fleet contracts' vehicles.")
class Fleet:
    contract_ids: list[strawberry.ID] = strawberry.field(
        description="The client's fleet contracts."
    )
    vehicles: FleetVehicleConnection = strawberry.field(description="Their vehicles.")
    vehicles_on_cover: int = strawberry.field(description="How many are covered today.")


@strawberry.type(description="A contract and its cursor.")
class ContractEdge:
    cursor: str = strawberry.field(description="Pass it as `after` to continue after it.")
    node: Contract = strawberry.field(description="The contract.")


@strawberry.type(description="A claim and its cursor.")
class ClaimEdge:
    cursor: str = strawberry.field(description="Pass it as `after` to continue after it.")
    node: Claim = strawberry.field(description="The claim.")


@strawberry.type(description="One page of a client's claims, newest first.")
class ClaimConnection:
    edges: list[ClaimEdge] = strawberry.field(description="The claims with their cursors.")
    nodes: list[Claim] = strawberry.field(description="The claims alone.")
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    total_count: int = strawberry.field(description="How many match, all pages together.")


def _page_info(info: common_pb2.PageInfo) -> PageInfo:
    return PageInfo(end_cursor=info.end_cursor or None, has_next_page=info.has_next_page)


def _complaints(page: pb.ComplaintPage) -> ComplaintConnection:
    nodes = cast(list[Complaint], list(page.complaints))
    return ComplaintConnection(
        edges=[ComplaintEdge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=_page_info(page.page_info),
        total_count=page.total_count,
    )


def _quotes(page: pb.QuotePage) -> InsuranceQuoteConnection:
    nodes = cast(list[InsuranceQuote], list(page.quotes))
    return InsuranceQuoteConnection(
        edges=[
            InsuranceQuoteEdge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)
        ],
        nodes=nodes,
        page_info=_page_info(page.page_info),
        total_count=page.total_count,
    )


def _fleet(fleet: pb.ClientFleet) -> Fleet:
    page = fleet.vehicles
    nodes = cast(list[FleetVehicle], list(page.vehicles))
    return Fleet(
        contract_ids=cast(list[strawberry.ID], list(fleet.contract_ids)),
        vehicles=FleetVehicleConnection(
            edges=[
                FleetVehicleEdge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)
            ],
            nodes=nodes,
            page_info=_page_info(page.page_info),
            total_count=page.total_count,
        ),
        vehicles_on_cover=fleet.vehicles_on_cover,
    )


def _asked_twice(name: str) -> Exception:
    return graphql_error(
        InvalidInput(
            FieldViolation(name, "asked twice with different arguments in one client file")
        )
    )


def _claims(page: pb.ClaimPage) -> ClaimConnection:
    nodes = cast(list[Claim], list(page.claims))
    return ClaimConnection(
        edges=[ClaimEdge(cursor=c, node=n) for c, n in zip(page.cursors, nodes, strict=True)],
        nodes=nodes,
        page_info=_page_info(page.page_info),
        total_count=page.total_count,
    )


@dataclass(slots=True)
class ContractsAnswer:
    """One client's answer, shaped once so that every field is an attribute read."""

    edges: list[ContractEdge]
    nodes: list[Contract]
    page_info: PageInfo
    total_count: int
    open_claims_count: int
    today: str
    claim_ask: ClaimsAsk
    claim_page: ClaimConnection | None
    open_complaints_count: int
    overdue_complaints_count: int
    quote_ask: QuotesAsk | None
    quote_page: InsuranceQuoteConnection | None
    complaint_ask: ComplaintsAsk | None
    complaint_page: ComplaintConnection | None
    fleet_ask: FleetAsk | None
    fleet: Fleet | None


@strawberry.type(
    description="The contracts part of the client file (contracts service): what the client "
    "holds and its claims."
)
class ContractsFile:
    edges: list[ContractEdge] = strawberry.field(
        description="The client's contracts with their cursors, by due date: those it takes "
        "part in, whoever holds them."
    )
    nodes: list[Contract] = strawberry.field(description="The contracts alone.")
    page_info: PageInfo = strawberry.field(description="Where the page of contracts ends.")
    total_count: int = strawberry.field(description="How many contracts match, all pages.")
    open_claims_count: int = strawberry.field(
        description="The client's claims not closed (seed 000's counter)."
    )
    today: str = strawberry.field(
        description=f"The day the markers are computed for, in the agency's timezone, {_DATE}."
    )
    open_complaints_count: int = strawberry.field(
        description="The client's complaints neither answered nor closed (a counter)."
    )
    overdue_complaints_count: int = strawberry.field(
        description="The client's complaints with an ACPR deadline passed today."
    )

    @strawberry.field(description="The client's insurance quotes (devis), newest first.")
    @staticmethod
    def quotes(
        root: strawberry.Parent[ContractsAnswer],
        *,
        first: Annotated[
            int, strawberry.argument(description="Page size, 1 to 200.")
        ] = DEFAULT_QUOTES,
        after: Annotated[
            str | None,
            strawberry.argument(description="The endCursor to continue after (one client only)."),
        ] = None,
        statuses: Annotated[
            list[InsuranceQuoteStatus] | None,
            strawberry.argument(description="Only these statuses, as of today."),
        ] = None,
    ) -> InsuranceQuoteConnection:
        if root.quote_page is None or QuotesAsk.of(first, after, statuses) != root.quote_ask:
            raise _asked_twice("quotes")
        return root.quote_page

    @strawberry.field(
        description="The client's complaints with their ACPR clock, newest first (overdue ones "
        "flagged by clock.overdue)."
    )
    @staticmethod
    def complaints(
        root: strawberry.Parent[ContractsAnswer],
        *,
        first: Annotated[
            int, strawberry.argument(description="Page size, 1 to 200.")
        ] = DEFAULT_COMPLAINTS,
        after: Annotated[
            str | None,
            strawberry.argument(description="The endCursor to continue after (one client only)."),
        ] = None,
        statuses: Annotated[
            list[ComplaintStatus] | None, strawberry.argument(description="Only these statuses.")
        ] = None,
        overdue_only: Annotated[
            bool, strawberry.argument(description="Only those with a deadline passed today.")
        ] = False,
        open_only: Annotated[
            bool, strawberry.argument(description="Only those neither answered nor closed.")
        ] = False,
    ) -> ComplaintConnection:
        asked = ComplaintsAsk.of(first, after, statuses, overdue_only, open_only)
        if root.complaint_page is None or asked != root.complaint_ask:
            raise _asked_twice("complaints")
        return root.complaint_page

    @strawberry.field(
        description="The fleet tab: null unless the client takes part in a fleet contract."
    )
    @staticmethod
    def fleet(
        root: strawberry.Parent[ContractsAnswer],
        *,
        first: Annotated[
            int, strawberry.argument(description="Vehicles per page, 1 to 200.")
        ] = DEFAULT_VEHICLES,
        after: Annotated[
            str | None,
            strawberry.argument(description="The endCursor to continue after (one client only)."),
        ] = None,
        include_exited: Annotated[
            bool, strawberry.argument(description="Also the vehicles that left the fleet.")
        ] = False,
    ) -> Fleet | None:
        if FleetAsk.of(first, after, include_exited) != root.fleet_ask:
            raise _asked_twice("fleet")
        return root.fleet

    @strawberry.field(description="The client's claims, newest first.")
    @staticmethod
    def claims(
        root: strawberry.Parent[ContractsAnswer],
        *,
        first: Annotated[
            int, strawberry.argument(description="Page size, 1 to 200.")
        ] = DEFAULT_CLAIMS,
        after: Annotated[
            str | None,
            strawberry.argument(description="The endCursor to continue after (one client only)."),
        ] = None,
        statuses: Annotated[
            list[ClaimStatus] | None, strawberry.argument(description="Only these statuses.")
        ] = None,
        open_only: Annotated[
            bool, strawberry.argument(description="Only the claims not closed.")
        ] = False,
    ) -> ClaimConnection:
        asked = ClaimsAsk.of(first, after, statuses, open_only)
        if root.claim_page is None or asked != root.claim_ask:
            raise graphql_error(
                InvalidInput(
                    FieldViolation(
                        "claims", "asked twice with different arguments in one client file"
                    )
                )
            )
        return root.claim_page


# What the section takes from the query's selection (hashable: the same ask, one call).


def _numbers(values: Any, enum: type[Enum]) -> tuple[int, ...]:
    """Enum arguments as proto numbers, whether they come as members or as names."""
    out = []
    for value in values or ():
        member = value if isinstance(value, Enum) else enum[str(value)]
        out.append(int(member.value))
    return tuple(sorted(set(out)))


@dataclass(frozen=True, slots=True)
class ClaimsAsk:
    first: int = DEFAULT_CLAIMS
    after: str = ""
    statuses: tuple[int, ...] = ()
    open_only: bool = False

    @staticmethod
    def of(first: Any, after: Any, statuses: Any, open_only: Any) -> ClaimsAsk:
        return ClaimsAsk(
            first=DEFAULT_CLAIMS if first is None else int(first),
            after=after or "",
            statuses=_numbers(statuses, ClaimStatus),
            open_only=bool(open_only),
        )


@dataclass(frozen=True, slots=True)
class QuotesAsk:
    first: int = DEFAULT_QUOTES
    after: str = ""
    statuses: tuple[int, ...] = ()

    @staticmethod
    def of(first: Any, after: Any, statuses: Any) -> QuotesAsk:
        return QuotesAsk(
            first=DEFAULT_QUOTES if first is None else int(first),
            after=after or "",
            statuses=_numbers(statuses, InsuranceQuoteStatus),
        )


@dataclass(frozen=True, slots=True)
class ComplaintsAsk:
    first: int = DEFAULT_COMPLAINTS
    after: str = ""
    statuses: tuple[int, ...] = ()
    overdue_only: bool = False
    open_only: bool = False

    @staticmethod
    def of(
        first: Any, after: Any, statuses: Any, overdue_only: Any, open_only: Any
    ) -> ComplaintsAsk:
        return ComplaintsAsk(
            first=DEFAULT_COMPLAINTS if first is None else int(first),
            after=after or "",
            statuses=_numbers(statuses, ComplaintStatus),
            overdue_only=bool(overdue_only),
            open_only=bool(open_only),
        )


@dataclass(frozen=True, slots=True)
class FleetAsk:
    first: int = DEFAULT_VEHICLES
    after: str = ""
    include_exited: bool = False

    @staticmethod
    def of(first: Any, after: Any, include_exited: Any) -> FleetAsk:
        return FleetAsk(
            first=DEFAULT_VEHICLES if first is None else int(first),
            after=after or "",
            include_exited=bool(include_exited),
        )


@dataclass(frozen=True, slots=True)
class ContractsAsk:
    first: int
    after: str
    statuses: tuple[int, ...]
    branches: tuple[int, ...]
    renewal_states: tuple[int, ...]
    include_past_participations: bool
    with_contracts: bool
    with_rights: bool
    claims: ClaimsAsk | None
    quotes: QuotesAsk | None = None
    complaints: ComplaintsAsk | None = None
    fleet: FleetAsk | None = None

    def request(self, client_ids: Sequence[str]) -> pb.BatchGetClientContractsRequest:
        request = pb.BatchGetClientContractsRequest(
            client_ids=client_ids,
            with_contracts=self.with_contracts,
            with_termination_rights=self.with_rights,
            with_claims=self.claims is not None,
            contract_page=common_pb2.PageRequest(first=self.first, after=self.after),
            contract_filter=pb.ContractFilter(
                statuses=cast(Any, self.statuses),
                branches=cast(Any, self.branches),
                renewal_states=cast(Any, self.renewal_states),
                include_past_participations=self.include_past_participations,
            ),
        )
        if self.claims is not None:
            request.claim_page.CopyFrom(
                common_pb2.PageRequest(first=self.claims.first, after=self.claims.after)
            )
            request.claim_filter.CopyFrom(
                pb.ClaimFilter(
                    statuses=cast(Any, self.claims.statuses), open_only=self.claims.open_only
                )
            )
        if self.quotes is not None:
            request.with_quotes = True
            request.quote_page.CopyFrom(
                common_pb2.PageRequest(first=self.quotes.first, after=self.quotes.after)
            )
            request.quote_filter.CopyFrom(pb.QuoteFilter(statuses=cast(Any, self.quotes.statuses)))
        if self.complaints is not None:
            request.with_complaints = True
            request.complaint_page.CopyFrom(
                common_pb2.PageRequest(first=self.complaints.first, after=self.complaints.after)
            )
            request.complaint_filter.CopyFrom(
                pb.ComplaintFilter(
                    statuses=cast(Any, self.complaints.statuses),
                    overdue_only=self.complaints.overdue_only,
                    open_only=self.complaints.open_only,
                )
            )
        if self.fleet is not None:
            request.with_fleet = True
            request.vehicle_page.CopyFrom(
                common_pb2.PageRequest(first=self.fleet.first, after=self.fleet.after)
            )
            request.include_exited_vehicles = self.fleet.include_exited
        return request


_LISTS = (("nodes",), ("edges", "node"))
_LISTED = ("edges", "nodes", "pageInfo", "totalCount")


def _asked(field: SelectedField) -> Hashable:
    args = field.arguments
    selections = field.selections
    contracts = [s for path in _LISTS for s in below(selections, *path)]
    listed = any(fields_named(selections, name) for name in _LISTED)
    claims = fields_named(selections, "claims")
    claim_args = claims[0].arguments if claims else {}
    quotes = fields_named(selections, "quotes")
    complaints = fields_named(selections, "complaints")
    fleet = fields_named(selections, "fleet")
    quote_args = quotes[0].arguments if quotes else {}
    complaint_args = complaints[0].arguments if complaints else {}
    fleet_args = fleet[0].arguments if fleet else {}
    # The overdue count is computed from the complaints read: asking it reads them.
    with_complaints = bool(complaints or fields_named(selections, "overdueComplaintsCount"))
    return ContractsAsk(
        first=int(args.get("first") or DEFAULT_CONTRACTS),
        after=args.get("after") or "",
        statuses=_numbers(args.get("statuses"), ContractStatus),
        branches=_numbers(args.get("branches"), Branch),
        renewal_states=_numbers(args.get("renewalStates"), RenewalState),
        include_past_participations=bool(args.get("includePastParticipations")),
        # The open-claims count alone needs no contract read.
        with_contracts=listed,
        with_rights=bool(fields_named(contracts, "terminationRights")),
        claims=ClaimsAsk.of(
            claim_args.get("first"),
            claim_args.get("after"),
            claim_args.get("statuses"),
            claim_args.get("openOnly"),
        )
        if claims
        else None,
        quotes=QuotesAsk.of(
            quote_args.get("first"), quote_args.get("after"), quote_args.get("statuses")
        )
        if quotes
        else None,
        complaints=ComplaintsAsk.of(
            complaint_args.get("first"),
            complaint_args.get("after"),
            complaint_args.get("statuses"),
            complaint_args.get("overdueOnly"),
            complaint_args.get("openOnly"),
        )
        if with_complaints
        else None,
        fleet=FleetAsk.of(
            fleet_args.get("first"), fleet_args.get("after"), fleet_args.get("includeExited")
        )
        if fleet
        else None,
    )


ARGUMENTS = (
    Argument("first", int, DEFAULT_CONTRACTS, "Contracts per client, 1 to 200."),
    Argument(
        "after",
        str | None,
        None,
        "The endCursor to continue after; only when one client's file is read.",
    ),
    Argument("statuses", list[ContractStatus] | None, None, "Only these statuses (as of today)."),
    Argument("branches", list[Branch] | None, None, "Only these branches."),
    Argument(
        "renewal_states",
        list[RenewalState] | None,
        None,
        "Only these renewal markers (TO_RENEW: the contracts to renew).",
    ),
    Argument(
        "include_past_participations",
        bool,
        default=False,
        description="Also the contracts in which the client's participation has ended (or not "
        "begun).",
    ),
)


# The call: client ids in, one call, answers keyed back by client id.


def _contracts_answer(part: pb.ClientContracts, today: str, ask: ContractsAsk) -> ContractsAnswer:
    nodes = cast(list[Contract], list(part.contracts.contracts))
    return ContractsAnswer(
        edges=[
            ContractEdge(cursor=c, node=n)
            for c, n in zip(part.contracts.cursors, nodes, strict=True)
        ],
        nodes=nodes,
        page_info=_page_info(part.contracts.page_info),
        total_count=part.contracts.total_count,
        open_claims_count=part.open_claims_count,
        today=today,
        claim_ask=ask.claims or ClaimsAsk(),
        claim_page=_claims(part.claims) if ask.claims is not None else None,
        open_complaints_count=part.open_complaints_count,
        overdue_complaints_count=part.overdue_complaints_count,
        quote_ask=ask.quotes,
        quote_page=_quotes(part.quotes) if ask.quotes is not None else None,
        complaint_ask=ask.complaints,
        complaint_page=_complaints(part.complaints) if ask.complaints is not None else None,
        fleet_ask=ask.fleet,
        fleet=_fleet(part.fleet) if ask.fleet is not None and part.HasField("fleet") else None,
    )


async def _load(
    context: RequestContext, client_ids: list[str], ask: ContractsAsk
) -> dict[str, ContractsAnswer]:
    if context.caller.role not in SEES_SECTION:
        return {}
    response = await context.clients.contracts.batch_get_client_contracts(
        context.caller, ask.request(client_ids)
    )
    found = {part.client_id: part for part in response.clients}
    return {
        client_id: _contracts_answer(
            found.get(client_id) or pb.ClientContracts(client_id=client_id), response.today, ask
        )
        for client_id in client_ids
    }


CONTRACTS = Section(
    name="contracts",
    type=ContractsFile,
    description="Contracts, quotes, claims, complaints and fleet (contracts service): the "
    "contracts the client takes part in with today's markers, its insurance quotes, its claims "
    "and open-claims counter, its complaints with the ACPR clock, and the fleet tab. Null for "
    "roles that may not see them (technicians), and, with the contracts service's error, when "
    "they could not be read.",
    load=_load,
    request=_asked,
    arguments=ARGUMENTS,
)


# Inputs


@strawberry.input(description="A client taking part in a contract.")
class ContractParticipantInput:
    client_id: strawberry.ID = strawberry.field(description="The client's id.")
    roles: list[ParticipantRole] = strawberry.field(description="One or more roles.")
    valid_from: str | None = strawberry.field(
        default=None, description=f"First day, {_DATE}; null: from the contract's start."
    )
    valid_to: str | None = strawberry.field(
        default=None, description=f"Last day, {_DATE}; null: open-ended."
    )
    share_percent: float | None = strawberry.field(
        default=None, description="A beneficiary's share, above 0 and at most 100."
    )
    minor: bool = strawberry.field(default=False, description="A beneficiary who is a minor.")


@strawberry.input(
    description="Fields of a contract; on update, only the fields given change, null counting "
    "as not given (a list given replaces the whole list)."
)
class ContractInput:
    policy_number: str | None = strawberry.field(
        default=UNSET, description="The insurer's policy number."
    )
    insurer: str | None = strawberry.field(default=UNSET, description="The insurer; required.")
    product: str | None = strawberry.field(default=UNSET, description="The product; required.")
    branch: Branch | None = strawberry.field(default=UNSET, description="The branch; required.")
    status: ContractStatus | None = strawberry.field(
        default=UNSET,
        description="IN_FORCE when left out on creation; TERMINATED only through "
        "terminateContract or requestTermination.",
    )
    status_label: str | None = strawberry.field(
        default=UNSET, description="The agency's own name for the status."
    )
    effective_date: str | None = strawberry.field(
        default=UNSET, description=f"The day it takes effect, {_DATE}; required."
    )
    due_date: str | None = strawberry.field(
        default=UNSET, description=f"The next annual due date, {_DATE}; required."
    )
    tacit_renewal: bool | None = strawberry.field(
        default=UNSET, description="Renewed by tacit agreement."
    )
    premium: MoneyInput | None = strawberry.field(default=UNSET, description="The premium.")
    payment_frequency: PaymentFrequency | None = strawberry.field(
        default=UNSET, description="How often it is paid; required with a premium."
    )
    premium_collector: PremiumCollector | None = strawberry.field(
        default=UNSET, description="Who collects it."
    )
    consumer: bool | None = strawberry.field(
        default=UNSET, description="A private policyholder outside a trade (Chatel, Hamon)."
    )
    participants: list[ContractParticipantInput] | None = strawberry.field(
        default=UNSET,
        description="Every participant (replaces the list); one at least is the POLICYHOLDER.",
    )
    renewal_notice_sent_on: str | None = strawberry.field(
        default=UNSET, description=f"When the renewal notice was sent, {_DATE}."
    )
    partner_ids: list[str] | None = strawberry.field(
        default=UNSET, description="The partners party to it (replaces the list)."
    )


@strawberry.input(description="A client taking part in a claim.")
class ClaimParticipantInput:
    client_id: strawberry.ID = strawberry.field(description="The client's id.")
    roles: list[ClaimRole] = strawberry.field(description="One or more roles.")


@strawberry.input(
    description="Fields of a claim; on update, only the fields given change, null counting as "
    "not given (its contract never does)."
)
class ClaimInput:
    contract_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The contract; required on declaration."
    )
    insurer_claim_number: str | None = strawberry.field(
        default=UNSET, description="The insurer's number."
    )
    type: ClaimType | None = strawberry.field(default=UNSET, description="The kind of loss.")
    loss_date: str | None = strawberry.field(
        default=UNSET, description=f"The day of the loss, {_DATE}; required."
    )
    reported_date: str | None = strawberry.field(
        default=UNSET, description=f"The day it was reported, {_DATE}; today when left out."
    )
    description: str | None = strawberry.field(default=UNSET, description="What happened.")
    assessed_amount: MoneyInput | None = strawberry.field(
        default=UNSET, description="The loss as assessed."
    )
    agreed_amount: MoneyInput | None = strawberry.field(
        default=UNSET, description="The amount agreed."
    )
    paid_amount: MoneyInput | None = strawberry.field(default=UNSET, description="The amount paid.")
    participants: list[ClaimParticipantInput] | None = strawberry.field(
        default=UNSET, description="Clients taking part (replaces the list)."
    )


@strawberry.input(description="A complaint as recorded.")
class ComplaintInput:
    client_id: strawberry.ID = strawberry.field(description="The client who complains.")
    channel: ComplaintChannel = strawberry.field(description="How it came.")
    subject: str = strawberry.field(description="What it is about, in a line.")
    received_on: str | None = strawberry.field(
        default=None, description=f"The day it was received, {_DATE}; today when left out."
    )
    sent_on: str | None = strawberry.field(
        default=None, description=f"The day the client sent it, when known, {_DATE}."
    )
    description: str | None = strawberry.field(default=None, description="What the client says.")
    contract_id: strawberry.ID | None = strawberry.field(
        default=None, description="The contract it is about."
    )
    claim_id: strawberry.ID | None = strawberry.field(
        default=None, description="The claim it is about (its contract comes with it)."
    )


@strawberry.input(description="A new insurance quote.")
class InsuranceQuoteInput:
    insurer: str = strawberry.field(description="The insurer.")
    product: str = strawberry.field(description="The product.")
    branch: Branch = strawberry.field(description="The branch.")
    valid_until: str = strawberry.field(description=f"The last day it may be accepted, {_DATE}.")
    participants: list[ContractParticipantInput] = strawberry.field(
        description="The clients it is for; one at least is the POLICYHOLDER."
    )
    premium: MoneyInput | None = strawberry.field(default=None, description="The premium proposed.")
    payment_frequency: PaymentFrequency | None = strawberry.field(
        default=None, description="How often it would be paid; required with a premium."
    )
    premium_collector: PremiumCollector | None = strawberry.field(
        default=None, description="Who would collect it."
    )
    consumer: bool = strawberry.field(
        default=False, description="A private policyholder outside a trade (Chatel, Hamon)."
    )
    tacit_renewal: bool = strawberry.field(
        default=True, description="The contract would renew tacitly."
    )
    partner_ids: list[str] | None = strawberry.field(
        default=None, description="The partners party to it."
    )
    proposed_effective_date: str | None = strawberry.field(
        default=None, description=f"The day cover would start, {_DATE}."
    )


@strawberry.input(
    description="Fields of an insurance quote to change; only the fields given change, null "
    "counting as not given (a list given replaces the whole list)."
)
class InsuranceQuoteUpdateInput:
    insurer: str | None = strawberry.field(default=UNSET, description="The insurer.")
    product: str | None = strawberry.field(default=UNSET, description="The product.")
    branch: Branch | None = strawberry.field(default=UNSET, description="The branch.")
    valid_until: str | None = strawberry.field(
        default=UNSET, description=f"The last day it may be accepted, {_DATE}."
    )
    participants: list[ContractParticipantInput] | None = strawberry.field(
        default=UNSET, description="The clients it is for (replaces the list)."
    )
    premium: MoneyInput | None = strawberry.field(
        default=UNSET, description="The premium proposed."
    )
    payment_frequency: PaymentFrequency | None = strawberry.field(
        default=UNSET, description="How often it would be paid."
    )
    premium_collector: PremiumCollector | None = strawberry.field(
        default=UNSET, description="Who would collect it."
    )
    consumer: bool | None = strawberry.field(
        default=UNSET, description="A private policyholder outside a trade."
    )
    tacit_renewal: bool | None = strawberry.field(
        default=UNSET, description="The contract would renew tacitly."
    )
    partner_ids: list[str] | None = strawberry.field(
        default=UNSET, description="The partners party to it (replaces the list)."
    )
    proposed_effective_date: str | None = strawberry.field(
        default=UNSET, description=f"The day cover would start, {_DATE}."
    )


@strawberry.input(description="A vehicle coming on a fleet contract.")
class FleetVehicleInput:
    contract_id: strawberry.ID = strawberry.field(description="The fleet contract.")
    registration: str = strawberry.field(
        description="The French registration, AA-123-AA (spaces or no hyphens accepted)."
    )
    make: str = strawberry.field(description="The make.")
    entry_date: str = strawberry.field(description=f"The day it comes on the contract, {_DATE}.")
    vin: str | None = strawberry.field(
        default=None, description="The vehicle identification number (17 characters)."
    )
    model: str | None = strawberry.field(default=None, description="The model.")
    first_registration_date: str | None = strawberry.field(
        default=None, description=f"The day it was first registered, {_DATE}."
    )
    usage: VehicleUsage | None = strawberry.field(default=None, description="Its use.")
    driver_client_id: strawberry.ID | None = strawberry.field(
        default=None, description="Its usual driver (one of your clients)."
    )


def _money_proto(value: MoneyInput, field: str) -> common_pb2.Money:
    try:
        amount = from_decimal(Decimal(value.amount), value.currency.upper(), field=field)
    except ArithmeticError:
        raise graphql_error(InvalidInput(FieldViolation(field, "not a decimal amount"))) from None
    except Client360Error as error:
        raise graphql_error(error) from None
    return amount.to_proto()


def contract_input_to_proto(data: ContractInput) -> tuple[pb.ContractInput, list[str]]:
    message = pb.ContractInput()
    paths: list[str] = []
    for name, value in given_fields(data).items():
        if name == "premium":
            message.premium.CopyFrom(_money_proto(value, "premium"))
        elif name == "participants":
            message.participants.extend(
                pb.Participant(**{**given_fields(p), "roles": _roles_proto(p.roles)}) for p in value
            )
        elif name == "partner_ids":
            message.partner_ids.extend(value)
        else:
            setattr(message, name, value)
        paths.append(name)
    return message, paths


def _roles_proto(value: Any) -> list[Any]:
    return [proto_value(role) for role in value]


def claim_input_to_proto(data: ClaimInput) -> tuple[pb.ClaimInput, list[str]]:
    message = pb.ClaimInput()
    paths: list[str] = []
    for name, value in given_fields(data).items():
        if name in ("assessed_amount", "agreed_amount", "paid_amount"):
            camel = "".join(w.capitalize() if i else w for i, w in enumerate(name.split("_")))
            getattr(message, name).CopyFrom(_money_proto(value, camel))
        elif name == "participants":
            message.participants.extend(
                pb.ClaimParticipant(client_id=p.client_id, roles=_roles_proto(p.roles))
                for p in value
            )
        else:
            setattr(message, name, value)
        paths.append(name)
    return message, paths


def complaint_input_to_proto(data: ComplaintInput) -> pb.ComplaintInput:
    return pb.ComplaintInput(**given_fields(data))


def quote_input_to_proto(
    data: InsuranceQuoteInput | InsuranceQuoteUpdateInput,
) -> tuple[pb.QuoteInput, list[str]]:
    message = pb.QuoteInput()
    paths: list[str] = []
    for name, value in given_fields(data).items():
        paths.append(name)
        if name == "premium":
            message.premium.CopyFrom(_money_proto(value, "premium"))
        elif name == "participants":
            message.participants.extend(
                pb.Participant(**{**given_fields(p), "roles": _roles_proto(p.roles)}) for p in value
            )
        elif name == "partner_ids":
            message.partner_ids.extend(value)
        else:
            setattr(message, name, value)
    return message, paths


def vehicle_input_to_proto(data: FleetVehicleInput) -> pb.VehicleInput:
    return pb.VehicleInput(**given_fields(data))


async def _known_clients(
    info: Info, client_ids: Sequence[str], field: str = "participants[{}].clientId"
) -> None:
    """The participants must be clients of the caller's agency (asked of identity in one
    call); an unknown one is bad input naming its place in the list."""
    wanted = [c for c in dict.fromkeys(client_ids) if c]
    if not wanted:
        return
    context = info.context
    found = await context.clients.identity.batch_get_clients(
        context.caller, wanted, fields=("display_name",)
    )
    known = {client.id for client in found}
    missing = [
        FieldViolation(field.format(i), "no such client")
        for i, client_id in enumerate(client_ids)
        if client_id and client_id not in known
    ]
    if missing:
        raise graphql_error(InvalidInput(missing))


def _participant_ids(
    data: ContractInput | ClaimInput | InsuranceQuoteInput | InsuranceQuoteUpdateInput,
) -> list[str] | None:
    participants = data.participants
    if participants is UNSET or participants is None:
        return None
    return [str(p.client_id) for p in participants]


# Queries

ContractId = Annotated[strawberry.ID, strawberry.argument(description="The contract's id.")]
ClaimId = Annotated[strawberry.ID, strawberry.argument(description="The claim's id.")]
Version = Annotated[
    int,
    strawberry.argument(
        description="The version as you read it; if it changed since, the answer is a CONFLICT "
        "error and nothing changes."
    ),
]


@strawberry.type(description="The agency's settings of the contracts section.")
class ContractSettings:
    renewal_window_days: int = strawberry.field(
        description="A contract is TO_RENEW when its due date is at most this many days away."
    )
    timezone: str = strawberry.field(
        description="The agency's IANA timezone, in which today is taken."
    )
    holiday_subdivision: str | None = strawberry.field(
        description="The French subdivision whose public holidays the complaint clock also "
        "skips (6AE Alsace, 57 Moselle, 971 to 976 overseas...); null: metropolitan France."
    )
    version: int = strawberry.field(
        description="Pass it back to updateContractSettings (0 while the defaults apply)."
    )


@strawberry.type(description="An accepted insurance quote and the contract it created.")
class AcceptedInsuranceQuote:
    quote: InsuranceQuote = strawberry.field(description="The quote, ACCEPTED.")
    contract: Contract = strawberry.field(description="Its contract, QUOTE_ACCEPTED.")


@strawberry.type(description="Contracts' queries.")
class ContractsQuery:
    @strawberry.field(
        description="One contract with its markers and termination rights; null with "
        "NOT_FOUND if it is not yours (or, for a partner, does not name you)."
    )
    async def contract(
        self,
        info: Info,
        id: ContractId,
        notice_received_on: Annotated[
            str | None,
            strawberry.argument(
                description=f"Compute the termination rights for a notice received that day, "
                f"{_DATE}; today when left out."
            ),
        ] = None,
    ) -> Contract | None:
        found = await info.context.clients.contracts.get_contract(
            info.context.caller, id, notice_received_on or ""
        )
        return cast(Contract, found)

    @strawberry.field(description="One claim; null with NOT_FOUND if it is not yours.")
    async def claim(self, info: Info, id: ClaimId) -> Claim | None:
        found = await info.context.clients.contracts.get_claim(info.context.caller, id)
        return cast(Claim, found)

    @strawberry.field(description="The agency's settings of the contracts section.")
    async def contract_settings(self, info: Info) -> ContractSettings | None:
        found = await info.context.clients.contracts.get_settings(info.context.caller)
        return cast(ContractSettings, found)

    @strawberry.field(
        description="One complaint with its ACPR clock; null with NOT_FOUND if it is not yours."
    )
    async def complaint(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The complaint's id.")],
    ) -> Complaint | None:
        found = await info.context.clients.contracts.get_complaint(info.context.caller, id)
        return cast(Complaint, found)

    @strawberry.field(
        description="Managers and admins: the agency's complaints across clients, oldest first "
        "(the nearest deadlines first); FORBIDDEN for other roles."
    )
    async def agency_complaints(
        self,
        info: Info,
        *,
        overdue_only: Annotated[
            bool, strawberry.argument(description="Only those with a deadline passed today.")
        ] = False,
        open_only: Annotated[
            bool, strawberry.argument(description="Only those neither answered nor closed.")
        ] = False,
        statuses: Annotated[
            list[ComplaintStatus] | None, strawberry.argument(description="Only these statuses.")
        ] = None,
        first: Annotated[
            int, strawberry.argument(description="Page size, 1 to 200.")
        ] = DEFAULT_CONTRACTS,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor to continue after.")
        ] = None,
    ) -> ComplaintConnection | None:
        request = pb.ListComplaintsRequest(
            filter=pb.ComplaintFilter(
                statuses=cast(Any, _numbers(statuses, ComplaintStatus)),
                overdue_only=overdue_only,
                open_only=open_only,
            ),
            page=common_pb2.PageRequest(first=first, after=after or ""),
        )
        page = await info.context.clients.contracts.list_complaints(info.context.caller, request)
        return _complaints(page)

    @strawberry.field(description="One insurance quote; null with NOT_FOUND if it is not yours.")
    async def insurance_quote(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The quote's id.")],
    ) -> InsuranceQuote | None:
        found = await info.context.clients.contracts.get_quote(info.context.caller, id)
        return cast(InsuranceQuote, found)


# Mutations


@strawberry.type(description="Contracts' mutations.")
class ContractsMutation:
    @strawberry.mutation(
        description="Creates a contract (IN_FORCE unless told); every participant must be one "
        "of your clients. The contract, as a read shows it."
    )
    async def create_contract(
        self,
        info: Info,
        input: Annotated[ContractInput, strawberry.argument(description="The new contract.")],
    ) -> Contract | None:
        ids = _participant_ids(input)
        if ids is not None:
            await _known_clients(info, ids)
        message, _ = contract_input_to_proto(input)
        found = await info.context.clients.contracts.create_contract(info.context.caller, message)
        return cast(Contract, found)

    @strawberry.mutation(description="Changes the fields given of a contract; the contract.")
    async def update_contract(
        self,
        info: Info,
        id: ContractId,
        version: Version,
        input: Annotated[
            ContractInput, strawberry.argument(description="The fields to change, only those.")
        ],
    ) -> Contract | None:
        ids = _participant_ids(input)
        if ids is not None:
            await _known_clients(info, ids)
        message, paths = contract_input_to_proto(input)
        found = await info.context.clients.contracts.update_contract(
            info.context.caller, id, version, message, paths
        )
        return cast(Contract, found)

    @strawberry.mutation(
        description="Renews a contract at its due date: the due date moves on (a year unless "
        "nextDueDate says) and the renewal notice is kept with the last renewal."
    )
    async def renew_contract(
        self,
        info: Info,
        id: ContractId,
        version: Version,
        next_due_date: Annotated[
            str | None, strawberry.argument(description=f"The new due date, {_DATE}.")
        ] = None,
    ) -> Contract | None:
        found = await info.context.clients.contracts.renew_contract(
            info.context.caller, id, version, next_due_date or ""
        )
        return cast(Contract, found)

    @strawberry.mutation(
        description="Ends a contract for a reason other than the client's request (the "
        "insurer's decision, an unpaid premium, a death, a sale...) on the day given."
    )
    async def terminate_contract(
        self,
        info: Info,
        id: ContractId,
        version: Version,
        termination_date: Annotated[
            str, strawberry.argument(description=f"The day it ends, {_DATE}.")
        ],
        reason: Annotated[
            TerminationReason,
            strawberry.argument(
                description="Why; INSURED_REQUEST goes through requestTermination."
            ),
        ],
    ) -> Contract | None:
        found = await info.context.clients.contracts.terminate_contract(
            info.context.caller, id, version, termination_date, reason.value
        )
        return cast(Contract, found)

    @strawberry.mutation(
        description="Records the client's termination request if a rule allows it (L113-12, "
        "Chatel, Hamon); refused with BAD_USER_INPUT otherwise, naming the rule and the day "
        "from which it would allow it. The contract is TERMINATING until its end date."
    )
    async def request_termination(
        self,
        info: Info,
        id: ContractId,
        version: Version,
        received_on: Annotated[
            str | None,
            strawberry.argument(description=f"The day the notice was received, {_DATE}; today."),
        ] = None,
        rule: Annotated[
            TerminationRule | None,
            strawberry.argument(description="The rule invoked; the one ending it soonest."),
        ] = None,
        end_date: Annotated[
            str | None,
            strawberry.argument(
                description=f"The day the client wants it to end, {_DATE}; the earliest allowed."
            ),
        ] = None,
    ) -> Contract | None:
        found = await info.context.clients.contracts.request_termination(
            info.context.caller,
            id,
            version,
            received_on=received_on or "",
            rule=rule.value if rule is not None else 0,
            end_date=end_date or "",
        )
        return cast(Contract, found)

    @strawberry.mutation(
        description="Declares a claim on a contract: DECLARED, open, counted on the files of "
        "the contract's policyholders and of the claim's participants."
    )
    async def declare_claim(
        self,
        info: Info,
        input: Annotated[ClaimInput, strawberry.argument(description="The new claim.")],
    ) -> Claim | None:
        ids = _participant_ids(input)
        if ids is not None:
            await _known_clients(info, ids)
        message, _ = claim_input_to_proto(input)
        found = await info.context.clients.contracts.declare_claim(info.context.caller, message)
        return cast(Claim, found)

    @strawberry.mutation(description="Changes the fields given of a claim; the claim.")
    async def update_claim(
        self,
        info: Info,
        id: ClaimId,
        version: Version,
        input: Annotated[
            ClaimInput, strawberry.argument(description="The fields to change, only those.")
        ],
    ) -> Claim | None:
        ids = _participant_ids(input)
        if ids is not None:
            await _known_clients(info, ids)
        message, paths = claim_input_to_proto(input)
        found = await info.context.clients.contracts.update_claim(
            info.context.caller, id, version, message, paths
        )
        return cast(Claim, found)

    @strawberry.mutation(
        description="Moves a claim one step along its status path (CLOSED takes it out of the "
        "open counts, REOPENED puts it back); another step is BAD_USER_INPUT."
    )
    async def change_claim_status(
        self,
        info: Info,
        id: ClaimId,
        version: Version,
        status: Annotated[ClaimStatus, strawberry.argument(description="The next status.")],
        note: Annotated[
            str | None, strawberry.argument(description="Why, for the history.")
        ] = None,
    ) -> Claim | None:
        found = await info.context.clients.contracts.change_claim_status(
            info.context.caller, id, version, status.value, note or ""
        )
        return cast(Claim, found)

    @strawberry.mutation(
        description="Records a complaint, RECEIVED, on the client's file; its ACPR clock starts "
        "from the earliest of sentOn and receivedOn."
    )
    async def record_complaint(
        self,
        info: Info,
        input: Annotated[ComplaintInput, strawberry.argument(description="The complaint.")],
    ) -> Complaint | None:
        await _known_clients(info, [str(input.client_id)], "clientId")
        found = await info.context.clients.contracts.record_complaint(
            info.context.caller, complaint_input_to_proto(input)
        )
        return cast(Complaint, found)

    @strawberry.mutation(description="Records the acknowledgement sent to the client.")
    async def acknowledge_complaint(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The complaint's id.")],
        version: Version,
        acknowledged_on: Annotated[
            str | None, strawberry.argument(description=f"The day, {_DATE}; today.")
        ] = None,
    ) -> Complaint | None:
        request = pb.AcknowledgeComplaintRequest(
            id=id, version=version, acknowledged_on=acknowledged_on or ""
        )
        found = await info.context.clients.contracts.acknowledge_complaint(
            info.context.caller, request
        )
        return cast(Complaint, found)

    @strawberry.mutation(
        description="Records the answer (a rejection names the mediator); it stands for the "
        "acknowledgement when none was sent."
    )
    async def answer_complaint(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The complaint's id.")],
        version: Version,
        outcome: Annotated[ComplaintOutcome, strawberry.argument(description="What it says.")],
        mediator: Annotated[
            str | None, strawberry.argument(description="The mediator; required if REJECTED.")
        ] = None,
        answer_summary: Annotated[
            str | None, strawberry.argument(description="What was answered, in short.")
        ] = None,
        answered_on: Annotated[
            str | None, strawberry.argument(description=f"The day, {_DATE}; today.")
        ] = None,
    ) -> Complaint | None:
        request = pb.AnswerComplaintRequest(
            id=id,
            version=version,
            outcome=outcome.value,
            mediator=mediator or "",
            answer_summary=answer_summary or "",
            answered_on=answered_on or "",
        )
        found = await info.context.clients.contracts.answer_complaint(info.context.caller, request)
        return cast(Complaint, found)

    @strawberry.mutation(description="Closes a complaint (answered, or withdrawn).")
    async def close_complaint(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The complaint's id.")],
        version: Version,
        closed_on: Annotated[
            str | None, strawberry.argument(description=f"The day, {_DATE}; today.")
        ] = None,
    ) -> Complaint | None:
        request = pb.CloseComplaintRequest(id=id, version=version, closed_on=closed_on or "")
        found = await info.context.clients.contracts.close_complaint(info.context.caller, request)
        return cast(Complaint, found)

    @strawberry.mutation(
        description="Drafts an insurance quote; every participant must be one of your clients."
    )
    async def create_insurance_quote(
        self,
        info: Info,
        input: Annotated[InsuranceQuoteInput, strawberry.argument(description="The quote.")],
    ) -> InsuranceQuote | None:
        ids = _participant_ids(input)
        if ids is not None:
            await _known_clients(info, ids)
        message, _ = quote_input_to_proto(input)
        found = await info.context.clients.contracts.create_quote(info.context.caller, message)
        return cast(InsuranceQuote, found)

    @strawberry.mutation(
        description="Changes the fields given of a DRAFT or SENT quote; an EXPIRED, accepted or "
        "refused one is BAD_USER_INPUT."
    )
    async def update_insurance_quote(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The quote's id.")],
        version: Version,
        input: Annotated[
            InsuranceQuoteUpdateInput,
            strawberry.argument(description="The fields to change, only those."),
        ],
    ) -> InsuranceQuote | None:
        ids = _participant_ids(input)
        if ids is not None:
            await _known_clients(info, ids)
        message, paths = quote_input_to_proto(input)
        found = await info.context.clients.contracts.update_quote(
            info.context.caller, id, version, message, paths
        )
        return cast(InsuranceQuote, found)

    @strawberry.mutation(description="Records that a DRAFT quote was sent to the client.")
    async def send_insurance_quote(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The quote's id.")],
        version: Version,
        sent_on: Annotated[
            str | None, strawberry.argument(description=f"The day, {_DATE}; today.")
        ] = None,
    ) -> InsuranceQuote | None:
        request = pb.SendQuoteRequest(id=id, version=version, sent_on=sent_on or "")
        found = await info.context.clients.contracts.send_quote(info.context.caller, request)
        return cast(InsuranceQuote, found)

    @strawberry.mutation(
        description="The client accepts the quote: its contract is created, QUOTE_ACCEPTED with "
        "the quote's participants, in the same transaction. An EXPIRED quote is BAD_USER_INPUT."
    )
    async def accept_insurance_quote(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The quote's id.")],
        version: Version,
        effective_date: Annotated[
            str | None,
            strawberry.argument(
                description=f"The contract's start, {_DATE}; the proposed date, or today."
            ),
        ] = None,
        due_date: Annotated[
            str | None,
            strawberry.argument(description=f"Its first due date, {_DATE}; a year later."),
        ] = None,
        policy_number: Annotated[
            str | None, strawberry.argument(description="The insurer's policy number.")
        ] = None,
    ) -> AcceptedInsuranceQuote | None:
        request = pb.AcceptQuoteRequest(
            id=id,
            version=version,
            effective_date=effective_date or "",
            due_date=due_date or "",
            policy_number=policy_number or "",
        )
        found = await info.context.clients.contracts.accept_quote(info.context.caller, request)
        return AcceptedInsuranceQuote(
            quote=cast(InsuranceQuote, found.quote), contract=cast(Contract, found.contract)
        )

    @strawberry.mutation(description="Records that the client refused the quote.")
    async def refuse_insurance_quote(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The quote's id.")],
        version: Version,
        reason: Annotated[str | None, strawberry.argument(description="Why.")] = None,
    ) -> InsuranceQuote | None:
        request = pb.RefuseQuoteRequest(id=id, version=version, reason=reason or "")
        found = await info.context.clients.contracts.refuse_quote(info.context.caller, request)
        return cast(InsuranceQuote, found)

    @strawberry.mutation(description="Puts a vehicle on a fleet contract from its entry date.")
    async def add_fleet_vehicle(
        self,
        info: Info,
        input: Annotated[FleetVehicleInput, strawberry.argument(description="The vehicle.")],
    ) -> FleetVehicle | None:
        if input.driver_client_id:
            await _known_clients(info, [str(input.driver_client_id)], "driverClientId")
        found = await info.context.clients.contracts.add_vehicle(
            info.context.caller, vehicle_input_to_proto(input)
        )
        return cast(FleetVehicle, found)

    @strawberry.mutation(
        description="Takes a vehicle off its fleet contract on its exit date (kept on the tab)."
    )
    async def remove_fleet_vehicle(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The vehicle's id.")],
        version: Version,
        exit_date: Annotated[
            str | None, strawberry.argument(description=f"The last day covered, {_DATE}; today.")
        ] = None,
    ) -> FleetVehicle | None:
        request = pb.RemoveVehicleRequest(id=id, version=version, exit_date=exit_date or "")
        found = await info.context.clients.contracts.remove_vehicle(info.context.caller, request)
        return cast(FleetVehicle, found)

    @strawberry.mutation(
        description="Managers and admins: changes the agency's renewal window, timezone or "
        "holiday subdivision (the settings given only)."
    )
    async def update_contract_settings(
        self,
        info: Info,
        version: Version,
        renewal_window_days: Annotated[
            int | None, strawberry.argument(description="Days, 1 to 366.")
        ] = None,
        timezone: Annotated[
            str | None, strawberry.argument(description="An IANA timezone.")
        ] = None,
        holiday_subdivision: Annotated[
            str | None,
            strawberry.argument(
                description="The French subdivision whose holidays the complaint clock also "
                'skips (6AE, 57, 971...); "" for metropolitan France only.'
            ),
        ] = None,
    ) -> ContractSettings | None:
        settings = pb.ContractSettings(
            renewal_window_days=renewal_window_days or 0,
            timezone=timezone or "",
            holiday_subdivision=holiday_subdivision or "",
        )
        given = (
            ("renewal_window_days", "renewalWindowDays", renewal_window_days),
            ("timezone", "timezone", timezone),
            ("holiday_subdivision", "holidaySubdivision", holiday_subdivision),
        )
        paths = [name for name, _, value in given if value is not None]
        if not paths:
            raise graphql_error(
                InvalidInput(
                    [FieldViolation(field, "give at least one setting") for _, field, _ in given]
                )
            )
        found = await info.context.clients.contracts.update_settings(
            info.context.caller, version, settings, paths
        )
        return cast(ContractSettings, found)


# Live events

CONTRACT_EVENTS = (
    pb.ContractCreated,
    pb.ContractUpdated,
    pb.ContractRenewed,
    pb.ContractTerminated,
)
CLAIM_EVENTS = (pb.ClaimOpened, pb.ClaimUpdated, pb.ClaimClosed, pb.ClaimReopened)
COMPLAINT_EVENTS = (
    pb.ComplaintReceived,
    pb.ComplaintAcknowledged,
    pb.ComplaintAnswered,
    pb.ComplaintClosed,
)
QUOTE_EVENTS = (
    pb.QuoteCreated,
    pb.QuoteUpdated,
    pb.QuoteSent,
    pb.QuoteAccepted,
    pb.QuoteRefused,
)
VEHICLE_EVENTS = (pb.VehicleAdded, pb.VehicleRemoved)


@strawberry.type
class ContractsEventFields:
    @strawberry.field(
        description="The contract, for a contract event (without markers nor rights); null "
        "for others."
    )
    @staticmethod
    def contract(root: strawberry.Parent[LiveEvent]) -> Contract | None:
        if isinstance(root.payload, CONTRACT_EVENTS):
            return cast(Contract, root.payload.contract)
        return None

    @strawberry.field(description="The claim, for a claim event; null for others.")
    @staticmethod
    def claim(root: strawberry.Parent[LiveEvent]) -> Claim | None:
        if isinstance(root.payload, CLAIM_EVENTS):
            return cast(Claim, root.payload.claim)
        return None

    @strawberry.field(
        description="The complaint, for a complaint event (without its clock); null for others."
    )
    @staticmethod
    def complaint(root: strawberry.Parent[LiveEvent]) -> Complaint | None:
        if isinstance(root.payload, COMPLAINT_EVENTS):
            return cast(Complaint, root.payload.complaint)
        return None

    @strawberry.field(description="The insurance quote, for a quote event; null for others.")
    @staticmethod
    def insurance_quote(root: strawberry.Parent[LiveEvent]) -> InsuranceQuote | None:
        if isinstance(root.payload, QUOTE_EVENTS):
            return cast(InsuranceQuote, root.payload.quote)
        return None

    @strawberry.field(description="The fleet vehicle, for a vehicle event; null for others.")
    @staticmethod
    def fleet_vehicle(root: strawberry.Parent[LiveEvent]) -> FleetVehicle | None:
        if isinstance(root.payload, VEHICLE_EVENTS):
            return cast(FleetVehicle, root.payload.vehicle)
        return None


SECTION = ServiceSection(
    service="contracts",
    sections=(CONTRACTS,),
    query=ContractsQuery,
    mutation=ContractsMutation,
    events=(*CONTRACT_EVENTS, *CLAIM_EVENTS, *COMPLAINT_EVENTS, *QUOTE_EVENTS, *VEHICLE_EVENTS),
    event_fields=ContractsEventFields,
)
