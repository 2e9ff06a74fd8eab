"""Wiring of the contracts service process: repository, servicer, the consumer of identity's
client events (the copy of the clients, and the demo records of the demo agency) and the
consumer of communication's ticket events (the open-ticket marker) and the consumer of billing's
unpaid-path events (the contract's status follows them)."""

from __future__ import annotations

from client360.contracts.v1 import contracts_pb2, contracts_pb2_grpc
from runtime.server import ServiceContext, main
from services.contracts import consumers
from services.contracts.erasure import CLIENT_ERASURE
from services.contracts.merges import CLIENT_RECORDS
from services.contracts.models import COLLECTIONS
from services.contracts.repository import ContractsRepository
from services.contracts.servicer import ContractsServicer

SERVICE_NAME = contracts_pb2.DESCRIPTOR.services_by_name["ContractsService"].full_name


async def wire(ctx: ServiceContext) -> None:
    repo = ContractsRepository(ctx.store)
    ctx.consume(
        durable=consumers.IDENTITY_DURABLE,
        subjects=consumers.IDENTITY_SUBJECTS,
        handler=consumers.IdentityEventHandler(
            repo, demo_tenant=ctx.settings.demo_tenant if ctx.settings.demo_data else None
        ),
    )
    ctx.consume(
        durable=consumers.COMMUNICATION_DURABLE,
        subjects=consumers.COMMUNICATION_SUBJECTS,
        handler=consumers.CommunicationEventHandler(repo),
    )
    ctx.consume(
        durable=consumers.BILLING_DURABLE,
        subjects=consumers.BILLING_SUBJECTS,
        handler=consumers.BillingEventHandler(repo),
    )
    CLIENT_RECORDS.wire(ctx)
    CLIENT_ERASURE.wire(ctx)
    ctx.add_servicer(
        contracts_pb2_grpc.add_ContractsServiceServicer_to_server,
        ContractsServicer(repo),
        SERVICE_NAME,
    )


def run() -> None:
    main("contracts", COLLECTIONS, wire)
