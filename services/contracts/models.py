"""Data shapes of the contracts service: the collections, the documents they hold and the words
stored for contracts.proto's closed vocabularies.

Documents use the proto field names (snake_case); dates are ISO 8601 text (YYYY-MM-DD), moments
ISO 8601 in UTC, money ``{"amount_minor", "currency"}``. What the service derives is stored
beside: ``party_client_ids`` (every client taking part in a contract, multikey: the batch read
finds a page's contracts by it) and, on claims, ``client_ids`` and ``partner_ids``.
"""

from __future__ import annotations

from typing import Final, NotRequired, TypedDict

from client360.contracts.v1 import contracts_pb2
from runtime.kit.common import AuditStamps
from runtime.kit.money import MoneyDocument
from runtime.kit.sequences import COUNTERS_COLLECTION, GaplessSequence
from runtime.kit.vocabulary import Vocabulary
from runtime.store import CollectionSpec

CONTRACTS: Final = "contracts"
CLAIMS: Final = "claims"
# Open claims per client file and per contract, kept as claims change (never summed on read).
TALLIES: Final = "tallies"
# The local copy of identity's clients (names shown beside participants, and the demo data).
CLIENTS: Final = "clients"
# The local copy of communication's tickets filed on a contract (its open-ticket marker).
TICKETS: Final = "tickets"
# One document per tenant: the agency's settings of the section.
SETTINGS: Final = "settings"
COMPLAINTS: Final = "complaints"
QUOTES: Final = "quotes"
# The vehicles of fleet contracts.
VEHICLES: Final = "vehicles"

COLLECTIONS = (
    CollectionSpec(
        CONTRACTS,
        indexes=(("due_date",),),
        unique=("reference",),
        multikey=("party_client_ids", "partner_ids"),
    ),
    CollectionSpec(
        CLAIMS,
        indexes=(("contract_id",),),
        unique=("reference",),
        multikey=("client_ids", "partner_ids"),
    ),
    CollectionSpec(
        COMPLAINTS,
        indexes=(("client_id",), ("status",), ("contract_id",)),
        unique=("reference",),
        multikey=("partner_ids",),
    ),
    CollectionSpec(
        QUOTES,
        unique=("reference",),
        multikey=("party_client_ids", "partner_ids"),
    ),
    CollectionSpec(VEHICLES, indexes=(("contract_id",),)),
    CollectionSpec(TALLIES),
    CollectionSpec(CLIENTS, indexes=(("reference",),)),
    CollectionSpec(TICKETS),
    CollectionSpec(SETTINGS),
    COUNTERS_COLLECTION,
)

CONTRACT_REFERENCES: Final = GaplessSequence("contract_reference", "CT{number:06d}")
CLAIM_REFERENCES: Final = GaplessSequence("claim_reference", "SI{number:06d}")
COMPLAINT_REFERENCES: Final = GaplessSequence("complaint_reference", "RC{number:06d}")
QUOTE_REFERENCES: Final = GaplessSequence("quote_reference", "DV{number:06d}")
SETTINGS_ID: Final = "contracts"

# The words stored for contracts.proto's closed vocabularies ("" is a value not given).
BRANCHES: Final = Vocabulary(
    contracts_pb2.Branch,
    {
        contracts_pb2.BRANCH_MOTOR: "motor",
        contracts_pb2.BRANCH_HOME: "home",
        contracts_pb2.BRANCH_HEALTH: "health",
        contracts_pb2.BRANCH_LIFE: "life",
        contracts_pb2.BRANCH_PROVIDENT: "provident",
        contracts_pb2.BRANCH_LIABILITY: "liability",
        contracts_pb2.BRANCH_FLEET: "fleet",
        contracts_pb2.BRANCH_AFFINITY: "affinity",
        contracts_pb2.BRANCH_PROPERTY: "property",
        contracts_pb2.BRANCH_OTHER: "other",
    },
)
QUOTE_ACCEPTED: Final = "quote_accepted"
IN_FORCE: Final = "in_force"
SUSPENDED: Final = "suspended"
TERMINATED: Final = "terminated"
CONTRACT_STATUSES: Final = Vocabulary(
    contracts_pb2.ContractStatus,
    {
        contracts_pb2.CONTRACT_STATUS_QUOTE_ACCEPTED: QUOTE_ACCEPTED,
        contracts_pb2.CONTRACT_STATUS_IN_FORCE: IN_FORCE,
        contracts_pb2.CONTRACT_STATUS_SUSPENDED: SUSPENDED,
        contracts_pb2.CONTRACT_STATUS_TERMINATED: TERMINATED,
    },
)
INSURED_REQUEST: Final = "insured_request"
TERMINATION_REASONS: Final = Vocabulary(
    contracts_pb2.TerminationReason,
    {
        contracts_pb2.TERMINATION_REASON_NON_PAYMENT: "non_payment",
        contracts_pb2.TERMINATION_REASON_INSURED_REQUEST: INSURED_REQUEST,
        contracts_pb2.TERMINATION_REASON_REPLACED_ELSEWHERE: "replaced_elsewhere",
        contracts_pb2.TERMINATION_REASON_INSURER_DECISION: "insurer_decision",
        contracts_pb2.TERMINATION_REASON_DEATH: "death",
        contracts_pb2.TERMINATION_REASON_SALE_OF_INSURED_OBJECT: "sale_of_insured_object",
        contracts_pb2.TERMINATION_REASON_OTHER: "other",
    },
)
PAYMENT_FREQUENCIES: Final = Vocabulary(
    contracts_pb2.PaymentFrequency,
    {
        contracts_pb2.PAYMENT_FREQUENCY_ANNUAL: "annual",
        contracts_pb2.PAYMENT_FREQUENCY_SEMI_ANNUAL: "semi_annual",
        contracts_pb2.PAYMENT_FREQUENCY_QUARTERLY: "quarterly",
        contracts_pb2.PAYMENT_FREQUENCY_MONTHLY: "monthly",
        contracts_pb2.PAYMENT_FREQUENCY_SINGLE: "single",
    },
)
PREMIUM_COLLECTORS: Final = Vocabulary(
    contracts_pb2.PremiumCollector,
    {
        contracts_pb2.PREMIUM_COLLECTOR_BROKER: "broker",
        contracts_pb2.PREMIUM_COLLECTOR_INSURER: "insurer",
    },
)
POLICYHOLDER: Final = "policyholder"
BENEFICIARY: Final = "beneficiary"
PARTICIPANT_ROLES: Final = Vocabulary(
    contracts_pb2.ParticipantRole,
    {
        contracts_pb2.PARTICIPANT_ROLE_POLICYHOLDER: POLICYHOLDER,
        contracts_pb2.PARTICIPANT_ROLE_INSURED: "insured",
        contracts_pb2.PARTICIPANT_ROLE_PAYER: "payer",
        contracts_pb2.PARTICIPANT_ROLE_BENEFICIARY: BENEFICIARY,
        contracts_pb2.PARTICIPANT_ROLE_DRIVER: "driver",
    },
)
# Computed at read time, never stored: the words the rules return (renewal.py).
UP_TO_DATE: Final = "up_to_date"
TO_RENEW: Final = "to_renew"
NOT_RENEWED: Final = "not_renewed"
TERMINATING: Final = "terminating"
RENEWAL_STATES: Final = Vocabulary(
    contracts_pb2.RenewalState,
    {
        contracts_pb2.RENEWAL_STATE_UP_TO_DATE: UP_TO_DATE,
        contracts_pb2.RENEWAL_STATE_TO_RENEW: TO_RENEW,
        contracts_pb2.RENEWAL_STATE_NOT_RENEWED: NOT_RENEWED,
        contracts_pb2.RENEWAL_STATE_TERMINATING: TERMINATING,
        contracts_pb2.RENEWAL_STATE_TERMINATED: TERMINATED,
    },
)
ANNUAL: Final = "annual"
CHATEL: Final = "chatel"
HAMON: Final = "hamon"
TERMINATION_RULES: Final = Vocabulary(
    contracts_pb2.TerminationRule,
    {
        contracts_pb2.TERMINATION_RULE_ANNUAL: ANNUAL,
        contracts_pb2.TERMINATION_RULE_CHATEL: CHATEL,
        contracts_pb2.TERMINATION_RULE_HAMON: HAMON,
    },
)
CLAIM_TYPES: Final = Vocabulary(
    contracts_pb2.ClaimType,
    {
        contracts_pb2.CLAIM_TYPE_COLLISION: "collision",
        contracts_pb2.CLAIM_TYPE_THEFT: "theft",
        contracts_pb2.CLAIM_TYPE_FIRE: "fire",
        contracts_pb2.CLAIM_TYPE_WATER_DAMAGE: "water_damage",
        contracts_pb2.CLAIM_TYPE_GLASS_BREAKAGE: "glass_breakage",
        contracts_pb2.CLAIM_TYPE_NATURAL_DISASTER: "natural_disaster",
        contracts_pb2.CLAIM_TYPE_LIABILITY: "liability",
        contracts_pb2.CLAIM_TYPE_BODILY_INJURY: "bodily_injury",
        contracts_pb2.CLAIM_TYPE_HEALTH_EXPENSES: "health_expenses",
        contracts_pb2.CLAIM_TYPE_OTHER: "other",
    },
)
DECLARED: Final = "declared"
CLOSED: Final = "closed"
REOPENED: Final = "reopened"
PAID: Final = "paid"
CLAIM_STATUSES: Final = Vocabulary(
    contracts_pb2.ClaimStatus,
    {
        contracts_pb2.CLAIM_STATUS_DECLARED: DECLARED,
        contracts_pb2.CLAIM_STATUS_OPENED: "opened",
        contracts_pb2.CLAIM_STATUS_EXPERT_APPOINTED: "expert_appointed",
        contracts_pb2.CLAIM_STATUS_OFFER_MADE: "offer_made",
        contracts_pb2.CLAIM_STATUS_AGREED: "agreed",
        contracts_pb2.CLAIM_STATUS_DISPUTED: "disputed",
        contracts_pb2.CLAIM_STATUS_PAID: PAID,
        contracts_pb2.CLAIM_STATUS_CLOSED: CLOSED,
        contracts_pb2.CLAIM_STATUS_REFUSED: "refused",
        contracts_pb2.CLAIM_STATUS_REOPENED: REOPENED,
    },
)
CLAIM_ROLES: Final = Vocabulary(
    contracts_pb2.ClaimRole,
    {
        contracts_pb2.CLAIM_ROLE_CLAIMANT: "claimant",
        contracts_pb2.CLAIM_ROLE_DRIVER: "driver",
        contracts_pb2.CLAIM_ROLE_VICTIM: "victim",
        contracts_pb2.CLAIM_ROLE_WITNESS: "witness",
        contracts_pb2.CLAIM_ROLE_THIRD_PARTY: "third_party",
    },
)

RECEIVED: Final = "received"
ACKNOWLEDGED: Final = "acknowledged"
ANSWERED: Final = "answered"
COMPLAINT_STATUSES: Final = Vocabulary(
    contracts_pb2.ComplaintStatus,
    {
        contracts_pb2.COMPLAINT_STATUS_RECEIVED: RECEIVED,
        contracts_pb2.COMPLAINT_STATUS_ACKNOWLEDGED: ACKNOWLEDGED,
        contracts_pb2.COMPLAINT_STATUS_ANSWERED: ANSWERED,
        contracts_pb2.COMPLAINT_STATUS_CLOSED: CLOSED,
    },
)
COMPLAINT_CHANNELS: Final = Vocabulary(
    contracts_pb2.ComplaintChannel,
    {
        contracts_pb2.COMPLAINT_CHANNEL_EMAIL: "email",
        contracts_pb2.COMPLAINT_CHANNEL_LETTER: "letter",
        contracts_pb2.COMPLAINT_CHANNEL_PHONE: "phone",
        contracts_pb2.COMPLAINT_CHANNEL_IN_PERSON: "in_person",
        contracts_pb2.COMPLAINT_CHANNEL_WEB_FORM: "web_form",
        contracts_pb2.COMPLAINT_CHANNEL_OTHER: "other",
    },
)
REJECTED: Final = "rejected"
COMPLAINT_OUTCOMES: Final = Vocabulary(
    contracts_pb2.ComplaintOutcome,
    {
        contracts_pb2.COMPLAINT_OUTCOME_UPHELD: "upheld",
        contracts_pb2.COMPLAINT_OUTCOME_PARTLY_UPHELD: "partly_upheld",
        contracts_pb2.COMPLAINT_OUTCOME_REJECTED: REJECTED,
    },
)
DRAFT: Final = "draft"
SENT: Final = "sent"
ACCEPTED: Final = "accepted"
REFUSED: Final = "refused"
EXPIRED: Final = "expired"  # computed at read time, never stored
QUOTE_STATUSES: Final = Vocabulary(
    contracts_pb2.QuoteStatus,
    {
        contracts_pb2.QUOTE_STATUS_DRAFT: DRAFT,
        contracts_pb2.QUOTE_STATUS_SENT: SENT,
        contracts_pb2.QUOTE_STATUS_ACCEPTED: ACCEPTED,
        contracts_pb2.QUOTE_STATUS_REFUSED: REFUSED,
        contracts_pb2.QUOTE_STATUS_EXPIRED: EXPIRED,
    },
)
VEHICLE_USAGES: Final = Vocabulary(
    contracts_pb2.VehicleUsage,
    {
        contracts_pb2.VEHICLE_USAGE_PRIVATE: "private",
        contracts_pb2.VEHICLE_USAGE_COMMUTING: "commuting",
        contracts_pb2.VEHICLE_USAGE_BUSINESS: "business",
        contracts_pb2.VEHICLE_USAGE_GOODS_TRANSPORT: "goods_transport",
        contracts_pb2.VEHICLE_USAGE_PASSENGER_TRANSPORT: "passenger_transport",
        contracts_pb2.VEHICLE_USAGE_OTHER: "other",
    },
)
FLEET: Final = "fleet"
# Billing's unpaid path as the contract follows it (consumers.py).
UNPAID_NONE: Final = "none"
UNPAID_FORMAL_NOTICE: Final = "formal_notice"
UNPAID_SUSPENDED: Final = "suspended"
UNPAID_TERMINABLE: Final = "terminable"
UNPAID_STATES: Final = Vocabulary(
    contracts_pb2.UnpaidState,
    {
        contracts_pb2.UNPAID_STATE_NONE: UNPAID_NONE,
        contracts_pb2.UNPAID_STATE_FORMAL_NOTICE: UNPAID_FORMAL_NOTICE,
        contracts_pb2.UNPAID_STATE_SUSPENDED: UNPAID_SUSPENDED,
        contracts_pb2.UNPAID_STATE_TERMINABLE: UNPAID_TERMINABLE,
    },
)


# Documents may lack keys (a caller's partial input), hence not total.


class Participant(TypedDict, total=False):
    client_id: str
    roles: list[str]  # words of PARTICIPANT_ROLES
    valid_from: str
    valid_to: str
    share_percent: float | None
    minor: bool


class TerminationRequest(TypedDict):
    received_on: str
    rule: str  # a word of TERMINATION_RULES
    end_date: str
    recorded_by: str
    recorded_at: str


class ContractInput(TypedDict, total=False):
    policy_number: str
    insurer: str
    product: str
    branch: str
    status: str
    status_label: str
    effective_date: str
    due_date: str
    tacit_renewal: bool
    premium: MoneyDocument | None
    payment_frequency: str
    premium_collector: str
    consumer: bool
    participants: list[Participant]
    renewal_notice_sent_on: str
    partner_ids: list[str]


# The fields a caller writes (CreateContract, UpdateContract's mask).
CONTRACT_INPUT_FIELDS: Final = tuple(ContractInput.__annotations__)


class UnpaidNotice(TypedDict):
    """One premium notice of the contract on billing's unpaid path: its state and since when."""

    state: str  # a word of UNPAID_STATES
    since: str


class Contract(ContractInput, total=False):
    id: str
    reference: str
    quote_id: str
    # Billing's notices of this contract on the unpaid path, by notice id (consumers.py).
    unpaid_notices: dict[str, UnpaidNotice]
    termination_date: str
    termination_reason: str
    last_renewed_on: str
    last_renewal_notice_sent_on: str
    termination_request: TerminationRequest | None
    party_client_ids: list[str]
    audit: AuditStamps
    tenant_id: str
    version: int


class ClaimParticipant(TypedDict, total=False):
    client_id: str
    roles: list[str]  # words of CLAIM_ROLES


class ClaimStatusChange(TypedDict):
    status: str
    at: str
    by: str
    note: str


class ClaimInput(TypedDict, total=False):
    contract_id: str
    insurer_claim_number: str
    type: str
    loss_date: str
    reported_date: str
    description: str
    assessed_amount: MoneyDocument | None
    agreed_amount: MoneyDocument | None
    paid_amount: MoneyDocument | None
    participants: list[ClaimParticipant]


# UpdateClaim's writable fields: a claim stays on its contract.
CLAIM_INPUT_FIELDS: Final = tuple(f for f in ClaimInput.__annotations__ if f != "contract_id")


class Claim(ClaimInput, total=False):
    id: str
    reference: str
    status: str
    history: list[ClaimStatusChange]
    # The files it shows on, and the partners who see it (its contract's).
    client_ids: list[str]
    partner_ids: list[str]
    audit: AuditStamps
    tenant_id: str
    version: int


class ComplaintInput(TypedDict, total=False):
    client_id: str
    received_on: str
    sent_on: str
    channel: str
    subject: str
    description: str
    contract_id: str
    claim_id: str


class Complaint(ComplaintInput, total=False):
    id: str
    reference: str
    status: str
    acknowledged_on: str
    answered_on: str
    closed_on: str
    outcome: str
    mediator: str
    answer_summary: str
    # The partners of its contract, who see it.
    partner_ids: list[str]
    audit: AuditStamps
    tenant_id: str
    version: int


class QuoteInput(TypedDict, total=False):
    insurer: str
    product: str
    branch: str
    premium: MoneyDocument | None
    payment_frequency: str
    premium_collector: str
    consumer: bool
    tacit_renewal: bool
    participants: list[Participant]
    partner_ids: list[str]
    valid_until: str
    proposed_effective_date: str


# UpdateQuote's writable fields.
QUOTE_INPUT_FIELDS: Final = tuple(QuoteInput.__annotations__)


class Quote(QuoteInput, total=False):
    id: str
    reference: str
    status: str  # as stored: never EXPIRED
    sent_on: str
    decided_on: str
    refusal_reason: str
    contract_id: str
    party_client_ids: list[str]
    audit: AuditStamps
    tenant_id: str
    version: int


class VehicleInput(TypedDict, total=False):
    contract_id: str
    registration: str
    vin: str
    make: str
    model: str
    first_registration_date: str
    usage: str
    driver_client_id: str
    entry_date: str


class Vehicle(VehicleInput, total=False):
    id: str
    exit_date: str
    audit: AuditStamps
    tenant_id: str
    version: int


class ClientCopy(TypedDict):
    """The local copy of one of identity's clients, kept by a runtime replica (which adds
    ``source_version`` and ``refreshed_at``)."""

    id: str
    reference: str
    display_name: str
    kind: str  # "individual" or "professional", as identity's ClientKind
    archived: bool
    created_by: str
    # What restricts the products that may be sold to it (seed 000's Associations): its parent
    # and the products associated with it, each available until a day ("" for no end).
    parent_client_id: NotRequired[str]
    products: NotRequired[list[ProductCopy]]
    source_version: NotRequired[int]
    refreshed_at: NotRequired[str]


class ProductCopy(TypedDict):
    product: str
    available_until: str


class TicketCopy(TypedDict):
    """The local copy of one of communication's tickets: which contract, whether open."""

    id: str
    contract_id: str
    open: bool
    source_version: NotRequired[int]
    refreshed_at: NotRequired[str]


class Tally(TypedDict, total=False):
    """The counts kept for a client file or a contract (models.tally_id)."""

    id: str
    open_claims: int
    open_tickets: int  # contracts only
    open_complaints: int  # client files only


class Settings(TypedDict, total=False):
    id: str
    renewal_window_days: int
    timezone: str
    holiday_subdivision: str
    version: int


DEFAULT_RENEWAL_WINDOW_DAYS: Final = 60
DEFAULT_TIMEZONE: Final = "Europe/Paris"
MAX_RENEWAL_WINDOW_DAYS: Final = 366


def default_settings() -> Settings:
    return {
        "id": SETTINGS_ID,
        "renewal_window_days": DEFAULT_RENEWAL_WINDOW_DAYS,
        "timezone": DEFAULT_TIMEZONE,
        "holiday_subdivision": "",
        "version": 0,
    }


def tally_id(kind: str, record_id: str) -> str:
    """The tally of a client file (``client``) or a contract (``contract``)."""
    return f"{kind}:{record_id}"
