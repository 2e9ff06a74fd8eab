"""Invoice numbers stay continuous when the billing process is killed in the middle of
concurrent postings and restarted: a posting cut short gives its number back, and a posting
retried with its idempotency key is posted once, whether or not its first answer was lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from client360.billing.v1 import billing_pb2, billing_pb2_grpc
from runtime.caller import Caller
from runtime.rpc import caller_metadata
from tests.harness import System, new_tenant, wait_serving
from tests.waiting import until_true

POSTINGS = 50


@pytest.fixture(scope="module")
def billing_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(Path(tmp_path_factory.mktemp("billing-crash")), services=("billing",))
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


async def test_numbers_have_no_gap_when_billing_is_killed_mid_way_and_restarted(
    billing_only: System,
) -> None:
    await wait_serving(billing_only.address("billing"))
    caller = Caller(new_tenant(), "alice", "advisor")
    async with grpc.aio.insecure_channel(billing_only.address("billing")) as channel:
        stub = billing_pb2_grpc.BillingServiceStub(channel)
        drafts = [
            await stub.CreateInvoice(
                billing_pb2.CreateInvoiceRequest(
                    client_id="client-1",
                    kind=billing_pb2.INVOICE_KIND_INVOICE,
                    currency="EUR",
                    lines=[_line()],
                ),
                metadata=caller_metadata(caller),
            )
            for _ in range(POSTINGS)
        ]
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
            billing_pb2.BatchGetAccountsRequest(client_ids=["client-1"]),
            metadata=caller_metadata(caller),
        )
    [account] = answer.accounts
    assert account.invoice_count == POSTINGS
    assert account.balance.amount_minor == POSTINGS * 1200
