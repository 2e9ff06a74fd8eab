"""Identity's part of the client file: who the client is (the record every file starts from),
who to talk to (contacts) and how clients relate (relations); the client queries and identity's
mutations, among them the commands that change one item of a client's lists by its id.

Types resolve straight from identity's protos: a leaf field is an attribute read ("" is null),
and the closed vocabularies are the protos' enums (gateway.schema.enums)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, cast

import strawberry
from strawberry import UNSET

from client360.identity.v1 import identity_pb2
from client360.lifecycle.v1 import lifecycle_pb2
from gateway.context import Info, RequestContext
from gateway.errors import not_found
from gateway.live import LiveEvent
from gateway.planner import (
    Argument,
    Link,
    Linked,
    Mask,
    Section,
    ServiceSection,
    link_field,
)
from gateway.schema.enums import enum_field, proto_enum
from gateway.schema.inputs import (
    AddressInput,
    AddressUpdateInput,
    EmailInput,
    EmailUpdateInput,
    PhoneInput,
    PhoneUpdateInput,
    address_proto,
    email_proto,
    given_fields,
    phone_proto,
)
from gateway.schema.timestamps import timestamp
from gateway.schema.types import Address, AuditStamps, Email, PageInfo, Phone
from gateway.sections import erasures, merges
from gateway.selection import SelectedField, fields
from runtime.clock import today

if TYPE_CHECKING:
    from gateway.schema.client import Client

ClientRef = Annotated["Client", strawberry.lazy("gateway.schema.client")]

_DATE = "YYYY-MM-DD"
_NIR = (
    'French social security number (NIR), 15 characters; masked ("1************25") for '
    "roles that may not see it."
)


# The closed vocabularies, from identity.proto's enums.


@proto_enum(identity_pb2.ClientKind)
class ClientKind(Enum):
    """Whether the file is a person's or a business's."""


@proto_enum(identity_pb2.Civility)
class Civility(Enum):
    """How a person is addressed in letters and on screens (civilité)."""


@proto_enum(identity_pb2.Gender)
class Gender(Enum):
    """A person's gender, as on their identity papers."""


@proto_enum(identity_pb2.MaritalStatus)
class MaritalStatus(Enum):
    """A person's marital status (situation familiale)."""


@proto_enum(identity_pb2.SocialSecurityRegime)
class SocialSecurityRegime(Enum):
    """The French social security scheme a person belongs to (régime)."""


@proto_enum(identity_pb2.FamilyRelationship)
class FamilyRelationship(Enum):
    """How a family member is related to the client (the insured person)."""


@proto_enum(identity_pb2.PreferredChannel)
class PreferredChannel(Enum):
    """How the client prefers to be contacted."""


@proto_enum(identity_pb2.DuplicateReason)
class DuplicateReason(Enum):
    """Why an existing file looks like the same client."""


# The types.


@strawberry.type(description="Personal details of an individual client.")
class PersonalInfo:
    marital_status: MaritalStatus | None = enum_field("Marital status; null when not given.")
    gender: Gender | None = enum_field("Gender; null when not given.")
    birth_date: str | None = strawberry.field(description=f"Date of birth, {_DATE}.")
    birth_place: str | None = strawberry.field(description="Place of birth (town, country).")
    profession: str | None = strawberry.field(description="Profession, in the client's words.")
    pcs_code: str | None = strawberry.field(
        description="INSEE socio-professional category (PCS), for example 37."
    )
    social_security_number: str | None = strawberry.field(description=_NIR)
    social_security_regime: SocialSecurityRegime | None = enum_field(
        "Social security scheme; null when not given."
    )


@strawberry.type(description="Company details of a professional client.")
class ProfessionalInfo:
    legal_name: str | None = strawberry.field(
        description="Registered name; the file's display name for a professional."
    )
    siren: str | None = strawberry.field(description="SIREN of the company, 9 digits.")
    siret: str | None = strawberry.field(description="SIRET of the establishment, 14 digits.")
    legal_form: str | None = strawberry.field(description="Legal form: SARL, SAS, EI...")
    activity_code: str | None = strawberry.field(
        description="NAF/APE activity code, for example 6920Z."
    )


@strawberry.type(description="A member of the client's family, for cover that extends to them.")
class FamilyMember:
    id: strawberry.ID = strawberry.field(
        description="Stable id; names the member in updateFamilyMember and removeClientItem."
    )
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str | None = strawberry.field(description="Last name.")
    relationship: FamilyRelationship | None = enum_field(
        "How they are related to the client; null when not given."
    )
    birth_date: str | None = strawberry.field(description=f"Date of birth, {_DATE}.")
    birth_place: str | None = strawberry.field(description="Place of birth.")
    social_security_number: str | None = strawberry.field(description=_NIR)
    attached_to_insured_social_security: bool = strawberry.field(
        description="Covered through the client's own social security (ayant droit)."
    )


@strawberry.type(description="A bank account, for SEPA direct debit mandates.")
class BankAccount:
    id: strawberry.ID = strawberry.field(
        description="Stable id; names the account in updateBankAccount and removeClientItem."
    )
    iban: str | None = strawberry.field(
        description='IBAN, without spaces; masked ("FR76*******************0189") for roles '
        "that may not see it. Sending the masked form back keeps the stored IBAN."
    )
    bic: str | None = strawberry.field(
        description="BIC (SWIFT code) of the bank, 8 or 11 characters."
    )
    holder: str | None = strawberry.field(description="Name of the account holder.")
    label: str | None = strawberry.field(description="What the account is, in the agency's words.")


@strawberry.type(description="How the agency manages the client.")
class Management:
    account_manager: str | None = strawberry.field(
        description="Who manages the client in the agency."
    )
    origin: str | None = strawberry.field(
        description="Where the client came from: trade fair, introducer, referral, website..."
    )
    comment: str | None = strawberry.field(description="Free comment.")


@strawberry.type(description="Yes-or-no settings of the file, and the preferred channel.")
class Flags:
    internal: bool = strawberry.field(description="The client is the agency itself or its staff.")
    leasing_company: bool = strawberry.field(description="The client is a leasing company.")
    leasing_identifier: str | None = strawberry.field(
        description="A leasing company's special identifier in the workshop's DMS; null for "
        "other clients."
    )
    archived: bool = strawberry.field(
        description="Archived: left out of the lists unless asked for (restoreClient undoes it)."
    )
    communication_blocked: bool = strawberry.field(
        description="Nothing may be sent to the client (no email, SMS or letter)."
    )
    preferred_channel: PreferredChannel | None = enum_field(
        "How the client prefers to be contacted; null when not given."
    )
    portal_access: bool = strawberry.field(
        description="The client may sign in to the client portal (extranet)."
    )


@strawberry.type(description="Who the client is: the Identity section of the file.")
class Identity:
    reference: str = strawberry.field(description="The agency's reference of the client, CL000123.")
    merged_into: strawberry.ID | None = strawberry.field(
        description="Set when this file was merged into another (a duplicate): the surviving "
        "client's id. Such a file is archived."
    )

    @strawberry.field(
        description="When the client's personal data was erased (GDPR); null if it was not. "
        "Only the reference, the kind and the dates of the file remain."
    )
    @staticmethod
    def erased_at(root: strawberry.Parent[identity_pb2.Client]) -> datetime | None:
        return timestamp(root, "erased_at")

    registration_number: str | None = strawberry.field(
        description="Registration number (matricule)."
    )
    dms_number: str | None = strawberry.field(
        description="Number of the client in the workshop's dealer management system (DMS)."
    )
    civility: Civility | None = enum_field("How to address the client; null when not given.")
    first_name: str | None = strawberry.field(description="First name (an individual's).")
    last_name: str | None = strawberry.field(description="Last name (an individual's).")
    phones: list[Phone] = strawberry.field(description="Phone numbers; one of them is primary.")
    emails: list[Email] = strawberry.field(description="Email addresses; one of them is primary.")
    addresses: list[Address] = strawberry.field(
        description="Postal addresses: the primary one and any number of secondary ones."
    )
    personal: PersonalInfo = strawberry.field(description="Personal details (individuals).")
    professional: ProfessionalInfo = strawberry.field(
        description="Company details (professionals)."
    )
    family_members: list[FamilyMember] = strawberry.field(description="The client's family.")
    bank_accounts: list[BankAccount] = strawberry.field(description="Bank details.")
    management: Management = strawberry.field(description="Who manages the client, and origin.")
    flags: Flags = strawberry.field(description="Settings of the file.")
    important_notes: str | None = strawberry.field(
        description="Notes to show at the top of the file."
    )
    memo: str | None = strawberry.field(description="Memo, visible to technicians.")
    audit: AuditStamps = strawberry.field(description="Who created and last changed the file.")

    @strawberry.field(description="The primary address; null when the client has no address.")
    @staticmethod
    def primary_address(root: strawberry.Parent[identity_pb2.Client]) -> Address | None:
        primary = next((a for a in root.addresses if a.primary), None)
        return cast(Address | None, primary)


@strawberry.type(description="What a contact agreed to receive.")
class Consents:
    e_signature: bool = strawberry.field(description="Accepts signing documents electronically.")
    commercial_emails: bool = strawberry.field(
        description="Accepts commercial emails from the agency."
    )
    partner_emails: bool = strawberry.field(
        description="Accepts emails from the agency's partners."
    )


@strawberry.type(description="What a contact receives on the client's behalf.")
class RecipientRoles:
    due_notices: bool = strawberry.field(description="Receives premium due notices.")
    unpaid_reminders: bool = strawberry.field(description="Receives unpaid premium reminders.")
    document_reminders: bool = strawberry.field(description="Receives missing-document reminders.")
    claim_settlements: bool = strawberry.field(description="Receives claim settlements.")


@strawberry.type(description="A person to talk to about the client (referent, accountant...).")
class Contact:
    id: strawberry.ID = strawberry.field(description="The contact's id.")
    client_id: strawberry.ID = strawberry.field(description="The client it belongs to.")
    civility: Civility | None = enum_field("How to address the contact; null when not given.")
    first_name: str | None = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    function: str = strawberry.field(description='Role towards the client ("Comptable").')
    display_order: int = strawberry.field(description="Position in the list, smallest first.")
    valid_from: str | None = strawberry.field(
        description=f"First day of validity, {_DATE}; null: since always."
    )
    valid_to: str | None = strawberry.field(
        description=f"Last day of validity, {_DATE}; null: open-ended."
    )
    phones: list[Phone] = strawberry.field(description="Phone numbers.")
    emails: list[Email] = strawberry.field(description="Email addresses.")
    consents: Consents = strawberry.field(description="What the contact agreed to receive.")
    recipient_roles: RecipientRoles = strawberry.field(
        description="What the contact receives for the client (several at once)."
    )
    portal_access: bool = strawberry.field(description="May sign in to the client portal.")
    version: int = strawberry.field(description="Pass it back to updateContact and deleteContact.")
    audit: AuditStamps = strawberry.field(description="Who created and last changed the contact.")

    @strawberry.field(description="The contact's postal address; null when none is given.")
    @staticmethod
    def address(root: strawberry.Parent[identity_pb2.Contact]) -> Address | None:
        return cast(Address, root.address) if root.HasField("address") else None


@strawberry.type(description="A platform user associated with the client, with a role.")
class UserAssociation:
    id: strawberry.ID = strawberry.field(
        description="Stable id; names the association in updateUserAssociation and "
        "removeClientItem."
    )
    user_id: str = strawberry.field(description="The platform user's id.")
    role: str = strawberry.field(
        description="How the user deals with the client (account manager, claims handler...)."
    )


@strawberry.type(
    description="A product associated with the client: while one is available, the client and "
    "the clients attached to it may only be sold the associated products."
)
class ProductAssociation:
    id: strawberry.ID = strawberry.field(
        description="Stable id; names the association in updateProductAssociation and "
        "removeClientItem."
    )
    product: str = strawberry.field(description="The product's code or name.")
    available_until: str | None = strawberry.field(
        description=f"Last day the association holds, {_DATE}; null when it has no end."
    )

    @strawberry.field(description="Whether the association holds today (Europe/Paris).")
    @staticmethod
    def available(root: strawberry.Parent[identity_pb2.ProductAssociation]) -> bool:
        return not root.available_until or root.available_until >= today().isoformat()


@strawberry.type(description="Relations: one parent at most, any number of associated clients.")
class Relations:
    # Read in one call for a whole page (and their own sections planned the same way); null
    # with the error when that call fails.
    parent: ClientRef | None = link_field(
        "The parent client (group, employer, works council...); null when there is none."
    )
    associated: list[ClientRef] | None = link_field("Clients associated with this one.")

    @strawberry.field(description="The parent client's id, without reading the parent.")
    @staticmethod
    def parent_id(root: strawberry.Parent[Linked]) -> strawberry.ID | None:
        parent_id = root.record.parent_client_id
        return strawberry.ID(parent_id) if parent_id else None

    @strawberry.field(description="Platform users associated with the client, with their role.")
    @staticmethod
    def users(root: strawberry.Parent[Linked]) -> list[UserAssociation]:
        return cast(list[UserAssociation], list(root.record.associated_users))

    @strawberry.field(
        description="Products associated with the client, available or not (see available)."
    )
    @staticmethod
    def products(root: strawberry.Parent[Linked]) -> list[ProductAssociation]:
        return cast(list[ProductAssociation], list(root.record.associated_products))


@strawberry.type(
    description="An existing file this client resembles: possibly the same client typed twice. "
    "Nothing is blocked; the advisor decides (merge, or leave both)."
)
class DuplicateSuspect:
    client_id: strawberry.ID = strawberry.field(description="The resembling client's id.")
    reference: str = strawberry.field(description="Its reference, CL000123.")
    display_name: str = strawberry.field(description="Its name to show.")
    archived: bool = strawberry.field(description="Whether that file is archived.")
    score: float = strawberry.field(
        description="How alike, 0 to 1; files from 0.75 up are suspects. Best first."
    )
    reasons: list[DuplicateReason] = strawberry.field(
        description="What the two files have in common."
    )


@strawberry.type(description="A client in a page of clients, with its cursor.")
class ClientEdge:
    cursor: str = strawberry.field(description="Pass it as `after` to continue after this client.")
    node: ClientRef = strawberry.field(description="The client.")


@strawberry.type(description="A page of clients.")
class ClientConnection:
    edges: list[ClientEdge] = strawberry.field(description="The clients with their cursors.")
    nodes: list[ClientRef] = strawberry.field(
        description="The clients, when cursors are not needed."
    )
    page_info: PageInfo = strawberry.field(description="Where the page ends.")
    total_count: int = strawberry.field(description="How many clients match, all pages together.")


# The inputs.


@strawberry.input(
    description="Personal details; only the fields given change (null counts as not given)."
)
class PersonalInfoInput:
    marital_status: MaritalStatus | None = strawberry.field(
        default=UNSET, description="Marital status."
    )
    gender: Gender | None = strawberry.field(default=UNSET, description="Gender.")
    birth_date: str | None = strawberry.field(default=UNSET, description=f"Date of birth, {_DATE}.")
    birth_place: str | None = strawberry.field(default=UNSET, description="Place of birth.")
    profession: str | None = strawberry.field(default=UNSET, description="Profession.")
    pcs_code: str | None = strawberry.field(default=UNSET, description="INSEE PCS code.")
    social_security_number: str | None = strawberry.field(
        default=UNSET,
        description="NIR, 15 characters, spaces allowed. The masked form you were shown keeps "
        "the stored number.",
    )
    social_security_regime: SocialSecurityRegime | None = strawberry.field(
        default=UNSET, description="Social security scheme."
    )


@strawberry.input(
    description="Company details; only the fields given change (null counts as not given)."
)
class ProfessionalInfoInput:
    legal_name: str | None = strawberry.field(
        default=UNSET, description="Registered name; required for a professional."
    )
    siren: str | None = strawberry.field(default=UNSET, description="SIREN, 9 digits.")
    siret: str | None = strawberry.field(
        default=UNSET, description="SIRET, 14 digits, starting with the SIREN."
    )
    legal_form: str | None = strawberry.field(default=UNSET, description="Legal form.")
    activity_code: str | None = strawberry.field(
        default=UNSET, description="NAF/APE activity code."
    )


@strawberry.input(description="A family member to add.")
class FamilyMemberInput:
    first_name: str = strawberry.field(default="", description="First name.")
    last_name: str = strawberry.field(
        default="", description="Last name (a first or a last name is required)."
    )
    relationship: FamilyRelationship | None = strawberry.field(
        default=None, description="How they are related to the client."
    )
    birth_date: str = strawberry.field(default="", description=f"Date of birth, {_DATE}.")
    birth_place: str = strawberry.field(default="", description="Place of birth.")
    social_security_number: str = strawberry.field(default="", description="NIR, if they have one.")
    attached_to_insured_social_security: bool = strawberry.field(
        default=False, description="Covered through the client's own social security."
    )


@strawberry.input(
    description="Changes to a family member: only the fields given change "
    "(null counts as not given)."
)
class FamilyMemberUpdateInput:
    first_name: str | None = strawberry.field(default=UNSET, description="First name.")
    last_name: str | None = strawberry.field(default=UNSET, description="Last name.")
    relationship: FamilyRelationship | None = strawberry.field(
        default=UNSET, description="How they are related to the client."
    )
    birth_date: str | None = strawberry.field(default=UNSET, description=f"Date of birth, {_DATE}.")
    birth_place: str | None = strawberry.field(default=UNSET, description="Place of birth.")
    social_security_number: str | None = strawberry.field(
        default=UNSET, description="NIR; the masked form you were shown keeps the stored one."
    )
    attached_to_insured_social_security: bool | None = strawberry.field(
        default=UNSET, description="Covered through the client's own social security."
    )


@strawberry.input(description="A bank account to add.")
class BankAccountInput:
    iban: str = strawberry.field(description="IBAN, spaces allowed.")
    bic: str = strawberry.field(default="", description="BIC of the bank.")
    holder: str = strawberry.field(default="", description="Name of the account holder.")
    label: str = strawberry.field(default="", description="What the account is.")


@strawberry.input(
    description="Changes to a bank account: only the fields given change "
    "(null counts as not given)."
)
class BankAccountUpdateInput:
    iban: str | None = strawberry.field(
        default=UNSET,
        description="IBAN; the masked form you were shown keeps the stored one.",
    )
    bic: str | None = strawberry.field(default=UNSET, description="BIC of the bank.")
    holder: str | None = strawberry.field(default=UNSET, description="Name of the holder.")
    label: str | None = strawberry.field(default=UNSET, description="What the account is.")


@strawberry.input(description="A platform user to associate with the client.")
class UserAssociationInput:
    user_id: str = strawberry.field(description="The platform user's id.")
    role: str = strawberry.field(description="How the user deals with the client.")


@strawberry.input(description="Changes to a user association: only the fields given change.")
class UserAssociationUpdateInput:
    user_id: str | None = strawberry.field(default=UNSET, description="The platform user's id.")
    role: str | None = strawberry.field(default=UNSET, description="The user's role.")


@strawberry.input(description="A product to associate with the client.")
class ProductAssociationInput:
    product: str = strawberry.field(description="The product's code or name.")
    available_until: str = strawberry.field(
        default="", description=f"Last day the association holds, {_DATE}; empty for no end."
    )


@strawberry.input(description="Changes to a product association: only the fields given change.")
class ProductAssociationUpdateInput:
    product: str | None = strawberry.field(default=UNSET, description="The product.")
    available_until: str | None = strawberry.field(
        default=UNSET, description=f"Last day the association holds, {_DATE}; empty for no end."
    )


@strawberry.input(
    description="How the agency manages the client; only the fields given change "
    "(null counts as not given)."
)
class ManagementInput:
    account_manager: str | None = strawberry.field(
        default=UNSET, description="Who manages the client."
    )
    origin: str | None = strawberry.field(default=UNSET, description="Where the client came from.")
    comment: str | None = strawberry.field(default=UNSET, description="Free comment.")


@strawberry.input(
    description="Settings of the file; only the fields given change (null counts as not given)."
)
class FlagsInput:
    internal: bool | None = strawberry.field(default=UNSET, description="The agency or its staff.")
    leasing_company: bool | None = strawberry.field(default=UNSET, description="A leasing company.")
    leasing_identifier: str | None = strawberry.field(
        default=UNSET,
        description="A leasing company's special identifier in the workshop's DMS, up to 40 "
        "characters; only for a leasing company.",
    )
    communication_blocked: bool | None = strawberry.field(
        default=UNSET, description="Nothing may be sent to the client."
    )
    preferred_channel: PreferredChannel | None = strawberry.field(
        default=UNSET, description="How the client prefers to be contacted."
    )
    portal_access: bool | None = strawberry.field(
        default=UNSET, description="May sign in to the client portal."
    )


@strawberry.input(
    description="Fields of a client; on update, only the fields given change, null counting as "
    "not given (a list given replaces the whole list: to change one item, use the item "
    "mutations)."
)
class ClientInput:
    kind: ClientKind | None = strawberry.field(
        default=UNSET, description="Individual or professional; required on creation."
    )
    reference: str | None = strawberry.field(
        default=UNSET, description="The agency's reference; the next free one when left out."
    )
    registration_number: str | None = strawberry.field(
        default=UNSET, description="Registration number (matricule)."
    )
    dms_number: str | None = strawberry.field(default=UNSET, description="Workshop DMS number.")
    civility: Civility | None = strawberry.field(default=UNSET, description="How to address them.")
    first_name: str | None = strawberry.field(default=UNSET, description="First name.")
    last_name: str | None = strawberry.field(
        default=UNSET, description="Last name; required for an individual."
    )
    phones: list[PhoneInput] | None = strawberry.field(
        default=UNSET, description="Every phone (replaces the list)."
    )
    emails: list[EmailInput] | None = strawberry.field(
        default=UNSET, description="Every email (replaces the list)."
    )
    addresses: list[AddressInput] | None = strawberry.field(
        default=UNSET, description="Every address (replaces the list)."
    )
    personal: PersonalInfoInput | None = strawberry.field(
        default=UNSET, description="Personal details."
    )
    professional: ProfessionalInfoInput | None = strawberry.field(
        default=UNSET, description="Company details."
    )
    family_members: list[FamilyMemberInput] | None = strawberry.field(
        default=UNSET, description="Every family member (replaces the list)."
    )
    bank_accounts: list[BankAccountInput] | None = strawberry.field(
        default=UNSET, description="Every bank account (replaces the list)."
    )
    management: ManagementInput | None = strawberry.field(
        default=UNSET, description="Who manages the client."
    )
    flags: FlagsInput | None = strawberry.field(default=UNSET, description="Settings of the file.")
    important_notes: str | None = strawberry.field(
        default=UNSET, description="Notes to show at the top of the file."
    )
    memo: str | None = strawberry.field(default=UNSET, description="Memo, visible to technicians.")


@strawberry.input(description="What a contact agreed to receive.")
class ConsentsInput:
    e_signature: bool = strawberry.field(default=False, description="Electronic signature.")
    commercial_emails: bool = strawberry.field(default=False, description="Commercial emails.")
    partner_emails: bool = strawberry.field(default=False, description="Partners' emails.")


@strawberry.input(description="What a contact receives on the client's behalf.")
class RecipientRolesInput:
    due_notices: bool = strawberry.field(default=False, description="Premium due notices.")
    unpaid_reminders: bool = strawberry.field(default=False, description="Unpaid reminders.")
    document_reminders: bool = strawberry.field(default=False, description="Document reminders.")
    claim_settlements: bool = strawberry.field(default=False, description="Claim settlements.")


@strawberry.input(
    description="Fields of a contact; on update, only the fields given change "
    "(null counts as not given)."
)
class ContactInput:
    civility: Civility | None = strawberry.field(default=UNSET, description="How to address them.")
    first_name: str | None = strawberry.field(default=UNSET, description="First name.")
    last_name: str | None = strawberry.field(default=UNSET, description="Last name; required.")
    function: str | None = strawberry.field(
        default=UNSET, description="Role towards the client; required."
    )
    display_order: int | None = strawberry.field(
        default=UNSET, description="Position in the list, 0 or more."
    )
    valid_from: str | None = strawberry.field(
        default=UNSET, description=f"First day of validity, {_DATE}."
    )
    valid_to: str | None = strawberry.field(
        default=UNSET, description=f"Last day of validity, {_DATE}."
    )
    phones: list[PhoneInput] | None = strawberry.field(
        default=UNSET, description="Every phone (replaces the list)."
    )
    emails: list[EmailInput] | None = strawberry.field(
        default=UNSET, description="Every email (replaces the list)."
    )
    address: AddressInput | None = strawberry.field(default=UNSET, description="Postal address.")
    copy_client_address: bool = strawberry.field(
        default=False, description="Copy the client's primary address, phones and emails."
    )
    consents: ConsentsInput | None = strawberry.field(
        default=UNSET, description="What the contact agreed to receive."
    )
    recipient_roles: RecipientRolesInput | None = strawberry.field(
        default=UNSET, description="What the contact receives for the client."
    )
    portal_access: bool | None = strawberry.field(
        default=UNSET, description="May sign in to the client portal."
    )


# Sub-objects whose fields are merged one by one on update; everything else is replaced whole.
_MERGED = ("personal", "professional", "management", "flags")


def client_input_to_proto(data: ClientInput) -> tuple[identity_pb2.ClientInput, list[str]]:
    message = identity_pb2.ClientInput()
    paths: list[str] = []
    for name, value in given_fields(data).items():
        if name == "phones":
            message.phones.extend(phone_proto(p) for p in value)
        elif name == "emails":
            message.emails.extend(email_proto(e) for e in value)
        elif name == "addresses":
            message.addresses.extend(address_proto(a) for a in value)
        elif name == "family_members":
            message.family_members.extend(
                identity_pb2.FamilyMember(**given_fields(m)) for m in value
            )
        elif name == "bank_accounts":
            message.bank_accounts.extend(identity_pb2.BankAccount(**given_fields(b)) for b in value)
        elif name in _MERGED:
            sub_fields = given_fields(value)
            getattr(message, name).MergeFrom(type(getattr(message, name))(**sub_fields))
            paths.extend(f"{name}.{sub}" for sub in sub_fields)
            continue
        else:
            setattr(message, name, value)
        paths.append(name)
    return message, paths


def contact_input_to_proto(data: ContactInput) -> tuple[identity_pb2.ContactInput, list[str]]:
    message = identity_pb2.ContactInput(copy_client_address=data.copy_client_address)
    paths: list[str] = []
    for name, value in given_fields(data).items():
        if name == "copy_client_address":
            continue
        if name == "phones":
            message.phones.extend(phone_proto(p) for p in value)
        elif name == "emails":
            message.emails.extend(email_proto(e) for e in value)
        elif name == "address":
            message.address.CopyFrom(address_proto(value))
        elif name == "consents":
            message.consents.CopyFrom(identity_pb2.Consents(**given_fields(value)))
        elif name == "recipient_roles":
            message.recipient_roles.CopyFrom(identity_pb2.RecipientRoles(**given_fields(value)))
        else:
            setattr(message, name, value)
        paths.append(name)
    return message, paths


def item_change(kind: str, data: Any) -> tuple[identity_pb2.ClientItem, list[str]]:
    """One item's changes as UpdateClientItem takes them: the item of field ``kind`` of the
    ClientItem oneof, holding the given fields, and the update mask naming exactly those."""
    values = given_fields(data)
    item = identity_pb2.ClientItem()
    getattr(item, kind).SetInParent()
    getattr(item, kind).MergeFrom(type(getattr(item, kind))(**values))
    return item, list(values)


# What each section takes from the query's selection.

# The record fields each field of Identity shows; the others show the field of the same name.
_IDENTITY_READS = {"primaryAddress": ("addresses",), "reference": ()}
_RELATIONS_READS = {
    "parentId": ("parent_client_id",),
    "parent": ("parent_client_id",),
    "associated": ("associated_client_ids",),
    "users": ("associated_users",),
    "products": ("associated_products",),
}
# A read mask must name a field to mean "only these"; id, reference, kind, version and the
# display name always come.
_MINIMAL_MASK = ("display_name",)
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _identity_reads(field: SelectedField) -> Iterator[str]:
    for shown in fields(field.selections).values():
        if not shown.name.startswith("__"):
            yield from _IDENTITY_READS.get(shown.name, (_CAMEL.sub("_", shown.name).lower(),))


def _relations_reads(field: SelectedField) -> Iterator[str]:
    for shown in fields(field.selections).values():
        yield from _RELATIONS_READS.get(shown.name, ())


def _include_historical(field: SelectedField) -> bool:
    return bool(field.arguments.get("includeHistorical", False))


def _read_mask(mask: Mask) -> Mask:
    return mask or _MINIMAL_MASK


# The calls: client ids in, one call, answers keyed back by client id.


async def _read_clients(
    context: RequestContext, ids: list[str], mask: Mask
) -> list[identity_pb2.Client]:
    return await context.clients.identity.batch_get_clients(
        context.caller, ids, fields=_read_mask(mask)
    )


async def _load_contacts(
    context: RequestContext,
    client_ids: list[str],
    include_historical: bool,  # noqa: FBT001 - the planner passes a section's request so
) -> dict[str, list[identity_pb2.Contact]]:
    contacts = await context.clients.identity.list_contacts(
        context.caller, client_ids, include_historical=include_historical
    )
    by_client: dict[str, list[identity_pb2.Contact]] = {client_id: [] for client_id in client_ids}
    for contact in contacts:
        by_client[contact.client_id].append(contact)
    return by_client


IDENTITY = Section(
    name="identity",
    type=Identity,
    description="Who the client is (read with the client itself).",
    reads=_identity_reads,
)
CONTACTS = Section(
    name="contacts",
    type=list[Contact],
    description="Contacts valid today, in display order; all of them with includeHistorical. "
    "Null, with the identity service's error, when they could not be read.",
    load=_load_contacts,
    request=_include_historical,
    arguments=(
        Argument(
            "include_historical",
            bool,
            default=False,
            description="Also list the contacts no longer (or not yet) valid.",
        ),
    ),
)


async def _load_suspects(
    context: RequestContext, client_ids: list[str], limit: int
) -> dict[str, list[identity_pb2.DuplicateSuspect]]:
    found = await context.clients.identity.find_duplicate_suspects(
        context.caller, client_ids, limit=limit
    )
    return {entry.client_id: list(entry.suspects) for entry in found}


def _suspects_limit(field: SelectedField) -> int:
    return int(field.arguments.get("limit", 5))


DUPLICATE_SUSPECTS = Section(
    name="duplicate_suspects",
    type=list[DuplicateSuspect],
    description="Existing files this client resembles (name and birth date despite accents, "
    "case and small misspellings; a phone, email, SIREN or IBAN in common), best first, "
    "computed when asked. Null, with identity's error, when they could not be read.",
    load=_load_suspects,
    request=_suspects_limit,
    arguments=(
        Argument("limit", int, default=5, description="At most this many suspects, 1 to 20."),
    ),
)
PARENT = Link(
    "parent", targets=lambda record: [record.parent_client_id] if record.parent_client_id else []
)
ASSOCIATED = Link("associated", targets=lambda record: record.associated_client_ids, many=True)
RELATIONS = Section(
    name="relations",
    type=Relations,
    description="The parent and associated clients.",
    reads=_relations_reads,
    links=(PARENT, ASSOCIATED),
)


# Arguments named the same way everywhere.
ClientId = Annotated[strawberry.ID, strawberry.argument(description="The client's id.")]
ClientVersion = Annotated[
    int,
    strawberry.argument(
        description="The client's version as you read it; if the client changed since, the "
        "answer is a CONFLICT error and nothing changes."
    ),
]


@strawberry.input(description="A point on the map, in decimal degrees (WGS 84).")
class GeoPointInput:
    latitude: float = strawberry.field(description="Latitude, -90 to 90.")
    longitude: float = strawberry.field(description="Longitude, -180 to 180.")


@strawberry.input(description="Everything within a distance of a point, along the Earth's surface.")
class CircleInput:
    latitude: float = strawberry.field(description="The centre's latitude, -90 to 90.")
    longitude: float = strawberry.field(description="The centre's longitude, -180 to 180.")
    radius_km: float = strawberry.field(description="The radius in kilometres, up to 500.")


@strawberry.input(
    one_of=True,
    description="An area on the map: a circle, or a polygon drawn by its corners (in order, "
    "the first not repeated at the end). Give exactly one.",
)
class AreaInput:
    circle: CircleInput | None = strawberry.field(
        default=UNSET, description="A circle around a point."
    )
    polygon: list[GeoPointInput] | None = strawberry.field(
        default=UNSET, description="A polygon's corners, 3 to 200."
    )


def area_proto(area: AreaInput) -> identity_pb2.GeoArea:
    if area.polygon:
        return identity_pb2.GeoArea(
            polygon=identity_pb2.GeoPolygon(
                points=[
                    identity_pb2.GeoPoint(latitude=p.latitude, longitude=p.longitude)
                    for p in area.polygon
                ]
            )
        )
    if area.circle:
        circle = area.circle
        return identity_pb2.GeoArea(
            circle=identity_pb2.GeoCircle(
                centre=identity_pb2.GeoPoint(latitude=circle.latitude, longitude=circle.longitude),
                radius_km=circle.radius_km,
            )
        )
    return identity_pb2.GeoArea(polygon=identity_pb2.GeoPolygon())


@strawberry.type(description="Identity's queries.")
class IdentityQuery:
    @strawberry.field(description="One client's file; null with NOT_FOUND if it is not yours.")
    async def client(self, info: Info, id: ClientId) -> ClientRef | None:
        context = info.context
        (found,) = await context.planner.read(context, context.planner.plan(info), [id])
        if found is None:
            raise not_found()
        return cast("Client", found)

    @strawberry.field(
        description="Clients matching a name prefix, reference, DMS number, phone or email "
        "(case and accents ignored), exact references first; all clients when search is empty."
    )
    async def clients(
        self,
        info: Info,
        *,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Free text: a name or its beginning, a reference, a DMS or "
                "registration number, a phone in any format, an email."
            ),
        ] = None,
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 200.")] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(
                description="The endCursor (or an edge's cursor) to continue after."
            ),
        ] = None,
        include_archived: Annotated[
            bool, strawberry.argument(description="Also list archived clients.")
        ] = False,
        leasing_company: Annotated[
            bool | None,
            strawberry.argument(
                description="Only leasing companies (true), only the others (false); both "
                "when not given."
            ),
        ] = None,
        area: Annotated[
            AreaInput | None,
            strawberry.argument(
                description="Only the clients with an address in this area (to plan a round), "
                "by name; exact references are not put first."
            ),
        ] = None,
    ) -> ClientConnection:
        context = info.context
        plan = context.planner.plan(info, ("edges", "node"), ("nodes",))
        response = await context.clients.identity.search_clients(
            context.caller,
            query=search or "",
            first=first,
            after=after or "",
            include_archived=include_archived,
            fields=_read_mask(plan.mask),
            leasing_company=leasing_company,
            area=None if area is None else area_proto(area),
        )
        at_edges, at_nodes = await context.planner.complete(context, plan, response.clients)
        return ClientConnection(
            edges=[
                ClientEdge(cursor=cursor, node=cast("Client", file))
                for file, cursor in zip(at_edges, response.cursors, strict=True)
            ],
            nodes=cast("list[Client]", at_nodes),
            page_info=PageInfo(
                end_cursor=response.page_info.end_cursor or None,
                has_next_page=response.page_info.has_next_page,
            ),
            total_count=response.total_count,
        )

    @strawberry.field(
        description="The existing files a client resembles, best first (the same as the "
        "client's duplicateSuspects field); NOT_FOUND if the client is not yours."
    )
    async def duplicate_suspects(
        self,
        info: Info,
        client_id: ClientId,
        limit: Annotated[
            int, strawberry.argument(description="At most this many suspects, 1 to 20.")
        ] = 5,
    ) -> list[DuplicateSuspect]:
        context = info.context
        found = await context.clients.identity.find_duplicate_suspects(
            context.caller, [client_id], limit=limit
        )
        if not found:
            raise not_found()
        return cast(list[DuplicateSuspect], list(found[0].suspects))

    @strawberry.field(
        description="What merging a duplicate into a file would do: the value each file keeps "
        "and every service's records of both (advisors, managers and admins)."
    )
    async def merge_preview(
        self,
        info: Info,
        survivor_id: merges.SurvivorId,
        merged_id: merges.MergedId,
        take_from_merged: merges.TakeFromMerged = None,
    ) -> merges.MergePreview:
        return await merges.preview(info, survivor_id, merged_id, take_from_merged)

    @strawberry.field(
        description="An erasure of a client's personal data and its certificate: each "
        "service's confirmation with its time, and what it keeps by law."
    )
    async def erasure(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The erasure's id.")],
    ) -> erasures.Erasure:
        return await erasures.get(info, id)

    @strawberry.field(
        description="The audit of sensitive acts, newest first: every read of an unmasked "
        "social security number or IBAN (who, when, which client, which fields), every merge "
        "and erasure (admins only)."
    )
    async def audit_trail(
        self,
        info: Info,
        client_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this client's.")
        ] = None,
        user_id: Annotated[
            str | None, strawberry.argument(description="Only this user's acts.")
        ] = None,
        first: Annotated[int, strawberry.argument(description="Page size, 1 to 200.")] = 20,
        after: Annotated[
            str | None, strawberry.argument(description="The endCursor to continue after.")
        ] = None,
    ) -> erasures.AuditTrail:
        return await erasures.audit(info, client_id, user_id, first, after)

    @strawberry.field(description="A merge and its progress, service by service.")
    async def merge(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The merge's id.")],
    ) -> merges.Merge:
        return await merges.get(info, id)


async def _file(info: Info, record: identity_pb2.Client) -> Client:
    """A client a mutation returns, with the sections its selection shows."""
    context = info.context
    ((file,),) = await context.planner.complete(context, context.planner.plan(info), [record])
    return cast("Client", file)


async def _add_item(
    info: Info, client_id: str, version: int, item: identity_pb2.ClientItem
) -> Client:
    client = await info.context.clients.identity.add_client_item(
        info.context.caller, client_id, version, item
    )
    return await _file(info, client)


async def _update_item(
    info: Info, client_id: str, version: int, item_id: str, kind: str, data: Any
) -> Client:
    item, paths = item_change(kind, data)
    client = await info.context.clients.identity.update_client_item(
        info.context.caller, client_id, version, item_id, item, paths
    )
    return await _file(info, client)


AddressId = Annotated[strawberry.ID, strawberry.argument(description="The address's id.")]
PhoneId = Annotated[strawberry.ID, strawberry.argument(description="The phone's id.")]
EmailId = Annotated[strawberry.ID, strawberry.argument(description="The email's id.")]
BankAccountId = Annotated[strawberry.ID, strawberry.argument(description="The bank account's id.")]
FamilyMemberId = Annotated[
    strawberry.ID, strawberry.argument(description="The family member's id.")
]
UserAssociationId = Annotated[
    strawberry.ID, strawberry.argument(description="The user association's id.")
]
ProductAssociationId = Annotated[
    strawberry.ID, strawberry.argument(description="The product association's id.")
]
ContactId = Annotated[strawberry.ID, strawberry.argument(description="The contact's id.")]
ContactVersion = Annotated[
    int,
    strawberry.argument(
        description="The contact's version as you read it; if the contact changed since, the "
        "answer is a CONFLICT error and nothing changes."
    ),
]
_ITEM_ADDED = " The updated client; a stale version is a CONFLICT and nothing changes."
_ITEM_CHANGED = (
    " Only the fields given change; the others keep their values. The updated client; an "
    "unknown id is NOT_FOUND."
)


@strawberry.type(description="Identity's mutations.")
class IdentityMutation:
    @strawberry.mutation(description="Creates a client; its reference is the next free one.")
    async def create_client(
        self,
        info: Info,
        input: Annotated[ClientInput, strawberry.argument(description="The client's fields.")],
    ) -> ClientRef | None:
        message, _ = client_input_to_proto(input)
        client = await info.context.clients.identity.create_client(info.context.caller, message)
        return await _file(info, client)

    @strawberry.mutation(
        description="Merges a duplicate into the file that stays (seed 001): identity's part "
        "at once — values, contacts, attached clients, the duplicate archived with mergedInto — "
        "then every service moves its records and confirms; the merge is DONE when all have "
        "(see merge(id)). A duplicate already merged is a CONFLICT."
    )
    async def merge_clients(
        self,
        info: Info,
        survivor_id: merges.SurvivorId,
        merged_id: merges.MergedId,
        take_from_merged: merges.TakeFromMerged = None,
    ) -> merges.Merge:
        return await merges.merge(info, survivor_id, merged_id, take_from_merged)

    @strawberry.mutation(
        description="Erases a client's personal data (GDPR art. 17; managers and admins): "
        "identity's part at once (the file keeps its reference, kind and dates; its contacts "
        "are deleted), then every service erases or anonymises its records and confirms what "
        "it keeps by law (invoices ten years, screenings five…); the erasure is DONE when all "
        "have, and the client's events are then removed from the event stream. See "
        "erasure(id) for the certificate. A client already erased is a CONFLICT."
    )
    async def erase_client(
        self,
        info: Info,
        id: ClientId,
        reason: Annotated[
            str,
            strawberry.argument(
                description="Why (the client's request and its date…), up to 500 characters; "
                "kept on the certificate."
            ),
        ],
    ) -> erasures.Erasure:
        return await erasures.erase(info, id, reason)

    @strawberry.mutation(description="Changes the fields given; version must be the current one.")
    async def update_client(
        self,
        info: Info,
        id: ClientId,
        version: ClientVersion,
        input: Annotated[
            ClientInput, strawberry.argument(description="The fields to change, only those.")
        ],
    ) -> ClientRef | None:
        message, paths = client_input_to_proto(input)
        client = await info.context.clients.identity.update_client(
            info.context.caller, id, version, message, paths
        )
        return await _file(info, client)

    @strawberry.mutation(
        description="Archives a client: it leaves the lists (restoreClient brings it back)."
    )
    async def archive_client(self, info: Info, id: ClientId) -> ClientRef | None:
        client = await info.context.clients.identity.archive_client(info.context.caller, id)
        return await _file(info, client)

    @strawberry.mutation(
        description="Brings an archived client back into the lists; a client that is not "
        "archived is left as it is."
    )
    async def restore_client(
        self, info: Info, id: ClientId, version: ClientVersion
    ) -> ClientRef | None:
        client = await info.context.clients.identity.restore_client(
            info.context.caller, id, version
        )
        return await _file(info, client)

    @strawberry.mutation(description="Adds an address to a client." + _ITEM_ADDED)
    async def add_address(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        input: Annotated[AddressInput, strawberry.argument(description="The new address.")],
    ) -> ClientRef | None:
        item = identity_pb2.ClientItem(address=address_proto(input))
        return await _add_item(info, client_id, version, item)

    @strawberry.mutation(description="Changes one of a client's addresses." + _ITEM_CHANGED)
    async def update_address(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        address_id: AddressId,
        input: Annotated[AddressUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ClientRef | None:
        return await _update_item(info, client_id, version, address_id, "address", input)

    @strawberry.mutation(
        description="Makes one of a client's addresses its primary address; every other one "
        "becomes secondary. The updated client."
    )
    async def set_primary_address(
        self, info: Info, client_id: ClientId, version: ClientVersion, address_id: AddressId
    ) -> ClientRef | None:
        client = await info.context.clients.identity.set_primary_address(
            info.context.caller, client_id, version, address_id
        )
        return await _file(info, client)

    @strawberry.mutation(description="Adds a phone number to a client." + _ITEM_ADDED)
    async def add_phone(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        input: Annotated[PhoneInput, strawberry.argument(description="The new phone.")],
    ) -> ClientRef | None:
        item = identity_pb2.ClientItem(phone=phone_proto(input))
        return await _add_item(info, client_id, version, item)

    @strawberry.mutation(description="Changes one of a client's phones." + _ITEM_CHANGED)
    async def update_phone(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        phone_id: PhoneId,
        input: Annotated[PhoneUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ClientRef | None:
        return await _update_item(info, client_id, version, phone_id, "phone", input)

    @strawberry.mutation(description="Adds an email address to a client." + _ITEM_ADDED)
    async def add_email(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        input: Annotated[EmailInput, strawberry.argument(description="The new email.")],
    ) -> ClientRef | None:
        item = identity_pb2.ClientItem(email=email_proto(input))
        return await _add_item(info, client_id, version, item)

    @strawberry.mutation(description="Changes one of a client's emails." + _ITEM_CHANGED)
    async def update_email(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        email_id: EmailId,
        input: Annotated[EmailUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ClientRef | None:
        return await _update_item(info, client_id, version, email_id, "email", input)

    @strawberry.mutation(description="Adds a bank account to a client." + _ITEM_ADDED)
    async def add_bank_account(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        input: Annotated[BankAccountInput, strawberry.argument(description="The new account.")],
    ) -> ClientRef | None:
        item = identity_pb2.ClientItem(bank_account=identity_pb2.BankAccount(**given_fields(input)))
        return await _add_item(info, client_id, version, item)

    @strawberry.mutation(
        description="Changes one of a client's bank accounts." + _ITEM_CHANGED + " The masked "
        "IBAN you were shown, sent back, keeps the stored one."
    )
    async def update_bank_account(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        bank_account_id: BankAccountId,
        input: Annotated[BankAccountUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ClientRef | None:
        return await _update_item(info, client_id, version, bank_account_id, "bank_account", input)

    @strawberry.mutation(
        description="Associates a platform user with a client, with a role." + _ITEM_ADDED
    )
    async def add_user_association(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        input: Annotated[UserAssociationInput, strawberry.argument(description="The user.")],
    ) -> ClientRef | None:
        item = identity_pb2.ClientItem(
            user_association=identity_pb2.UserAssociation(**given_fields(input))
        )
        return await _add_item(info, client_id, version, item)

    @strawberry.mutation(description="Changes a user association of a client." + _ITEM_CHANGED)
    async def update_user_association(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        association_id: UserAssociationId,
        input: Annotated[
            UserAssociationUpdateInput, strawberry.argument(description="The changes.")
        ],
    ) -> ClientRef | None:
        return await _update_item(
            info, client_id, version, association_id, "user_association", input
        )

    @strawberry.mutation(
        description="Associates a product with a client: while one is available, the client "
        "and the clients attached to it may only be sold associated products." + _ITEM_ADDED
    )
    async def add_product_association(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        input: Annotated[ProductAssociationInput, strawberry.argument(description="The product.")],
    ) -> ClientRef | None:
        item = identity_pb2.ClientItem(
            product_association=identity_pb2.ProductAssociation(**given_fields(input))
        )
        return await _add_item(info, client_id, version, item)

    @strawberry.mutation(description="Changes a product association of a client." + _ITEM_CHANGED)
    async def update_product_association(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        association_id: ProductAssociationId,
        input: Annotated[
            ProductAssociationUpdateInput, strawberry.argument(description="The changes.")
        ],
    ) -> ClientRef | None:
        return await _update_item(
            info, client_id, version, association_id, "product_association", input
        )

    @strawberry.mutation(description="Adds a family member to a client." + _ITEM_ADDED)
    async def add_family_member(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        input: Annotated[FamilyMemberInput, strawberry.argument(description="The new member.")],
    ) -> ClientRef | None:
        item = identity_pb2.ClientItem(
            family_member=identity_pb2.FamilyMember(**given_fields(input))
        )
        return await _add_item(info, client_id, version, item)

    @strawberry.mutation(description="Changes one of a client's family members." + _ITEM_CHANGED)
    async def update_family_member(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        family_member_id: FamilyMemberId,
        input: Annotated[FamilyMemberUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ClientRef | None:
        return await _update_item(
            info, client_id, version, family_member_id, "family_member", input
        )

    @strawberry.mutation(
        description="Removes one address, phone, email, bank account, family member, user or "
        "product association of a client, by its id. Removing the primary address, phone or "
        "email makes the first remaining one primary. The updated client."
    )
    async def remove_client_item(
        self,
        info: Info,
        client_id: ClientId,
        version: ClientVersion,
        item_id: Annotated[
            strawberry.ID, strawberry.argument(description="The id of the item to remove.")
        ],
    ) -> ClientRef | None:
        client = await info.context.clients.identity.remove_client_item(
            info.context.caller, client_id, version, item_id
        )
        return await _file(info, client)

    @strawberry.mutation(description="Adds a contact to a client; the new contact.")
    async def add_contact(
        self,
        info: Info,
        client_id: ClientId,
        input: Annotated[ContactInput, strawberry.argument(description="The contact's fields.")],
    ) -> Contact | None:
        message, _ = contact_input_to_proto(input)
        contact = await info.context.clients.identity.add_contact(
            info.context.caller, client_id, message
        )
        return cast(Contact, contact)

    @strawberry.mutation(description="Changes the fields given of a contact; the contact.")
    async def update_contact(
        self,
        info: Info,
        id: ContactId,
        version: ContactVersion,
        input: Annotated[
            ContactInput, strawberry.argument(description="The fields to change, only those.")
        ],
    ) -> Contact | None:
        message, paths = contact_input_to_proto(input)
        contact = await info.context.clients.identity.update_contact(
            info.context.caller, id, version, message, paths
        )
        return cast(Contact, contact)

    @strawberry.mutation(description="Ends a contact's validity (today when validTo is omitted).")
    async def end_contact(
        self,
        info: Info,
        id: ContactId,
        valid_to: Annotated[
            str | None, strawberry.argument(description="Last day of validity, YYYY-MM-DD.")
        ] = None,
    ) -> Contact | None:
        contact = await info.context.clients.identity.end_contact(
            info.context.caller, id, valid_to or ""
        )
        return cast(Contact, contact)

    @strawberry.mutation(
        description="Deletes a contact for good, history included (endContact keeps it in the "
        "history instead); the contact as it was."
    )
    async def delete_contact(
        self, info: Info, id: ContactId, version: ContactVersion
    ) -> Contact | None:
        contact = await info.context.clients.identity.delete_contact(
            info.context.caller, id, version
        )
        return cast(Contact, contact)

    @strawberry.mutation(description="Sets the parent client; null removes it.")
    async def set_parent_client(
        self,
        info: Info,
        client_id: ClientId,
        parent_client_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The parent's id; null removes the parent."),
        ] = None,
    ) -> ClientRef | None:
        client = await info.context.clients.identity.set_parent_client(
            info.context.caller, client_id, parent_client_id or ""
        )
        return await _file(info, client)

    @strawberry.mutation(description="Associates two clients, or dissociates them.")
    async def associate_clients(
        self,
        info: Info,
        *,
        client_id: ClientId,
        other_client_id: Annotated[
            strawberry.ID, strawberry.argument(description="The other client's id.")
        ],
        associated: Annotated[
            bool, strawberry.argument(description="false dissociates them.")
        ] = True,
    ) -> ClientRef | None:
        client = await info.context.clients.identity.associate_clients(
            info.context.caller, client_id, other_client_id, associated=associated
        )
        return await _file(info, client)


# Live events

_CHANGES = (
    identity_pb2.ClientCreated,
    identity_pb2.ClientUpdated,
    identity_pb2.ClientArchived,
    identity_pb2.ClientRestored,
    identity_pb2.ContactCreated,
    identity_pb2.ContactUpdated,
    identity_pb2.ContactEnded,
    identity_pb2.ContactDeleted,
)


@strawberry.type
class IdentityEventFields:
    @strawberry.field(
        description="Fields of the client or contact that changed, by their proto names "
        '("addresses", "personal"...); empty for other events.'
    )
    @staticmethod
    def changed_fields(root: strawberry.Parent[LiveEvent]) -> list[str]:
        if isinstance(root.payload, _CHANGES):
            return list(root.payload.changed_fields)
        return []


SECTION = ServiceSection(
    service="identity",
    sections=(IDENTITY, CONTACTS, RELATIONS, DUPLICATE_SUSPECTS),
    query=IdentityQuery,
    mutation=IdentityMutation,
    records=_read_clients,
    # A merge's completion reaches the surviving file's screen.
    events=(*_CHANGES, lifecycle_pb2.MergeCompleted),
    event_fields=IdentityEventFields,
)
