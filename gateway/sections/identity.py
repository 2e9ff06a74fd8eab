"""Identity's part of the client file: who the client is (the record every file starts from),
who to talk to (contacts) and how clients relate (relations); the client queries and identity's
mutations.

Types resolve straight from identity's protos: a leaf field is an attribute read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
from strawberry import UNSET

from client360.identity.v1 import identity_pb2
from gateway.context import Info, RequestContext
from gateway.errors import not_found
from gateway.planner import (
    Argument,
    Link,
    Linked,
    Mask,
    Section,
    ServiceSection,
    link_field,
)
from gateway.schema.inputs import (
    AddressInput,
    EmailInput,
    PhoneInput,
    address_proto,
    email_proto,
    given_fields,
    phone_proto,
)
from gateway.schema.types import Address, AuditStamps, Email, PageInfo, Phone
from gateway.selection import SelectedField, fields

if TYPE_CHECKING:
    from gateway.schema.client import Client

ClientRef = Annotated["Client", strawberry.lazy("gateway.schema.client")]


@strawberry.enum(description="Individual or professional (company, sole trader).")
class ClientKind(Enum):
    # Values are the proto enum numbers, so the proto field serializes as it is.
    INDIVIDUAL = identity_pb2.CLIENT_KIND_INDIVIDUAL
    PROFESSIONAL = identity_pb2.CLIENT_KIND_PROFESSIONAL


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
    # Read in one call for a whole page (and their own sections planned the same way); null
    # with the error when that call fails.
    parent: ClientRef | None = link_field()
    associated: list[ClientRef] | None = link_field()

    @strawberry.field
    @staticmethod
    def parent_id(root: strawberry.Parent[Linked]) -> strawberry.ID | None:
        parent_id = root.record.parent_client_id
        return strawberry.ID(parent_id) if parent_id else None


@strawberry.type
class ClientEdge:
    cursor: str
    node: ClientRef


@strawberry.type
class ClientConnection:
    edges: list[ClientEdge]
    nodes: list[ClientRef]
    page_info: PageInfo
    total_count: int


@strawberry.input
class PersonalInfoInput:
    marital_status: str | None = UNSET
    gender: str | None = UNSET
    birth_date: str | None = UNSET
    birth_place: str | None = UNSET
    profession: str | None = UNSET
    pcs_code: str | None = UNSET
    social_security_number: str | None = UNSET
    social_security_regime: str | None = UNSET


@strawberry.input
class ProfessionalInfoInput:
    legal_name: str | None = UNSET
    siren: str | None = UNSET
    siret: str | None = UNSET
    legal_form: str | None = UNSET
    activity_code: str | None = UNSET


@strawberry.input
class FamilyMemberInput:
    first_name: str = ""
    last_name: str = ""
    relationship: str = ""
    birth_date: str = ""
    birth_place: str = ""
    social_security_number: str = ""
    attached_to_insured_social_security: bool = False


@strawberry.input
class BankAccountInput:
    iban: str
    bic: str = ""
    holder: str = ""
    label: str = ""


@strawberry.input
class ManagementInput:
    account_manager: str | None = UNSET
    origin: str | None = UNSET
    comment: str | None = UNSET


@strawberry.input
class FlagsInput:
    internal: bool | None = UNSET
    leasing_company: bool | None = UNSET
    communication_blocked: bool | None = UNSET
    preferred_channel: str | None = UNSET
    portal_access: bool | None = UNSET


@strawberry.input(description="Fields of a client; on update, only the fields given change.")
class ClientInput:
    kind: ClientKind | None = UNSET
    reference: str | None = UNSET
    registration_number: str | None = UNSET
    dms_number: str | None = UNSET
    civility: str | None = UNSET
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    phones: list[PhoneInput] | None = UNSET
    emails: list[EmailInput] | None = UNSET
    addresses: list[AddressInput] | None = UNSET
    personal: PersonalInfoInput | None = UNSET
    professional: ProfessionalInfoInput | None = UNSET
    family_members: list[FamilyMemberInput] | None = UNSET
    bank_accounts: list[BankAccountInput] | None = UNSET
    management: ManagementInput | None = UNSET
    flags: FlagsInput | None = UNSET
    important_notes: str | None = UNSET
    memo: str | None = UNSET


@strawberry.input
class ConsentsInput:
    e_signature: bool = False
    commercial_emails: bool = False
    partner_emails: bool = False


@strawberry.input
class RecipientRolesInput:
    due_notices: bool = False
    unpaid_reminders: bool = False
    document_reminders: bool = False
    claim_settlements: bool = False


@strawberry.input(description="Fields of a contact; on update, only the fields given change.")
class ContactInput:
    civility: str | None = UNSET
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    function: str | None = UNSET
    display_order: int | None = UNSET
    valid_from: str | None = UNSET
    valid_to: str | None = UNSET
    phones: list[PhoneInput] | None = UNSET
    emails: list[EmailInput] | None = UNSET
    address: AddressInput | None = UNSET
    copy_client_address: bool = strawberry.field(
        default=False, description="Copy the client's primary address, phones and emails."
    )
    consents: ConsentsInput | None = UNSET
    recipient_roles: RecipientRolesInput | None = UNSET
    portal_access: bool | None = UNSET


# Sub-objects whose fields are merged one by one on update; everything else is replaced whole.
_MERGED = ("personal", "professional", "management", "flags")


def client_input_to_proto(data: ClientInput) -> tuple[identity_pb2.ClientInput, list[str]]:
    message = identity_pb2.ClientInput()
    paths: list[str] = []
    for name, value in given_fields(data).items():
        if name == "kind":
            message.kind = value.value
        elif name == "phones":
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


# What each section takes from the query's selection.

# The record fields each field of Identity shows; the others show the field of the same name.
_IDENTITY_READS = {"primaryAddress": ("addresses",), "reference": ()}
_RELATIONS_READS = {
    "parentId": ("parent_client_id",),
    "parent": ("parent_client_id",),
    "associated": ("associated_client_ids",),
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
    context: RequestContext, client_ids: list[str], include_historical: bool
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
    description="Contacts valid today, in display order; all of them with includeHistorical.",
    load=_load_contacts,
    request=_include_historical,
    arguments=(Argument("include_historical", bool, False),),
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


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="One client's file; null with NOT_FOUND if it is not yours.")
    async def client(self, info: Info, id: strawberry.ID) -> ClientRef | None:
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
        search: str | None = None,
        first: int = 20,
        after: str | None = None,
        include_archived: bool = False,
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


async def _file(info: Info, record: identity_pb2.Client) -> Client:
    """A client a mutation returns, with the sections its selection shows."""
    context = info.context
    ((file,),) = await context.planner.complete(context, context.planner.plan(info), [record])
    return cast("Client", file)


@strawberry.type
class IdentityMutation:
    @strawberry.mutation
    async def create_client(self, info: Info, input: ClientInput) -> ClientRef | None:
        message, _ = client_input_to_proto(input)
        client = await info.context.clients.identity.create_client(info.context.caller, message)
        return await _file(info, client)

    @strawberry.mutation(description="Changes the fields given; version must be the current one.")
    async def update_client(
        self, info: Info, id: strawberry.ID, version: int, input: ClientInput
    ) -> ClientRef | None:
        message, paths = client_input_to_proto(input)
        client = await info.context.clients.identity.update_client(
            info.context.caller, id, version, message, paths
        )
        return await _file(info, client)

    @strawberry.mutation
    async def archive_client(self, info: Info, id: strawberry.ID) -> ClientRef | None:
        client = await info.context.clients.identity.archive_client(info.context.caller, id)
        return await _file(info, client)

    @strawberry.mutation
    async def add_contact(
        self, info: Info, client_id: strawberry.ID, input: ContactInput
    ) -> Contact | None:
        message, _ = contact_input_to_proto(input)
        contact = await info.context.clients.identity.add_contact(
            info.context.caller, client_id, message
        )
        return cast(Contact, contact)

    @strawberry.mutation
    async def update_contact(
        self, info: Info, id: strawberry.ID, version: int, input: ContactInput
    ) -> Contact | None:
        message, paths = contact_input_to_proto(input)
        contact = await info.context.clients.identity.update_contact(
            info.context.caller, id, version, message, paths
        )
        return cast(Contact, contact)

    @strawberry.mutation(description="Ends a contact's validity (today when validTo is omitted).")
    async def end_contact(
        self, info: Info, id: strawberry.ID, valid_to: str | None = None
    ) -> Contact | None:
        contact = await info.context.clients.identity.end_contact(
            info.context.caller, id, valid_to or ""
        )
        return cast(Contact, contact)

    @strawberry.mutation(description="Sets the parent client; null removes it.")
    async def set_parent_client(
        self, info: Info, client_id: strawberry.ID, parent_client_id: strawberry.ID | None = None
    ) -> ClientRef | None:
        client = await info.context.clients.identity.set_parent_client(
            info.context.caller, client_id, parent_client_id or ""
        )
        return await _file(info, client)

    @strawberry.mutation(description="Associates two clients, or dissociates them.")
    async def associate_clients(
        self,
        info: Info,
        client_id: strawberry.ID,
        other_client_id: strawberry.ID,
        associated: bool = True,
    ) -> ClientRef | None:
        client = await info.context.clients.identity.associate_clients(
            info.context.caller, client_id, other_client_id, associated
        )
        return await _file(info, client)


SECTION = ServiceSection(
    service="identity",
    sections=(IDENTITY, CONTACTS, RELATIONS),
    query=IdentityQuery,
    mutation=IdentityMutation,
    records=_read_clients,
)
