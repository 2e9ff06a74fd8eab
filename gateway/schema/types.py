"""Output types of the client file.

Their fields resolve straight from the protobuf messages the services return (the default
resolver reads the attribute of the same name), so a leaf field costs an attribute read: no
copy into intermediate objects, no per-field resolver. Strings the service leaves unset come
out as "" (proto3 semantics); only optional numbers and timestamps have resolvers.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, cast

import strawberry

from client360.common.v1 import common_pb2
from client360.identity.v1 import identity_pb2
from gateway.context import RequestContext
from gateway.schema.compliance import Compliance
from gateway.schema.timestamps import timestamp

Info = strawberry.Info[RequestContext, None]


@strawberry.enum(description="Individual or professional (company, sole trader).")
class ClientKind(Enum):
    # Values are the proto enum numbers, so the proto field serializes as it is.
    INDIVIDUAL = identity_pb2.CLIENT_KIND_INDIVIDUAL
    PROFESSIONAL = identity_pb2.CLIENT_KIND_PROFESSIONAL


@strawberry.type
class Phone:
    number: str = strawberry.field(description="E.164, for example +33612345678.")
    kind: str
    primary: bool


@strawberry.type
class Email:
    address: str
    kind: str
    primary: bool


@strawberry.type
class Address:
    id: strawberry.ID
    label: str
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str
    primary: bool

    @strawberry.field
    @staticmethod
    def latitude(root: strawberry.Parent[common_pb2.Address]) -> float | None:
        return root.latitude if root.HasField("latitude") else None

    @strawberry.field
    @staticmethod
    def longitude(root: strawberry.Parent[common_pb2.Address]) -> float | None:
        return root.longitude if root.HasField("longitude") else None


@strawberry.type
class AuditStamps:
    created_by: str
    updated_by: str

    @strawberry.field
    @staticmethod
    def created_at(root: strawberry.Parent[common_pb2.AuditStamps]) -> datetime | None:
        return timestamp(root, "created_at")

    @strawberry.field
    @staticmethod
    def updated_at(root: strawberry.Parent[common_pb2.AuditStamps]) -> datetime | None:
        return timestamp(root, "updated_at")


@strawberry.type
class PersonalInfo:
    marital_status: str
    gender: str
    birth_date: str = strawberry.field(description="YYYY-MM-DD.")
    birth_place: str
    profession: str
    pcs_code: str
    social_security_number: str = strawberry.field(
        description="NIR; masked for roles that may not see it."
    )
    social_security_regime: str


@strawberry.type
class ProfessionalInfo:
    legal_name: str
    siren: str
    siret: str
    legal_form: str
    activity_code: str


@strawberry.type
class FamilyMember:
    first_name: str
    last_name: str
    relationship: str
    birth_date: str
    birth_place: str
    social_security_number: str
    attached_to_insured_social_security: bool


@strawberry.type
class BankAccount:
    iban: str = strawberry.field(description="Masked for roles that may not see it.")
    bic: str
    holder: str
    label: str


@strawberry.type
class Management:
    account_manager: str
    origin: str
    comment: str


@strawberry.type
class Flags:
    internal: bool
    leasing_company: bool
    archived: bool
    communication_blocked: bool
    preferred_channel: str
    portal_access: bool


@strawberry.type(description="Who the client is: the Identity section of the file.")
class Identity:
    reference: str
    registration_number: str
    dms_number: str
    civility: str
    first_name: str
    last_name: str
    phones: list[Phone]
    emails: list[Email]
    addresses: list[Address]
    personal: PersonalInfo
    professional: ProfessionalInfo
    family_members: list[FamilyMember]
    bank_accounts: list[BankAccount]
    management: Management
    flags: Flags
    important_notes: str
    memo: str = strawberry.field(description="Visible to technicians.")
    audit: AuditStamps

    @strawberry.field
    @staticmethod
    def primary_address(root: strawberry.Parent[identity_pb2.Client]) -> Address | None:
        primary = next((a for a in root.addresses if a.primary), None)
        return cast(Address | None, primary)


@strawberry.type
class Consents:
    e_signature: bool
    commercial_emails: bool
    partner_emails: bool


@strawberry.type
class RecipientRoles:
    due_notices: bool
    unpaid_reminders: bool
    document_reminders: bool
    claim_settlements: bool


@strawberry.type
class Contact:
    id: strawberry.ID
    client_id: strawberry.ID
    civility: str
    first_name: str
    last_name: str
    function: str
    display_order: int
    valid_from: str
    valid_to: str
    phones: list[Phone]
    emails: list[Email]
    consents: Consents
    recipient_roles: RecipientRoles
    portal_access: bool
    version: int
    audit: AuditStamps

    @strawberry.field
    @staticmethod
    def address(root: strawberry.Parent[identity_pb2.Contact]) -> Address | None:
        return cast(Address, root.address) if root.HasField("address") else None


@strawberry.type(description="Relations: one parent at most, any number of associated clients.")
class Relations:
    @strawberry.field
    @staticmethod
    def parent_id(root: strawberry.Parent[identity_pb2.Client]) -> strawberry.ID | None:
        return strawberry.ID(root.parent_client_id) if root.parent_client_id else None

    @strawberry.field
    @staticmethod
    async def parent(
        root: strawberry.Parent[identity_pb2.Client], info: Info
    ) -> Annotated[Client, strawberry.lazy("gateway.schema.types")] | None:
        if not root.parent_client_id:
            return None
        return cast(Client | None, await info.context.loaders.client.load(root.parent_client_id))

    @strawberry.field
    @staticmethod
    async def associated(
        root: strawberry.Parent[identity_pb2.Client], info: Info
    ) -> list[Annotated[Client, strawberry.lazy("gateway.schema.types")]]:
        found = await info.context.loaders.client.load_many(list(root.associated_client_ids))
        return [cast(Client, c) for c in found if c is not None]


@strawberry.type(description="A client's file; each section is fetched from the service owning it.")
class Client:
    id: strawberry.ID
    reference: str
    display_name: str
    kind: ClientKind
    version: int = strawberry.field(description="Pass it back to updateClient.")

    @strawberry.field
    @staticmethod
    def identity(root: strawberry.Parent[identity_pb2.Client]) -> Identity:
        return cast(Identity, root)

    @strawberry.field
    @staticmethod
    async def contacts(
        root: strawberry.Parent[identity_pb2.Client], info: Info, include_historical: bool = False
    ) -> list[Contact]:
        """Contacts valid today, in display order; all of them with includeHistorical."""
        found = await info.context.loaders.contacts.load((root.id, include_historical))
        return cast(list[Contact], found)

    @strawberry.field
    @staticmethod
    def relations(root: strawberry.Parent[identity_pb2.Client]) -> Relations:
        return cast(Relations, root)

    @strawberry.field(description="Asset-freeze status and screenings (compliance service).")
    @staticmethod
    def compliance(root: strawberry.Parent[identity_pb2.Client], info: Info) -> Compliance | None:
        # Not `async def`: a page's sections are usually prefetched (Query.clients), and then
        # the answer is returned as it is; otherwise the DataLoader's future is returned, and
        # graphql-core awaits it like any awaitable result.
        loaders = info.context.loaders
        key = (root.id, info.context.plan.compliance_depth(info._raw_info))
        section = loaders.prefetched.get(key)
        if section is None:
            return cast(Compliance, loaders.compliance.load(key))
        if isinstance(section, Exception):
            raise section
        return cast(Compliance, section)


@strawberry.type
class PageInfo:
    end_cursor: str | None
    has_next_page: bool


@strawberry.type
class ClientEdge:
    cursor: str
    node: Client


@strawberry.type
class ClientConnection:
    edges: list[ClientEdge]
    page_info: PageInfo
    total_count: int

    @strawberry.field
    def nodes(self) -> list[Client]:
        return [edge.node for edge in self.edges]
