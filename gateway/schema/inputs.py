"""Input types shared by the sections (the common protos: phones, emails, addresses), their
conversion to protos, and the fields of an input the caller actually gave.

An input comes in two forms: to add an item (``PhoneInput``: what is left out takes its default)
and to change one (``PhoneUpdateInput``: only the fields given change, the update mask is built
from them, like updateClient's).
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from enum import Enum
from typing import Any

import strawberry
from strawberry import UNSET

from client360.common.v1 import common_pb2
from gateway.schema.types import EmailKind, PhoneKind

_NUMBER = 'Any format ("06 12 34 56 78", "+33 6 12 34 56 78"): stored in E.164; French by default.'
_PRIMARY_PHONE = "Make it the primary phone (the previous primary one no longer is)."
_PRIMARY_EMAIL = "Make it the primary email (the previous primary one no longer is)."
_PRIMARY_ADDRESS = "Make it the primary address (the previous primary one becomes secondary)."
_LATITUDE = "Latitude in decimal degrees (WGS 84), -90 to 90."
_LONGITUDE = "Longitude in decimal degrees (WGS 84), -180 to 180."
_COUNTRY = "ISO 3166-1 alpha-2 country code, for example FR."


@strawberry.input(description="A phone number to add.")
class PhoneInput:
    number: str = strawberry.field(description=_NUMBER)
    kind: PhoneKind | None = strawberry.field(default=None, description="What it is for.")
    primary: bool = strawberry.field(
        default=False,
        description=_PRIMARY_PHONE + " The first phone of a client is primary anyway.",
    )


@strawberry.input(description="An email address to add.")
class EmailInput:
    address: str = strawberry.field(description="The address; stored normalized.")
    kind: EmailKind | None = strawberry.field(default=None, description="What it is for.")
    primary: bool = strawberry.field(
        default=False,
        description=_PRIMARY_EMAIL + " The first email of a client is primary anyway.",
    )


@strawberry.input(description="A postal address to add.")
class AddressInput:
    label: str = strawberry.field(default="", description='What it is ("Domicile", "Siège").')
    line1: str = strawberry.field(default="", description="Number and street.")
    line2: str = strawberry.field(default="", description="What comes after the street.")
    postal_code: str = strawberry.field(default="", description='Postal code ("69003").')
    city: str = strawberry.field(default="", description="City or town.")
    country: str = strawberry.field(default="FR", description=_COUNTRY)
    primary: bool = strawberry.field(
        default=False,
        description=_PRIMARY_ADDRESS + " The first address of a client is primary anyway.",
    )
    latitude: float | None = strawberry.field(default=None, description=_LATITUDE)
    longitude: float | None = strawberry.field(default=None, description=_LONGITUDE)


@strawberry.input(
    description="Changes to a phone: only the fields given change (null counts as not given)."
)
class PhoneUpdateInput:
    number: str | None = strawberry.field(default=UNSET, description=_NUMBER)
    kind: PhoneKind | None = strawberry.field(default=UNSET, description="What it is for.")
    primary: bool | None = strawberry.field(
        default=UNSET,
        description="true makes it the primary phone; the primary mark cannot be taken off "
        "(make another phone primary instead).",
    )


@strawberry.input(
    description="Changes to an email: only the fields given change (null counts as not given)."
)
class EmailUpdateInput:
    address: str | None = strawberry.field(default=UNSET, description="The address.")
    kind: EmailKind | None = strawberry.field(default=UNSET, description="What it is for.")
    primary: bool | None = strawberry.field(
        default=UNSET,
        description="true makes it the primary email; the primary mark cannot be taken off "
        "(make another email primary instead).",
    )


@strawberry.input(
    description="Changes to an address: only the fields given change, null counting as not "
    "given (change the city alone and the street and the position on the map stay)."
)
class AddressUpdateInput:
    label: str | None = strawberry.field(default=UNSET, description="What it is.")
    line1: str | None = strawberry.field(default=UNSET, description="Number and street.")
    line2: str | None = strawberry.field(default=UNSET, description="What comes after the street.")
    postal_code: str | None = strawberry.field(default=UNSET, description="Postal code.")
    city: str | None = strawberry.field(default=UNSET, description="City or town.")
    country: str | None = strawberry.field(default=UNSET, description=_COUNTRY)
    primary: bool | None = strawberry.field(
        default=UNSET,
        description="true makes it the primary address (see also setPrimaryAddress); the "
        "primary mark cannot be taken off (make another address primary instead).",
    )
    latitude: float | None = strawberry.field(default=UNSET, description=_LATITUDE)
    longitude: float | None = strawberry.field(default=UNSET, description=_LONGITUDE)


def _given(value: Any) -> bool:
    return value is not UNSET and value is not None


def proto_value(value: Any) -> Any:
    """A value as its proto field takes it: an enum's proto number, anything else as it is."""
    return value.value if isinstance(value, Enum) else value


def given_fields(source: Any) -> dict[str, Any]:
    """The given fields of a flat input object, by name, as their proto fields take them (an
    omitted or null field is left as it is)."""
    return {
        f.name: proto_value(getattr(source, f.name))
        for f in dataclass_fields(source)
        if _given(getattr(source, f.name))
    }


def phone_proto(p: PhoneInput | PhoneUpdateInput) -> common_pb2.Phone:
    return common_pb2.Phone(**given_fields(p))


def email_proto(e: EmailInput | EmailUpdateInput) -> common_pb2.Email:
    return common_pb2.Email(**given_fields(e))


def address_proto(a: AddressInput | AddressUpdateInput) -> common_pb2.Address:
    return common_pb2.Address(**given_fields(a))
