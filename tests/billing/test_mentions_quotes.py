"""In process, on a real SQLite store: the mandatory mentions checked before posting (each
missing one named, nothing written), the seller profile and its checked numbers, the Factur-X
file of a posted invoice, quotes from draft to invoice, the daily trigger of the unpaid path,
the copies kept from identity's and contracts' events, and what a partner sees."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import facturx
import pytest
from lxml import etree

from client360.billing.v1 import billing_pb2
from client360.common.v1 import common_pb2
from client360.contracts.v1 import contracts_pb2
from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.clock import today
from runtime.contracts import decode_payload, payload_types
from runtime.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from runtime.store.sqlite import SqliteStore
from services.billing import consumers, quotes, seller, service, unpaid
from services.billing.mapping import quote_state
from services.billing.models import COLLECTIONS, Invoice
from services.billing.repository import BillingRepository
from services.billing.validation import LineInput
from tests.billing.mentions import buyer, ready_to_post, seller_input
from tests.waiting import eventually

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
ADMIN = Caller(TENANT, "root", "admin")
OTHER = Caller("agency-b", "bob", "advisor")
CLIENT = "client-1"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
LINES = [
    LineInput("Entretien chaudière", "2", "49.90", 1000, 2000),
    LineInput("Frais de déplacement", "1", "15.00", 0, 1000),
]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "billing.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> BillingRepository:
    return BillingRepository(store)


async def draft(repo: BillingRepository, caller: Caller = ADVISOR, **given: str) -> Invoice:
    return await service.create_invoice(
        repo=repo,
        caller=caller,
        client_id=given.get("client_id", CLIENT),
        kind=given.get("kind", "invoice"),
        currency="EUR",
        lines=LINES,
        credited_invoice_id=given.get("credited", ""),
    )


async def post(repo: BillingRepository, invoice: Invoice, caller: Caller = ADVISOR) -> Invoice:
    posted, _ = await service.post_invoice(
        repo=repo,
        caller=caller,
        invoice_id=invoice["id"],
        version=invoice["version"],
        issue_date="2026-03-02",
    )
    return posted


def fields(error: pytest.ExceptionInfo[InvalidInput]) -> set[str]:
    return {v.field for v in error.value.violations}


# Mandatory mentions


async def test_posting_without_a_seller_profile_or_a_known_buyer_names_every_missing_mention(
    repo: BillingRepository,
) -> None:
    invoice = await draft(repo)
    with pytest.raises(InvalidInput) as refused:
        await post(repo, invoice)
    assert fields(refused) == {"sellerProfile", "buyer"}
    # Nothing written: still a draft, no number taken, no ledger entry.
    kept = await repo.get_invoice(TENANT, invoice["id"])
    assert kept is not None
    assert (kept["state"], kept["number"]) == ("draft", "")
    assert await repo.find_entries(TENANT, [CLIENT], limit=10) == []
    await ready_to_post(repo, TENANT, CLIENT)
    assert (await post(repo, kept))["number"] == "INV-000001"


async def test_a_partial_seller_profile_and_a_business_buyer_without_siren_are_named_field_by_field(
    repo: BillingRepository,
) -> None:
    partial = replace(
        seller_input(),
        siret="",
        vat_number="",
        share_capital="",
        payment_terms="",
        late_penalty_rate="",
        early_payment_discount="",
    )
    await seller.set_seller_profile(repo=repo, caller=ADMIN, given=partial, version=0)
    async with repo.transaction() as txn:
        await repo.clients.refresh(txn, TENANT, buyer(CLIENT, professional=True), source_version=1)
    with pytest.raises(InvalidInput) as refused:
        await post(repo, await draft(repo))
    assert fields(refused) == {
        "sellerProfile.siret",
        "sellerProfile.vatNumber",
        "sellerProfile.shareCapital",
        "sellerProfile.paymentTerms",
        "sellerProfile.latePenaltyRate",
        "sellerProfile.earlyPaymentDiscount",
        "buyer.siren",
    }


async def test_a_buyer_without_an_address_cannot_be_invoiced(repo: BillingRepository) -> None:
    await ready_to_post(repo, TENANT)
    async with repo.transaction() as txn:
        await repo.clients.refresh(
            txn, TENANT, {**buyer(CLIENT), "address": None}, source_version=1
        )
    with pytest.raises(InvalidInput) as refused:
        await post(repo, await draft(repo))
    assert fields(refused) == {"buyer.address"}


async def test_a_posted_invoice_keeps_the_seller_and_buyer_it_was_posted_with(
    repo: BillingRepository,
) -> None:
    await ready_to_post(repo, TENANT, CLIENT)
    posted = await post(repo, await draft(repo))
    assert posted["seller"]["siren"] == "732829320"
    assert posted["seller"]["vat_number"] == "FR44732829320"
    assert posted["buyer"]["address"]["city"] == "Lyon"
    # The due date: the issue date plus the seller's 30 payment days.
    assert (posted["issue_date"], posted["due_date"]) == ("2026-03-02", "2026-04-01")
    profile = await repo.get_seller_profile(TENANT)
    assert profile is not None
    await seller.set_seller_profile(
        repo=repo,
        caller=ADMIN,
        given=replace(seller_input(), legal_name="Nouveau Nom SARL"),
        version=profile["version"],
    )
    kept = await repo.get_invoice(TENANT, posted["id"])
    assert kept is not None
    assert kept["seller"]["name"] == "Agence Démo Assurances"


async def test_the_seller_profile_numbers_are_checked_and_only_an_admin_sets_it(
    repo: BillingRepository,
) -> None:
    bad = replace(
        seller_input(),
        legal_name="",
        siren="732829321",
        siret="12345678900011",
        vat_number="FR00123456789",
        iban="FR00 1234",
        payment_days=90,
    )
    with pytest.raises(InvalidInput) as refused:
        await seller.set_seller_profile(repo=repo, caller=ADMIN, given=bad, version=0)
    assert fields(refused) == {
        "legalName",
        "siren",
        "siret",
        "vatNumber",
        "iban",
        "paymentDays",
    }
    assert await repo.get_seller_profile(TENANT) is None
    with pytest.raises(PermissionDenied):
        await seller.set_seller_profile(repo=repo, caller=ADVISOR, given=seller_input(), version=0)
    stored = await seller.set_seller_profile(
        repo=repo, caller=ADMIN, given=seller_input(), version=0
    )
    with pytest.raises(Conflict):
        await seller.set_seller_profile(repo=repo, caller=ADMIN, given=seller_input(), version=0)
    # Tenant-scoped: the other agency has no profile.
    assert await seller.get_seller_profile(repo=repo, caller=OTHER) is None
    assert stored["version"] == 1


# Factur-X


async def test_a_posted_invoice_is_a_factur_x_file_that_passes_the_packages_own_check(
    repo: BillingRepository,
) -> None:
    await ready_to_post(repo, TENANT, CLIENT)
    invoice = await draft(repo)
    with pytest.raises(NotFound):
        await service.invoice_file(repo=repo, caller=ADVISOR, invoice_id=invoice["id"])
    posted = await post(repo, invoice)
    found = await service.invoice_file(repo=repo, caller=ADVISOR, invoice_id=posted["id"])
    assert found.media_type == "application/pdf"
    assert found.name == "INV-000001.pdf"
    assert found.data.startswith(b"%PDF")
    name, xml = facturx.get_xml_from_pdf(found.data, check_xsd=True)
    assert name == "factur-x.xml"
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    tree = etree.fromstring(xml)
    ns = {
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    }
    assert tree.findtext(".//ram:ID", namespaces=ns) == "urn:cen.eu:en16931:2017"
    assert tree.xpath("string(//*[local-name()='ExchangedDocument']/ram:ID)", namespaces=ns) == (
        "INV-000001"
    )
    # 2 × 49.90 less 10 % = 89.82 at 20 %, 15.00 at 10 %: 104.82 + 17.96 + 1.50 VAT.
    assert tree.findtext(".//ram:GrandTotalAmount", namespaces=ns) == "124.28"
    assert tree.findtext(".//ram:TaxBasisTotalAmount", namespaces=ns) == "104.82"
    assert posted["total_including_tax_minor"] == 12428
    # A credit note cites its invoice in its own file; another tenant's id is not found.
    credit = await post(repo, await draft(repo, kind="credit_note", credited=posted["id"]))
    credit_file = await service.invoice_file(repo=repo, caller=ADVISOR, invoice_id=credit["id"])
    _, credit_xml = facturx.get_xml_from_pdf(credit_file.data, check_xsd=True)
    cited = etree.fromstring(credit_xml).find(".//ram:InvoiceReferencedDocument", namespaces=ns)
    assert cited is not None
    assert cited.findtext("ram:IssuerAssignedID", namespaces=ns) == "INV-000001"
    with pytest.raises(NotFound) as theirs:
        await service.invoice_file(repo=repo, caller=OTHER, invoice_id=posted["id"])
    with pytest.raises(NotFound) as missing:
        await service.invoice_file(repo=repo, caller=ADVISOR, invoice_id="missing")
    assert theirs.value.message.replace(posted["id"], "X") == missing.value.message.replace(
        "missing", "X"
    )
    with pytest.raises(PermissionDenied):
        await service.invoice_file(
            repo=repo, caller=Caller(TENANT, "t", "technician"), invoice_id=posted["id"]
        )


# Quotes


async def test_a_quote_is_numbered_when_sent_accepted_and_invoiced_once_citing_it(
    repo: BillingRepository, store: SqliteStore
) -> None:
    await ready_to_post(repo, TENANT, CLIENT)
    valid_until = (today() + timedelta(days=30)).isoformat()
    created = await quotes.create_quote(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        title="Remplacement chaudière",
        currency="EUR",
        lines=LINES,
        valid_until=valid_until,
    )
    assert (created["state"], created["number"], created["total_including_tax_minor"]) == (
        "draft",
        "",
        12428,
    )
    with pytest.raises(Conflict):
        await quotes.answer_quote(
            repo=repo, caller=ADVISOR, quote_id=created["id"], version=1, state="accepted"
        )
    sent = await quotes.answer_quote(
        repo=repo, caller=ADVISOR, quote_id=created["id"], version=1, state="sent"
    )
    assert (sent["number"], sent["issue_date"]) == ("DEV-000001", today().isoformat())
    accepted = await quotes.answer_quote(
        repo=repo, caller=ADVISOR, quote_id=created["id"], version=2, state="accepted"
    )
    invoice = await quotes.invoice_quote(
        repo=repo, caller=ADVISOR, quote_id=created["id"], version=accepted["version"]
    )
    assert (invoice["state"], invoice["quote_id"]) == ("draft", created["id"])
    assert invoice["total_including_tax_minor"] == 12428
    with pytest.raises(Conflict):
        await quotes.invoice_quote(
            repo=repo, caller=ADVISOR, quote_id=created["id"], version=accepted["version"] + 1
        )
    assert (await post(repo, invoice))["number"] == "INV-000001"
    [view] = await service.get_accounts(
        repo=repo,
        caller=ADVISOR,
        client_ids=[CLIENT],
        entries_limit=0,
        invoices_limit=0,
        quotes_limit=5,
    )
    assert [(q["number"], q["invoice_id"]) for q in view.quotes] == [("DEV-000001", invoice["id"])]
    assert view.quote_count == 1
    subjects = payload_types(billing_pb2.QuoteSaved)
    saved = []
    for queued in await store.pending_events(1000):
        event = events_pb2.Event.FromString(queued.payload)
        payload = decode_payload(event, subjects)
        if isinstance(payload, billing_pb2.QuoteSaved):
            saved.append(payload.quote.state)
    assert saved == [
        billing_pb2.QUOTE_STATE_DRAFT,
        billing_pb2.QUOTE_STATE_SENT,
        billing_pb2.QUOTE_STATE_ACCEPTED,
        billing_pb2.QUOTE_STATE_ACCEPTED,
    ]
    # Tenant-scoped: the other agency's caller cannot answer it.
    with pytest.raises(NotFound):
        await quotes.answer_quote(
            repo=repo, caller=OTHER, quote_id=created["id"], version=4, state="refused"
        )


async def test_a_sent_quote_past_its_validity_reads_expired_and_is_no_longer_answered(
    repo: BillingRepository,
) -> None:
    created = await quotes.create_quote(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        title="",
        currency="EUR",
        lines=LINES,
        valid_until=today().isoformat(),
    )
    sent = await quotes.answer_quote(
        repo=repo, caller=ADVISOR, quote_id=created["id"], version=1, state="sent"
    )
    assert quote_state(sent, today()) == "sent"
    assert quote_state(sent, today() + timedelta(days=1)) == "expired"
    refused = await quotes.answer_quote(
        repo=repo, caller=ADVISOR, quote_id=created["id"], version=2, state="refused"
    )
    assert refused["state"] == "refused"


async def test_a_bad_quote_is_refused_whole_with_every_rule_named(repo: BillingRepository) -> None:
    with pytest.raises(InvalidInput) as refused:
        await quotes.create_quote(
            repo=repo,
            caller=ADVISOR,
            client_id="",
            title="x" * 201,
            currency="XYZ",
            lines=[],
            valid_until=(today() - timedelta(days=1)).isoformat(),
        )
    assert fields(refused) >= {"clientId", "title", "currency", "lines"}
    with pytest.raises(InvalidInput) as past:
        await quotes.create_quote(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            title="",
            currency="EUR",
            lines=LINES,
            valid_until=(today() - timedelta(days=1)).isoformat(),
        )
    assert fields(past) == {"validUntil"}


# The daily trigger of the unpaid path


def _same(day: date) -> date:
    return day


async def test_the_unpaid_path_runs_every_day_without_a_request_once_a_day_across_restarts(
    store: SqliteStore,
) -> None:
    due = date(2026, 1, 15)
    repo = BillingRepository(store)
    notice, _ = await service.issue_premium_notice(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        contract_id="k1",
        period_start=due.isoformat(),
        period_end=(due + timedelta(days=89)).isoformat(),
        due_date=due.isoformat(),
        currency="EUR",
        net_premium="100.00",
    )
    for offset in range(60):
        day = due + timedelta(days=offset)
        # A fresh repository and runner each day: the process restarted, as after a deploy.
        each = BillingRepository(store)
        runner = unpaid.unpaid_path_runner(each, clock=functools.partial(_same, day))
        queued = await unpaid.start_daily_runs(each, on=day)
        assert [tenant for tenant, _ in queued] == [TENANT]
        # Asked again the same day (another replica, a restart): nothing more is queued.
        assert await unpaid.start_daily_runs(each, on=day) == []
        for tenant, job in queued:
            await runner.run_job(tenant, job["id"])
    [moved] = await repo.find_notices(TENANT, [CLIENT])
    taken = [(t["step"], t["date"]) for t in moved.get("unpaid_steps", [])]
    assert taken == [
        ("overdue", "2026-01-25"),
        ("formal_notice_sent", "2026-01-25"),
        ("suspended", "2026-02-24"),
        ("terminable", "2026-03-06"),
    ]
    assert moved["id"] == notice["id"]


# Copies of other services' records, and what a partner sees


async def test_identity_and_contracts_events_keep_the_buyer_and_the_insurer_copies(
    repo: BillingRepository,
) -> None:
    client = identity_pb2.Client(
        id=CLIENT,
        kind=identity_pb2.CLIENT_KIND_PROFESSIONAL,
        display_name="Garage Martin",
        version=2,
        professional=identity_pb2.ProfessionalInfo(
            legal_name="Garage Martin SAS", siren="552100554"
        ),
        addresses=[
            common_pb2.Address(line1="1 rue A", postal_code="69001", city="Lyon"),
            common_pb2.Address(line1="2 rue B", postal_code="75001", city="Paris", primary=True),
        ],
    )
    handler = consumers.IdentityEventHandler(repo)
    event = events_pb2.Event(
        id="e1", type="c360.identity.client.updated", tenant_id=TENANT, key=CLIENT
    )
    event.payload.Pack(identity_pb2.ClientUpdated(client=client))
    async with repo.transaction() as txn:
        await handler(txn, event)
    copy = await repo.get_client_copy(TENANT, CLIENT)
    assert copy is not None
    assert (copy["name"], copy["siren"], copy["professional"]) == (
        "Garage Martin SAS",
        "552100554",
        True,
    )
    assert copy["address"] is not None
    assert copy["address"]["city"] == "Paris"
    # An older event changes nothing.
    older = identity_pb2.Client(id=CLIENT, display_name="Old", version=1)
    stale = events_pb2.Event(id="e0", type="c360.identity.client.updated", tenant_id=TENANT)
    stale.payload.Pack(identity_pb2.ClientUpdated(client=older))
    async with repo.transaction() as txn:
        await handler(txn, stale)
    kept = await repo.get_client_copy(TENANT, CLIENT)
    assert kept is not None
    assert kept["name"] == "Garage Martin SAS"


async def test_a_partner_sees_only_the_notices_of_the_contracts_it_insures(
    repo: BillingRepository,
) -> None:
    for contract_id in ("insured", "elsewhere"):
        await service.issue_premium_notice(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            contract_id=contract_id,
            period_start="2026-01-01",
            period_end="2026-03-31",
            due_date="2026-01-01",
            currency="EUR",
            net_premium="100.00",
        )
    await service.record_entry(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        kind="fee",
        date="2026-01-02",
        amount="5.00",
        currency="EUR",
    )
    handler = consumers.ContractEventHandler(repo)
    event = events_pb2.Event(id="c1", type="c360.contracts.contract.created", tenant_id=TENANT)
    event.payload.Pack(
        contracts_pb2.ContractCreated(
            contract=contracts_pb2.Contract(
                id="insured", insurer="Mutuelle X", partner_ids=["partner-x"], version=1
            )
        )
    )
    async with repo.transaction() as txn:
        await handler(txn, event)
    partner = Caller(TENANT, "partner-x", "partner")
    [view] = await service.get_accounts(
        repo=repo,
        caller=partner,
        client_ids=[CLIENT],
        entries_limit=10,
        invoices_limit=10,
        with_debts=True,
        notices_limit=10,
    )
    assert [n["contract_id"] for n in view.notices] == ["insured"]
    assert [e["kind"] for e in view.entries] == ["premium_notice"]
    assert view.account is not None
    assert view.account["balances"] == {"EUR": 10000}
    assert view.invoices == []
    # Another partner, or the same partner id in another tenant, sees no account.
    assert (
        await service.get_accounts(
            repo=repo,
            caller=Caller(TENANT, "partner-y", "partner"),
            client_ids=[CLIENT],
            entries_limit=10,
            invoices_limit=10,
            notices_limit=10,
        )
        == []
    )
    assert (
        await service.get_accounts(
            repo=repo,
            caller=Caller("agency-b", "partner-x", "partner"),
            client_ids=[CLIENT],
            entries_limit=10,
            invoices_limit=10,
            notices_limit=10,
        )
        == []
    )


async def test_an_invoices_dates_and_operation_category_are_checked_when_drafted(
    repo: BillingRepository,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create_invoice(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            kind="invoice",
            currency="EUR",
            lines=LINES,
            due_date="2026-02-30",
            supply_date="yesterday",
            operation_category="99",
        )
    assert fields(refused) == {"dueDate", "supplyDate", "operationCategory"}
    await ready_to_post(repo, TENANT, CLIENT)
    goods = await service.create_invoice(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        kind="invoice",
        currency="EUR",
        lines=LINES,
        due_date="2026-03-15",
        supply_date="2026-02-20",
        operation_category="goods",
    )
    posted = await post(repo, goods)
    assert (posted["due_date"], posted["supply_date"], posted["operation_category"]) == (
        "2026-03-15",
        "2026-02-20",
        "goods",
    )
    found = await service.invoice_file(repo=repo, caller=ADVISOR, invoice_id=posted["id"])
    _, xml = facturx.get_xml_from_pdf(found.data, check_xsd=True)
    assert b"livraison de biens" in xml
    assert b'<udt:DateTimeString format="102">20260315</udt:DateTimeString>' in xml


async def test_the_daily_trigger_moves_a_notice_with_no_request_at_all(
    store: SqliteStore,
) -> None:
    repo = BillingRepository(store)
    due = today() - timedelta(days=45)
    await service.issue_premium_notice(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        contract_id="k1",
        period_start=due.isoformat(),
        period_end=(due + timedelta(days=89)).isoformat(),
        due_date=due.isoformat(),
        currency="EUR",
        net_premium="100.00",
    )
    runner = unpaid.unpaid_path_runner(repo)
    tasks = [
        asyncio.create_task(runner.run()),
        asyncio.create_task(unpaid.daily_trigger(repo, runner, every=0.05)),
    ]
    try:
        moved = await eventually(
            lambda: repo.find_notices(TENANT, [CLIENT]),
            lambda found: found[0].get("unpaid_step") == "formal_notice_sent",
            what="the day's run of the unpaid path",
        )
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    assert [t["step"] for t in moved[0]["unpaid_steps"]] == ["overdue", "formal_notice_sent"]
