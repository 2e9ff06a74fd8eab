"""Wiring of the identity service process: repository, servicer, the consumer of merge
confirmations, demo data on first start."""

from __future__ import annotations

from collections.abc import Collection

from nats.js import JetStreamContext

from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from runtime.bus import remove_events
from runtime.crypto import FieldCipher
from runtime.server import ServiceContext, main
from services.identity import merging, service
from services.identity.consumers import (
    ERASURE_STEPS,
    ERASURE_STEPS_DURABLE,
    MERGE_STEPS,
    MERGE_STEPS_DURABLE,
    ErasureStepHandler,
    MergeStepHandler,
)
from services.identity.demo import load_demo_data
from services.identity.models import COLLECTIONS
from services.identity.repository import IdentityRepository
from services.identity.servicer import IdentityServicer

# How often completed erasures are looked for, to remove their clients' events from the stream.
ERASED_EVENTS_EVERY = 2.0
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
    ctx.consume(
        durable=ERASURE_STEPS_DURABLE,
        subjects=tuple(ERASURE_STEPS),
        handler=ErasureStepHandler(repo),
    )
    merging.CLIENT_RECORDS.wire(ctx, moves=False)

    async def clear_erased_events(js: JetStreamContext) -> None:
        async def remove(tenant_id: str, client_id: str, keep: Collection[str]) -> int:
            return await remove_events(js, tenant_id=tenant_id, key=client_id, keep=keep)

        await service.keep_clearing_erased_events(repo, remove, every=ERASED_EVENTS_EVERY)

    ctx.with_broker(clear_erased_events, "erased-events")


def run() -> None:
    main("identity", COLLECTIONS, wire)
