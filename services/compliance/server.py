"""Wiring of the compliance service process: repository, register in force, servicer, the
consumer of identity's events and the batch-job runner."""

from __future__ import annotations

from client360.compliance.v1 import compliance_pb2, compliance_pb2_grpc
from runtime.server import ServiceContext, main
from services.compliance import consumers, service
from services.compliance.erasure import CLIENT_ERASURE
from services.compliance.jobs import screening_runner
from services.compliance.merges import CLIENT_RECORDS
from services.compliance.models import COLLECTIONS
from services.compliance.repository import ComplianceRepository
from services.compliance.servicer import ComplianceServicer
from services.compliance.settings import load_compliance_settings

SERVICE_NAME = compliance_pb2.DESCRIPTOR.services_by_name["ComplianceService"].full_name
# How soon a replica puts in force a register version that another replica loaded.
REGISTER_FOLLOW_SECONDS = 30.0


async def wire(ctx: ServiceContext) -> None:
    settings = load_compliance_settings()
    repo = ComplianceRepository(ctx.store)
    register = service.ScreeningRegister(
        threshold=settings.screening_threshold,
        default_source=settings.freeze_register_source,
        allowed_urls=settings.freeze_register_allowed_urls,
    )
    await service.start_register(repo=repo, register=register)
    runner = screening_runner(
        repo, register, chunk=settings.screening_chunk, pause=settings.screening_pause
    )
    ctx.consume(
        durable=consumers.IDENTITY_DURABLE,
        subjects=consumers.IDENTITY_SUBJECTS,
        handler=consumers.IdentityEventHandler(repo, register),
    )
    CLIENT_RECORDS.wire(ctx)
    CLIENT_ERASURE.wire(ctx)
    ctx.background(runner.run(), "screening-jobs")
    ctx.background(
        service.follow_register(repo=repo, register=register, every=REGISTER_FOLLOW_SECONDS),
        "register-follower",
    )
    ctx.add_servicer(
        compliance_pb2_grpc.add_ComplianceServiceServicer_to_server,
        ComplianceServicer(repo, register, runner),
        SERVICE_NAME,
    )


def run() -> None:
    main("compliance", COLLECTIONS, wire)
