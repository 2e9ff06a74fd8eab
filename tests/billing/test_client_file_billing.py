"""The Account section through the real gateway, billing and identity processes: the balance
per currency and the ledger on the client file, amounts checked against their currency,
invoices numbered at posting and corrected by credit notes, one call per page, tenant
isolation of every command, the live events, and the section alone nulled when billing is
down."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import facturx
import httpx
import pytest

from runtime.clock import today
from tests.billing.mentions import (
    SELLER_GRAPHQL,
    SET_SELLER,
    client_with_address,
    post_once_buyer_known,
    set_seller_through_gateway,
)
from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient, Subscription, System, new_tenant, wait_serving
from tests.waiting import eventually

CREATE_CLIENT = "mutation($input: ClientInput!) { createClient(input: $input) { id } }"
MONEY = "{ amount currency }"
ENTRY = f"{{ id kind date amount {MONEY} openAmount {MONEY} paymentState invoiceId }}"
INVOICE = (
    f"{{ id kind state series number issueDate version paymentState creditedInvoiceId "
    f"totalIncludingTax {MONEY} lines {{ designation netAmount {MONEY} }} }}"
)
RECORD = f"""
mutation($input: LedgerEntryInput!) {{ recordLedgerEntry(input: $input) {ENTRY} }}
"""
PAY = f"""
mutation($input: PaymentInput!) {{ recordPayment(input: $input) {ENTRY} }}
"""
CREATE_INVOICE = f"""
mutation($input: InvoiceInput!) {{ createInvoice(input: $input) {INVOICE} }}
"""
POST = f"""
mutation($id: ID!, $version: Int!, $key: String! = "") {{
  postInvoice(id: $id, version: $version, idempotencyKey: $key) {INVOICE}
}}
"""
CANCEL = f"""
mutation($id: ID!, $version: Int!) {{ cancelInvoice(id: $id, version: $version) {INVOICE} }}
"""
ACCOUNT = f"""
query($id: ID!) {{ client(id: $id) {{
  id displayName
  account {{
    balance {MONEY} balances {MONEY} entryCount invoiceCount
    debts {{ ageDays age entry {{ id openAmount {MONEY} }} }}
    entries(limit: 10) {ENTRY}
    invoices(limit: 10) {INVOICE}
    notices(limit: 5) {{
      id dueDate status total {MONEY} openAmount {MONEY} unpaidStep unpaidSteps {{ step date }}
    }}
  }}
}} }}
"""
PAGE = f"""
query($first: Int!) {{ clients(first: $first) {{ edges {{ node {{
  id displayName
  account {{
    balance {MONEY} balances {MONEY} entries(limit: 3) {{ kind }} quoteCount
    invoices(limit: 2) {{ number facturXUrl }} quotes(limit: 2) {{ number state }}
    notices(limit: 2) {{ status }} debts {{ ageDays }}
  }}
}} }} }} }}
"""
EVENTS = f"""
subscription($id: ID!) {{ clientEvents(clientId: $id) {{
  type clientId ledgerEntry {{ kind amount {MONEY} }} accountBalances {MONEY}
  invoice {{ number state }}
}} }}
"""


@pytest.fixture(scope="module")
def billing_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(Path(tmp_path_factory.mktemp("billing")), services=("identity", "billing"))
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
async def gql(billing_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    for name in billing_system.services:
        await wait_serving(billing_system.address(name))
    client = GraphQLClient(billing_system, http, new_tenant())
    await set_seller_through_gateway(client)
    return client


async def new_client(gql: GraphQLClient, last_name: str = "Martin") -> str:
    return await client_with_address(gql, last_name)


async def record(
    gql: GraphQLClient, client_id: str, kind: str, amount: str, currency: str = "EUR"
) -> dict[str, Any]:
    body = await gql.data(
        RECORD,
        {
            "input": {
                "clientId": client_id,
                "kind": kind,
                "date": "2026-03-01",
                "amount": {"amount": amount, "currency": currency},
            }
        },
    )
    entry: dict[str, Any] = body["recordLedgerEntry"]
    return entry


async def account_of(gql: GraphQLClient, client_id: str) -> dict[str, Any]:
    account: dict[str, Any] = (await gql.data(ACCOUNT, {"id": client_id}))["client"]["account"]
    return account


async def draft(
    gql: GraphQLClient, client_id: str, price: str, *, kind: str = "INVOICE", credited: str = ""
) -> dict[str, Any]:
    given: dict[str, Any] = {
        "clientId": client_id,
        "kind": kind,
        "lines": [{"designation": "Entretien", "unitPrice": price, "vatBasisPoints": 2000}],
    }
    if credited:
        given["creditedInvoiceId"] = credited
    created: dict[str, Any] = (await gql.data(CREATE_INVOICE, {"input": given}))["createInvoice"]
    return created


async def post(gql: GraphQLClient, invoice: dict[str, Any]) -> dict[str, Any]:
    body = await post_once_buyer_known(
        gql, POST, {"id": invoice["id"], "version": invoice["version"]}
    )
    assert "errors" not in body, body["errors"]
    posted: dict[str, Any] = body["data"]["postInvoice"]
    return posted


async def test_the_account_shows_the_balance_per_currency_and_the_ledger(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    notice = await record(gql, client_id, "PREMIUM_NOTICE", "300.00")
    await record(gql, client_id, "PREMIUM_NOTICE", "12000", "JPY")
    await record(gql, client_id, "PREMIUM_NOTICE", "1.250", "BHD")
    payment = await gql.data(
        PAY,
        {
            "input": {
                "clientId": client_id,
                "date": "2026-03-05",
                "amount": {"amount": "120.00", "currency": "EUR"},
                "allocations": [{"entryId": notice["id"], "amount": "100.00"}],
                "idempotencyKey": "bank-1",
            }
        },
    )
    assert payment["recordPayment"]["openAmount"] == {"amount": "-20.00", "currency": "EUR"}

    account = await account_of(gql, client_id)
    assert account["balance"] == {"amount": "180.00", "currency": "EUR"}
    assert account["balances"] == [
        {"amount": "1.250", "currency": "BHD"},
        {"amount": "180.00", "currency": "EUR"},
        {"amount": "12000", "currency": "JPY"},
    ]
    assert account["entryCount"] == 4
    assert account["entries"][0]["kind"] == "PAYMENT"
    states = {e["id"]: e["paymentState"] for e in account["entries"]}
    assert states[notice["id"]] == "PARTLY_PAID"
    age = (today() - date(2026, 3, 1)).days
    assert account["debts"][0] == {
        "ageDays": age,
        "age": "DAYS_OVER_90" if age > 90 else account["debts"][0]["age"],
        "entry": {"id": notice["id"], "openAmount": {"amount": "200.00", "currency": "EUR"}},
    }
    assert len(account["debts"]) == 3


ISSUE_NOTICE = """
mutation($input: PremiumNoticeInput!) { issuePremiumNotice(input: $input) { id status entryId } }
"""


async def test_a_notice_open_ten_days_after_its_due_date_is_unpaid_and_gets_its_formal_notice(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    due = today() - timedelta(days=10)
    issued = await gql.data(
        ISSUE_NOTICE,
        {
            "input": {
                "clientId": client_id,
                "contractId": "contract-7",
                "periodStart": due.isoformat(),
                "periodEnd": (due + timedelta(days=90)).isoformat(),
                "dueDate": due.isoformat(),
                "netPremium": "300.00",
                "taxes": "27.00",
            }
        },
    )
    assert issued["issuePremiumNotice"]["status"] == "UNPAID"
    [shown] = (await account_of(gql, client_id))["notices"]
    assert shown["status"] == "UNPAID"
    assert shown["total"] == {"amount": "327.00", "currency": "EUR"}

    run = await gql.data("mutation { runUnpaidPath { id total } }")
    assert run["runUnpaidPath"]["total"] == 1
    account = await eventually(
        lambda: account_of(gql, client_id),
        lambda found: found["notices"][0]["unpaidStep"] is not None,
        what="the notice's unpaid step",
        timeout=10,
    )
    shown = account["notices"][0]
    assert shown["unpaidSteps"] == [
        {"step": "OVERDUE", "date": today().isoformat()},
        {"step": "FORMAL_NOTICE_SENT", "date": today().isoformat()},
    ]


async def test_an_amount_with_more_decimals_than_its_currency_is_refused_with_its_field(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    for amount, currency in (("12.5", "JPY"), ("12.345", "EUR"), ("1.2345", "KWD")):
        body = await gql.execute(
            RECORD,
            {
                "input": {
                    "clientId": client_id,
                    "kind": "FEE",
                    "date": "2026-03-01",
                    "amount": {"amount": amount, "currency": currency},
                }
            },
        )
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["field"] == "amount.value"
    assert (await account_of(gql, client_id))["entryCount"] == 0


async def test_an_invoice_is_numbered_at_posting_and_a_credit_note_citing_it_moves_the_balance(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    invoice = await draft(gql, client_id, "100.00")
    assert (invoice["state"], invoice["number"]) == ("DRAFT", None)
    posted = await post(gql, invoice)
    assert (posted["state"], posted["number"], posted["paymentState"]) == (
        "POSTED",
        "INV-000001",
        "NOT_PAID",
    )
    again = await gql.execute(CANCEL, {"id": posted["id"], "version": posted["version"]})
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"

    credit = await post(
        gql, await draft(gql, client_id, "100.00", kind="CREDIT_NOTE", credited=posted["id"])
    )
    assert (credit["number"], credit["creditedInvoiceId"]) == ("CN-000001", posted["id"])
    account = await account_of(gql, client_id)
    assert account["balance"] == {"amount": "0.00", "currency": "EUR"}
    assert account["invoiceCount"] == 2
    by_id = {i["id"]: i for i in account["invoices"]}
    assert by_id[posted["id"]]["paymentState"] == "REVERSED"


async def test_concurrent_postings_through_the_gateway_get_consecutive_numbers(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    drafts = await asyncio.gather(*(draft(gql, client_id, "1.00") for _ in range(50)))
    posted = await asyncio.gather(*(post(gql, d) for d in drafts))
    assert sorted(int(p["number"].removeprefix("INV-")) for p in posted) == list(range(1, 51))


async def test_a_page_of_clients_costs_one_billing_call_whatever_its_size(
    gql: GraphQLClient,
) -> None:
    ids = [await new_client(gql, f"Client {n:02}") for n in range(20)]
    for client_id in ids[:5]:
        await record(gql, client_id, "FEE", "10.00")
    for size in (1, 20):
        trace_id, body = await traced(gql, PAGE, {"first": size})
        assert "errors" not in body, body["errors"]
        assert len(body["data"]["clients"]["edges"]) == size
        assert calls(gql, trace_id)["billing"] == Counter({"BatchGetAccounts": 1})


async def test_another_tenants_invoices_and_debts_answer_like_missing_ones(
    gql: GraphQLClient,
) -> None:
    other = GraphQLClient(gql.system, gql.http, new_tenant())
    client_id = await new_client(gql)
    notice = await record(gql, client_id, "PREMIUM_NOTICE", "50.00")
    invoice = await draft(gql, client_id, "10.00")
    posted = await post(gql, await draft(gql, client_id, "10.00"))

    for query, variables in (
        (POST, {"id": invoice["id"], "version": invoice["version"]}),
        (CANCEL, {"id": invoice["id"], "version": invoice["version"]}),
    ):
        theirs = await other.execute(query, variables)
        missing = await gql.execute(query, {**variables, "id": "01JMISSING0000000000000000"})
        assert theirs["errors"][0]["extensions"] == missing["errors"][0]["extensions"]
        assert theirs["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    def paying(entry_id: str) -> dict[str, Any]:
        return {
            "input": {
                "clientId": client_id,
                "date": "2026-03-01",
                "amount": {"amount": "1.00", "currency": "EUR"},
                "allocations": [{"entryId": entry_id, "amount": "1.00"}],
            }
        }

    theirs = await other.execute(PAY, paying(notice["id"]))
    missing = await gql.execute(PAY, paying("01JMISSING0000000000000000"))
    assert theirs["errors"][0]["extensions"] == missing["errors"][0]["extensions"]

    crediting = {
        "input": {
            "clientId": client_id,
            "kind": "CREDIT_NOTE",
            "creditedInvoiceId": posted["id"],
            "lines": [{"designation": "Avoir", "unitPrice": "1.00"}],
        }
    }
    theirs = await other.execute(CREATE_INVOICE, crediting)
    missing_credit = {"input": {**crediting["input"], "creditedInvoiceId": "01JMISSING"}}
    missing = await gql.execute(CREATE_INVOICE, missing_credit)
    assert theirs["errors"][0]["extensions"] == missing["errors"][0]["extensions"]
    # The other tenant's writes went to its own ledger; ours is untouched.
    account = await account_of(gql, client_id)
    assert account["balance"] == {"amount": "62.00", "currency": "EUR"}


async def test_a_payment_reaches_the_open_client_file_with_the_balances_after_it(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    token = gql.system.token(gql.tenant)
    async with Subscription(gql.system, token, EVENTS, {"id": client_id}) as events:
        await record(gql, client_id, "FEE", "15.00")
        event = (await events.next())["payload"]["data"]["clientEvents"]
    assert event["type"] == "c360.billing.entry.recorded"
    assert event["ledgerEntry"] == {"kind": "FEE", "amount": {"amount": "15.00", "currency": "EUR"}}
    assert event["accountBalances"] == [{"amount": "15.00", "currency": "EUR"}]
    assert event["invoice"] is None


async def test_the_account_alone_is_null_with_billings_error_when_billing_is_down(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    billing = gql.system.services["billing"]
    billing.stop()
    try:
        body = await gql.execute(ACCOUNT, {"id": client_id})
        assert body["data"]["client"]["displayName"]
        assert body["data"]["client"]["account"] is None
        [error] = body["errors"]
        assert error["path"] == ["client", "account"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "service": "billing"}
    finally:
        billing.start()
        billing.wait_ready()
        await wait_serving(gql.system.address("billing"))
        # The gateway tries billing again once its circuit's pause is over.
        await eventually(
            lambda: gql.execute(ACCOUNT, {"id": client_id}),
            lambda body: body["data"]["client"]["account"] is not None,
            what="the account back in the file",
        )


@pytest.mark.parametrize("role", ["technician", "partner"])
async def test_a_technician_or_a_partner_gets_a_null_account_and_no_error(
    gql: GraphQLClient, role: str
) -> None:
    client_id = await new_client(gql)
    await record(gql, client_id, "FEE", "15.00")
    outsider = GraphQLClient(gql.system, gql.http, gql.tenant, role=role)
    body = await outsider.execute(
        "query($id: ID!) { client(id: $id) { id account { balance { amount } } } }",
        {"id": client_id},
    )
    if body["data"]["client"] is None:
        pytest.skip(f"identity does not show this client to a {role}")
    assert "errors" not in body, body["errors"]
    assert body["data"]["client"]["account"] is None
    refused = await outsider.execute(
        RECORD,
        {
            "input": {
                "clientId": client_id,
                "kind": "FEE",
                "date": "2026-03-01",
                "amount": {"amount": "1.00", "currency": "EUR"},
            }
        },
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


LEDGER = f"""
query($id: ID!, $after: String, $kinds: [EntryKind!]) {{
  ledger(clientId: $id, first: 2, after: $after, kinds: $kinds) {{
    totalCount entries {ENTRY} pageInfo {{ endCursor hasNextPage }}
  }}
}}
"""


async def test_the_whole_ledger_reads_page_by_page_through_the_gateway(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    written = [await record(gql, client_id, kind, "1.00") for kind in ("FEE", "REFUND", "FEE")]
    first = (await gql.data(LEDGER, {"id": client_id}))["ledger"]
    assert first["totalCount"] == 3
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await gql.data(LEDGER, {"id": client_id, "after": first["pageInfo"]["endCursor"]}))[
        "ledger"
    ]
    assert rest["pageInfo"] == {"endCursor": rest["pageInfo"]["endCursor"], "hasNextPage": False}
    shown = {e["id"] for e in first["entries"] + rest["entries"]}
    assert shown == {e["id"] for e in written}
    fees = (await gql.data(LEDGER, {"id": client_id, "kinds": ["FEE"]}))["ledger"]
    assert fees["totalCount"] == 2
    other = GraphQLClient(gql.system, gql.http, new_tenant())
    assert (await other.data(LEDGER, {"id": client_id}))["ledger"]["totalCount"] == 0


async def test_a_posted_invoice_reaches_the_open_client_file_with_its_number(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    drafted = await draft(gql, client_id, "10.00")
    token = gql.system.token(gql.tenant)
    async with Subscription(gql.system, token, EVENTS, {"id": client_id}) as events:
        await post(gql, drafted)
        event = (await events.next())["payload"]["data"]["clientEvents"]
    assert event["type"] == "c360.billing.invoice.posted"
    assert event["invoice"] == {"number": "INV-000001", "state": "POSTED"}
    assert event["ledgerEntry"] == {
        "kind": "INVOICE",
        "amount": {"amount": "12.00", "currency": "EUR"},
    }
    assert event["accountBalances"] == [{"amount": "12.00", "currency": "EUR"}]


FILE_INVOICE = f"""
mutation($id: ID!, $version: Int!) {{
  postInvoice(id: $id, version: $version) {{
    id number state facturXUrl totalIncludingTax {MONEY} dueDate
    seller {{ name siren vatNumber }} buyer {{ name address {{ city }} }}
  }}
}}
"""
CREATE_DRAFT = """
mutation($input: InvoiceInput!) { createInvoice(input: $input) { id version facturXUrl } }
"""


async def test_a_posted_invoice_downloads_as_factur_x_through_the_gateway(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    given = {
        "clientId": client_id,
        "kind": "INVOICE",
        "lines": [{"designation": "Entretien", "unitPrice": "100.00", "vatBasisPoints": 2000}],
    }
    created = (await gql.data(CREATE_DRAFT, {"input": given}))["createInvoice"]
    # A draft has no file: no link, and its id is not found on the files route.
    assert created["facturXUrl"] is None
    files = gql.system.graphql_url.replace("/graphql", "/files/billing/")
    refused = await gql.http.get(files + created["id"], headers=gql.headers)
    assert refused.status_code == 404
    assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    body = await post_once_buyer_known(
        gql, FILE_INVOICE, {"id": created["id"], "version": created["version"]}
    )
    posted = body["data"]["postInvoice"]
    assert posted["seller"] == {
        "name": "Agence Démo Assurances",
        "siren": "732829320",
        "vatNumber": "FR44732829320",
    }
    assert posted["buyer"]["address"]["city"] == "Lyon"
    by_bearer = await gql.http.get(files + posted["id"], headers=gql.headers)
    # The link is relative to the gateway, and needs no bearer.
    by_link = await gql.http.get(gql.system.graphql_url.replace("/graphql", posted["facturXUrl"]))
    for response in (by_bearer, by_link):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        name, xml = facturx.get_xml_from_pdf(response.content, check_xsd=True)
        assert name == "factur-x.xml"
        assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        assert posted["number"].encode() in xml
        assert b"<ram:GrandTotalAmount>120.00</ram:GrandTotalAmount>" in xml
    # Another agency's user, and a technician of this one, get no file.
    other = GraphQLClient(gql.system, gql.http, new_tenant())
    theirs = await gql.http.get(files + posted["id"], headers=other.headers)
    assert theirs.status_code == 404
    technician = GraphQLClient(gql.system, gql.http, gql.tenant, "technician")
    assert (await gql.http.get(files + posted["id"], headers=technician.headers)).status_code in (
        403,
        404,
    )


QUOTE = "{ id state number version invoiceId totalIncludingTax { amount currency } }"


async def test_a_quote_goes_from_draft_to_an_invoice_through_the_gateway(
    gql: GraphQLClient,
) -> None:
    client_id = await new_client(gql)
    created = (
        await gql.data(
            f"mutation($input: QuoteInput!) {{ createQuote(input: $input) {QUOTE} }}",
            {
                "input": {
                    "clientId": client_id,
                    "title": "Chaudière",
                    "validUntil": (today() + timedelta(days=30)).isoformat(),
                    "lines": [
                        {"designation": "Chaudière", "unitPrice": "1000.00", "vatBasisPoints": 550}
                    ],
                }
            },
        )
    )["createQuote"]
    answer = f"""
    mutation($id: ID!, $version: Int!, $state: QuoteState!) {{
      answerQuote(id: $id, version: $version, state: $state) {QUOTE}
    }}"""
    sent = (await gql.data(answer, {"id": created["id"], "version": 1, "state": "SENT"}))[
        "answerQuote"
    ]
    assert (sent["state"], sent["number"]) == ("SENT", "DEV-000001")
    accepted = (await gql.data(answer, {"id": created["id"], "version": 2, "state": "ACCEPTED"}))[
        "answerQuote"
    ]
    invoiced = await gql.data(
        "mutation($id: ID!, $version: Int!) { invoiceQuote(id: $id, version: $version) "
        "{ id state quoteId totalIncludingTax { amount } } }",
        {"id": created["id"], "version": accepted["version"]},
    )
    assert invoiced["invoiceQuote"]["quoteId"] == created["id"]
    # Another agency's user cannot invoice it: not found, as a missing quote.
    other = GraphQLClient(gql.system, gql.http, new_tenant())
    theirs = await other.execute(
        "mutation($id: ID!) { invoiceQuote(id: $id, version: 3) { id } }", {"id": created["id"]}
    )
    assert theirs["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert invoiced["invoiceQuote"]["totalIncludingTax"]["amount"] == "1055.00"
    account = (
        await gql.data(
            "query($id: ID!) { client(id: $id) { account { quoteCount quotes(limit: 5) "
            "{ number state invoiceId } } } }",
            {"id": client_id},
        )
    )["client"]["account"]
    assert account == {
        "quoteCount": 1,
        "quotes": [
            {
                "number": "DEV-000001",
                "state": "ACCEPTED",
                "invoiceId": invoiced["invoiceQuote"]["id"],
            }
        ],
    }


async def test_only_an_admin_sets_the_seller_profile_and_every_role_but_staff_reads_none(
    gql: GraphQLClient,
) -> None:
    refused = await gql.execute(SET_SELLER, {"input": SELLER_GRAPHQL, "version": 1})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    profile = await gql.data("{ sellerProfile { legalName siret version } }")
    assert profile["sellerProfile"] == {
        "legalName": "Agence Démo Assurances",
        "siret": "73282932000074",
        "version": 1,
    }
    admin = GraphQLClient(gql.system, gql.http, gql.tenant, "admin")
    bad = await admin.execute(
        SET_SELLER, {"input": {**SELLER_GRAPHQL, "siren": "123456789"}, "version": 1}
    )
    violations = bad["errors"][0]["extensions"]["violations"]
    assert {v["field"] for v in violations} == {"siren", "siret", "vatNumber"}


async def test_a_quote_sent_reaches_the_open_client_file(gql: GraphQLClient) -> None:
    client_id = await new_client(gql)
    created = (
        await gql.data(
            f"mutation($input: QuoteInput!) {{ createQuote(input: $input) {QUOTE} }}",
            {
                "input": {
                    "clientId": client_id,
                    "validUntil": (today() + timedelta(days=10)).isoformat(),
                    "lines": [{"designation": "Pose", "unitPrice": "80.00"}],
                }
            },
        )
    )["createQuote"]
    token = gql.system.token(gql.tenant)
    watch = "subscription($id: ID!) { clientEvents(clientId: $id) { type quote { number state } } }"
    async with Subscription(gql.system, token, watch, {"id": client_id}) as events:
        await gql.data(
            "mutation($id: ID!) { answerQuote(id: $id, version: 1, state: SENT) { id } }",
            {"id": created["id"]},
        )
        event = (await events.next())["payload"]["data"]["clientEvents"]
    assert event == {
        "type": "c360.billing.quote.saved",
        "quote": {"number": "DEV-000001", "state": "SENT"},
    }
