"""Wiring of the identity service process: repository, servicer, the consumer of merge
confirmations, demo data on first start."""

from __future__ import annotations

from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from runtime.crypto import FieldCipher
from runtime.server import ServiceContext, main
from services.identity import merging
from services.identity.consumers import MERGE_STEPS, MERGE_STEPS_DURABLE, MergeStepHandler
from services.identity.demo import load_demo_data
from services.identity.models import COLLECTIONS
from services.identity.repository import IdentityRepository
from services.identity.servicer import IdentityServicer

SERVICE_NAME = identity_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


async def wire(ctx: ServiceContext) -> None:
    repo = IdentityRepository(ctx.store, FieldCipher(ctx.settings.field_key.reveal()))
    if ctx.settings.demo_data:
        await load_demo_data(repo, tenant_id=ctx.settings.demo_tenant)
    ctx.add_servicer(
        identity_pb2_grpc.add_IdentityServiceServicer_to_server,
        IdentityServicer(repo),
        SERVICE_NAME,
    )
    ctx.consume(
        durable=MERGE_STEPS_DURABLE, subjects=tuple(MERGE_STEPS), handler=MergeStepHandler(repo)
    )
    merging.CLIENT_RECORDS.wire(ctx, moves=False)


def run() -> None:
    main("identity", COLLECTIONS, wire)
