"""Events the interventions service emits: c360.interventions.intervention.*, whose payload
messages and subjects are declared in protos/client360/interventions/v1. The envelope's key is
the client, so that they reach the client's file live."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from client360.interventions.v1 import interventions_pb2 as pb
from runtime.caller import Caller
from runtime.outbox import new_event, queue_event
from runtime.store import Transaction
from services.interventions.mapping import (
    appointment_to_proto,
    equipment_to_proto,
    intervention_to_proto,
    plan_to_proto,
    vehicle_to_proto,
    worksite_to_proto,
)
from services.interventions.models import (
    STAGES,
    Equipment,
    Intervention,
    MaintenancePlan,
    Vehicle,
    WorkshopAppointment,
    Worksite,
)
from services.interventions.status import Today

CREATED = pb.InterventionCreated
SCHEDULED = pb.InterventionScheduled
DONE = pb.InterventionDone
DELETED = pb.InterventionDeleted

PlainEvent = type[
    pb.InterventionCreated | pb.InterventionScheduled | pb.InterventionDone | pb.InterventionDeleted
]


async def _queue(
    txn: Transaction, caller: Caller, intervention: Intervention, payload: object
) -> None:
    event = new_event(
        payload,  # type: ignore[arg-type]
        tenant_id=caller.tenant_id,
        key=intervention.get("client_id", ""),
        actor_id=caller.user_id,
    )
    await queue_event(txn, event)


async def intervention_event(
    txn: Transaction, event_type: PlainEvent, caller: Caller, intervention: Intervention
) -> None:
    payload = event_type(intervention=intervention_to_proto(intervention, Today()))
    await _queue(txn, caller, intervention, payload)


async def intervention_updated(
    txn: Transaction, caller: Caller, intervention: Intervention, changed: Sequence[str]
) -> None:
    payload = pb.InterventionUpdated(
        intervention=intervention_to_proto(intervention, Today()), changed_fields=changed
    )
    await _queue(txn, caller, intervention, payload)


async def stage_changed(
    txn: Transaction, caller: Caller, intervention: Intervention, previous: str
) -> None:
    payload = pb.InterventionStageChanged(
        intervention=intervention_to_proto(intervention, Today()),
        previous=STAGES.to_proto(previous),
    )
    await _queue(txn, caller, intervention, payload)


async def equipment_changed(
    txn: Transaction, caller: Caller, equipment: Equipment, changed: Sequence[str] | None = None
) -> None:
    """EquipmentCreated, or EquipmentUpdated naming the fields that ``changed``."""
    message = equipment_to_proto(equipment)
    payload: object = (
        pb.EquipmentCreated(equipment=message)
        if changed is None
        else pb.EquipmentUpdated(equipment=message, changed_fields=changed)
    )
    await _queue(txn, caller, cast(Intervention, equipment), payload)


async def worksite_changed(
    txn: Transaction, caller: Caller, worksite: Worksite, changed: Sequence[str] | None = None
) -> None:
    """WorksiteCreated, or WorksiteUpdated naming the fields that ``changed``."""
    message = worksite_to_proto(worksite)
    payload: object = (
        pb.WorksiteCreated(worksite=message)
        if changed is None
        else pb.WorksiteUpdated(worksite=message, changed_fields=changed)
    )
    await _queue(txn, caller, cast(Intervention, worksite), payload)


async def plan_created(txn: Transaction, caller: Caller, plan: MaintenancePlan) -> None:
    payload = pb.MaintenancePlanCreated(plan=plan_to_proto(plan, [], ""))
    await _queue(txn, caller, cast(Intervention, plan), payload)


async def plan_changed(
    txn: Transaction, caller: Caller, plan: MaintenancePlan, changed: Sequence[str]
) -> None:
    payload = pb.MaintenancePlanUpdated(plan=plan_to_proto(plan, [], ""), changed_fields=changed)
    await _queue(txn, caller, cast(Intervention, plan), payload)


async def plan_deleted(txn: Transaction, caller: Caller, plan: MaintenancePlan) -> None:
    payload = pb.MaintenancePlanDeleted(plan=plan_to_proto(plan, [], ""))
    await _queue(txn, caller, cast(Intervention, plan), payload)


async def appointment_changed(
    txn: Transaction, caller: Caller, appointment: WorkshopAppointment
) -> None:
    payload = pb.WorkshopAppointmentChanged(appointment=appointment_to_proto(appointment))
    await _queue(txn, caller, cast(Intervention, appointment), payload)


async def vehicle_created(txn: Transaction, caller: Caller, vehicle: Vehicle) -> None:
    payload = pb.VehicleCreated(vehicle=vehicle_to_proto(vehicle))
    await _queue(txn, caller, cast(Intervention, vehicle), payload)
