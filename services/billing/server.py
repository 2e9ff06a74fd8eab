"""Wiring of the billing service process: repository, servicer, the runner of the unpaid
path and its daily trigger, the copies of identity's clients and of contracts kept from their
events, and the demo accounts of identity's demo clients when demo data is on."""

from __future__ import annotations

from client360.billing.v1 import billing_pb2, billing_pb2_grpc
from runtime.server import ServiceContext, main
from services.billing import consumers, demo
from services.billing.erasure import CLIENT_ERASURE
from services.billing.merges import CLIENT_RECORDS
from services.billing.models import COLLECTIONS
from services.billing.repository import BillingRepository
from services.billing.servicer import BillingServicer
from services.billing.unpaid import daily_trigger, unpaid_path_runner

SERVICE_NAME = billing_pb2.DESCRIPTOR.services_by_name["BillingService"].full_name


async def wire(ctx: ServiceContext) -> None:
    repo = BillingRepository(ctx.store)
    runner = unpaid_path_runner(repo)
    ctx.consume(
        durable=consumers.IDENTITY_DURABLE,
        subjects=consumers.IDENTITY_SUBJECTS,
        handler=consumers.IdentityEventHandler(repo),
    )
    ctx.consume(
        durable=consumers.CONTRACTS_DURABLE,
        subjects=consumers.CONTRACT_SUBJECTS,
        handler=consumers.ContractEventHandler(repo),
    )
    if ctx.settings.demo_data:
        ctx.consume(
            durable=demo.IDENTITY_DURABLE,
            subjects=demo.IDENTITY_SUBJECTS,
            handler=demo.DemoAccounts(repo, tenant_id=ctx.settings.demo_tenant),
        )
    ctx.background(runner.run(), "unpaid-path")
    ctx.background(daily_trigger(repo, runner), "unpaid-path-daily")
    CLIENT_RECORDS.wire(ctx)
    CLIENT_ERASURE.wire(ctx)
    ctx.add_servicer(
        billing_pb2_grpc.add_BillingServiceServicer_to_server,
        BillingServicer(repo, runner),
        SERVICE_NAME,
    )


def run() -> None:
    main("billing", COLLECTIONS, wire)
