"""The compliance section of the client file: asset-freeze status, screenings, decisions,
batch screening jobs and the register in force. Fields read the service's protos directly."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import cast

import strawberry

from client360.compliance.v1 import compliance_pb2
from gateway.schema.timestamps import timestamp
from gateway.sections import ComplianceSection


@strawberry.enum(description="Registered on the national asset-freeze list.")
class AssetFreezeStatus(Enum):
    # Values are the proto enum numbers, so proto fields serialize as they are.
    EMPTY = compliance_pb2.ASSET_FREEZE_STATUS_EMPTY
    NO = compliance_pb2.ASSET_FREEZE_STATUS_NO
    TO_VERIFY = compliance_pb2.ASSET_FREEZE_STATUS_TO_VERIFY
    YES = compliance_pb2.ASSET_FREEZE_STATUS_YES


@strawberry.enum
class JobState(Enum):
    PENDING = compliance_pb2.JOB_STATE_PENDING
    RUNNING = compliance_pb2.JOB_STATE_RUNNING
    SUCCEEDED = compliance_pb2.JOB_STATE_SUCCEEDED
    FAILED = compliance_pb2.JOB_STATE_FAILED


@strawberry.type
class ScreeningMatch:
    entry_id: str = strawberry.field(description="IdRegistre of the register entry.")
    name: str
    matched_name: str = strawberry.field(description="The name or alias that matched.")
    score: float = strawberry.field(description="0 to 1.")
    url: str = strawberry.field(description="The entry's public page.")


@strawberry.type(description="One check against the register, kept with its evidence.")
class Screening:
    id: strawberry.ID
    client_id: strawberry.ID
    contact_id: str = strawberry.field(description="Set when a contact was screened.")
    subject_name: str
    matches: list[ScreeningMatch]
    status_before: AssetFreezeStatus
    status_after: AssetFreezeStatus
    trigger: str
    job_id: str
    requested_by: str

    @strawberry.field
    @staticmethod
    def at(root: strawberry.Parent[compliance_pb2.Screening]) -> datetime | None:
        return timestamp(root, "at")

    @strawberry.field(description="Publication date of the register version used.")
    @staticmethod
    def register_date(root: strawberry.Parent[compliance_pb2.Screening]) -> datetime | None:
        return timestamp(root, "register_date")


@strawberry.type(description="A person's decision on the asset-freeze status.")
class StatusDecision:
    status: AssetFreezeStatus
    reason: str
    decided_by: str

    @strawberry.field
    @staticmethod
    def decided_at(root: strawberry.Parent[compliance_pb2.StatusDecision]) -> datetime | None:
        return timestamp(root, "decided_at")


@strawberry.type(description="The Compliance section of the file (compliance service).")
class Compliance:
    asset_freeze_status: AssetFreezeStatus
    banner: str | None = strawberry.field(
        description="Shown on the file when the status is TO_VERIFY or YES."
    )
    last_screening: Screening | None
    decisions: list[StatusDecision] = strawberry.field(
        description="A person's decisions, newest first."
    )

    @strawberry.field(description="Past checks, newest first.")
    @staticmethod
    def history(root: strawberry.Parent[ComplianceSection], limit: int = 20) -> list[Screening]:
        return cast(list[Screening], list(root.history[: max(limit, 0)]))


@strawberry.type(description="A deferred screening of a selection of clients.")
class ScreeningJob:
    id: strawberry.ID
    state: JobState
    total: int
    done: int
    matched: int = strawberry.field(description="Clients with at least one match.")
    skipped: int
    requested_by: str

    @strawberry.field
    @staticmethod
    def error(root: strawberry.Parent[compliance_pb2.ScreeningJob]) -> str | None:
        return root.error or None

    @strawberry.field
    @staticmethod
    def created_at(root: strawberry.Parent[compliance_pb2.ScreeningJob]) -> datetime | None:
        return timestamp(root, "created_at")

    @strawberry.field
    @staticmethod
    def finished_at(root: strawberry.Parent[compliance_pb2.ScreeningJob]) -> datetime | None:
        return timestamp(root, "finished_at")


@strawberry.type(description="The version of the national asset-freeze register in force.")
class FreezeRegisterInfo:
    entry_count: int
    source: str

    @strawberry.field
    @staticmethod
    def published_at(root: strawberry.Parent[compliance_pb2.RegisterInfo]) -> datetime | None:
        return timestamp(root, "published_at")

    @strawberry.field
    @staticmethod
    def loaded_at(root: strawberry.Parent[compliance_pb2.RegisterInfo]) -> datetime | None:
        return timestamp(root, "loaded_at")
