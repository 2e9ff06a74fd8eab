"""Wiring of the interventions service process: repository, the consumer of identity's client
events (the copy the technician's day reads) and the servicer."""

from __future__ import annotations

from client360.interventions.v1 import interventions_pb2, interventions_pb2_grpc
from runtime.kit.files import FileStore
from runtime.server import ServiceContext, main
from services.interventions import consumers, maintenance
from services.interventions.erasure import client_erasure
from services.interventions.merges import client_records
from services.interventions.models import COLLECTIONS
from services.interventions.repository import InterventionsRepository
from services.interventions.servicer import InterventionsServicer

# The photos and signatures, under the data directory (C360_DATA_DIR).
FILES_DIRECTORY = "interventions-files"
SERVICE_NAME = interventions_pb2.DESCRIPTOR.services_by_name["InterventionsService"].full_name


async def wire(ctx: ServiceContext) -> None:
    repo = InterventionsRepository(ctx.store)
    files = FileStore(ctx.settings.data_dir / FILES_DIRECTORY)
    ctx.consume(
        durable=consumers.IDENTITY_DURABLE,
        subjects=consumers.IDENTITY_SUBJECTS,
        handler=consumers.IdentityEventHandler(
            repo,
            demo_tenant=ctx.settings.demo_tenant if ctx.settings.demo_data else "",
            files=files,
        ),
    )
    client_records(repo).wire(ctx)
    client_erasure(files).wire(ctx)
    visits = maintenance.visits_runner(repo)
    ctx.background(visits.run(), "maintenance-visits")
    ctx.background(maintenance.top_up_loop(repo, visits), "maintenance-top-up")
    ctx.add_servicer(
        interventions_pb2_grpc.add_InterventionsServiceServicer_to_server,
        InterventionsServicer(repo, visits, files),
        SERVICE_NAME,
    )


def run() -> None:
    main("interventions", COLLECTIONS, wire)
