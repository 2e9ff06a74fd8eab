"""Data shapes of the identity service: the collections and the documents they hold.

A client document uses the proto field names (snake_case), plus what the service derives:
``search_keys`` (multikey, see search.py), ``sort_name`` and ``kind_history``. Social security
numbers and IBANs are encrypted at rest by the repository (privacy.py names them).
"""

from __future__ import annotations

import copy
from typing import Final, Literal, TypedDict, cast

from client360.identity.v1 import identity_pb2
from runtime.kit.common import Address, AuditStamps, Email, Phone
from runtime.kit.sequences import COUNTERS_COLLECTION, GaplessSequence
from runtime.kit.vocabulary import Vocabulary
from runtime.store import CollectionSpec

CLIENTS: Final = "clients"
CONTACTS: Final = "contacts"
MERGES: Final = "merges"
ERASURES: Final = "erasures"
# Who read which client's unmasked numbers, merged or erased which files, and when.
AUDIT: Final = "audit"
# Completed erasures whose client's events are still to be removed from the event stream,
# every tenant's under STREAM_QUEUE_TENANT ("*" is never a tenant a token names).
STREAM_CLEARINGS: Final = "stream_clearings"
STREAM_QUEUE_TENANT: Final = "*"

COLLECTIONS = (
    CollectionSpec(
        CLIENTS,
        indexes=(("sort_name",), ("parent_client_id",)),
        unique=("reference",),
        multikey=("search_keys",),
    ),
    CollectionSpec(CONTACTS, indexes=(("client_id",),)),
    # Merges of duplicate files, kept for their audit; found by id.
    CollectionSpec(MERGES),
    # Erasures of clients' personal data and their certificates; found by id.
    CollectionSpec(ERASURES),
    CollectionSpec(STREAM_CLEARINGS),
    CollectionSpec(AUDIT, indexes=(("client_id", "at"), ("user_id", "at"), ("at",))),
    COUNTERS_COLLECTION,
)

# A client given no reference gets the tenant's next one.
CLIENT_REFERENCES: Final = GaplessSequence("client_reference", "CL{number:06d}")

# The words stored for identity.proto's closed vocabularies (the enums are the vocabularies;
# "" is a value not given). Documents written before the enums keep their words.
CLIENT_KINDS: Final = Vocabulary(
    identity_pb2.ClientKind,
    {
        identity_pb2.CLIENT_KIND_INDIVIDUAL: "individual",
        identity_pb2.CLIENT_KIND_PROFESSIONAL: "professional",
    },
)
CIVILITIES: Final = Vocabulary(
    identity_pb2.Civility,
    {
        identity_pb2.CIVILITY_MR: "M.",
        identity_pb2.CIVILITY_MRS: "Mme",
        identity_pb2.CIVILITY_MR_AND_MRS: "M. et Mme",
        identity_pb2.CIVILITY_DOCTOR: "Dr",
        identity_pb2.CIVILITY_MAITRE: "Me",
    },
)
GENDERS: Final = Vocabulary(
    identity_pb2.Gender,
    {
        identity_pb2.GENDER_FEMALE: "F",
        identity_pb2.GENDER_MALE: "M",
        identity_pb2.GENDER_OTHER: "X",
    },
)
MARITAL_STATUSES: Final = Vocabulary(
    identity_pb2.MaritalStatus,
    {
        identity_pb2.MARITAL_STATUS_SINGLE: "Célibataire",
        identity_pb2.MARITAL_STATUS_MARRIED: "Marié(e)",
        identity_pb2.MARITAL_STATUS_CIVIL_PARTNERSHIP: "Pacsé(e)",
        identity_pb2.MARITAL_STATUS_COHABITING: "En concubinage",
        identity_pb2.MARITAL_STATUS_SEPARATED: "Séparé(e)",
        identity_pb2.MARITAL_STATUS_DIVORCED: "Divorcé(e)",
        identity_pb2.MARITAL_STATUS_WIDOWED: "Veuf(ve)",
    },
)
SOCIAL_SECURITY_REGIMES: Final = Vocabulary(
    identity_pb2.SocialSecurityRegime,
    {
        identity_pb2.SOCIAL_SECURITY_REGIME_GENERAL: "Régime général",
        identity_pb2.SOCIAL_SECURITY_REGIME_AGRICULTURAL: "MSA",
        identity_pb2.SOCIAL_SECURITY_REGIME_SELF_EMPLOYED: "Indépendants",
        identity_pb2.SOCIAL_SECURITY_REGIME_ALSACE_MOSELLE: "Alsace-Moselle",
        identity_pb2.SOCIAL_SECURITY_REGIME_SPECIAL: "Régime spécial",
        identity_pb2.SOCIAL_SECURITY_REGIME_OTHER: "Autre régime",
    },
)
FAMILY_RELATIONSHIPS: Final = Vocabulary(
    identity_pb2.FamilyRelationship,
    {
        identity_pb2.FAMILY_RELATIONSHIP_SPOUSE: "Conjoint",
        identity_pb2.FAMILY_RELATIONSHIP_CIVIL_PARTNER: "Partenaire de PACS",
        identity_pb2.FAMILY_RELATIONSHIP_COHABITANT: "Concubin",
        identity_pb2.FAMILY_RELATIONSHIP_CHILD: "Enfant",
        identity_pb2.FAMILY_RELATIONSHIP_PARENT: "Ascendant",
        identity_pb2.FAMILY_RELATIONSHIP_OTHER: "Autre",
    },
)
PREFERRED_CHANNELS: Final = Vocabulary(
    identity_pb2.PreferredChannel,
    {
        identity_pb2.PREFERRED_CHANNEL_EMAIL: "email",
        identity_pb2.PREFERRED_CHANNEL_SMS: "sms",
        identity_pb2.PREFERRED_CHANNEL_PHONE: "phone",
        identity_pb2.PREFERRED_CHANNEL_POST: "post",
    },
)


# Documents may lack keys (a caller's partial input, a field added since a record was
# written), hence not total; what reads them falls back to the proto's defaults.


class Personal(TypedDict, total=False):
    marital_status: str
    gender: str
    birth_date: str
    birth_place: str
    profession: str
    pcs_code: str
    social_security_number: str  # sensitive
    social_security_regime: str


class Professional(TypedDict, total=False):
    legal_name: str
    siren: str
    siret: str
    legal_form: str
    activity_code: str


class FamilyMember(TypedDict, total=False):
    id: str
    first_name: str
    last_name: str
    relationship: str
    birth_date: str
    birth_place: str
    social_security_number: str  # sensitive
    attached_to_insured_social_security: bool


class BankAccount(TypedDict, total=False):
    id: str
    iban: str  # sensitive
    bic: str
    holder: str
    label: str


class UserAssociation(TypedDict, total=False):
    id: str
    user_id: str
    role: str


class ProductAssociation(TypedDict, total=False):
    id: str
    product: str
    available_until: str  # YYYY-MM-DD, "" for no end


class Management(TypedDict, total=False):
    account_manager: str
    origin: str
    comment: str


class Flags(TypedDict, total=False):
    internal: bool
    leasing_company: bool
    leasing_identifier: str
    archived: bool
    communication_blocked: bool
    preferred_channel: str
    portal_access: bool


class KindChange(TypedDict):
    kind: str
    at: str
    by: str


class ClientInput(TypedDict, total=False):
    """What a caller writes of a client (CLIENT_INPUT_FIELDS)."""

    kind: str
    reference: str
    registration_number: str
    dms_number: str
    civility: str
    first_name: str
    last_name: str
    phones: list[Phone]
    emails: list[Email]
    addresses: list[Address]
    personal: Personal
    professional: Professional
    family_members: list[FamilyMember]
    bank_accounts: list[BankAccount]
    management: Management
    flags: Flags
    important_notes: str
    memo: str


class Client(ClientInput, total=False):
    """A stored client: the caller's fields and what the service and the store keep."""

    id: str
    tenant_id: str
    version: int
    audit: AuditStamps
    parent_client_id: str
    associated_client_ids: list[str]
    associated_users: list[UserAssociation]
    associated_products: list[ProductAssociation]
    merged_into: str
    erased_at: str
    kind_history: list[KindChange]
    display_name: str
    sort_name: str
    search_keys: list[str]


class Consents(TypedDict, total=False):
    e_signature: bool
    commercial_emails: bool
    partner_emails: bool


class RecipientRoles(TypedDict, total=False):
    due_notices: bool
    unpaid_reminders: bool
    document_reminders: bool
    claim_settlements: bool


class ContactInput(TypedDict, total=False):
    """What a caller writes of a contact (CONTACT_INPUT_FIELDS)."""

    civility: str
    first_name: str
    last_name: str
    function: str
    display_order: int
    valid_from: str
    valid_to: str
    phones: list[Phone]
    emails: list[Email]
    address: Address | None
    consents: Consents
    recipient_roles: RecipientRoles
    portal_access: bool


class Contact(ContactInput, total=False):
    id: str
    tenant_id: str
    version: int
    client_id: str
    audit: AuditStamps


# Top-level fields a caller may write; the rest is derived or managed by the service.
CLIENT_INPUT_FIELDS = (
    "kind",
    "reference",
    "registration_number",
    "dms_number",
    "civility",
    "first_name",
    "last_name",
    "phones",
    "emails",
    "addresses",
    "personal",
    "professional",
    "family_members",
    "bank_accounts",
    "management",
    "flags",
    "important_notes",
    "memo",
)
# What the item commands may change: the input's lists and the associations, which only they
# write.
CLIENT_ITEM_CHANGES = (*CLIENT_INPUT_FIELDS, "associated_users", "associated_products")

CONTACT_INPUT_FIELDS = (
    "civility",
    "first_name",
    "last_name",
    "function",
    "display_order",
    "valid_from",
    "valid_to",
    "phones",
    "emails",
    "address",
    "consents",
    "recipient_roles",
    "portal_access",
)

# The lists of a client whose items have stable ids (items.py), and the fields a caller writes
# in an item of each (an update mask names them; the id is the service's).
ItemList = Literal[
    "addresses",
    "phones",
    "emails",
    "bank_accounts",
    "family_members",
    "associated_users",
    "associated_products",
]
ClientItem = (
    Address | Phone | Email | BankAccount | FamilyMember | UserAssociation | ProductAssociation
)
ITEM_FIELDS: Final[dict[ItemList, tuple[str, ...]]] = {
    "addresses": (
        "label",
        "line1",
        "line2",
        "postal_code",
        "city",
        "country",
        "primary",
        "latitude",
        "longitude",
    ),
    "phones": ("number", "kind", "primary"),
    "emails": ("address", "kind", "primary"),
    "bank_accounts": ("iban", "bic", "holder", "label"),
    "family_members": (
        "first_name",
        "last_name",
        "relationship",
        "birth_date",
        "birth_place",
        "social_security_number",
        "attached_to_insured_social_security",
    ),
    "associated_users": ("user_id", "role"),
    "associated_products": ("product", "available_until"),
}
CLIENT_ITEM_LISTS: Final[tuple[ItemList, ...]] = tuple(ITEM_FIELDS)
# The lists in which one item is the primary one.
PRIMARY_LISTS: Final[frozenset[ItemList]] = frozenset({"addresses", "phones", "emails"})
# A contact's lists whose items have ids; its one address has an id too.
CONTACT_ITEM_LISTS: Final = ("phones", "emails")

# What a new client holds for each field the caller left out.
CLIENT_DEFAULTS: ClientInput = {
    "kind": "",
    "reference": "",
    "registration_number": "",
    "dms_number": "",
    "civility": "",
    "first_name": "",
    "last_name": "",
    "phones": [],
    "emails": [],
    "addresses": [],
    "personal": {},
    "professional": {},
    "family_members": [],
    "bank_accounts": [],
    "management": {},
    "flags": {},
    "important_notes": "",
    "memo": "",
}

# What a new contact holds for each field the caller left out.
CONTACT_DEFAULTS: ContactInput = {
    "civility": "",
    "first_name": "",
    "last_name": "",
    "function": "",
    "display_order": 0,
    "valid_from": "",
    "valid_to": "",
    "phones": [],
    "emails": [],
    "address": None,
    "consents": {},
    "recipient_roles": {},
    "portal_access": False,
}


def new_client(data: ClientInput) -> Client:
    """A new client: the caller's input fields (only those) over the defaults; the service
    sets the rest."""
    chosen = {k: copy.deepcopy(v) for k, v in data.items() if k in CLIENT_INPUT_FIELDS}
    return cast(Client, {**copy.deepcopy(CLIENT_DEFAULTS), **chosen})


def new_contact(data: ContactInput) -> Contact:
    """A new contact: the caller's input fields (only those) over the defaults."""
    chosen = {k: copy.deepcopy(v) for k, v in data.items() if k in CONTACT_INPUT_FIELDS}
    return cast(Contact, {**copy.deepcopy(CONTACT_DEFAULTS), **chosen})


# Changes to these fields can change a screening result; consumers look for them.
SCREENED_FIELDS = frozenset({"first_name", "last_name", "personal", "professional", "kind"})


def display_name(client: ClientInput) -> str:
    if client.get("kind") == "professional":
        legal_name = (client.get("professional") or {}).get("legal_name", "")
        if legal_name:
            return legal_name
    parts = [client.get("first_name", ""), client.get("last_name", "")]
    return " ".join(p for p in parts if p).strip()
