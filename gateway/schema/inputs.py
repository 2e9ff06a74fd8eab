"""Input types shared by the sections (the common protos: phones, emails, addresses), their
conversion to protos, and the fields of an input the caller actually gave."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

import strawberry
from strawberry import UNSET

from client360.common.v1 import common_pb2


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


def _given(value: Any) -> bool:
    return value is not UNSET and value is not None


def phone_proto(p: PhoneInput) -> common_pb2.Phone:
    return common_pb2.Phone(number=p.number, kind=p.kind, primary=p.primary)


def email_proto(e: EmailInput) -> common_pb2.Email:
    return common_pb2.Email(address=e.address, kind=e.kind, primary=e.primary)


def address_proto(a: AddressInput) -> common_pb2.Address:
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


def given_fields(source: Any) -> dict[str, Any]:
    """The given fields of a flat input object, by name (an omitted field is left as it is)."""
    return {
        f.name: getattr(source, f.name)
        for f in dataclass_fields(source)
        if _given(getattr(source, f.name))
    }
