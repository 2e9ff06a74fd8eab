"""Compliance's part of the client file: the asset-freeze status, screenings and decisions of
each client, batch screening jobs and the register in force."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Annotated, cast

import strawberry

from client360.compliance.v1 import compliance_pb2
from gateway.context import Info, RequestContext
from gateway.errors import graphql_error
from gateway.live import LiveEvent
from gateway.planner import Section, ServiceSection
from gateway.schema.enums import enum_field, proto_enum
from gateway.schema.timestamps import timestamp
from gateway.selection import SelectedField, fields_named
from runtime.contracts import max_items
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


@proto_enum(compliance_pb2.AssetFreezeStatus)
class AssetFreezeStatus(Enum):
    """Whether the client is on the national asset-freeze register (registre national des
    gels): EMPTY until a first check or decision; a check sets NO or TO_VERIFY; only a person
    sets YES."""


@proto_enum(compliance_pb2.JobState)
class JobState(Enum):
    """Where a batch screening job stands."""


@proto_enum(compliance_pb2.ScreeningTrigger)
class ScreeningTrigger(Enum):
    """What started a check against the register."""


@strawberry.type(description="A register entry that matched the screened name.")
class ScreeningMatch:
    entry_id: str = strawberry.field(description="IdRegistre of the register entry.")
    name: str = strawberry.field(description="The entry's name as the register writes it.")
    matched_name: str = strawberry.field(description="The name or alias that matched.")
    score: float = strawberry.field(
        description="How close the names are, from 0 to 1 (1: the same once accents, case, "
        "word order and spelling are set aside)."
    )
    url: str | None = strawberry.field(description="The entry's public page on the register.")


@strawberry.type(description="One check against the register, kept with its evidence.")
class Screening:
    id: strawberry.ID = strawberry.field(description="The check's id.")
    client_id: strawberry.ID = strawberry.field(description="The client it concerns.")
    contact_id: strawberry.ID | None = strawberry.field(
        description="The contact screened, when it was one of the client's contacts; null when "
        "the client itself was screened."
    )
    subject_name: str = strawberry.field(description="The name that was screened.")
    matches: list[ScreeningMatch] = strawberry.field(
        description="The entries that matched, best first; empty when none did."
    )
    status_before: AssetFreezeStatus = strawberry.field(
        description="The client's status before the check."
    )
    status_after: AssetFreezeStatus = strawberry.field(
        description="The client's status after the check."
    )
    trigger: ScreeningTrigger | None = enum_field("What started the check.")
    job_id: strawberry.ID | None = strawberry.field(
        description="The batch job that ran the check; null when it was not a job."
    )
    requested_by: str | None = strawberry.field(
        description="User id of whoever asked for it; null for an automatic check."
    )

    @strawberry.field(description="When the check ran (ISO 8601, UTC).")
    @staticmethod
    def at(root: strawberry.Parent[compliance_pb2.Screening]) -> datetime | None:
        return timestamp(root, "at")

    @strawberry.field(description="Publication date of the register version used (ISO 8601, UTC).")
    @staticmethod
    def register_date(root: strawberry.Parent[compliance_pb2.Screening]) -> datetime | None:
        return timestamp(root, "register_date")


@strawberry.type(description="A person's decision on the asset-freeze status.")
class StatusDecision:
    status: AssetFreezeStatus = strawberry.field(description="The status decided.")
    reason: str | None = strawberry.field(description="Why, in the person's words.")
    decided_by: str | None = strawberry.field(description="User id of the person.")

    @strawberry.field(description="When it was decided (ISO 8601, UTC).")
    @staticmethod
    def decided_at(root: strawberry.Parent[compliance_pb2.StatusDecision]) -> datetime | None:
        return timestamp(root, "decided_at")


@strawberry.type(description="The Compliance section of the file (compliance service).")
class Compliance:
    asset_freeze_status: AssetFreezeStatus = strawberry.field(
        description="Whether the client is on the national asset-freeze register."
    )
    banner: str | None = strawberry.field(
        description="The message to show on the file when the status is TO_VERIFY or YES; "
        "null otherwise."
    )
    last_screening: Screening | None = strawberry.field(
        description="The latest check; null when the client was never checked."
    )
    decisions: list[StatusDecision] = strawberry.field(
        description="A person's decisions, newest first."
    )

    @strawberry.field(description="Past checks, newest first.")
    @staticmethod
    def history(
        root: strawberry.Parent[ComplianceSection],
        limit: Annotated[
            int, strawberry.argument(description="How many checks at most, 0 to 100.")
        ] = 20,
    ) -> list[Screening]:
        return cast(list[Screening], list(root.history[: max(limit, 0)]))


@strawberry.type(description="A deferred screening of a selection of clients.")
class ScreeningJob:
    id: strawberry.ID = strawberry.field(description="The job's id.")
    state: JobState = strawberry.field(description="Where the job stands.")
    total: int = strawberry.field(description="Clients to screen.")
    done: int = strawberry.field(description="Clients screened so far.")
    matched: int = strawberry.field(description="Clients with at least one match.")
    skipped: int = strawberry.field(
        description="Clients the job could not screen (unknown to compliance, for example)."
    )
    requested_by: str | None = strawberry.field(description="User id of whoever started it.")

    @strawberry.field(
        description="Why the job failed, to show the requester; null unless state is FAILED."
    )
    @staticmethod
    def error(root: strawberry.Parent[compliance_pb2.ScreeningJob]) -> str | None:
        return root.error or None

    @strawberry.field(description="When the job was started (ISO 8601, UTC).")
    @staticmethod
    def created_at(root: strawberry.Parent[compliance_pb2.ScreeningJob]) -> datetime | None:
        return timestamp(root, "created_at")

    @strawberry.field(description="When the job ended (ISO 8601, UTC); null while it runs.")
    @staticmethod
    def finished_at(root: strawberry.Parent[compliance_pb2.ScreeningJob]) -> datetime | None:
        return timestamp(root, "finished_at")


@strawberry.type(description="The version of the national asset-freeze register in force.")
class FreezeRegisterInfo:
    entry_count: int = strawberry.field(description="Entries (people, entities) it lists.")
    source: str | None = strawberry.field(
        description="The public https URL this version was downloaded from; null when it came "
        "from anywhere else (the shipped sample, a file, an internal address)."
    )

    @strawberry.field(description="When the register published this version (ISO 8601, UTC).")
    @staticmethod
    def published_at(root: strawberry.Parent[compliance_pb2.RegisterInfo]) -> datetime | None:
        return timestamp(root, "published_at")

    @strawberry.field(description="When it was loaded here (ISO 8601, UTC).")
    @staticmethod
    def loaded_at(root: strawberry.Parent[compliance_pb2.RegisterInfo]) -> datetime | None:
        return timestamp(root, "loaded_at")


# A selection screened in one job is at most this many clients (the proto's limit).
MAX_JOB_CLIENTS = max_items(compliance_pb2.StartScreeningJobRequest, "client_ids")

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
    description="Asset-freeze status and screenings. Null, with the compliance service's "
    "error, when they could not be read.",
    load=_load,
    request=_history_limit,
)


ClientId = Annotated[strawberry.ID, strawberry.argument(description="The client's id.")]


@strawberry.type(description="Compliance's queries.")
class ComplianceQuery:
    @strawberry.field(description="A screening job's progress; null with NOT_FOUND if not yours.")
    async def screening_job(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The job's id.")],
    ) -> ScreeningJob | None:
        job = await info.context.clients.compliance.get_screening_job(info.context.caller, id)
        return cast(ScreeningJob, job)

    @strawberry.field(description="The version of the asset-freeze register in force.")
    async def freeze_register(self, info: Info) -> FreezeRegisterInfo | None:
        register = await info.context.clients.compliance.register_info(info.context.caller)
        return cast(FreezeRegisterInfo, register)


@strawberry.type(description="Compliance's mutations.")
class ComplianceMutation:
    @strawberry.mutation(description="Checks one client against the register now.")
    async def screen_client(self, info: Info, id: ClientId) -> Screening | None:
        screening = await info.context.clients.compliance.screen_client(info.context.caller, id)
        return cast(Screening, screening)

    @strawberry.mutation(
        description="Checks a selection of clients in the background: give either ids or "
        "search (as in the clients query), exactly one of them. The requester is notified when "
        "the job ends (the notifications subscription)."
    )
    async def screen_clients(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID] | None,
            strawberry.argument(description=f"The clients to check, at most {MAX_JOB_CLIENTS}."),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Check every client the clients query lists for this search "
                f"(archived ones aside), at most {MAX_JOB_CLIENTS}."
            ),
        ] = None,
    ) -> ScreeningJob | None:
        context = info.context
        if ids is None and search is None:
            raise graphql_error(
                InvalidInput(
                    [
                        FieldViolation("ids", "required when search is not given"),
                        FieldViolation("search", "required when ids is not given"),
                    ]
                )
            )
        if ids is not None and search is not None:
            raise graphql_error(
                InvalidInput(
                    [
                        FieldViolation("ids", "not with search: give one of ids and search"),
                        FieldViolation("search", "not with ids: give one of ids and search"),
                    ]
                )
            )
        selected = list(ids) if ids is not None else await _search_ids(info, search or "")
        job = await context.clients.compliance.start_screening_job(context.caller, selected)
        return cast(ScreeningJob, job)

    @strawberry.mutation(
        description="Records a person's decision on the asset-freeze status; the section."
    )
    async def set_asset_freeze_status(
        self,
        info: Info,
        client_id: ClientId,
        status: Annotated[
            AssetFreezeStatus,
            strawberry.argument(description="The status decided: NO, TO_VERIFY or YES."),
        ],
        reason: Annotated[str, strawberry.argument(description="Why, for the record.")],
    ) -> Compliance | None:
        answer = await info.context.clients.compliance.set_asset_freeze_status(
            info.context.caller, client_id, status.value, reason
        )
        return cast(Compliance, compliance_section(answer))

    @strawberry.mutation(
        description="Platform operators only (role operator; FORBIDDEN for every agency role, "
        "admin included): loads a new version of the register, shared by every agency, from "
        "the configured source when url is omitted, or from url if it is on the service's "
        "allow-list. Anything else is refused with BAD_USER_INPUT; the version in force stays "
        "on any error. The download may take a minute or two."
    )
    async def reload_freeze_register(
        self,
        info: Info,
        url: Annotated[
            str | None,
            strawberry.argument(
                description="An allow-listed https URL of the published register (JSON); "
                "omitted: the configured source."
            ),
        ] = None,
    ) -> FreezeRegisterInfo | None:
        register = await info.context.clients.compliance.reload_register(
            info.context.caller, url or ""
        )
        return cast(FreezeRegisterInfo, register)


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


# Live events


@strawberry.type
class ComplianceEventFields:
    @strawberry.field(description="The check, for a screening event; null for others.")
    @staticmethod
    def screening(root: strawberry.Parent[LiveEvent]) -> Screening | None:
        if not isinstance(root.payload, compliance_pb2.ScreeningCompleted):
            return None
        return cast(Screening, root.payload.screening)

    @strawberry.field(
        description="The client's asset-freeze status after a compliance event; null for others."
    )
    @staticmethod
    def asset_freeze_status(root: strawberry.Parent[LiveEvent]) -> AssetFreezeStatus | None:
        payload = root.payload
        if isinstance(payload, compliance_pb2.ScreeningCompleted):
            return cast(AssetFreezeStatus, payload.screening.status_after)
        if isinstance(payload, compliance_pb2.AssetFreezeStatusChanged):
            return cast(AssetFreezeStatus, payload.decision.status)
        return None


def _job_finished_message(payload: compliance_pb2.ScreeningJobFinished) -> str:
    job = payload.job
    if job.error:
        return job.error
    return (
        f"The asset-freeze check of {job.total} clients is finished: "
        f"{job.matched} with matches to verify."
    )


@strawberry.type
class ComplianceNoticeFields:
    @strawberry.field(description="The screening job that ended, for a job notification.")
    @staticmethod
    def job(root: strawberry.Parent[LiveEvent]) -> ScreeningJob | None:
        if not isinstance(root.payload, compliance_pb2.ScreeningJobFinished):
            return None
        return cast(ScreeningJob, root.payload.job)


SECTION = ServiceSection(
    service="compliance",
    sections=(COMPLIANCE,),
    query=ComplianceQuery,
    mutation=ComplianceMutation,
    events=(
        compliance_pb2.ScreeningCompleted,
        compliance_pb2.AssetFreezeStatusChanged,
        compliance_pb2.ScreeningJobFinished,
    ),
    event_fields=ComplianceEventFields,
    notices={compliance_pb2.ScreeningJobFinished: _job_finished_message},
    notice_fields=ComplianceNoticeFields,
)
