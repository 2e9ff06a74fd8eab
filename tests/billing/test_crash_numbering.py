"""Invoice numbers stay continuous when the billing process is killed in the middle of
concurrent postings and restarted: a posting cut short gives its number back, and a posting
retried with its idempotency key is posted once, whether or not its first answer was lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest

from client360.billing.v1 import billing_pb2, billing_pb2_grpc
from runtime.caller import Caller
from runtime.rpc import caller_metadata
from tests.billing.mentions import client_with_address, set_seller_over_grpc
from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.waiting import eventually, until_true

POSTINGS = 50


@pytest.fixture(scope="module")
def billing_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    # Identity too: posting needs the buyer, from billing's copy of identity's clients.
    running = System(
        Path(tmp_path_factory.mktemp("billing-crash")), services=("identity", "billing")
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


def _line() -> billing_pb2.InvoiceLineInput:
    return billing_pb2.InvoiceLineInput(
        designation="Entretien", quantity="1", unit_price="10.00", vat_basis_points=2000
    )


async def _post_until_done(
    system: System, caller: Caller, draft: billing_pb2.Invoice, interrupted: list[str]
) -> billing_pb2.Invoice:
    """Post ``draft`` with its own idempotency key, again and again while billing is away."""
    request = billing_pb2.PostInvoiceRequest(
        id=draft.id, version=draft.version, idempotency_key=f"post-{draft.id}"
    )
    while True:
        try:
            async with grpc.aio.insecure_channel(system.address("billing")) as channel:
                stub = billing_pb2_grpc.BillingServiceStub(channel)
                return await stub.PostInvoice(
                    request, metadata=caller_metadata(caller), timeout=5, wait_for_ready=True
                )
        except grpc.aio.AioRpcError as error:
            if error.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise
            interrupted.append(draft.id)
            await wait_serving(system.address("billing"))


async def _post_once_buyer_known(
    system: System, caller: Caller, draft: billing_pb2.Invoice
) -> billing_pb2.Invoice | None:
    try:
        async with grpc.aio.insecure_channel(system.address("billing")) as channel:
            stub = billing_pb2_grpc.BillingServiceStub(channel)
            return await stub.PostInvoice(
                billing_pb2.PostInvoiceRequest(
                    id=draft.id, version=draft.version, idempotency_key=f"post-{draft.id}"
                ),
                metadata=caller_metadata(caller),
            )
    except grpc.aio.AioRpcError as error:
        # Refused (writing nothing) until billing has applied the client's creation event.
        if error.code() != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        return None


async def test_numbers_have_no_gap_when_billing_is_killed_mid_way_and_restarted(
    billing_only: System, http: httpx.AsyncClient
) -> None:
    for name in billing_only.services:
        await wait_serving(billing_only.address(name))
    tenant = new_tenant()
    caller = Caller(tenant, "alice", "advisor")
    client_id = await client_with_address(GraphQLClient(billing_only, http, tenant))
    await set_seller_over_grpc(billing_only.address("billing"), tenant)
    async with grpc.aio.insecure_channel(billing_only.address("billing")) as channel:
        stub = billing_pb2_grpc.BillingServiceStub(channel)
        drafts = [
            await stub.CreateInvoice(
                billing_pb2.CreateInvoiceRequest(
                    client_id=client_id,
                    kind=billing_pb2.INVOICE_KIND_INVOICE,
                    currency="EUR",
                    lines=[_line()],
                ),
                metadata=caller_metadata(caller),
            )
            for _ in range(POSTINGS)
        ]
    first = await eventually(
        lambda: _post_once_buyer_known(billing_only, caller, drafts[0]),
        until=lambda answer: answer is not None,
        what="billing knows the buyer",
    )
    assert first is not None
    assert first.number == "INV-000001"
    interrupted: list[str] = []
    postings = [
        asyncio.create_task(_post_until_done(billing_only, caller, d, interrupted)) for d in drafts
    ]
    await until_true(
        lambda: sum(p.done() for p in postings) >= POSTINGS // 5, what="a fifth of the postings"
    )
    billing = billing_only.services["billing"]
    billing.kill()
    billing.start()
    async with asyncio.timeout(60):
        posted = await asyncio.gather(*postings)

    assert interrupted, "the kill interrupted no posting"
    numbers = sorted(int(p.number.removeprefix("INV-")) for p in posted)
    assert numbers == list(range(1, POSTINGS + 1))
    async with grpc.aio.insecure_channel(billing_only.address("billing")) as channel:
        stub = billing_pb2_grpc.BillingServiceStub(channel)
        answer = await stub.BatchGetAccounts(
            billing_pb2.BatchGetAccountsRequest(client_ids=[client_id]),
            metadata=caller_metadata(caller),
        )
    [account] = answer.accounts
    assert account.invoice_count == POSTINGS
    assert account.balance.amount_minor == POSTINGS * 1200
