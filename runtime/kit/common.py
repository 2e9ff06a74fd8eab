"""The shapes of common.proto as stored documents (phone, email, address, audit stamps) and
their mapping to and from the protos, field by field (no reflection: this is on every read).

Documents may lack keys (older records, partial inputs), so the shapes are not total and the
mapping fills proto defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from client360.common.v1 import common_pb2
from runtime.clock import timestamp
from runtime.kit.vocabulary import Vocabulary

# The words stored for common.proto's PhoneKind and EmailKind ("" when not given).
PHONE_KINDS = Vocabulary(
    common_pb2.PhoneKind,
    {
        common_pb2.PHONE_KIND_MOBILE: "mobile",
        common_pb2.PHONE_KIND_LANDLINE: "landline",
        common_pb2.PHONE_KIND_WORK: "work",
        common_pb2.PHONE_KIND_FAX: "fax",
        common_pb2.PHONE_KIND_OTHER: "other",
    },
)
EMAIL_KINDS = Vocabulary(
    common_pb2.EmailKind,
    {
        common_pb2.EMAIL_KIND_PERSONAL: "personal",
        common_pb2.EMAIL_KIND_WORK: "work",
        common_pb2.EMAIL_KIND_OTHER: "other",
    },
)


class Phone(TypedDict, total=False):
    id: str
    number: str  # E.164
    kind: str  # a word of PHONE_KINDS
    primary: bool


class Email(TypedDict, total=False):
    id: str
    address: str
    kind: str  # a word of EMAIL_KINDS
    primary: bool


class Address(TypedDict, total=False):
    id: str
    label: str
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str  # ISO 3166-1 alpha-2
    primary: bool
    latitude: float | None
    longitude: float | None


class AuditStamps(TypedDict):
    """Who created a record and when, who changed it last and when (ISO 8601, UTC)."""

    created_at: str
    created_by: str
    updated_at: str
    updated_by: str


# Documents → protos


def phones_to_proto(items: Iterable[Phone]) -> list[common_pb2.Phone]:
    return [
        common_pb2.Phone(
            id=p.get("id", ""),
            number=p.get("number", ""),
            kind=PHONE_KINDS.to_proto(p.get("kind", "")),
            primary=p.get("primary", False),
        )
        for p in items
    ]


def emails_to_proto(items: Iterable[Email]) -> list[common_pb2.Email]:
    return [
        common_pb2.Email(
            id=e.get("id", ""),
            address=e.get("address", ""),
            kind=EMAIL_KINDS.to_proto(e.get("kind", "")),
            primary=e.get("primary", False),
        )
        for e in items
    ]


def address_to_proto(a: Address) -> common_pb2.Address:
    return common_pb2.Address(
        id=a.get("id", ""),
        label=a.get("label", ""),
        line1=a.get("line1", ""),
        line2=a.get("line2", ""),
        postal_code=a.get("postal_code", ""),
        city=a.get("city", ""),
        country=a.get("country", ""),
        primary=a.get("primary", False),
        latitude=a.get("latitude"),
        longitude=a.get("longitude"),
    )


def audit_to_proto(a: AuditStamps | None) -> common_pb2.AuditStamps:
    if a is None:
        return common_pb2.AuditStamps()
    return common_pb2.AuditStamps(
        created_at=timestamp(a.get("created_at", "")),
        created_by=a.get("created_by", ""),
        updated_at=timestamp(a.get("updated_at", "")),
        updated_by=a.get("updated_by", ""),
    )


# Protos → documents


# A phone or an email carries an id only when the caller named one (the owning service
# assigns ids; a caller names one to keep it).


def phones_from_proto(items: Iterable[common_pb2.Phone]) -> list[Phone]:
    out: list[Phone] = []
    for p in items:
        phone: Phone = {
            "number": p.number,
            "kind": PHONE_KINDS.to_word(p.kind),
            "primary": p.primary,
        }
        if p.id:
            phone["id"] = p.id
        out.append(phone)
    return out


def emails_from_proto(items: Iterable[common_pb2.Email]) -> list[Email]:
    out: list[Email] = []
    for e in items:
        email: Email = {
            "address": e.address,
            "kind": EMAIL_KINDS.to_word(e.kind),
            "primary": e.primary,
        }
        if e.id:
            email["id"] = e.id
        out.append(email)
    return out


def address_from_proto(a: common_pb2.Address) -> Address:
    return {
        "id": a.id,
        "label": a.label,
        "line1": a.line1,
        "line2": a.line2,
        "postal_code": a.postal_code,
        "city": a.city,
        "country": a.country,
        "primary": a.primary,
        # Unset stays None: 0.0 is a real coordinate.
        "latitude": a.latitude if a.HasField("latitude") else None,
        "longitude": a.longitude if a.HasField("longitude") else None,
    }
