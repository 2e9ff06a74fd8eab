"""gRPC transport of the compliance service: decode the request, call the domain, encode the
answer. Errors travel as runtime errors and are mapped to status codes by the interceptor."""

from __future__ import annotations

from client360.compliance.v1 import compliance_pb2, compliance_pb2_grpc
from runtime.kit.jobs import JobRunner
from runtime.rpc import ServicerContext as Context
from runtime.rpc import current_caller
from services.compliance import jobs, service
from services.compliance.mapping import (
    STATUS_FROM_PROTO,
    compliance_to_proto,
    job_to_proto,
    register_info_to_proto,
    screening_to_proto,
)
from services.compliance.repository import ComplianceRepository
from services.compliance.service import ScreeningRegister


class ComplianceServicer(compliance_pb2_grpc.ComplianceServiceServicer):
    def __init__(
        self,
        repo: ComplianceRepository,
        register: ScreeningRegister,
        runner: JobRunner,
    ) -> None:
        self._repo = repo
        self._register = register
        self._runner = runner

    async def BatchGetCompliance(
        self, request: compliance_pb2.BatchGetComplianceRequest, context: Context
    ) -> compliance_pb2.BatchGetComplianceResponse:
        found = await service.get_compliance(
            repo=self._repo,
            caller=current_caller(),
            client_ids=list(request.client_ids),
            history_limit=request.history_limit,
        )
        return compliance_pb2.BatchGetComplianceResponse(
            clients=[compliance_to_proto(c.compliance, c.history) for c in found]
        )

    async def ScreenClient(
        self, request: compliance_pb2.ScreenClientRequest, context: Context
    ) -> compliance_pb2.Screening:
        screening = await service.screen_client(
            repo=self._repo,
            register=self._register,
            caller=current_caller(),
            client_id=request.client_id,
        )
        return screening_to_proto(screening)

    async def StartScreeningJob(
        self, request: compliance_pb2.StartScreeningJobRequest, context: Context
    ) -> compliance_pb2.ScreeningJob:
        job = await jobs.start_screening_job(
            repo=self._repo, caller=current_caller(), client_ids=list(request.client_ids)
        )
        self._runner.wake()
        return job_to_proto(job)

    async def GetScreeningJob(
        self, request: compliance_pb2.GetScreeningJobRequest, context: Context
    ) -> compliance_pb2.ScreeningJob:
        job = await jobs.get_screening_job(
            repo=self._repo, caller=current_caller(), job_id=request.id
        )
        return job_to_proto(job)

    async def SetAssetFreezeStatus(
        self, request: compliance_pb2.SetAssetFreezeStatusRequest, context: Context
    ) -> compliance_pb2.ClientCompliance:
        compliance = await service.set_asset_freeze_status(
            repo=self._repo,
            caller=current_caller(),
            client_id=request.client_id,
            # An enum number this version does not know is refused like EMPTY.
            status=STATUS_FROM_PROTO.get(request.status, ""),
            reason=request.reason,
        )
        return compliance_to_proto(compliance)

    async def ReloadRegister(
        self, request: compliance_pb2.ReloadRegisterRequest, context: Context
    ) -> compliance_pb2.RegisterInfo:
        meta = await service.reload_register(
            repo=self._repo,
            register=self._register,
            caller=current_caller(),
            source=request.source,
        )
        return register_info_to_proto(meta)

    async def GetRegisterInfo(
        self, request: compliance_pb2.GetRegisterInfoRequest, context: Context
    ) -> compliance_pb2.RegisterInfo:
        return register_info_to_proto(service.register_info(register=self._register))
