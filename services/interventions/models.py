"""Data shapes of the interventions service: the collection, the stored document and the words
stored for the proto's closed vocabularies.

Instants are stored as ISO 8601 text in UTC with microseconds (they sort as text in time
order), days as YYYY-MM-DD. ``search_keys`` (multikey) holds the title's words and the number,
folded, for the "title or number" filter.
"""

from __future__ import annotations

from typing import Final, TypedDict

from client360.interventions.v1 import interventions_pb2 as pb
from runtime.kit.common import Address, AuditStamps
from runtime.kit.jobs import JOB_COLLECTIONS
from runtime.kit.sequences import COUNTERS_COLLECTION, GaplessSequence
from runtime.kit.vocabulary import Vocabulary
from runtime.store import CollectionSpec

INTERVENTIONS: Final = "interventions"
EQUIPMENT: Final = "equipment"
WORKSITES: Final = "worksites"
# The copy of identity's clients, fed by its events (runtime.kit.replica).
CLIENT_COPIES: Final = "client_copies"
MAINTENANCE_PLANS: Final = "maintenance_plans"
# What changed for whom, in order: the offline apps' sync reads it (service.changes_since).
CHANGES: Final = "intervention_changes"
VEHICLES: Final = "vehicles"
# The images the service keeps (photos, signatures): what holds each, for GetFile's rules.
FILES: Final = "files"
WORKSHOP_APPOINTMENTS: Final = "workshop_appointments"
CHANGE_NUMBERS: Final = GaplessSequence("intervention_change", "{number}")
# When each plan's next visit enters its horizon, under the job queue's tenant (maintenance).
TOP_UPS: Final = "maintenance_top_ups"
# The job kind that generates a plan's visits ahead.
VISITS_JOB: Final = "maintenance_visits"

COLLECTIONS = (
    CollectionSpec(
        INTERVENTIONS,
        indexes=(("client_id", "scheduled_start"), ("scheduled_start",)),
        multikey=("search_keys", "technician_ids"),
    ),
    CollectionSpec(EQUIPMENT, indexes=(("client_id", "name"),)),
    CollectionSpec(WORKSITES, indexes=(("client_id", "name"),)),
    CollectionSpec(CLIENT_COPIES),
    CollectionSpec(MAINTENANCE_PLANS, indexes=(("client_id", "name"),)),
    CollectionSpec(CHANGES, indexes=(("seq",),), multikey=("technicians",)),
    CollectionSpec(VEHICLES, indexes=(("client_id", "registration"),)),
    CollectionSpec(WORKSHOP_APPOINTMENTS, indexes=(("client_id", "starts_at"),)),
    CollectionSpec(FILES, indexes=(("holder_id",),)),
    CollectionSpec(TOP_UPS, indexes=(("due_on",),)),
    *JOB_COLLECTIONS,
    COUNTERS_COLLECTION,
)

INTERVENTION_NUMBERS: Final = GaplessSequence("intervention_number", "INT-{number:06d}")

NEW: Final = "new"
CONFIRMED: Final = "confirmed"
SCHEDULED: Final = "scheduled"
ASSIGNED: Final = "assigned"
EN_ROUTE: Final = "en_route"
STARTED: Final = "started"
DONE: Final = "done"
CANCELLED: Final = "cancelled"
# Stages in which the work is still to do.
OPEN_STAGES: Final = (NEW, CONFIRMED, SCHEDULED, ASSIGNED, EN_ROUTE, STARTED)

STAGES: Final = Vocabulary(
    pb.InterventionStage,
    {
        pb.INTERVENTION_STAGE_NEW: NEW,
        pb.INTERVENTION_STAGE_CONFIRMED: CONFIRMED,
        pb.INTERVENTION_STAGE_SCHEDULED: SCHEDULED,
        pb.INTERVENTION_STAGE_ASSIGNED: ASSIGNED,
        pb.INTERVENTION_STAGE_EN_ROUTE: EN_ROUTE,
        pb.INTERVENTION_STAGE_STARTED: STARTED,
        pb.INTERVENTION_STAGE_DONE: DONE,
        pb.INTERVENTION_STAGE_CANCELLED: CANCELLED,
    },
)
PRIORITIES: Final = Vocabulary(
    pb.InterventionPriority,
    {
        pb.INTERVENTION_PRIORITY_LOW: "low",
        pb.INTERVENTION_PRIORITY_NORMAL: "normal",
        pb.INTERVENTION_PRIORITY_HIGH: "high",
        pb.INTERVENTION_PRIORITY_URGENT: "urgent",
    },
)
# Days from the creation day to the latest acceptable date, by priority.
PRIORITY_DELAYS: Final = {"low": 30, "normal": 7, "high": 2, "urgent": 0, "": 7}
INVOICING: Final = Vocabulary(
    pb.InvoicingState,
    {
        pb.INVOICING_STATE_NOT_BILLABLE: "not_billable",
        pb.INVOICING_STATE_TO_INVOICE: "to_invoice",
        pb.INVOICING_STATE_INVOICED: "invoiced",
    },
)
TO_INVOICE: Final = "to_invoice"

# The statuses computed at read time (never stored).
LATE: Final = "late"
TODAY: Final = "today"
UPCOMING: Final = "upcoming"
STATUS_DONE: Final = "done"
UNSCHEDULED: Final = "unscheduled"
STATUS_CANCELLED: Final = "cancelled"
STATUSES: Final = Vocabulary(
    pb.InterventionStatus,
    {
        pb.INTERVENTION_STATUS_LATE: LATE,
        pb.INTERVENTION_STATUS_TODAY: TODAY,
        pb.INTERVENTION_STATUS_UPCOMING: UPCOMING,
        pb.INTERVENTION_STATUS_DONE: STATUS_DONE,
        pb.INTERVENTION_STATUS_UNSCHEDULED: UNSCHEDULED,
        pb.INTERVENTION_STATUS_CANCELLED: STATUS_CANCELLED,
    },
)


class FileInfo(TypedDict):
    """What a record shows of an image it holds (the content is in the FileStore)."""

    id: str
    name: str
    media_type: str
    size_bytes: int
    sha256: str


class InterventionInput(TypedDict, total=False):
    """What a caller writes (create, or update through a mask)."""

    title: str
    type: str
    description: str
    address_id: str
    equipment_ids: list[str]
    priority: str
    latest_date: str
    appointment_confirmed: bool
    quote_id: str
    invoicing: str
    archived: bool
    worksite_id: str


# The fields an update's mask may name.
INPUT_FIELDS: Final = tuple(InterventionInput.__annotations__)


class Intervention(InterventionInput, total=False):
    id: str
    tenant_id: str
    version: int
    client_id: str
    number: str
    technician_ids: list[str]
    scheduled_start: str  # ISO 8601 UTC, "" when not scheduled
    scheduled_end: str
    actual_start: str
    actual_end: str
    stage: str
    report: str
    search_keys: list[str]
    audit: AuditStamps
    plan_id: str  # a maintenance visit's plan
    due_date: str
    report_key: str  # the idempotency key the report was applied with
    signature: FileInfo
    report_photos: list[FileInfo]


class InterventionFilter(TypedDict, total=False):
    """Seed 001's filters, as the service receives them (None: not filtered)."""

    search: str
    types: list[str]
    address_ids: list[str]
    technician_ids: list[str]
    archived: bool | None
    statuses: list[str]
    has_appointment: bool | None
    has_quote: bool | None
    to_invoice: bool | None
    scheduled_from: str
    scheduled_to: str


WORKSITE_STATUSES: Final = Vocabulary(
    pb.WorksiteStatus,
    {
        pb.WORKSITE_STATUS_PLANNED: "planned",
        pb.WORKSITE_STATUS_IN_PROGRESS: "in_progress",
        pb.WORKSITE_STATUS_DONE: "done",
    },
)


class EquipmentInput(TypedDict, total=False):
    name: str
    address_id: str
    description: str
    brand: str
    model: str
    serial: str
    install_date: str  # YYYY-MM-DD


EQUIPMENT_FIELDS: Final = tuple(EquipmentInput.__annotations__)


class Equipment(EquipmentInput, total=False):
    id: str
    tenant_id: str
    version: int
    client_id: str
    audit: AuditStamps
    photo: FileInfo


class WorksiteInput(TypedDict, total=False):
    name: str
    address_id: str
    status: str  # a word of WORKSITE_STATUSES
    start_date: str
    end_date: str


WORKSITE_FIELDS: Final = tuple(WorksiteInput.__annotations__)


class Worksite(WorksiteInput, total=False):
    id: str
    tenant_id: str
    version: int
    client_id: str
    audit: AuditStamps


class ClientCopy(TypedDict, total=False):
    """What the technician's day shows of a client, copied from identity's events."""

    id: str
    display_name: str
    memo: str
    addresses: list[Address]
    archived: bool


VISIT_COLOURS: Final = Vocabulary(
    pb.VisitColour,
    {
        pb.VISIT_COLOUR_DONE: "done",
        pb.VISIT_COLOUR_PLANNED: "planned",
        pb.VISIT_COLOUR_NOT_PLANNED: "not_planned",
    },
)


class MaintenancePlanInput(TypedDict, total=False):
    name: str
    equipment_id: str
    address_id: str
    rrule: str  # RFC 5545 RRULE
    start_date: str
    horizon_days: int
    end_date: str  # YYYY-MM-DD, "" when the plan has no end


class MaintenancePlan(MaintenancePlanInput, total=False):
    id: str
    tenant_id: str
    version: int
    client_id: str
    generated_until: str  # visits exist up to this day
    audit: AuditStamps


WORKSHOP_STATUSES: Final = Vocabulary(
    pb.WorkshopAppointmentStatus,
    {
        pb.WORKSHOP_APPOINTMENT_STATUS_BOOKED: "booked",
        pb.WORKSHOP_APPOINTMENT_STATUS_IN_PROGRESS: "in_progress",
        pb.WORKSHOP_APPOINTMENT_STATUS_DONE: "done",
        pb.WORKSHOP_APPOINTMENT_STATUS_CANCELLED: "cancelled",
    },
)


class Vehicle(TypedDict, total=False):
    id: str
    tenant_id: str
    version: int
    client_id: str
    registration: str
    vin: str
    make: str
    model: str
    mileage_km: int
    audit: AuditStamps


class WorkshopAppointment(TypedDict, total=False):
    id: str
    tenant_id: str
    version: int
    client_id: str
    vehicle_id: str
    starts_at: str  # ISO 8601 UTC
    work_requested: str
    status: str  # a word of WORKSHOP_STATUSES
    audit: AuditStamps
