"""Timings of billing on this machine, printed by ``make bench``: p50 and p95 of the Account
section through the gateway for one client and for a page of 50 files (200 clients, each with
premium notices, a posted invoice and a quote), a Factur-X download, and the time to post
1,000 invoices over gRPC 50 at a time, every posting checking the mandatory mentions. The
budgets are generous because machines vary; a figure over one fails the bench, never
``make test``."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import grpc
import httpx
import pytest

from client360.billing.v1 import billing_pb2, billing_pb2_grpc
from runtime.caller import Caller
from runtime.rpc import caller_metadata
from tests.bench import timing
from tests.billing.mentions import (
    client_with_address,
    post_once_buyer_known,
    set_seller_through_gateway,
)
from tests.harness import GraphQLClient, System

SECTION = """
account {
  balance { amount currency } balances { amount currency } entryCount invoiceCount quoteCount
  debts { ageDays age entry { id openAmount { amount } } }
  entries(limit: 10) { id kind date amount { amount currency } paymentState }
  invoices(limit: 5) { id number state totalIncludingTax { amount } facturXUrl }
  notices(limit: 5) { id dueDate status total { amount } unpaidStep }
  quotes(limit: 5) { id number state }
}
"""
ONE = "query($id: ID!) { client(id: $id) { id displayName " + SECTION + " } }"
PAGE = "{ clients(first: 50) { edges { node { id displayName " + SECTION + " } } } }"
NOTICE = """
mutation($input: PremiumNoticeInput!) { issuePremiumNotice(input: $input) { entryId } }
"""
INVOICE = "mutation($input: InvoiceInput!) { createInvoice(input: $input) { id version } }"
POST = "mutation($id: ID!, $version: Int!) { postInvoice(id: $id, version: $version) { id } }"
QUOTE = "mutation($input: QuoteInput!) { createQuote(input: $input) { id } }"
POSTINGS = 1000
AT_A_TIME = 50


@pytest.fixture(scope="module")
def quiet_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system as in production: no span file written on every call."""
    with timing.quiet_system(
        tmp_path_factory, "billing-latency", ("identity", "billing")
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def gql(quiet_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    client = await timing.serving(quiet_system, http)
    await set_seller_through_gateway(client)
    return client


LINE = {"designation": "Entretien", "unitPrice": "120.00", "vatBasisPoints": 1000}


@pytest.fixture(scope="module")
async def client_ids(gql: GraphQLClient) -> list[str]:
    async def one(n: int) -> str:
        client_id = await client_with_address(gql, f"Banc {n:03}")
        for quarter in range(2):
            await gql.data(
                NOTICE,
                {
                    "input": {
                        "clientId": client_id,
                        "contractId": f"k{n}",
                        "periodStart": f"2026-0{1 + 3 * quarter}-01",
                        "periodEnd": f"2026-0{3 + 3 * quarter}-30",
                        "dueDate": f"2026-0{1 + 3 * quarter}-01",
                        "netPremium": "250.00",
                    }
                },
            )
        made = (
            await gql.data(
                INVOICE, {"input": {"clientId": client_id, "kind": "INVOICE", "lines": [LINE]}}
            )
        )["createInvoice"]
        await post_once_buyer_known(gql, POST, made)
        await gql.data(
            QUOTE,
            {"input": {"clientId": client_id, "validUntil": "2099-01-01", "lines": [LINE]}},
        )
        return client_id

    ids: list[str] = []
    for start in range(0, 200, 25):
        ids += await asyncio.gather(*(one(n) for n in range(start, start + 25)))
    return ids


async def test_the_account_section(gql: GraphQLClient, client_ids: list[str]) -> None:
    p50_one, p95_one = await timing.timed(lambda: gql.data(ONE, {"id": client_ids[42]}))
    p50_page, p95_page = await timing.timed(lambda: gql.data(PAGE))
    print()
    timing.report("client(id) with its account section", p50_one, p95_one)
    timing.report("clients(first: 50) with the account section", p50_page, p95_page)
    assert p50_one < 60
    assert p50_page < 400


async def test_a_factur_x_download(gql: GraphQLClient, client_ids: list[str]) -> None:
    account = (await gql.data(ONE, {"id": client_ids[7]}))["client"]["account"]
    link = account["invoices"][0]["facturXUrl"]
    url = gql.system.graphql_url.replace("/graphql", link)

    async def download() -> None:
        response = await gql.http.get(url)
        assert response.status_code == 200

    p50, p95 = await timing.timed(download)
    print()
    timing.report("GET /files/billing/<invoice> (Factur-X drawn)", p50, p95)
    assert p50 < 500


async def test_posting_a_thousand_invoices(
    gql: GraphQLClient, client_ids: list[str], quiet_system: System
) -> None:
    caller = Caller(gql.tenant, "alice", "advisor")
    metadata = caller_metadata(caller)
    async with grpc.aio.insecure_channel(quiet_system.address("billing")) as channel:
        stub = billing_pb2_grpc.BillingServiceStub(channel)
        line = billing_pb2.InvoiceLineInput(
            designation="Entretien", quantity="1", unit_price="120.00", vat_basis_points=1000
        )
        drafts: list[billing_pb2.Invoice] = []
        for start in range(0, POSTINGS, AT_A_TIME):
            drafts += await asyncio.gather(
                *(
                    stub.CreateInvoice(
                        billing_pb2.CreateInvoiceRequest(
                            client_id=client_ids[n % len(client_ids)],
                            kind=billing_pb2.INVOICE_KIND_INVOICE,
                            currency="EUR",
                            lines=[line],
                        ),
                        metadata=metadata,
                    )
                    for n in range(start, start + AT_A_TIME)
                )
            )
        began = time.perf_counter()
        numbers: list[str] = []
        for start in range(0, POSTINGS, AT_A_TIME):
            posted = await asyncio.gather(
                *(
                    stub.PostInvoice(
                        billing_pb2.PostInvoiceRequest(id=d.id, version=d.version),
                        metadata=metadata,
                    )
                    for d in drafts[start : start + AT_A_TIME]
                )
            )
            numbers += [p.number for p in posted]
        elapsed = time.perf_counter() - began
    print()
    print(f"{'post 1,000 invoices over gRPC, 50 at a time':<58} {elapsed:8.2f} s")
    assert len(set(numbers)) == POSTINGS
    assert elapsed < 30
