"""gRPC transport of the interventions service: decode the request, call the domain, encode the
answer. Errors travel as runtime errors and are mapped to status codes by the interceptor."""

from __future__ import annotations

from client360.common.v1 import common_pb2
from client360.interventions.v1 import interventions_pb2 as pb
from client360.interventions.v1 import interventions_pb2_grpc
from runtime.kit.common import address_to_proto
from runtime.kit.files import FileStore
from runtime.kit.jobs import JobRunner
from runtime.rpc import ServicerContext as Context
from runtime.rpc import current_caller
from services.interventions import filing, maintenance, places, service, workshop
from services.interventions.mapping import (
    appointment_to_proto,
    equipment_input_from_proto,
    equipment_to_proto,
    filter_from_proto,
    input_from_proto,
    instant_from_proto,
    intervention_to_proto,
    plan_input_from_proto,
    plan_to_proto,
    vehicle_from_proto,
    vehicle_to_proto,
    worksite_input_from_proto,
    worksite_to_proto,
)
from services.interventions.models import STAGES, WORKSHOP_STATUSES
from services.interventions.repository import InterventionsRepository
from services.interventions.status import Today


class InterventionsServicer(interventions_pb2_grpc.InterventionsServiceServicer):
    def __init__(self, repo: InterventionsRepository, visits: JobRunner, files: FileStore) -> None:
        self._repo = repo
        self._visits = visits
        self._files = files

    async def BatchListInterventions(
        self, request: pb.BatchListInterventionsRequest, context: Context
    ) -> pb.BatchListInterventionsResponse:
        today = Today()
        answers = await service.list_interventions(
            repo=self._repo,
            caller=current_caller(),
            client_ids=list(request.client_ids),
            wanted=filter_from_proto(request.filter),
            first=request.page.first,
            after=request.page.after,
            today=today,
            include_equipment=request.include_equipment,
            include_worksites=request.include_worksites,
            include_maintenance_plans=request.include_maintenance_plans,
            include_workshop=request.include_workshop,
        )
        return pb.BatchListInterventionsResponse(
            clients=[
                pb.ClientInterventions(
                    client_id=answer.client_id,
                    interventions=[intervention_to_proto(i, today) for i in answer.page.rows],
                    cursors=answer.page.cursors,
                    page_info=common_pb2.PageInfo(
                        end_cursor=answer.page.end_cursor,
                        has_next_page=answer.page.has_next_page,
                    ),
                    total_count=answer.page.total_count,
                    equipment=[equipment_to_proto(e) for e in answer.equipment],
                    worksites=[worksite_to_proto(w) for w in answer.worksites],
                    maintenance_plans=[
                        plan_to_proto(p.plan, p.visits, p.next_due_date) for p in answer.plans
                    ],
                    vehicles=[vehicle_to_proto(v) for v in answer.vehicles],
                    workshop_appointments=[appointment_to_proto(a) for a in answer.appointments],
                )
                for answer in answers
            ]
        )

    async def ListMyInterventions(
        self, request: pb.ListMyInterventionsRequest, context: Context
    ) -> pb.ListMyInterventionsResponse:
        today = Today()
        found = await service.list_my_interventions(
            repo=self._repo, caller=current_caller(), day=request.date
        )
        return pb.ListMyInterventionsResponse(
            visits=[
                pb.TechnicianVisit(
                    intervention=intervention_to_proto(visit.intervention, today),
                    client_name=(visit.client or {}).get("display_name", ""),
                    client_memo=(visit.client or {}).get("memo", ""),
                    address=address_to_proto(visit.address) if visit.address else None,
                    equipment=[equipment_to_proto(e) for e in visit.equipment],
                )
                for visit in found
            ]
        )

    async def GetIntervention(
        self, request: pb.GetInterventionRequest, context: Context
    ) -> pb.Intervention:
        found = await service.get_intervention(
            repo=self._repo, caller=current_caller(), intervention_id=request.id
        )
        return intervention_to_proto(found, Today())

    async def CreateIntervention(
        self, request: pb.CreateInterventionRequest, context: Context
    ) -> pb.Intervention:
        created = await service.create_intervention(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            data=input_from_proto(request.intervention),
        )
        return intervention_to_proto(created, Today())

    async def UpdateIntervention(
        self, request: pb.UpdateInterventionRequest, context: Context
    ) -> pb.Intervention:
        updated = await service.update_intervention(
            repo=self._repo,
            caller=current_caller(),
            intervention_id=request.id,
            version=request.version,
            changes=input_from_proto(request.intervention),
            paths=list(request.update_mask.paths),
        )
        return intervention_to_proto(updated, Today())

    async def ScheduleIntervention(
        self, request: pb.ScheduleInterventionRequest, context: Context
    ) -> pb.Intervention:
        scheduled = await service.schedule_intervention(
            repo=self._repo,
            caller=current_caller(),
            intervention_id=request.id,
            version=request.version,
            start=instant_from_proto(request, "scheduled_start"),
            end=instant_from_proto(request, "scheduled_end"),
            technician_ids=list(request.technician_ids),
        )
        return intervention_to_proto(scheduled, Today())

    async def MoveInterventionStage(
        self, request: pb.MoveInterventionStageRequest, context: Context
    ) -> pb.Intervention:
        moved = await service.move_stage(
            repo=self._repo,
            caller=current_caller(),
            intervention_id=request.id,
            version=request.version,
            stage=STAGES.to_word(request.stage),
        )
        return intervention_to_proto(moved, Today())

    async def CompleteIntervention(
        self, request: pb.CompleteInterventionRequest, context: Context
    ) -> pb.Intervention:
        done = await service.complete_intervention(
            repo=self._repo,
            caller=current_caller(),
            intervention_id=request.id,
            version=request.version,
            report=request.report,
            idempotency_key=request.idempotency_key,
            signature=_upload(request.signature) if request.HasField("signature") else None,
            report_photos=[_upload(p) for p in request.photos],
            files=self._files,
        )
        return intervention_to_proto(done, Today())

    async def DeleteIntervention(
        self, request: pb.DeleteInterventionRequest, context: Context
    ) -> pb.Intervention:
        deleted = await service.delete_intervention(
            repo=self._repo,
            caller=current_caller(),
            intervention_id=request.id,
            version=request.version,
        )
        return intervention_to_proto(deleted, Today())

    async def CreateEquipment(
        self, request: pb.CreateEquipmentRequest, context: Context
    ) -> pb.Equipment:
        created = await places.create_equipment(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            data=equipment_input_from_proto(request.equipment),
        )
        return equipment_to_proto(created)

    async def UpdateEquipment(
        self, request: pb.UpdateEquipmentRequest, context: Context
    ) -> pb.Equipment:
        updated = await places.update_equipment(
            repo=self._repo,
            caller=current_caller(),
            equipment_id=request.id,
            version=request.version,
            changes=equipment_input_from_proto(request.equipment),
            paths=list(request.update_mask.paths),
        )
        return equipment_to_proto(updated)

    async def SetEquipmentPhoto(
        self, request: pb.SetEquipmentPhotoRequest, context: Context
    ) -> pb.Equipment:
        updated = await filing.set_equipment_photo(
            repo=self._repo,
            files=self._files,
            caller=current_caller(),
            equipment_id=request.id,
            version=request.version,
            photo=_upload(request.photo) if request.HasField("photo") else None,
        )
        return equipment_to_proto(updated)

    async def GetFile(
        self, request: common_pb2.FileRequest, context: Context
    ) -> common_pb2.FileContent:
        found = await filing.get_file(
            repo=self._repo,
            files=self._files,
            caller=current_caller(),
            file_id=request.id,
            variant=request.variant,
        )
        return common_pb2.FileContent(name=found.name, media_type=found.media_type, data=found.data)

    async def CreateWorksite(
        self, request: pb.CreateWorksiteRequest, context: Context
    ) -> pb.Worksite:
        created = await places.create_worksite(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            data=worksite_input_from_proto(request.worksite),
        )
        return worksite_to_proto(created)

    async def UpdateWorksite(
        self, request: pb.UpdateWorksiteRequest, context: Context
    ) -> pb.Worksite:
        updated = await places.update_worksite(
            repo=self._repo,
            caller=current_caller(),
            worksite_id=request.id,
            version=request.version,
            changes=worksite_input_from_proto(request.worksite),
            paths=list(request.update_mask.paths),
        )
        return worksite_to_proto(updated)

    async def CreateMaintenancePlan(
        self, request: pb.CreateMaintenancePlanRequest, context: Context
    ) -> pb.MaintenancePlan:
        plan = await maintenance.create_plan(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            data=plan_input_from_proto(request.plan),
        )
        self._visits.wake()
        return plan_to_proto(plan, [], "")

    async def UpdateMaintenancePlan(
        self, request: pb.UpdateMaintenancePlanRequest, context: Context
    ) -> pb.MaintenancePlan:
        plan = await maintenance.update_plan(
            repo=self._repo,
            caller=current_caller(),
            plan_id=request.id,
            version=request.version,
            changes=plan_input_from_proto(request.plan),
            paths=list(request.update_mask.paths),
        )
        self._visits.wake()
        return plan_to_proto(plan, [], "")

    async def DeleteMaintenancePlan(
        self, request: pb.DeleteMaintenancePlanRequest, context: Context
    ) -> pb.MaintenancePlan:
        plan = await maintenance.delete_plan(
            repo=self._repo, caller=current_caller(), plan_id=request.id, version=request.version
        )
        return plan_to_proto(plan, [], "")

    async def ListInterventionChanges(
        self, request: pb.ListInterventionChangesRequest, context: Context
    ) -> pb.ListInterventionChangesResponse:
        today = Today()
        changes = await service.changes_since(
            repo=self._repo, caller=current_caller(), since=request.since
        )
        return pb.ListInterventionChangesResponse(
            changed=[intervention_to_proto(i, today) for i in changes.changed],
            removed_ids=changes.removed_ids,
            cursor=changes.cursor,
            has_more=changes.has_more,
        )

    async def CreateVehicle(self, request: pb.CreateVehicleRequest, context: Context) -> pb.Vehicle:
        vehicle = await workshop.create_vehicle(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            data=vehicle_from_proto(request.vehicle),
        )
        return vehicle_to_proto(vehicle)

    async def BookWorkshopAppointment(
        self, request: pb.BookWorkshopAppointmentRequest, context: Context
    ) -> pb.WorkshopAppointment:
        appointment = await workshop.book_appointment(
            repo=self._repo,
            caller=current_caller(),
            vehicle_id=request.vehicle_id,
            starts_at=instant_from_proto(request, "starts_at"),
            work_requested=request.work_requested,
        )
        return appointment_to_proto(appointment)

    async def SetWorkshopAppointmentStatus(
        self, request: pb.SetWorkshopAppointmentStatusRequest, context: Context
    ) -> pb.WorkshopAppointment:
        appointment = await workshop.set_appointment_status(
            repo=self._repo,
            caller=current_caller(),
            appointment_id=request.id,
            version=request.version,
            status=WORKSHOP_STATUSES.to_word(request.status),
        )
        return appointment_to_proto(appointment)


def _upload(message: pb.UploadedFile) -> filing.Upload:
    return filing.Upload(name=message.name, data=message.data)
