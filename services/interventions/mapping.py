"""Interventions between stored documents and protos, field by field. The status is computed
here, at read time, from the moment the read started (status.Today)."""

from __future__ import annotations

from datetime import UTC

from google.protobuf.timestamp_pb2 import Timestamp

from client360.common.v1 import common_pb2
from client360.interventions.v1 import interventions_pb2 as pb
from runtime.clock import timestamp
from runtime.kit.common import audit_to_proto
from services.interventions.models import (
    INVOICING,
    PRIORITIES,
    STAGES,
    STATUSES,
    VISIT_COLOURS,
    WORKSHOP_STATUSES,
    WORKSITE_STATUSES,
    Equipment,
    EquipmentInput,
    FileInfo,
    Intervention,
    InterventionFilter,
    InterventionInput,
    MaintenancePlan,
    MaintenancePlanInput,
    Vehicle,
    WorkshopAppointment,
    Worksite,
    WorksiteInput,
)
from services.interventions.status import Today, instant, status_of


def intervention_to_proto(doc: Intervention, today: Today) -> pb.Intervention:
    return pb.Intervention(
        id=doc.get("id", ""),
        client_id=doc.get("client_id", ""),
        number=doc.get("number", ""),
        title=doc.get("title", ""),
        type=doc.get("type", ""),
        description=doc.get("description", ""),
        address_id=doc.get("address_id", ""),
        equipment_ids=doc.get("equipment_ids", []),
        technician_ids=doc.get("technician_ids", []),
        scheduled_start=timestamp(doc.get("scheduled_start", "")),
        scheduled_end=timestamp(doc.get("scheduled_end", "")),
        actual_start=timestamp(doc.get("actual_start", "")),
        actual_end=timestamp(doc.get("actual_end", "")),
        priority=PRIORITIES.to_proto(doc.get("priority", "")),
        latest_date=doc.get("latest_date", ""),
        appointment_confirmed=doc.get("appointment_confirmed", False),
        quote_id=doc.get("quote_id", ""),
        invoicing=INVOICING.to_proto(doc.get("invoicing", "")),
        archived=doc.get("archived", False),
        stage=STAGES.to_proto(doc.get("stage", "")),
        status=STATUSES.to_proto(status_of(doc, today)),
        report=doc.get("report", ""),
        version=doc.get("version", 0),
        audit=audit_to_proto(doc.get("audit")),
        worksite_id=doc.get("worksite_id", ""),
        plan_id=doc.get("plan_id", ""),
        due_date=doc.get("due_date", ""),
        signature=file_info_to_proto(doc.get("signature")),
        report_photos=[_file_info(f) for f in doc.get("report_photos", [])],
    )


def file_info_to_proto(info: FileInfo | None) -> common_pb2.FileInfo | None:
    """What a record shows of its image; None (unset) when it has none."""
    return None if info is None else _file_info(info)


def _file_info(info: FileInfo) -> common_pb2.FileInfo:
    return common_pb2.FileInfo(
        id=info["id"],
        name=info["name"],
        media_type=info["media_type"],
        size_bytes=info["size_bytes"],
        sha256=info["sha256"],
    )


def input_from_proto(message: pb.InterventionInput) -> InterventionInput:
    return {
        "title": message.title,
        "type": message.type,
        "description": message.description,
        "address_id": message.address_id,
        "equipment_ids": list(message.equipment_ids),
        "priority": PRIORITIES.to_word(message.priority),
        "latest_date": message.latest_date,
        "appointment_confirmed": message.appointment_confirmed,
        "quote_id": message.quote_id,
        "invoicing": INVOICING.to_word(message.invoicing),
        "archived": message.archived,
        "worksite_id": message.worksite_id,
    }


def filter_from_proto(message: pb.InterventionFilter) -> InterventionFilter:
    def optional(name: str) -> bool | None:
        return bool(getattr(message, name)) if message.HasField(name) else None  # type: ignore[arg-type]

    return {
        "search": message.search,
        "types": list(message.types),
        "address_ids": list(message.address_ids),
        "technician_ids": list(message.technician_ids),
        "archived": optional("archived"),
        "statuses": [STATUSES.to_word(s) for s in message.statuses],
        "has_appointment": optional("has_appointment"),
        "has_quote": optional("has_quote"),
        "to_invoice": optional("to_invoice"),
        "scheduled_from": message.scheduled_from,
        "scheduled_to": message.scheduled_to,
    }


def instant_from_proto(
    message: pb.ScheduleInterventionRequest | pb.BookWorkshopAppointmentRequest, name: str
) -> str:
    """A request's timestamp as stored; "" when unset."""
    if not message.HasField(name):  # type: ignore[arg-type]
        return ""
    stamp: Timestamp = getattr(message, name)
    return instant(stamp.ToDatetime(tzinfo=UTC))


def equipment_to_proto(doc: Equipment) -> pb.Equipment:
    return pb.Equipment(
        id=doc.get("id", ""),
        client_id=doc.get("client_id", ""),
        name=doc.get("name", ""),
        address_id=doc.get("address_id", ""),
        description=doc.get("description", ""),
        brand=doc.get("brand", ""),
        model=doc.get("model", ""),
        serial=doc.get("serial", ""),
        install_date=doc.get("install_date", ""),
        version=doc.get("version", 0),
        audit=audit_to_proto(doc.get("audit")),
        photo=file_info_to_proto(doc.get("photo")),
    )


def equipment_input_from_proto(message: pb.EquipmentInput) -> EquipmentInput:
    return {
        "name": message.name,
        "address_id": message.address_id,
        "description": message.description,
        "brand": message.brand,
        "model": message.model,
        "serial": message.serial,
        "install_date": message.install_date,
    }


def worksite_to_proto(doc: Worksite) -> pb.Worksite:
    return pb.Worksite(
        id=doc.get("id", ""),
        client_id=doc.get("client_id", ""),
        name=doc.get("name", ""),
        address_id=doc.get("address_id", ""),
        status=WORKSITE_STATUSES.to_proto(doc.get("status", "")),
        start_date=doc.get("start_date", ""),
        end_date=doc.get("end_date", ""),
        version=doc.get("version", 0),
        audit=audit_to_proto(doc.get("audit")),
    )


def worksite_input_from_proto(message: pb.WorksiteInput) -> WorksiteInput:
    return {
        "name": message.name,
        "address_id": message.address_id,
        "status": WORKSITE_STATUSES.to_word(message.status),
        "start_date": message.start_date,
        "end_date": message.end_date,
    }


def plan_to_proto(
    plan: MaintenancePlan, visits: list[tuple[Intervention, str]], next_due: str
) -> pb.MaintenancePlan:
    """A plan with its visits, each with its colour (computed by the caller)."""
    return pb.MaintenancePlan(
        id=plan.get("id", ""),
        client_id=plan.get("client_id", ""),
        name=plan.get("name", ""),
        equipment_id=plan.get("equipment_id", ""),
        address_id=plan.get("address_id", ""),
        rrule=plan.get("rrule", ""),
        start_date=plan.get("start_date", ""),
        horizon_days=plan.get("horizon_days", 0),
        end_date=plan.get("end_date", ""),
        next_due_date=next_due,
        generated_until=plan.get("generated_until", ""),
        visits=[
            pb.MaintenanceVisit(
                intervention_id=visit.get("id", ""),
                number=visit.get("number", ""),
                due_date=visit.get("due_date", ""),
                colour=VISIT_COLOURS.to_proto(colour),
                scheduled_start=timestamp(visit.get("scheduled_start", "")),
            )
            for visit, colour in visits
        ],
        version=plan.get("version", 0),
        audit=audit_to_proto(plan.get("audit")),
    )


def plan_input_from_proto(message: pb.MaintenancePlanInput) -> MaintenancePlanInput:
    return {
        "name": message.name,
        "equipment_id": message.equipment_id,
        "address_id": message.address_id,
        "rrule": message.rrule,
        "start_date": message.start_date,
        "horizon_days": message.horizon_days,
        "end_date": message.end_date,
    }


def vehicle_to_proto(doc: Vehicle) -> pb.Vehicle:
    return pb.Vehicle(
        id=doc.get("id", ""),
        client_id=doc.get("client_id", ""),
        registration=doc.get("registration", ""),
        vin=doc.get("vin", ""),
        make=doc.get("make", ""),
        model=doc.get("model", ""),
        mileage_km=doc.get("mileage_km", 0),
        version=doc.get("version", 0),
    )


def vehicle_from_proto(message: pb.VehicleInput) -> Vehicle:
    return {
        "registration": message.registration,
        "vin": message.vin,
        "make": message.make,
        "model": message.model,
        "mileage_km": message.mileage_km,
    }


def appointment_to_proto(doc: WorkshopAppointment) -> pb.WorkshopAppointment:
    return pb.WorkshopAppointment(
        id=doc.get("id", ""),
        client_id=doc.get("client_id", ""),
        vehicle_id=doc.get("vehicle_id", ""),
        starts_at=timestamp(doc.get("starts_at", "")),
        work_requested=doc.get("work_requested", ""),
        status=WORKSHOP_STATUSES.to_proto(doc.get("status", "")),
        version=doc.get("version", 0),
    )
