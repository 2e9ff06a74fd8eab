"""Contracts' part of the client file: what the client holds (contracts with their participants,
the markers computed for today and the termination rights) and its claims with the open-claims
counter, in one call for a page of clients; the contract and claim commands; the live events.

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
    description="Contracts and claims (contracts service): the contracts the client takes "
    "part in with today's markers, its claims and open-claims counter. Null for roles that may "
    "not see them (technicians), and, with the contracts service's error, when they could not "
    "be read.",
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


async def _known_clients(info: Info, client_ids: Sequence[str]) -> None:
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
        FieldViolation(f"participants[{i}].clientId", "no such client")
        for i, client_id in enumerate(client_ids)
        if client_id and client_id not in known
    ]
    if missing:
        raise graphql_error(InvalidInput(missing))


def _participant_ids(data: ContractInput | ClaimInput) -> list[str] | None:
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
    version: int = strawberry.field(
        description="Pass it back to updateContractSettings (0 while the defaults apply)."
    )


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
        description="Managers and admins: changes the agency's renewal window or timezone."
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
    ) -> ContractSettings | None:
        settings = pb.ContractSettings(
            renewal_window_days=renewal_window_days or 0, timezone=timezone or ""
        )
        paths = [
            name
            for name, value in (
                ("renewal_window_days", renewal_window_days),
                ("timezone", timezone),
            )
            if value is not None
        ]
        if not paths:
            raise graphql_error(
                InvalidInput(
                    [
                        FieldViolation("renewalWindowDays", "give it, or timezone"),
                        FieldViolation("timezone", "give it, or renewalWindowDays"),
                    ]
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


SECTION = ServiceSection(
    service="contracts",
    sections=(CONTRACTS,),
    query=ContractsQuery,
    mutation=ContractsMutation,
    events=(*CONTRACT_EVENTS, *CLAIM_EVENTS),
    event_fields=ContractsEventFields,
)
