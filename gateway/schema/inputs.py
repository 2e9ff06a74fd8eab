"""Input types, and their conversion to the identity protos with the update mask of the
fields the caller actually gave (an omitted field is left as it is)."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

import strawberry
from strawberry import UNSET

from client360.common.v1 import common_pb2
from client360.identity.v1 import identity_pb2
from gateway.schema.types import ClientKind


@strawberry.input
class PhoneInput:
    number: str = strawberry.field(description="Any format; French numbers by default.")
    kind: str = ""
    primary: bool = False


@strawberry.input
class EmailInput:
    address: str
    kind: str = ""
    primary: bool = False


@strawberry.input
class AddressInput:
    label: str = ""
    line1: str = ""
    line2: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "FR"
    primary: bool = False
    latitude: float | None = None
    longitude: float | None = None


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


def _given(value: Any) -> bool:
    return value is not UNSET and value is not None


def _phone(p: PhoneInput) -> common_pb2.Phone:
    return common_pb2.Phone(number=p.number, kind=p.kind, primary=p.primary)


def _email(e: EmailInput) -> common_pb2.Email:
    return common_pb2.Email(address=e.address, kind=e.kind, primary=e.primary)


def _address(a: AddressInput) -> common_pb2.Address:
    return common_pb2.Address(
        label=a.label,
        line1=a.line1,
        line2=a.line2,
        postal_code=a.postal_code,
        city=a.city,
        country=a.country,
        primary=a.primary,
        latitude=a.latitude,
        longitude=a.longitude,
    )


def _flat(source: Any) -> dict[str, Any]:
    """The given fields of a flat input object, by name."""
    return {
        f.name: getattr(source, f.name)
        for f in dataclass_fields(source)
        if _given(getattr(source, f.name))
    }


# Sub-objects whose fields are merged one by one on update; everything else is replaced whole.
_MERGED = ("personal", "professional", "management", "flags")


def client_input_to_proto(data: ClientInput) -> tuple[identity_pb2.ClientInput, list[str]]:
    message = identity_pb2.ClientInput()
    paths: list[str] = []
    for name, value in _flat(data).items():
        if name == "kind":
            message.kind = value.value
        elif name == "phones":
            message.phones.extend(_phone(p) for p in value)
        elif name == "emails":
            message.emails.extend(_email(e) for e in value)
        elif name == "addresses":
            message.addresses.extend(_address(a) for a in value)
        elif name == "family_members":
            message.family_members.extend(identity_pb2.FamilyMember(**_flat(m)) for m in value)
        elif name == "bank_accounts":
            message.bank_accounts.extend(identity_pb2.BankAccount(**_flat(b)) for b in value)
        elif name in _MERGED:
            sub_fields = _flat(value)
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
    for name, value in _flat(data).items():
        if name == "copy_client_address":
            continue
        if name == "phones":
            message.phones.extend(_phone(p) for p in value)
        elif name == "emails":
            message.emails.extend(_email(e) for e in value)
        elif name == "address":
            message.address.CopyFrom(_address(value))
        elif name == "consents":
            message.consents.CopyFrom(identity_pb2.Consents(**_flat(value)))
        elif name == "recipient_roles":
            message.recipient_roles.CopyFrom(identity_pb2.RecipientRoles(**_flat(value)))
        else:
            setattr(message, name, value)
        paths.append(name)
    return message, paths
