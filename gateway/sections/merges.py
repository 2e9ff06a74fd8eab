"""Merging duplicate files through the gateway: the preview (what each file keeps, and what
every service would move), the merge itself and its progress. Identity runs a merge; the
record counts of the preview come from every service that answers CountClientRecords, asked in
parallel, one call each."""

from __future__ import annotations

import asyncio
from datetime import datetime
from enum import Enum
from typing import Annotated, cast

import strawberry

from client360.identity.v1 import identity_pb2
from client360.lifecycle.v1 import lifecycle_pb2
from gateway.context import Info
from gateway.errors import GatewayError
from gateway.schema.enums import proto_enum
from gateway.schema.timestamps import timestamp


@proto_enum(identity_pb2.MergeStatus)
class MergeStatus(Enum):
    """Where a merge of two client files stands."""


@proto_enum(identity_pb2.MergeSide)
class MergeSide(Enum):
    """Which file's value a merge keeps for a field."""


@strawberry.type(description="How many records of one kind moved (or would move).")
class RecordCount:
    kind: str = strawberry.field(description="What the records are (contracts, screenings...).")
    count: int = strawberry.field(description="How many.")


def _counts(records: dict[str, int]) -> list[RecordCount]:
    return [RecordCount(kind=kind, count=count) for kind, count in sorted(records.items())]


@strawberry.type(description="One service's confirmed part of a merge.")
class MergeStep:
    service: str = strawberry.field(description="The service that moved its records.")

    @strawberry.field(description="When it confirmed (ISO 8601, UTC).")
    @staticmethod
    def done_at(root: strawberry.Parent[identity_pb2.MergeStep]) -> datetime | None:
        return timestamp(root, "done_at")

    @strawberry.field(description="What it moved to the surviving file, by kind.")
    @staticmethod
    def moved(root: strawberry.Parent[identity_pb2.MergeStep]) -> list[RecordCount]:
        return _counts(dict(root.moved))


@strawberry.type(
    description="A merge of a duplicate file into the one that stays, kept for its audit: who "
    "asked, when, and what each service moved."
)
class Merge:
    id: strawberry.ID = strawberry.field(description="The merge's id.")
    survivor_id: strawberry.ID = strawberry.field(description="The file that stays.")
    merged_id: strawberry.ID = strawberry.field(
        description="The duplicate, now archived and pointing to the survivor (mergedInto)."
    )
    merged_reference: str = strawberry.field(description="The duplicate's reference.")
    status: MergeStatus = strawberry.field(description="Whether every service has confirmed.")
    steps: list[MergeStep] = strawberry.field(description="The parts confirmed so far.")
    awaiting: list[str] = strawberry.field(
        description="The services whose part is still to come (a service down does its part "
        "when it is back)."
    )
    requested_by: str = strawberry.field(description="Who asked for the merge.")
    taken_from_merged: list[str] = strawberry.field(
        description="The fields whose value was taken from the duplicate."
    )

    @strawberry.field(description="When the merge was asked for (ISO 8601, UTC).")
    @staticmethod
    def requested_at(root: strawberry.Parent[identity_pb2.Merge]) -> datetime | None:
        return timestamp(root, "requested_at")

    @strawberry.field(description="When the last service confirmed; null until then.")
    @staticmethod
    def completed_at(root: strawberry.Parent[identity_pb2.Merge]) -> datetime | None:
        return timestamp(root, "completed_at")


@strawberry.type(description="One client field as the two files hold it, and which is kept.")
class MergeField:
    field: str = strawberry.field(description="The client field (proto name: phones, personal…).")
    kept: MergeSide = strawberry.field(description="Which value the merge keeps.")

    @strawberry.field(
        description="The survivor's value as JSON (sensitive numbers masked); null when empty."
    )
    @staticmethod
    def survivor_value(root: strawberry.Parent[identity_pb2.MergeField]) -> str | None:
        return root.survivor_value or None

    @strawberry.field(description="The duplicate's value as JSON; null when empty.")
    @staticmethod
    def merged_value(root: strawberry.Parent[identity_pb2.MergeField]) -> str | None:
        return root.merged_value or None


@strawberry.type(description="What one service keeps of the two files.")
class ServiceRecords:
    service: str = strawberry.field(description="The service.")
    available: bool = strawberry.field(
        description="False when the service could not be asked: its counts are unknown, and "
        "its part of a merge will be done when it is back."
    )
    survivor: list[RecordCount] = strawberry.field(description="The survivor's records.")
    merged: list[RecordCount] = strawberry.field(
        description="The duplicate's records: what the merge moves."
    )


@strawberry.type(description="What merging two files would do, before doing it.")
class MergePreview:
    fields: list[MergeField] = strawberry.field(
        description="The fields where the files differ, with the value kept."
    )
    records: list[ServiceRecords] = strawberry.field(
        description="Every service's records of both files."
    )
    display_name: str = strawberry.field(description="The survivor's name after the merge.")


SurvivorId = Annotated[strawberry.ID, strawberry.argument(description="The file that stays.")]
MergedId = Annotated[
    strawberry.ID, strawberry.argument(description="The duplicate, merged into the survivor.")
]
TakeFromMerged = Annotated[
    list[str] | None,
    strawberry.argument(
        description="Client fields (proto names: last_name, phones, personal…) whose value is "
        "taken from the duplicate. By default the survivor keeps its values, takes the "
        "duplicate's where its own are empty, and lists are joined."
    ),
]


async def _records(info: Info, survivor_id: str, merged_id: str) -> list[ServiceRecords]:
    context = info.context
    calls = context.clients.calls
    services = calls.counting_services()
    answers = await asyncio.gather(
        *(
            calls.count_client_records(service, context.caller, [survivor_id, merged_id])
            for service in services
        ),
        return_exceptions=True,
    )
    shown = []
    for service, answer in zip(services, answers, strict=True):
        if isinstance(answer, GatewayError):
            shown.append(ServiceRecords(service=service, available=False, survivor=[], merged=[]))
            continue
        if isinstance(answer, BaseException):
            raise answer
        counted: lifecycle_pb2.CountClientRecordsResponse = answer
        by_client = {c.client_id: dict(c.records) for c in counted.clients}
        shown.append(
            ServiceRecords(
                service=service,
                available=True,
                survivor=_counts(by_client.get(survivor_id, {})),
                merged=_counts(by_client.get(merged_id, {})),
            )
        )
    return shown


async def preview(
    info: Info, survivor_id: str, merged_id: str, take: list[str] | None
) -> MergePreview:
    context = info.context
    identity_part, records = await asyncio.gather(
        context.clients.identity.preview_merge(context.caller, survivor_id, merged_id, take or []),
        _records(info, survivor_id, merged_id),
    )
    return MergePreview(
        fields=cast(list[MergeField], list(identity_part.fields)),
        records=records,
        display_name=identity_part.result.display_name,
    )


async def merge(info: Info, survivor_id: str, merged_id: str, take: list[str] | None) -> Merge:
    context = info.context
    done = await context.clients.identity.merge_clients(
        context.caller, survivor_id, merged_id, take or []
    )
    return cast(Merge, done)


async def get(info: Info, merge_id: str) -> Merge:
    context = info.context
    return cast(Merge, await context.clients.identity.get_merge(context.caller, merge_id))
