"""The workshop (seed 004): a client's vehicles and their workshop appointments, booked and
moved along booked → in progress → done (or cancelled), each change with its event."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from runtime.caller import Caller
from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.updates import check_version, created_stamps, touched_stamps
from runtime.kit.validators import reject_invalid
from services.interventions import events, roles
from services.interventions.models import (
    VEHICLES,
    WORKSHOP_APPOINTMENTS,
    WORKSHOP_STATUSES,
    Vehicle,
    WorkshopAppointment,
)
from services.interventions.repository import InterventionsRepository

# SIV plates since 2009 (AB-123-CD), and the FNI ones before (123 ABC 75).
_PLATE = re.compile(
    r"^(?:[A-HJ-NP-TV-Z]{2}-?\d{3}-?[A-HJ-NP-TV-Z]{2}|\d{1,4} ?[A-Z]{1,3} ?\d{2,3})$"
)
# ISO 3779: 17 characters, letters I, O and Q excluded.
_VIN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")
MAX_WORK = 2_000
# Whence each status may be set.
_MOVES = {
    "booked": {"in_progress", "cancelled"},
    "in_progress": {"done", "cancelled"},
    "done": set(),
    "cancelled": {"booked"},
}


def _agency_only(caller: Caller) -> None:
    roles.require_agency(caller, "change the workshop's planning")


def check_vehicle(vehicle: Vehicle) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    plate = vehicle.get("registration", "")
    if not plate:
        out.append(FieldViolation("registration", "required"))
    elif not _PLATE.match(plate):
        out.append(FieldViolation("registration", "not a French registration (AB-123-CD)"))
    vin = vehicle.get("vin", "")
    if vin and not _VIN.match(vin):
        out.append(FieldViolation("vin", "not a VIN: 17 letters and digits, without I, O or Q"))
    if vehicle.get("mileage_km", 0) < 0:
        out.append(FieldViolation("mileageKm", "must not be negative"))
    return out


async def create_vehicle(
    *, repo: InterventionsRepository, caller: Caller, client_id: str, data: Vehicle
) -> Vehicle:
    _agency_only(caller)
    vehicle: Vehicle = {
        "make": "",
        "model": "",
        "mileage_km": 0,
        **data,
        "registration": data.get("registration", "").strip().upper(),
        "vin": data.get("vin", "").strip().upper(),
    }
    violations = check_vehicle(vehicle)
    if not client_id.strip():
        violations.insert(0, FieldViolation("clientId", "required"))
    reject_invalid(violations)
    vehicle.update(
        {"id": new_id(), "client_id": client_id, "audit": created_stamps(caller.user_id)}
    )
    async with repo.transaction() as txn:
        stored = await repo.insert_record(txn, VEHICLES, caller.tenant_id, dict(vehicle))
        await events.vehicle_created(txn, caller, cast(Vehicle, stored))
    return cast(Vehicle, stored)


async def book_appointment(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    vehicle_id: str,
    starts_at: str,
    work_requested: str,
) -> WorkshopAppointment:
    _agency_only(caller)
    violations: list[FieldViolation] = []
    if not starts_at:
        violations.append(FieldViolation("startsAt", "required"))
    if not work_requested.strip():
        violations.append(FieldViolation("workRequested", "required"))
    elif len(work_requested) > MAX_WORK:
        violations.append(FieldViolation("workRequested", f"at most {MAX_WORK} characters"))
    reject_invalid(violations)
    async with repo.transaction() as txn:
        vehicle = await repo.get_record_for_update(txn, VEHICLES, caller.tenant_id, vehicle_id)
        if vehicle is None:
            raise NotFound(f"vehicle {vehicle_id} not found")
        appointment: WorkshopAppointment = {
            "id": new_id(),
            "client_id": vehicle["client_id"],
            "vehicle_id": vehicle_id,
            "starts_at": starts_at,
            "work_requested": work_requested,
            "status": "booked",
            "audit": created_stamps(caller.user_id),
        }
        stored = await repo.insert_record(
            txn, WORKSHOP_APPOINTMENTS, caller.tenant_id, dict(appointment)
        )
        await events.appointment_changed(txn, caller, cast(WorkshopAppointment, stored))
    return cast(WorkshopAppointment, stored)


async def set_appointment_status(
    *, repo: InterventionsRepository, caller: Caller, appointment_id: str, version: int, status: str
) -> WorkshopAppointment:
    _agency_only(caller)
    reject_invalid(
        WORKSHOP_STATUSES.check(status, "status")
        or ([FieldViolation("status", "required")] if not status else [])
    )
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_record_for_update(
                txn, WORKSHOP_APPOINTMENTS, caller.tenant_id, appointment_id
            ),
            version=version,
            what="workshop appointment",
            record_id=appointment_id,
        )
        if current["status"] == status:
            return cast(WorkshopAppointment, current)
        if status not in _MOVES.get(current["status"], set()):
            raise InvalidInput(
                FieldViolation(
                    "status", f"a {current['status']} appointment cannot become {status}"
                )
            )
        updated = {
            **current,
            "status": status,
            "audit": touched_stamps(current.get("audit"), caller.user_id),
        }
        stored = await repo.replace_record(
            txn, WORKSHOP_APPOINTMENTS, caller.tenant_id, updated, expected_version=version
        )
        await events.appointment_changed(txn, caller, cast(WorkshopAppointment, stored))
    return cast(WorkshopAppointment, stored)


async def for_clients(
    reads: InterventionsRepository, tenant_id: str, client_ids: Sequence[str]
) -> tuple[list[Vehicle], list[WorkshopAppointment]]:
    vehicles = await reads.records_by_clients(
        VEHICLES, tenant_id, client_ids, sort=(("registration", 1), ("id", 1))
    )
    appointments = await reads.records_by_clients(
        WORKSHOP_APPOINTMENTS, tenant_id, client_ids, sort=(("starts_at", -1), ("id", -1))
    )
    return cast(list[Vehicle], vehicles), cast(list[WorkshopAppointment], appointments)
