"""Output types shared by the sections: the common protos (phones, emails, addresses, audit
stamps) and paging.

Fields resolve straight from the protobuf messages the services return (the default resolver
reads the attribute of the same name), so a leaf field costs an attribute read: no copy into
intermediate objects, no per-field resolver. Strings the service leaves unset come out as ""
(proto3 semantics); only optional numbers and timestamps have resolvers.
"""

from __future__ import annotations

from datetime import datetime

import strawberry

from client360.common.v1 import common_pb2
from gateway.schema.timestamps import timestamp


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
class PageInfo:
    end_cursor: str | None
    has_next_page: bool
