"""Output types shared by the sections: the common protos (phones, emails, addresses, audit
stamps), their enums, and paging.

Fields resolve straight from the protobuf messages the services return (the schema's default
resolver reads the attribute of the same name, "" being null), so a leaf field costs an
attribute read: no copy into intermediate objects, no per-field resolver. Only optional
numbers and timestamps have resolvers, to tell unset from zero.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from client360.common.v1 import common_pb2
from gateway.schema.enums import enum_field, proto_enum
from gateway.schema.timestamps import timestamp
from runtime.kit.money import Money


@proto_enum(common_pb2.PhoneKind)
class PhoneKind(Enum):
    """What a phone number is for."""


@proto_enum(common_pb2.EmailKind)
class EmailKind(Enum):
    """What an email address is for."""


@strawberry.type(description="A phone number of a client or a contact.")
class Phone:
    id: strawberry.ID = strawberry.field(
        description="Stable id of this phone; names it in updatePhone and removeClientItem."
    )
    number: str = strawberry.field(description="E.164, for example +33612345678.")
    kind: PhoneKind | None = enum_field("What the number is for; null when not given.")
    primary: bool = strawberry.field(
        description="The number to use first; exactly one phone of a list is primary."
    )


@strawberry.type(description="An email address of a client or a contact.")
class Email:
    id: strawberry.ID = strawberry.field(
        description="Stable id of this email; names it in updateEmail and removeClientItem."
    )
    address: str = strawberry.field(description="The address, normalized (domain lower-cased).")
    kind: EmailKind | None = enum_field("What the address is for; null when not given.")
    primary: bool = strawberry.field(
        description="The address to use first; exactly one email of a list is primary."
    )


@strawberry.type(description="A postal address, with its position on the map when known.")
class Address:
    id: strawberry.ID = strawberry.field(
        description="Stable id of this address; names it in updateAddress, setPrimaryAddress "
        "and removeClientItem."
    )
    label: str | None = strawberry.field(
        description='What the address is, in the agency\'s words ("Domicile", "Siège").'
    )
    line1: str | None = strawberry.field(description="Number and street.")
    line2: str | None = strawberry.field(
        description="Building, floor, post box: what comes after the street."
    )
    postal_code: str | None = strawberry.field(description='Postal code, as written ("69003").')
    city: str | None = strawberry.field(description="City or town.")
    country: str | None = strawberry.field(
        description="ISO 3166-1 alpha-2 country code, for example FR."
    )
    primary: bool = strawberry.field(
        description="The client's main address (exactly one of a client's addresses is)."
    )

    @strawberry.field(
        description="Latitude in decimal degrees (WGS 84), -90 to 90; null when not geocoded."
    )
    @staticmethod
    def latitude(root: strawberry.Parent[common_pb2.Address]) -> float | None:
        return root.latitude if root.HasField("latitude") else None

    @strawberry.field(
        description="Longitude in decimal degrees (WGS 84), -180 to 180; null when not geocoded."
    )
    @staticmethod
    def longitude(root: strawberry.Parent[common_pb2.Address]) -> float | None:
        return root.longitude if root.HasField("longitude") else None


@strawberry.type(description="Who created a record and when, who changed it last and when.")
class AuditStamps:
    created_by: str | None = strawberry.field(description="User id of whoever created it.")
    updated_by: str | None = strawberry.field(description="User id of whoever changed it last.")

    @strawberry.field(description="When it was created (ISO 8601, UTC).")
    @staticmethod
    def created_at(root: strawberry.Parent[common_pb2.AuditStamps]) -> datetime | None:
        return timestamp(root, "created_at")

    @strawberry.field(description="When it was last changed (ISO 8601, UTC).")
    @staticmethod
    def updated_at(root: strawberry.Parent[common_pb2.AuditStamps]) -> datetime | None:
        return timestamp(root, "updated_at")


@strawberry.type(description="Where a page of a list ends, and whether more follow.")
class PageInfo:
    end_cursor: str | None = strawberry.field(
        description="Pass it as `after` to get the next page; null on an empty page."
    )
    has_next_page: bool = strawberry.field(description="Whether another page follows.")


# Money, shared by every section that shows or takes an amount.


@strawberry.type(
    description="An amount of money: an exact decimal in major units and its ISO 4217 currency."
)
class MoneyAmount:
    amount: str = strawberry.field(
        description='The exact amount in major units, with the currency\'s decimals ("12.50" '
        'EUR, "1200" JPY, "1.250" BHD); negative in the client\'s favour.'
    )
    currency: str = strawberry.field(description="ISO 4217 code.")


@strawberry.input(description="An amount as typed, in major units, with its currency.")
class MoneyInput:
    amount: str = strawberry.field(
        description='A positive decimal with at most the currency\'s decimals ("12.50" EUR, '
        '"1200" JPY, "1.250" BHD).'
    )
    currency: str = strawberry.field(description="ISO 4217 code.")


def money(message: common_pb2.Money) -> MoneyAmount:
    amount = Money(message.amount_minor, message.currency).to_decimal()
    return MoneyAmount(amount=str(amount), currency=message.currency)
