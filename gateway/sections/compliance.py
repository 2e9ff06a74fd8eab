"""Compliance's part of the client file: the asset-freeze status, screenings and decisions of
each client, batch screening jobs and the register in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import cast

import strawberry

from client360.compliance.v1 import compliance_pb2
from gateway.context import Info, RequestContext
from gateway.errors import graphql_error
from gateway.planner import Section, ServiceSection
from gateway.schema.timestamps import timestamp
from gateway.selection import SelectedField, fields_named
from runtime.errors import FieldViolation, InvalidInput

BANNER_TO_VERIFY = (
    "Matches were found on the national asset-freeze register: please check them and set "
    "the status."
)
BANNER_YES = "This client is on the national asset-freeze register."


@dataclass(slots=True)
class ComplianceSection:
    """What the Compliance type reads: the service's answer with its derived fields computed
    once per client, so that every field of the section is a plain attribute read (a resolver
    per leaf field costs several times more)."""

    asset_freeze_status: int
    banner: str | None
    last_screening: compliance_pb2.Screening | None
    decisions: Sequence[compliance_pb2.StatusDecision]
    history: Sequence[compliance_pb2.Screening]


def compliance_section(answer: compliance_pb2.ClientCompliance) -> ComplianceSection:
    status = answer.status
    banner = None
    if status == compliance_pb2.ASSET_FREEZE_STATUS_TO_VERIFY:
        banner = BANNER_TO_VERIFY
    elif status == compliance_pb2.ASSET_FREEZE_STATUS_YES:
        banner = BANNER_YES
    return ComplianceSection(
        asset_freeze_status=status,
        banner=banner,
        last_screening=answer.last_screening if answer.HasField("last_screening") else None,
        decisions=answer.decisions,
        history=answer.history,
    )


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


# What the section takes from the query's selection: how many past screenings it shows.
DEFAULT_HISTORY = 20


def _history_limit(field: SelectedField) -> int:
    limits = [
        max(int(history.arguments.get("limit", DEFAULT_HISTORY)), 0)
        for history in fields_named(field.selections, "history")
    ]
    return max(limits, default=0)


# The call: client ids in, one call, answers keyed back by client id.


async def _load(
    context: RequestContext, client_ids: list[str], history_limit: int
) -> dict[str, ComplianceSection]:
    answers = await context.clients.compliance.batch_get_compliance(
        context.caller, client_ids, history_limit=history_limit
    )
    found = {answer.client_id: answer for answer in answers}
    return {
        client_id: compliance_section(
            found.get(client_id) or compliance_pb2.ClientCompliance(client_id=client_id)
        )
        for client_id in client_ids
    }


COMPLIANCE = Section(
    name="compliance",
    type=Compliance,
    description="Asset-freeze status and screenings (compliance service).",
    load=_load,
    request=_history_limit,
)


@strawberry.type
class ComplianceQuery:
    @strawberry.field(description="A screening job's progress; null with NOT_FOUND if not yours.")
    async def screening_job(self, info: Info, id: strawberry.ID) -> ScreeningJob | None:
        job = await info.context.clients.compliance.get_screening_job(info.context.caller, id)
        return cast(ScreeningJob, job)

    @strawberry.field(description="The version of the asset-freeze register in force.")
    async def freeze_register(self, info: Info) -> FreezeRegisterInfo | None:
        register = await info.context.clients.compliance.register_info(info.context.caller)
        return cast(FreezeRegisterInfo, register)


@strawberry.type
class ComplianceMutation:
    @strawberry.mutation(description="Checks one client against the register now.")
    async def screen_client(self, info: Info, id: strawberry.ID) -> Screening | None:
        screening = await info.context.clients.compliance.screen_client(info.context.caller, id)
        return cast(Screening, screening)

    @strawberry.mutation(
        description="Checks a selection of clients in the background (a list of ids, or a "
        "search as in the clients query); the requester is notified when it ends."
    )
    async def screen_clients(
        self,
        info: Info,
        ids: list[strawberry.ID] | None = None,
        search: str | None = None,
    ) -> ScreeningJob | None:
        context = info.context
        if (ids is None) == (search is None):
            raise graphql_error(
                InvalidInput(FieldViolation("ids", "give either ids or search, not both"))
            )
        selected = list(ids) if ids is not None else await _search_ids(info, search or "")
        job = await context.clients.compliance.start_screening_job(context.caller, selected)
        return cast(ScreeningJob, job)

    @strawberry.mutation(description="A person's decision on the asset-freeze status.")
    async def set_asset_freeze_status(
        self, info: Info, client_id: strawberry.ID, status: AssetFreezeStatus, reason: str
    ) -> Compliance | None:
        answer = await info.context.clients.compliance.set_asset_freeze_status(
            info.context.caller, client_id, status.value, reason
        )
        return cast(Compliance, compliance_section(answer))

    @strawberry.mutation(
        description="Loads a new version of the register from a URL or path (admins only); "
        "the configured source when url is omitted."
    )
    async def reload_freeze_register(
        self, info: Info, url: str | None = None
    ) -> FreezeRegisterInfo | None:
        register = await info.context.clients.compliance.reload_register(
            info.context.caller, url or ""
        )
        return cast(FreezeRegisterInfo, register)


# A selection screened in one job is at most this many clients.
MAX_JOB_CLIENTS = 10_000
_SEARCH_PAGE = 200


async def _search_ids(info: Info, search: str) -> list[str]:
    """Every client id the clients query would list for ``search``, page by page."""
    context = info.context
    ids: list[str] = []
    after = ""
    while len(ids) < MAX_JOB_CLIENTS:
        page = await context.clients.identity.search_clients(
            context.caller, query=search, first=_SEARCH_PAGE, after=after, include_archived=False
        )
        ids.extend(client.id for client in page.clients)
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    return ids[:MAX_JOB_CLIENTS]


SECTION = ServiceSection(
    service="compliance",
    sections=(COMPLIANCE,),
    query=ComplianceQuery,
    mutation=ComplianceMutation,
)
