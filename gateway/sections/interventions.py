"""Interventions' part of the client file: each client's field work with seed 001's filters
(combinable; statuses computed by the service at read time in Europe/Paris) and paging within
a client, the technician's day, and the commands of the stage path."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry import UNSET

from client360.common.v1 import common_pb2
from client360.interventions.v1 import interventions_pb2 as pb
from gateway.context import Info, RequestContext
from gateway.errors import graphql_error
from gateway.files import Upload, read_upload
from gateway.live import LiveEvent
from gateway.planner import Argument, Section, ServiceSection
from gateway.schema.enums import enum_field, proto_enum
from gateway.schema.inputs import given_fields
from gateway.schema.timestamps import timestamp
from gateway.schema.types import Address, PageInfo
from gateway.selection import SelectedField, fields_named
from runtime.errors import FieldViolation, InvalidInput

_DATE = "a date, YYYY-MM-DD"
# Who sees what of the section: the service's rule (services/interventions/roles.py). The
# agency sees everything; a technician their own interventions and what those name (the
# service filters); a partner nothing: the section is null, never an error. In live events a
# technician sees their own interventions only, a partner nothing.
TECHNICIAN = "technician"
AGENCY_ROLES = frozenset({"advisor", "manager", "admin"})
SEES_SECTION = AGENCY_ROLES | {TECHNICIAN}


@proto_enum(pb.InterventionStage)
class InterventionStage(Enum):
    """Where an intervention stands on its path: new → confirmed → scheduled → assigned → en
    route → started → done (only by completeIntervention, with a report), or cancelled."""


@proto_enum(pb.InterventionPriority)
class InterventionPriority(Enum):
    """How urgent an intervention is; it sets the latest acceptable date when none is given."""


@proto_enum(pb.InterventionStatus)
class InterventionStatus(Enum):
    """Where an intervention stands against today, computed when it is read, in the agency's
    timezone (Europe/Paris)."""


@proto_enum(pb.InvoicingState)
class InvoicingState(Enum):
    """Whether an intervention's work is to be invoiced."""


@proto_enum(pb.WorksiteStatus)
class WorksiteStatus(Enum):
    """Where a worksite stands, as the agency sets it."""


@proto_enum(pb.VisitColour)
class VisitColour(Enum):
    """Seed 001's colour of a maintenance visit: done (green), planned (blue), not planned
    (red)."""


@strawberry.type(description="A visit of a maintenance plan (an intervention of its own).")
class MaintenanceVisit:
    intervention_id: strawberry.ID = strawberry.field(description="The visit's intervention.")
    number: str = strawberry.field(description="The intervention's number.")
    due_date: str = strawberry.field(description=f"When it is due, {_DATE}.")
    colour: VisitColour | None = enum_field("Done, planned or not planned, computed when read.")

    @strawberry.field(description="When it is scheduled (ISO 8601, UTC); null when it is not.")
    @staticmethod
    def scheduled_start(root: strawberry.Parent[pb.MaintenanceVisit]) -> datetime | None:
        return timestamp(root, "scheduled_start")


@strawberry.type(description="A recurring maintenance of an equipment or at an address.")
class MaintenancePlan:
    id: strawberry.ID = strawberry.field(description="The plan's id.")
    client_id: strawberry.ID = strawberry.field(description="The client it is for.")
    name: str = strawberry.field(description="Its name, which its visits take as title.")
    equipment_id: strawberry.ID | None = strawberry.field(description="The equipment, by id.")
    address_id: strawberry.ID | None = strawberry.field(description="The address, by id.")
    rrule: str = strawberry.field(
        description="Its recurrence, an RFC 5545 RRULE such as FREQ=MONTHLY;INTERVAL=6."
    )
    start_date: str = strawberry.field(description=f"The first occurrence's day, {_DATE}.")
    horizon_days: int = strawberry.field(description="Days ahead its visits are generated for.")
    next_due_date: str | None = strawberry.field(
        description="The earliest visit not done (overdue when past), else the next "
        "occurrence; computed when read."
    )
    generated_until: str | None = strawberry.field(
        description=f"Visits are generated up to this day, {_DATE}; null until the first run."
    )
    visits: list[MaintenanceVisit] = strawberry.field(
        description="Its visits by due date, with their colours."
    )
    version: int = strawberry.field(description="The plan's version.")
    end_date: str | None = strawberry.field(
        description=f"The plan's last day, {_DATE}; null when it has no end."
    )


@proto_enum(pb.WorkshopAppointmentStatus)
class WorkshopAppointmentStatus(Enum):
    """Where a workshop appointment stands: booked → in progress → done, or cancelled."""


@strawberry.type(description="A vehicle of the client, for the workshop (seed 004).")
class Vehicle:
    id: strawberry.ID = strawberry.field(description="The vehicle's id.")
    client_id: strawberry.ID = strawberry.field(description="Its owner.")
    registration: str = strawberry.field(description="French registration, e.g. AB-123-CD.")
    vin: str | None = strawberry.field(description="VIN, 17 characters (ISO 3779).")
    make: str | None = strawberry.field(description="Make.")
    model: str | None = strawberry.field(description="Model.")
    mileage_km: int = strawberry.field(description="Mileage in kilometres, as last recorded.")
    version: int = strawberry.field(description="The vehicle's version.")


@strawberry.type(description="A workshop appointment for one of the client's vehicles.")
class WorkshopAppointment:
    id: strawberry.ID = strawberry.field(description="The appointment's id.")
    client_id: strawberry.ID = strawberry.field(description="The client.")
    vehicle_id: strawberry.ID = strawberry.field(description="The vehicle, by id.")
    work_requested: str = strawberry.field(description="The work the client asked for.")
    status: WorkshopAppointmentStatus | None = enum_field("Where it stands.")
    version: int = strawberry.field(description="Pass it back to setWorkshopAppointmentStatus.")

    @strawberry.field(description="When the vehicle is expected (ISO 8601, UTC).")
    @staticmethod
    def starts_at(root: strawberry.Parent[pb.WorkshopAppointment]) -> datetime | None:
        return timestamp(root, "starts_at")


SERVICE = "interventions"


@strawberry.type(
    description="An image the interventions service keeps (an equipment's photo, a report's "
    "signature or photo), with a thumbnail."
)
class InterventionImage:
    id: strawberry.ID = strawberry.field(description="The file's id.")
    name: str = strawberry.field(description="Its file name.")
    media_type: str = strawberry.field(
        description="image/jpeg, image/png or image/webp, as found from the content."
    )
    size_bytes: int = strawberry.field(description="Its size in bytes.")
    sha256: str = strawberry.field(description="Hex SHA-256 of the content.")

    @strawberry.field(
        description="A link to the image, signed for the caller and valid for a few minutes "
        "(GET; also answered with the bearer header without the link)."
    )
    @staticmethod
    def url(root: strawberry.Parent[common_pb2.FileInfo], info: Info) -> str:
        return info.context.files.link(info.context.caller, SERVICE, root.id)

    @strawberry.field(
        description="A link to its thumbnail (JPEG, at most 320 px a side), signed like url."
    )
    @staticmethod
    def thumbnail_url(root: strawberry.Parent[common_pb2.FileInfo], info: Info) -> str:
        return info.context.files.link(info.context.caller, SERVICE, root.id, "thumbnail")


def _image(message: Any, name: str) -> InterventionImage | None:
    return cast(InterventionImage, getattr(message, name)) if message.HasField(name) else None


@strawberry.type(description="A piece of equipment installed at one of the client's addresses.")
class Equipment:
    id: strawberry.ID = strawberry.field(description="The equipment's id.")
    client_id: strawberry.ID = strawberry.field(description="The client it belongs to.")
    name: str = strawberry.field(description="What it is.")
    address_id: strawberry.ID | None = strawberry.field(
        description="Where it is installed: one of the client's addresses, by id."
    )
    description: str | None = strawberry.field(description="Details.")
    brand: str | None = strawberry.field(description="Brand.")
    model: str | None = strawberry.field(description="Model.")
    serial: str | None = strawberry.field(description="Serial number or reference.")
    install_date: str | None = strawberry.field(description=f"When it was installed, {_DATE}.")
    version: int = strawberry.field(description="Pass it back to updateEquipment.")

    @strawberry.field(description="Its photo, with a thumbnail; null when it has none.")
    @staticmethod
    def photo(root: strawberry.Parent[pb.Equipment]) -> InterventionImage | None:
        return _image(root, "photo")


@strawberry.type(description='A multi-visit job ("chantier") at one of the client\'s addresses.')
class Worksite:
    id: strawberry.ID = strawberry.field(description="The worksite's id.")
    client_id: strawberry.ID = strawberry.field(description="The client it is for.")
    name: str = strawberry.field(description="Its name.")
    address_id: strawberry.ID | None = strawberry.field(
        description="Where: one of the client's addresses, by id."
    )
    status: WorksiteStatus | None = enum_field("Planned, in progress or done.")
    start_date: str | None = strawberry.field(description=f"First day, {_DATE}.")
    end_date: str | None = strawberry.field(description=f"Last day, {_DATE}.")
    version: int = strawberry.field(description="Pass it back to updateWorksite.")


@strawberry.type(description="An intervention (work order) at a client's.")
class Intervention:
    id: strawberry.ID = strawberry.field(description="The intervention's id.")
    client_id: strawberry.ID = strawberry.field(description="The client it is for.")
    number: str = strawberry.field(
        description="The agency's number for it, INT-000001 onwards, with no gap."
    )
    title: str = strawberry.field(description="What is to be done, in a few words.")
    type: str | None = strawberry.field(
        description="The agency's own kind of work (installation, repair, maintenance…)."
    )
    description: str | None = strawberry.field(description="Details of the work.")
    address_id: strawberry.ID | None = strawberry.field(
        description="Where: the id of one of the client's addresses (identity section)."
    )
    equipment_ids: list[strawberry.ID] = strawberry.field(
        description="The client's equipment concerned, by id."
    )
    technician_ids: list[str] = strawberry.field(description="User ids of its technicians.")
    priority: InterventionPriority | None = enum_field("How urgent it is.")
    latest_date: str | None = strawberry.field(
        description=f"The last acceptable day for the work, {_DATE}; from the priority unless "
        "given."
    )
    appointment_confirmed: bool = strawberry.field(
        description="Whether the appointment was confirmed with the client."
    )
    quote_id: strawberry.ID | None = strawberry.field(
        description="The linked quote (billing's id); null when none."
    )
    invoicing: InvoicingState | None = enum_field("Whether it is to be invoiced, or was.")
    archived: bool = strawberry.field(description="Archived: out of the default lists.")
    stage: InterventionStage | None = enum_field("Where it stands on its path.")
    status: InterventionStatus | None = enum_field(
        "Late, today, upcoming, done…: computed when read, in Europe/Paris."
    )
    report: str | None = strawberry.field(
        description="The technician's report, written when it was completed."
    )
    version: int = strawberry.field(description="Pass it back to the intervention's mutations.")
    worksite_id: strawberry.ID | None = strawberry.field(
        description="The worksite it belongs to; null when none."
    )
    plan_id: strawberry.ID | None = strawberry.field(
        description="For a maintenance visit, its plan; null otherwise."
    )
    due_date: str | None = strawberry.field(
        description=f"For a maintenance visit, the day it is due, {_DATE}; null otherwise."
    )
    report_photos: list[InterventionImage] = strawberry.field(
        description="The photos sent with the report, in the order they were sent."
    )

    @strawberry.field(description="The client's signature sent with the report; null if none.")
    @staticmethod
    def signature(root: strawberry.Parent[pb.Intervention]) -> InterventionImage | None:
        return _image(root, "signature")

    @strawberry.field(description="Planned start (ISO 8601, UTC); null when not scheduled.")
    @staticmethod
    def scheduled_start(root: strawberry.Parent[pb.Intervention]) -> datetime | None:
        return timestamp(root, "scheduled_start")

    @strawberry.field(description="Planned end (ISO 8601, UTC); null when not scheduled.")
    @staticmethod
    def scheduled_end(root: strawberry.Parent[pb.Intervention]) -> datetime | None:
        return timestamp(root, "scheduled_end")

    @strawberry.field(description="When work began on site (ISO 8601, UTC).")
    @staticmethod
    def actual_start(root: strawberry.Parent[pb.Intervention]) -> datetime | None:
        return timestamp(root, "actual_start")

    @strawberry.field(description="When work ended (ISO 8601, UTC).")
    @staticmethod
    def actual_end(root: strawberry.Parent[pb.Intervention]) -> datetime | None:
        return timestamp(root, "actual_end")


@strawberry.type(description="One stop of the technician's day, with what is needed on site.")
class TechnicianVisit:
    intervention: Intervention = strawberry.field(description="The intervention.")
    client_name: str | None = strawberry.field(description="The client's name.")
    client_memo: str | None = strawberry.field(
        description="The client's memo, which technicians see (seed 001)."
    )
    equipment: list[Equipment] = strawberry.field(description="The equipment to work on.")

    @strawberry.field(description="Where: the intervention's address; null when it names none.")
    @staticmethod
    def address(root: strawberry.Parent[pb.TechnicianVisit]) -> Address | None:
        return cast(Address, root.address) if root.HasField("address") else None


@dataclass(slots=True)
class InterventionsSection:
    """What the Interventions type reads, as plain attributes."""

    items: Sequence[pb.Intervention]
    page_info: common_pb2.PageInfo
    total_count: int
    equipment: Sequence[pb.Equipment]
    worksites: Sequence[pb.Worksite]
    maintenance_plans: Sequence[pb.MaintenancePlan]
    vehicles: Sequence[pb.Vehicle]
    workshop_appointments: Sequence[pb.WorkshopAppointment]


@strawberry.type(description="The Interventions section of the file (interventions service).")
class Interventions:
    items: list[Intervention] = strawberry.field(
        description="A page of the client's interventions matching the filters, newest "
        "schedule first, unscheduled ones last."
    )
    page_info: PageInfo = strawberry.field(
        description="Where the page ends: pass endCursor as `after` for the next one."
    )
    total_count: int = strawberry.field(
        description="How many interventions of the client match the filters."
    )
    equipment: list[Equipment] = strawberry.field(
        description="All the client's equipment, by name (the filters do not apply)."
    )
    worksites: list[Worksite] = strawberry.field(
        description="All the client's worksites, by name (the filters do not apply)."
    )
    maintenance_plans: list[MaintenancePlan] = strawberry.field(
        description="All the client's maintenance plans, by name, with their visits."
    )
    vehicles: list[Vehicle] = strawberry.field(
        description="The client's vehicles, for the workshop (seed 004)."
    )
    workshop_appointments: list[WorkshopAppointment] = strawberry.field(
        description="The client's workshop appointments, latest first."
    )


# The section's arguments: seed 001's filters, combined with AND, and the page.

DEFAULT_PAGE = 20
MAX_PAGE = 200

ARGUMENTS = (
    Argument("first", int, DEFAULT_PAGE, f"How many per client, 1 to {MAX_PAGE}."),
    Argument(
        "after",
        str | None,
        None,
        "The endCursor of the previous page (with one client only: client(id:)).",
    ),
    Argument(
        "search",
        str | None,
        None,
        "Title or number: each word starts a word of the title, or the number (any case, any "
        "accents).",
    ),
    Argument("types", list[str] | None, None, "Any of these types."),
    Argument("address_ids", list[strawberry.ID] | None, None, "At any of these addresses."),
    Argument("technician_ids", list[str] | None, None, "With any of these technicians."),
    Argument(
        name="archived",
        type=bool | None,
        default=False,
        description="Archived ones only (true), not archived ones only (false, the default), "
        "or all (null).",
    ),
    Argument(
        "statuses",
        list[InterventionStatus] | None,
        None,
        "Any of these statuses (late, today, upcoming, done…), as of now in Europe/Paris.",
    ),
    Argument(
        "has_appointment", bool | None, None, "Whether the appointment is confirmed (null: all)."
    ),
    Argument("has_quote", bool | None, None, "Whether a quote is linked (null: all)."),
    Argument("to_invoice", bool | None, None, "Whether it is to be invoiced (null: all)."),
    Argument(
        "scheduled_from",
        str | None,
        None,
        f"First day of the range ({_DATE}, Paris): the list, calendar and timeline views.",
    ),
    Argument("scheduled_to", str | None, None, f"Last day of the range ({_DATE}, Paris)."),
)


@dataclass(frozen=True, slots=True)
class Wanted:
    """What one place of a query asks of the section (hashable: the same ask, one call)."""

    first: int
    after: str
    search: str
    types: tuple[str, ...]
    address_ids: tuple[str, ...]
    technician_ids: tuple[str, ...]
    archived: bool | None
    statuses: tuple[int, ...]
    has_appointment: bool | None
    has_quote: bool | None
    to_invoice: bool | None
    scheduled_from: str
    scheduled_to: str
    include_equipment: bool
    include_worksites: bool
    include_maintenance_plans: bool
    include_workshop: bool

    def filter(self) -> pb.InterventionFilter:
        message = pb.InterventionFilter(
            search=self.search,
            types=self.types,
            address_ids=self.address_ids,
            technician_ids=self.technician_ids,
            statuses=cast(Any, self.statuses),
            scheduled_from=self.scheduled_from,
            scheduled_to=self.scheduled_to,
        )
        for name in ("archived", "has_appointment", "has_quote", "to_invoice"):
            value = getattr(self, name)
            if value is not None:
                setattr(message, name, value)
        return message


def _status_number(value: Any) -> int:
    if isinstance(value, Enum):
        return int(value.value)
    return int(InterventionStatus[str(value)].value)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value or ())


def _wanted(field: SelectedField) -> Hashable:
    args = field.arguments
    archived = args.get("archived", False)
    return Wanted(
        first=int(args.get("first") or DEFAULT_PAGE),
        after=args.get("after") or "",
        search=args.get("search") or "",
        types=_strings(args.get("types")),
        address_ids=_strings(args.get("addressIds")),
        technician_ids=_strings(args.get("technicianIds")),
        archived=None if archived is None else bool(archived),
        statuses=tuple(_status_number(s) for s in args.get("statuses") or ()),
        has_appointment=args.get("hasAppointment"),
        has_quote=args.get("hasQuote"),
        to_invoice=args.get("toInvoice"),
        scheduled_from=args.get("scheduledFrom") or "",
        scheduled_to=args.get("scheduledTo") or "",
        include_equipment=bool(fields_named(field.selections, "equipment")),
        include_worksites=bool(fields_named(field.selections, "worksites")),
        include_maintenance_plans=bool(fields_named(field.selections, "maintenancePlans")),
        include_workshop=bool(
            fields_named(field.selections, "vehicles")
            or fields_named(field.selections, "workshopAppointments")
        ),
    )


async def _load(
    context: RequestContext, client_ids: list[str], wanted: Wanted
) -> dict[str, InterventionsSection]:
    if context.caller.role not in SEES_SECTION:
        # Not an error: the section is null for a role that may not see it.
        return {}
    answers = await context.clients.interventions.batch_list_interventions(
        context.caller,
        client_ids,
        wanted=wanted.filter(),
        first=wanted.first,
        after=wanted.after,
        include_equipment=wanted.include_equipment,
        include_worksites=wanted.include_worksites,
        include_maintenance_plans=wanted.include_maintenance_plans,
        include_workshop=wanted.include_workshop,
    )
    found = {answer.client_id: answer for answer in answers}
    empty = pb.ClientInterventions()
    return {
        client_id: InterventionsSection(
            items=answer.interventions,
            page_info=answer.page_info,
            total_count=answer.total_count,
            equipment=answer.equipment,
            worksites=answer.worksites,
            maintenance_plans=answer.maintenance_plans,
            vehicles=answer.vehicles,
            workshop_appointments=answer.workshop_appointments,
        )
        for client_id in client_ids
        for answer in (found.get(client_id) or empty,)
    }


INTERVENTIONS = Section(
    name="interventions",
    type=Interventions,
    description="Field work (seed 001): the client's interventions, filtered and paged. A "
    "technician sees their own interventions and only the equipment, worksites and visits they "
    "name; a partner gets null. Null, with the interventions service's error, when they could "
    "not be read.",
    load=_load,
    request=_wanted,
    arguments=ARGUMENTS,
)


@strawberry.type(description="What changed for the caller since a cursor (offline sync).")
class InterventionChanges:
    changed: list[Intervention] = strawberry.field(
        description="The caller's interventions created or changed since, as they are now."
    )
    removed_ids: list[strawberry.ID] = strawberry.field(
        description="Interventions to drop from the phone: deleted, or no longer the caller's."
    )
    cursor: str = strawberry.field(description="Pass it as `since` next time.")
    has_more: bool = strawberry.field(
        description="More changes follow: ask again at once with the cursor."
    )


# Queries

InterventionId = Annotated[strawberry.ID, strawberry.argument(description="The intervention's id.")]
InterventionVersion = Annotated[
    int,
    strawberry.argument(
        description="The intervention's version as you read it; if it changed since, the "
        "answer is a CONFLICT error and nothing changes."
    ),
]


@strawberry.type(description="Interventions' queries.")
class InterventionsQuery:
    @strawberry.field(
        description="One intervention; null with NOT_FOUND if it is not yours (a technician's: "
        "one they are on)."
    )
    async def intervention(self, info: Info, id: InterventionId) -> Intervention | None:
        found = await info.context.clients.interventions.get_intervention(info.context.caller, id)
        return cast(Intervention, found)

    @strawberry.field(
        description="The technician's day: the caller's own interventions scheduled that day "
        "(Europe/Paris), in the order of the day, each with the client's name, memo, the "
        "address and the equipment, in one request."
    )
    async def my_interventions(
        self,
        info: Info,
        date: Annotated[
            str | None, strawberry.argument(description=f"The day, {_DATE}; today when omitted.")
        ] = None,
    ) -> list[TechnicianVisit] | None:
        found = await info.context.clients.interventions.list_my_interventions(
            info.context.caller, date or ""
        )
        return cast(list[TechnicianVisit], found)

    @strawberry.field(
        description="Offline sync of a technician's app: everything that changed for the "
        "caller since the cursor of the previous answer (created, updated, removed), in one "
        "small answer."
    )
    async def intervention_changes(
        self,
        info: Info,
        since: Annotated[
            str | None,
            strawberry.argument(description="The previous answer's cursor; omitted: everything."),
        ] = None,
    ) -> InterventionChanges | None:
        changes = await info.context.clients.interventions.list_intervention_changes(
            info.context.caller, since or ""
        )
        return cast(InterventionChanges, changes)


# Mutations


@strawberry.input(description="A new intervention.")
class InterventionInput:
    title: str = strawberry.field(description="What is to be done, in a few words; required.")
    type: str = strawberry.field(default="", description="The agency's own kind of work.")
    description: str = strawberry.field(default="", description="Details of the work.")
    address_id: strawberry.ID = strawberry.field(
        default=strawberry.ID(""), description="One of the client's addresses, by id."
    )
    equipment_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The client's equipment concerned, by id."
    )
    priority: InterventionPriority | None = strawberry.field(
        default=None, description="How urgent; NORMAL when omitted."
    )
    latest_date: str = strawberry.field(
        default="", description=f"The last acceptable day, {_DATE}; from the priority if omitted."
    )
    appointment_confirmed: bool = strawberry.field(
        default=False, description="Whether the appointment is confirmed with the client."
    )
    quote_id: strawberry.ID = strawberry.field(
        default=strawberry.ID(""), description="The linked quote (billing's id)."
    )
    invoicing: InvoicingState | None = strawberry.field(
        default=None, description="Whether it is to be invoiced."
    )
    archived: bool = strawberry.field(default=False, description="Archived from the start.")
    worksite_id: strawberry.ID = strawberry.field(
        default=strawberry.ID(""), description="One of the client's worksites, by id."
    )


@strawberry.input(
    description="Changes to an intervention: only the fields given change (null counts as not "
    "given)."
)
class InterventionUpdateInput:
    title: str | None = strawberry.field(default=UNSET, description="What is to be done.")
    type: str | None = strawberry.field(default=UNSET, description="The agency's kind of work.")
    description: str | None = strawberry.field(default=UNSET, description="Details of the work.")
    address_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="One of the client's addresses, by id."
    )
    equipment_ids: list[strawberry.ID] | None = strawberry.field(
        default=UNSET, description="The client's equipment concerned (the whole list)."
    )
    priority: InterventionPriority | None = strawberry.field(
        default=UNSET, description="How urgent; moves the latest date unless one is given too."
    )
    latest_date: str | None = strawberry.field(
        default=UNSET, description=f"The last acceptable day, {_DATE}."
    )
    appointment_confirmed: bool | None = strawberry.field(
        default=UNSET, description="Whether the appointment is confirmed with the client."
    )
    quote_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description='The linked quote; "" to unlink it.'
    )
    invoicing: InvoicingState | None = strawberry.field(
        default=UNSET, description="TO_INVOICE, INVOICED or NOT_BILLABLE."
    )
    archived: bool | None = strawberry.field(
        default=UNSET, description="true archives it, false brings it back."
    )
    worksite_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description='One of the client\'s worksites; "" to take it out of one.'
    )


@strawberry.input(description="Equipment to record, or changes to it (only the fields given).")
class EquipmentInput:
    name: str | None = strawberry.field(default=UNSET, description="What it is; required.")
    address_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Where it is installed: one of the client's addresses."
    )
    description: str | None = strawberry.field(default=UNSET, description="Details.")
    brand: str | None = strawberry.field(default=UNSET, description="Brand.")
    model: str | None = strawberry.field(default=UNSET, description="Model.")
    serial: str | None = strawberry.field(default=UNSET, description="Serial or reference.")
    install_date: str | None = strawberry.field(
        default=UNSET, description=f"When it was installed, {_DATE}, not in the future."
    )


@strawberry.input(description="A worksite to record, or changes to it (only the fields given).")
class WorksiteInput:
    name: str | None = strawberry.field(default=UNSET, description="Its name; required.")
    address_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="Where: one of the client's addresses."
    )
    status: WorksiteStatus | None = strawberry.field(
        default=UNSET, description="PLANNED (the default), IN_PROGRESS or DONE."
    )
    start_date: str | None = strawberry.field(default=UNSET, description=f"First day, {_DATE}.")
    end_date: str | None = strawberry.field(
        default=UNSET, description=f"Last day, {_DATE}, not before the first."
    )


async def _uploaded(upload: Upload) -> pb.UploadedFile:
    received = await read_upload(upload)
    return pb.UploadedFile(name=received.name, data=received.data)


def _input_proto(source: Any) -> tuple[pb.InterventionInput, list[str]]:
    given = given_fields(source)
    return pb.InterventionInput(**given), list(given)


def _stamp(
    request: pb.ScheduleInterventionRequest, name: str, value: datetime | None, field: str
) -> None:
    if value is None:
        return
    if value.tzinfo is None:
        raise graphql_error(InvalidInput(FieldViolation(field, "needs a UTC offset, e.g. Z")))
    getattr(request, name).FromDatetime(value)


@strawberry.input(description="A maintenance plan to record.")
class MaintenancePlanInput:
    name: str = strawberry.field(description="Its name; its visits take it as title.")
    rrule: str = strawberry.field(
        description="RFC 5545 RRULE: FREQ=DAILY|WEEKLY|MONTHLY|YEARLY, INTERVAL, BYMONTHDAY…"
    )
    start_date: str = strawberry.field(description=f"The first occurrence's day, {_DATE}.")
    equipment_id: strawberry.ID = strawberry.field(
        default=strawberry.ID(""), description="The equipment (this or addressId required)."
    )
    address_id: strawberry.ID = strawberry.field(
        default=strawberry.ID(""), description="The address (this or equipmentId required)."
    )
    horizon_days: int = strawberry.field(
        default=90, description="Days ahead its visits are generated for, 1 to 730."
    )
    end_date: str = strawberry.field(
        default="", description=f"The last day a visit may fall on, {_DATE}; none when omitted."
    )


@strawberry.input(description="Changes to a maintenance plan: only the fields given change.")
class MaintenancePlanUpdateInput:
    name: str | None = strawberry.field(default=UNSET, description="Its name.")
    rrule: str | None = strawberry.field(
        default=UNSET,
        description="A new RFC 5545 RRULE: the visits from today on that nobody has planned "
        "are made again by it.",
    )
    start_date: str | None = strawberry.field(
        default=UNSET, description=f"A new first day, {_DATE}; remakes the visits like rrule."
    )
    equipment_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The equipment (for the visits made from now on)."
    )
    address_id: strawberry.ID | None = strawberry.field(
        default=UNSET, description="The address (for the visits made from now on)."
    )
    horizon_days: int | None = strawberry.field(
        default=UNSET, description="Days ahead its visits are generated for, 1 to 730."
    )
    end_date: str | None = strawberry.field(
        default=UNSET,
        description=f"The plan's last day, {_DATE}: visits after it that nobody has planned are "
        'removed; "" for no end.',
    )


@strawberry.input(description="A vehicle to record.")
class VehicleInput:
    registration: str = strawberry.field(description="French registration, e.g. AB-123-CD.")
    vin: str = strawberry.field(default="", description="VIN, 17 characters.")
    make: str = strawberry.field(default="", description="Make.")
    model: str = strawberry.field(default="", description="Model.")
    mileage_km: int = strawberry.field(default=0, description="Mileage in kilometres.")


@strawberry.type(description="Interventions' mutations.")
class InterventionsMutation:
    @strawberry.mutation(
        description="Records a new intervention (stage NEW) for a client, with the agency's next "
        "number; not for technicians."
    )
    async def create_intervention(
        self,
        info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(description="The client's id.")],
        input: Annotated[InterventionInput, strawberry.argument(description="The intervention.")],
    ) -> Intervention | None:
        message, _ = _input_proto(input)
        created = await info.context.clients.interventions.create_intervention(
            info.context.caller, client_id, message
        )
        return cast(Intervention, created)

    @strawberry.mutation(description="Changes an intervention's details: the fields given only.")
    async def update_intervention(
        self,
        info: Info,
        id: InterventionId,
        version: InterventionVersion,
        input: Annotated[
            InterventionUpdateInput, strawberry.argument(description="The fields to change.")
        ],
    ) -> Intervention | None:
        message, paths = _input_proto(input)
        updated = await info.context.clients.interventions.update_intervention(
            info.context.caller, id, version, message, paths
        )
        return cast(Intervention, updated)

    @strawberry.mutation(
        description="Plans an intervention: a start and an end (or neither, out of the "
        "planning) and its technicians. A new or confirmed one becomes SCHEDULED, ASSIGNED "
        "once it has technicians."
    )
    async def schedule_intervention(
        self,
        info: Info,
        id: InterventionId,
        version: InterventionVersion,
        scheduled_start: Annotated[
            datetime | None, strawberry.argument(description="Start, ISO 8601 with an offset.")
        ] = None,
        scheduled_end: Annotated[
            datetime | None, strawberry.argument(description="End, ISO 8601 with an offset.")
        ] = None,
        technician_ids: Annotated[
            list[str] | None,
            strawberry.argument(description="User ids of its technicians (the whole list)."),
        ] = None,
    ) -> Intervention | None:
        request = pb.ScheduleInterventionRequest(
            id=id, version=version, technician_ids=technician_ids or []
        )
        _stamp(request, "scheduled_start", scheduled_start, "scheduledStart")
        _stamp(request, "scheduled_end", scheduled_end, "scheduledEnd")
        scheduled = await info.context.clients.interventions.schedule_intervention(
            request, info.context.caller
        )
        return cast(Intervention, scheduled)

    @strawberry.mutation(
        description="Moves an intervention along its path (a technician: their own only). "
        "DONE is reached only by completeIntervention; nothing leaves DONE; CANCELLED goes "
        "back to NEW only; STARTED records the actual start."
    )
    async def move_intervention_stage(
        self,
        info: Info,
        id: InterventionId,
        version: InterventionVersion,
        stage: Annotated[InterventionStage, strawberry.argument(description="The new stage.")],
    ) -> Intervention | None:
        moved = await info.context.clients.interventions.move_intervention_stage(
            info.context.caller, id, version, stage.value
        )
        return cast(Intervention, moved)

    @strawberry.mutation(
        description="Completes an intervention with its report (a technician: their own "
        "only): the only way to DONE."
    )
    async def complete_intervention(
        self,
        info: Info,
        id: InterventionId,
        version: InterventionVersion,
        report: Annotated[str, strawberry.argument(description="What was done; required.")],
        idempotency_key: Annotated[
            str | None,
            strawberry.argument(
                description="Chosen by an app that may send the report again (written "
                "offline): sent again with the same key, it is applied once and the "
                "intervention is answered as it is, whatever the version."
            ),
        ] = None,
        signature: Annotated[
            Upload | None,
            strawberry.argument(
                description="The client's signature, an image (JPEG, PNG or WebP, at most "
                "2 MiB), as a multipart upload."
            ),
        ] = None,
        photos: Annotated[
            list[Upload] | None,
            strawberry.argument(
                description="Photos of the work (JPEG, PNG or WebP, at most 8 MiB each, 10 at "
                "most), as multipart uploads."
            ),
        ] = None,
    ) -> Intervention | None:
        request = pb.CompleteInterventionRequest(
            id=id, version=version, report=report, idempotency_key=idempotency_key or ""
        )
        if signature is not None:
            request.signature.CopyFrom(await _uploaded(signature))
        for photo in photos or ():
            request.photos.append(await _uploaded(photo))
        done = await info.context.clients.interventions.complete_intervention_with(
            request, info.context.caller
        )
        return cast(Intervention, done)

    @strawberry.mutation(
        description="Deletes an intervention for good, only while NEW (later, move it to "
        "CANCELLED); the intervention as it was."
    )
    async def delete_intervention(
        self, info: Info, id: InterventionId, version: InterventionVersion
    ) -> Intervention | None:
        deleted = await info.context.clients.interventions.delete_intervention(
            info.context.caller, id, version
        )
        return cast(Intervention, deleted)

    @strawberry.mutation(description="Records a piece of equipment of a client.")
    async def create_equipment(
        self,
        info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(description="The client's id.")],
        input: Annotated[EquipmentInput, strawberry.argument(description="The equipment.")],
    ) -> Equipment | None:
        created = await info.context.clients.interventions.create_equipment(
            info.context.caller, client_id, pb.EquipmentInput(**given_fields(input))
        )
        return cast(Equipment, created)

    @strawberry.mutation(description="Changes a piece of equipment: the fields given only.")
    async def update_equipment(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The equipment's id.")],
        version: Annotated[
            int, strawberry.argument(description="Its version as read; stale: CONFLICT.")
        ],
        input: Annotated[EquipmentInput, strawberry.argument(description="The fields to change.")],
    ) -> Equipment | None:
        given = given_fields(input)
        updated = await info.context.clients.interventions.update_equipment(
            info.context.caller, id, version, pb.EquipmentInput(**given), list(given)
        )
        return cast(Equipment, updated)

    @strawberry.mutation(
        description="Sets a piece of equipment's photo (JPEG, PNG or WebP, at most 8 MiB; its "
        "type is read from the content), or removes it when none is given; not for technicians."
    )
    async def set_equipment_photo(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The equipment's id.")],
        version: Annotated[
            int, strawberry.argument(description="Its version as read; stale: CONFLICT.")
        ],
        photo: Annotated[
            Upload | None,
            strawberry.argument(description="The image, as a multipart upload; null removes it."),
        ] = None,
    ) -> Equipment | None:
        request = pb.SetEquipmentPhotoRequest(id=id, version=version)
        if photo is not None:
            request.photo.CopyFrom(await _uploaded(photo))
        updated = await info.context.clients.interventions.set_equipment_photo(
            request, info.context.caller
        )
        return cast(Equipment, updated)

    @strawberry.mutation(description="Records a worksite of a client.")
    async def create_worksite(
        self,
        info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(description="The client's id.")],
        input: Annotated[WorksiteInput, strawberry.argument(description="The worksite.")],
    ) -> Worksite | None:
        created = await info.context.clients.interventions.create_worksite(
            info.context.caller, client_id, pb.WorksiteInput(**given_fields(input))
        )
        return cast(Worksite, created)

    @strawberry.mutation(description="Changes a worksite (its status, say): the fields given only.")
    async def update_worksite(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The worksite's id.")],
        version: Annotated[
            int, strawberry.argument(description="Its version as read; stale: CONFLICT.")
        ],
        input: Annotated[WorksiteInput, strawberry.argument(description="The fields to change.")],
    ) -> Worksite | None:
        given = given_fields(input)
        updated = await info.context.clients.interventions.update_worksite(
            info.context.caller, id, version, pb.WorksiteInput(**given), list(given)
        )
        return cast(Worksite, updated)

    @strawberry.mutation(description="Records a vehicle of a client (seed 004's workshop).")
    async def create_vehicle(
        self,
        info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(description="The client's id.")],
        input: Annotated[VehicleInput, strawberry.argument(description="The vehicle.")],
    ) -> Vehicle | None:
        vehicle = await info.context.clients.interventions.create_vehicle(
            info.context.caller, client_id, pb.VehicleInput(**given_fields(input))
        )
        return cast(Vehicle, vehicle)

    @strawberry.mutation(description="Books a workshop appointment for a vehicle (BOOKED).")
    async def book_workshop_appointment(
        self,
        info: Info,
        vehicle_id: Annotated[strawberry.ID, strawberry.argument(description="The vehicle.")],
        starts_at: Annotated[
            datetime, strawberry.argument(description="When, ISO 8601 with an offset.")
        ],
        work_requested: Annotated[
            str, strawberry.argument(description="The work the client asks for.")
        ],
    ) -> WorkshopAppointment | None:
        request = pb.BookWorkshopAppointmentRequest(
            vehicle_id=vehicle_id, work_requested=work_requested
        )
        if starts_at.tzinfo is None:
            raise graphql_error(InvalidInput(FieldViolation("startsAt", "needs a UTC offset")))
        request.starts_at.FromDatetime(starts_at)
        booked = await info.context.clients.interventions.book_workshop_appointment(
            request, info.context.caller
        )
        return cast(WorkshopAppointment, booked)

    @strawberry.mutation(
        description="Moves a workshop appointment: BOOKED → IN_PROGRESS → DONE, or CANCELLED "
        "(which may be booked again)."
    )
    async def set_workshop_appointment_status(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The appointment's id.")],
        version: Annotated[
            int, strawberry.argument(description="Its version as read; stale: CONFLICT.")
        ],
        status: Annotated[
            WorkshopAppointmentStatus, strawberry.argument(description="The new status.")
        ],
    ) -> WorkshopAppointment | None:
        moved = await info.context.clients.interventions.set_workshop_appointment_status(
            info.context.caller, id, version, status.value
        )
        return cast(WorkshopAppointment, moved)

    @strawberry.mutation(
        description="Records a maintenance plan; its visits are generated in the background "
        "over its horizon (not for technicians)."
    )
    async def create_maintenance_plan(
        self,
        info: Info,
        client_id: Annotated[strawberry.ID, strawberry.argument(description="The client's id.")],
        input: Annotated[MaintenancePlanInput, strawberry.argument(description="The plan.")],
    ) -> MaintenancePlan | None:
        plan = await info.context.clients.interventions.create_maintenance_plan(
            info.context.caller, client_id, pb.MaintenancePlanInput(**given_fields(input))
        )
        return cast(MaintenancePlan, plan)

    @strawberry.mutation(
        description="Changes a maintenance plan: the fields given only. A new rrule or "
        "startDate remakes its visits from today on that nobody has planned; an endDate removes "
        "those after it (not for technicians)."
    )
    async def update_maintenance_plan(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The plan's id.")],
        version: Annotated[
            int, strawberry.argument(description="Its version as read; stale: CONFLICT.")
        ],
        input: Annotated[
            MaintenancePlanUpdateInput, strawberry.argument(description="The fields to change.")
        ],
    ) -> MaintenancePlan | None:
        given = given_fields(input)
        plan = await info.context.clients.interventions.update_maintenance_plan(
            info.context.caller, id, version, pb.MaintenancePlanInput(**given), list(given)
        )
        return cast(MaintenancePlan, plan)

    @strawberry.mutation(
        description="Deletes a maintenance plan with its visits nobody has planned; its "
        "planned and done visits stay as interventions. The plan as it was (not for "
        "technicians)."
    )
    async def delete_maintenance_plan(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The plan's id.")],
        version: Annotated[
            int, strawberry.argument(description="Its version as read; stale: CONFLICT.")
        ],
    ) -> MaintenancePlan | None:
        plan = await info.context.clients.interventions.delete_maintenance_plan(
            info.context.caller, id, version
        )
        return cast(MaintenancePlan, plan)


# Live events

INTERVENTION_EVENTS = (
    pb.InterventionCreated,
    pb.InterventionUpdated,
    pb.InterventionScheduled,
    pb.InterventionStageChanged,
    pb.InterventionDone,
    pb.InterventionDeleted,
)


PLAN_EVENTS = (pb.MaintenancePlanCreated, pb.MaintenancePlanUpdated, pb.MaintenancePlanDeleted)


@strawberry.type
class InterventionsEventFields:
    @strawberry.field(description="The intervention, for an interventions event; null for others.")
    @staticmethod
    def intervention(root: strawberry.Parent[LiveEvent], info: Info) -> Intervention | None:
        if not isinstance(root.payload, INTERVENTION_EVENTS):
            return None
        caller = info.context.caller
        if caller.role not in SEES_SECTION or (
            caller.role == TECHNICIAN
            and caller.user_id not in root.payload.intervention.technician_ids
        ):
            return None
        return cast(Intervention, root.payload.intervention)

    @strawberry.field(description="The equipment, for an equipment event; null for others.")
    @staticmethod
    def equipment(root: strawberry.Parent[LiveEvent], info: Info) -> Equipment | None:
        if info.context.caller.role not in AGENCY_ROLES or not isinstance(
            root.payload, pb.EquipmentCreated | pb.EquipmentUpdated
        ):
            return None
        return cast(Equipment, root.payload.equipment)

    @strawberry.field(description="The worksite, for a worksite event; null for others.")
    @staticmethod
    def worksite(root: strawberry.Parent[LiveEvent], info: Info) -> Worksite | None:
        if info.context.caller.role not in AGENCY_ROLES or not isinstance(
            root.payload, pb.WorksiteCreated | pb.WorksiteUpdated
        ):
            return None
        return cast(Worksite, root.payload.worksite)

    @strawberry.field(description="The plan, for a maintenance plan event; null for others.")
    @staticmethod
    def maintenance_plan(root: strawberry.Parent[LiveEvent], info: Info) -> MaintenancePlan | None:
        if info.context.caller.role not in AGENCY_ROLES or not isinstance(
            root.payload, PLAN_EVENTS
        ):
            return None
        return cast(MaintenancePlan, root.payload.plan)

    @strawberry.field(description="The appointment, for a workshop event; null for others.")
    @staticmethod
    def workshop_appointment(
        root: strawberry.Parent[LiveEvent], info: Info
    ) -> WorkshopAppointment | None:
        if info.context.caller.role not in AGENCY_ROLES or not isinstance(
            root.payload, pb.WorkshopAppointmentChanged
        ):
            return None
        return cast(WorkshopAppointment, root.payload.appointment)

    @strawberry.field(description="The vehicle, for a vehicle event; null for others.")
    @staticmethod
    def vehicle(root: strawberry.Parent[LiveEvent], info: Info) -> Vehicle | None:
        if info.context.caller.role not in AGENCY_ROLES or not isinstance(
            root.payload, pb.VehicleCreated
        ):
            return None
        return cast(Vehicle, root.payload.vehicle)


SECTION = ServiceSection(
    service="interventions",
    sections=(INTERVENTIONS,),
    query=InterventionsQuery,
    mutation=InterventionsMutation,
    events=(
        *INTERVENTION_EVENTS,
        pb.EquipmentCreated,
        pb.EquipmentUpdated,
        pb.WorksiteCreated,
        pb.WorksiteUpdated,
        *PLAN_EVENTS,
        pb.WorkshopAppointmentChanged,
        pb.VehicleCreated,
    ),
    event_fields=InterventionsEventFields,
)
