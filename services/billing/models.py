"""Data shapes of the billing service: the collections, the documents they hold and the words
(entry kinds, invoice kinds and states, payment states) stored in them.

Documents are typed dicts with snake_case fields; money is ``{"amount_minor", "currency"}``;
dates are YYYY-MM-DD, instants ISO 8601 in UTC. The store owns ``tenant_id`` and ``version``.
"""

from __future__ import annotations

from typing import Final, NotRequired, TypedDict

from runtime.kit import jobs
from runtime.kit.common import AuditStamps
from runtime.kit.money import MoneyDocument
from runtime.kit.sequences import COUNTERS_COLLECTION, GaplessSequence
from runtime.store import CollectionSpec

ACCOUNTS: Final = "accounts"
ENTRIES: Final = "entries"
INVOICES: Final = "invoices"
IDEMPOTENCY: Final = "idempotency"
NOTICES: Final = "notices"
QUOTES: Final = "quotes"
# The tenant's seller profile: one document, id SELLER_PROFILE_ID.
SELLER_PROFILES: Final = "seller_profiles"
SELLER_PROFILE_ID: Final = "seller"
# Copies of identity's clients (the buyers printed on invoices) and of contracts' contracts
# (which partners a premium notice's contract names), fed by their events.
CLIENT_COPIES: Final = "client_copies"
CONTRACT_COPIES: Final = "contract_copies"
# The days the unpaid path was started by the daily trigger, per tenant (id: the day), and the
# tenants that have premium notices (under the jobs' QUEUE_TENANT, id: the tenant).
DAILY_RUNS: Final = "daily_runs"
NOTICE_TENANTS: Final = "notice_tenants"

COLLECTIONS = (
    # One document per client (id = the client's id): its balances, kept as entries are written.
    CollectionSpec(ACCOUNTS),
    # The ledger, read per set of clients, newest first.
    CollectionSpec(ENTRIES, indexes=(("client_id", "date"),)),
    # Invoices and credit notes, read per set of clients, newest first.
    CollectionSpec(INVOICES, indexes=(("client_id", "created_at"),)),
    # Premium notices, read per set of clients, newest due date first.
    # and by their ledger entry (a payment settling one), and by due date (the unpaid path).
    CollectionSpec(NOTICES, indexes=(("client_id", "due_date"), ("entry_id",), ("due_date",))),
    # The answer already given to a command's idempotency key.
    CollectionSpec(IDEMPOTENCY),
    # Quotes, read per set of clients, newest first.
    CollectionSpec(QUOTES, indexes=(("client_id", "created_at"),)),
    CollectionSpec(SELLER_PROFILES),
    CollectionSpec(CLIENT_COPIES),
    CollectionSpec(CONTRACT_COPIES),
    CollectionSpec(DAILY_RUNS),
    CollectionSpec(NOTICE_TENANTS),
    # Runs of the unpaid path and their queue.
    *jobs.JOB_COLLECTIONS,
    # Invoice numbers per series.
    COUNTERS_COLLECTION,
)

# The platform's default currency: the balance shown first, never converted into.
DEFAULT_CURRENCY: Final = "EUR"

# Entry kinds
PREMIUM_NOTICE: Final = "premium_notice"
INVOICE: Final = "invoice"
CREDIT_NOTE: Final = "credit_note"
PAYMENT: Final = "payment"
REFUND: Final = "refund"
FEE: Final = "fee"
WRITE_OFF: Final = "write_off"
# What the client owes is positive; what settles it, negative.
DEBITS: Final = frozenset({PREMIUM_NOTICE, INVOICE, FEE, REFUND})
CREDITS: Final = frozenset({CREDIT_NOTE, PAYMENT, WRITE_OFF})
# The debts a payment, a credit note or a write-off may settle (a refund is settled by nothing).
SETTLEABLE: Final = frozenset({PREMIUM_NOTICE, INVOICE, FEE})
# What RecordEntry writes; the others have their own commands.
RECORDABLE: Final = (PREMIUM_NOTICE, FEE, REFUND, WRITE_OFF)

# Invoice kinds and states
INVOICE_KIND: Final = "invoice"
CREDIT_NOTE_KIND: Final = "credit_note"
DRAFT: Final = "draft"
POSTED: Final = "posted"
CANCELLED: Final = "cancelled"

# What an invoice sells
SERVICES: Final = "services"
GOODS: Final = "goods"
MIXED: Final = "mixed"

# Quote states; EXPIRED is computed at read time, never stored.
QUOTE_DRAFT: Final = "draft"
QUOTE_SENT: Final = "sent"
QUOTE_ACCEPTED: Final = "accepted"
QUOTE_REFUSED: Final = "refused"
QUOTE_EXPIRED: Final = "expired"
QUOTE_NUMBERS: Final = GaplessSequence("quote_number", "DEV-{number:06d}")
MAX_QUOTES_LIMIT: Final = 100

# Legal forms of a company, whose share capital is a mandatory mention (Code de commerce
# R123-238); an individual business (EI, micro-entrepreneur) has none.
COMPANY_FORMS: Final = frozenset(
    {"SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCS", "SCA", "SCI", "SCOP", "SELARL", "SELAS"}
)
# The fixed recovery indemnity owed by a business buyer paying late (Code de commerce
# L441-10, D441-5), in euro cents.
RECOVERY_INDEMNITY_MINOR: Final = 4000
DEFAULT_PAYMENT_DAYS: Final = 30
MAX_PAYMENT_DAYS: Final = 60

# Payment states of a debt
NOT_PAID: Final = "not_paid"
PARTLY_PAID: Final = "partly_paid"
IN_PAYMENT: Final = "in_payment"
PAID: Final = "paid"
REVERSED: Final = "reversed"

DEFAULT_SERIES: Final = {INVOICE_KIND: "INV", CREDIT_NOTE_KIND: "CN"}
# Numbers per tenant and series, continuous with no gap (CGI annexe II art. 242 nonies A).
INVOICE_NUMBERS: Final = GaplessSequence("invoice_number", "{series}-{number:06d}")

MAX_ENTRIES_LIMIT: Final = 100
MAX_INVOICES_LIMIT: Final = 100
MAX_NOTICES_LIMIT: Final = 100
# The ledger, newest first; the id breaks ties so that a cursor names one row.
LEDGER_SORT: Final = (("date", -1), ("id", -1))
LEDGER_LISTING: Final = "billing.ledger"
DEFAULT_LEDGER_PAGE: Final = 50
MAX_LEDGER_PAGE: Final = 200

# The unpaid path of article L113-3 of the Insurance Code, in order.
OVERDUE: Final = "overdue"
FORMAL_NOTICE_SENT: Final = "formal_notice_sent"
SUSPENDED: Final = "suspended"
TERMINABLE: Final = "terminable"
REINSTATED: Final = "reinstated"
SUSPENDED_AFTER_DAYS: Final = 30  # after the formal notice
TERMINABLE_AFTER_DAYS: Final = 10  # after the suspension
UNPAID_PATH_JOB: Final = "unpaid-path"

# Notice statuses; UNPAID_STATUS is computed at read time, never stored.
ISSUED: Final = "issued"
UNPAID_STATUS: Final = "unpaid"
# A notice still open this many days after its due date is unpaid (article L113-3 of the
# Insurance Code: the formal notice may be sent 10 days after the due date).
UNPAID_AFTER_DAYS: Final = 10


class AccountDoc(TypedDict):
    """A client's balances by currency code, in minor units, and its counts."""

    id: str
    balances: dict[str, int]
    entry_count: int
    invoice_count: int
    # Quotes of the client, drafts included (an account with only quotes has no balance).
    quote_count: NotRequired[int]
    version: NotRequired[int]
    tenant_id: NotRequired[str]


class AllocationDoc(TypedDict):
    entry_id: str
    amount_minor: int  # positive, in the entries' currency


class Entry(TypedDict):
    id: str
    client_id: str
    kind: str
    date: str
    amount: MoneyDocument  # signed
    open_minor: int  # signed as the amount
    label: str
    invoice_id: str
    allocations: list[AllocationDoc]
    # For a debt: the part settled by credit notes (the rest by payments and write-offs).
    reversed_minor: int
    # For a debt: the part settled by payments still awaiting their clearance.
    in_payment_minor: NotRequired[int]
    # For a payment: received, not yet cleared.
    awaiting_clearance: NotRequired[bool]
    recorded_at: str
    recorded_by: str
    version: NotRequired[int]
    tenant_id: NotRequired[str]


class Line(TypedDict):
    designation: str
    quantity: str
    unit_price_minor: int
    discount_basis_points: int
    vat_basis_points: int
    net_minor: int


class Invoice(TypedDict):
    id: str
    client_id: str
    kind: str
    state: str
    series: str
    number: str
    issue_date: str
    currency: str
    lines: list[Line]
    total_excluding_tax_minor: int
    total_tax_minor: int
    total_including_tax_minor: int
    credited_invoice_id: str
    entry_id: str
    exemption_reference: str
    created_at: str
    audit: AuditStamps
    due_date: NotRequired[str]
    supply_date: NotRequired[str]
    operation_category: NotRequired[str]
    quote_id: NotRequired[str]
    # Set at posting: the parties as they were then.
    seller: NotRequired[PartyDoc]
    buyer: NotRequired[PartyDoc]
    # The seller's profile at posting (its terms are printed on the Factur-X file).
    seller_profile: NotRequired[SellerProfile]
    version: NotRequired[int]
    tenant_id: NotRequired[str]


class AddressDoc(TypedDict):
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str


class PartyDoc(TypedDict):
    """A party as printed on an invoice."""

    name: str
    address: AddressDoc
    siren: str
    siret: str
    vat_number: str
    professional: bool


class SellerProfile(TypedDict):
    id: str
    legal_name: str
    legal_form: str
    share_capital: MoneyDocument | None
    address: AddressDoc
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
    audit: AuditStamps
    version: NotRequired[int]
    tenant_id: NotRequired[str]


class ClientCopy(TypedDict):
    """What billing keeps of an identity client: the buyer printed on its invoices."""

    id: str
    name: str
    professional: bool
    siren: str
    siret: str
    address: AddressDoc | None
    source_version: NotRequired[int]


class ContractCopy(TypedDict):
    """What billing keeps of a contract: its insurer and the partners it names."""

    id: str
    insurer: str
    partner_ids: list[str]
    source_version: NotRequired[int]


class Quote(TypedDict):
    id: str
    client_id: str
    state: str
    number: str
    issue_date: str
    valid_until: str
    title: str
    currency: str
    lines: list[Line]
    total_excluding_tax_minor: int
    total_tax_minor: int
    total_including_tax_minor: int
    invoice_id: str
    created_at: str
    audit: AuditStamps
    version: NotRequired[int]
    tenant_id: NotRequired[str]


class StepTaken(TypedDict):
    step: str
    date: str


class Notice(TypedDict):
    """A premium notice; its amounts are in minor units of ``currency``."""

    id: str
    client_id: str
    contract_id: str
    period_start: str
    period_end: str
    due_date: str
    currency: str
    net_premium_minor: int
    taxes_minor: int
    fees_minor: int
    total_minor: int
    entry_id: str
    issued_at: str
    issued_by: str
    # The unpaid path: the last step taken ("" when not on it) and every step with its day.
    unpaid_step: NotRequired[str]
    unpaid_steps: NotRequired[list[StepTaken]]
    version: NotRequired[int]
    tenant_id: NotRequired[str]
