"""Erasing a client's personal data through the gateway, and its certificate: identity runs
the erasure, every other service confirms its part (what it erased, what the law makes it
keep), and each confirmation is kept with its time."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast

import strawberry

from client360.common.v1 import common_pb2
from client360.identity.v1 import identity_pb2
from gateway.context import Info
from gateway.schema.enums import proto_enum
from gateway.schema.timestamps import timestamp
from gateway.sections.merges import RecordCount


@proto_enum(identity_pb2.ErasureStatus)
class ErasureStatus(Enum):
    """Where an erasure of a client's personal data stands."""


@strawberry.type(
    description="What a service keeps of an erased client because the law requires it."
)
class Retention:
    what: str = strawberry.field(description="What is kept (invoices, screenings…).")
    count: int = strawberry.field(description="How many records.")
    until: str = strawberry.field(description="For how long.")
    rule: str = strawberry.field(description="The rule that requires it.")


@strawberry.type(description="One service's confirmed part of an erasure.")
class ErasureStep:
    service: str = strawberry.field(description="The service that erased its part.")
    retained: list[Retention] = strawberry.field(
        description="What it keeps by law, without personal data beyond what is required."
    )

    @strawberry.field(description="When it confirmed (ISO 8601, UTC).")
    @staticmethod
    def done_at(root: strawberry.Parent[identity_pb2.ErasureStep]) -> datetime | None:
        return timestamp(root, "done_at")

    @strawberry.field(description="What it erased or anonymised, by kind.")
    @staticmethod
    def erased(root: strawberry.Parent[identity_pb2.ErasureStep]) -> list[RecordCount]:
        return [RecordCount(kind=k, count=v) for k, v in sorted(root.erased.items())]


@strawberry.type(
    description="An erasure of a client's personal data (GDPR art. 17) and its certificate: "
    "each service's confirmation with its time and what it keeps by law."
)
class Erasure:
    id: strawberry.ID = strawberry.field(description="The erasure's id.")
    client_id: strawberry.ID = strawberry.field(description="The erased client.")
    client_reference: str = strawberry.field(description="Its reference, kept.")
    reason: str = strawberry.field(description="Why the data was erased.")
    status: ErasureStatus = strawberry.field(description="Whether every service has confirmed.")
    steps: list[ErasureStep] = strawberry.field(description="The confirmations so far.")
    awaiting: list[str] = strawberry.field(
        description="The services still to confirm (a service down does its part when back)."
    )
    requested_by: str = strawberry.field(description="Who asked for the erasure.")

    @strawberry.field(description="When the erasure was asked for (ISO 8601, UTC).")
    @staticmethod
    def requested_at(root: strawberry.Parent[identity_pb2.Erasure]) -> datetime | None:
        return timestamp(root, "requested_at")

    @strawberry.field(description="When the last service confirmed; null until then.")
    @staticmethod
    def completed_at(root: strawberry.Parent[identity_pb2.Erasure]) -> datetime | None:
        return timestamp(root, "completed_at")


async def erase(info: Info, client_id: str, reason: str) -> Erasure:
    context = info.context
    done = await context.clients.identity.erase_client(context.caller, client_id, reason)
    return cast(Erasure, done)


async def get(info: Info, erasure_id: str) -> Erasure:
    context = info.context
    return cast(Erasure, await context.clients.identity.get_erasure(context.caller, erasure_id))


@strawberry.type(
    description="One sensitive act, kept for the audit: an unmasked social security number or "
    "IBAN read, a merge, an erasure. It holds no sensitive value."
)
class AuditEntry:
    id: strawberry.ID = strawberry.field(description="The entry's id.")
    user_id: str = strawberry.field(description="Who did it.")
    role: str = strawberry.field(description="With which role.")
    action: str = strawberry.field(description='"read", "merge" or "erase".')
    client_id: strawberry.ID = strawberry.field(description="The client concerned.")
    fields: list[str] = strawberry.field(
        description="For a read: the numbers it showed in clear (personal."
        "socialSecurityNumber, bankAccounts[].iban, familyMembers[].socialSecurityNumber)."
    )

    @strawberry.field(description="When (ISO 8601, UTC).")
    @staticmethod
    def at(root: strawberry.Parent[identity_pb2.AuditEntry]) -> datetime | None:
        return timestamp(root, "at")


@strawberry.type(description="A page of the audit, newest first.")
class AuditTrail:
    entries: list[AuditEntry] = strawberry.field(description="The entries of the page.")
    end_cursor: str | None = strawberry.field(description="Pass it as `after` to read on.")
    has_next_page: bool = strawberry.field(description="Whether older entries follow.")
    total_count: int = strawberry.field(description="Entries in the whole listing.")


async def audit(
    info: Info, client_id: str | None, user_id: str | None, first: int, after: str | None
) -> AuditTrail:
    context = info.context
    request = identity_pb2.ListAuditEntriesRequest(
        client_id=client_id or "",
        user_id=user_id or "",
        page=common_pb2.PageRequest(first=first, after=after or ""),
    )
    found = await context.clients.identity.list_audit_entries(context.caller, request)
    return AuditTrail(
        entries=cast(list[AuditEntry], list(found.entries)),
        end_cursor=found.page_info.end_cursor or None,
        has_next_page=found.page_info.has_next_page,
        total_count=found.total_count,
    )
