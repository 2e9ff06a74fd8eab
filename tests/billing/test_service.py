"""The billing domain in process, on a real SQLite store: the ledger and its balances per
currency, allocations, amounts checked against their currency's precision, invoices and credit
notes numbered without gap, the events each change commits, and tenant isolation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from google.protobuf.message import Message

from client360.billing.v1 import billing_pb2
from client360.events.v1 import events_pb2
from runtime.caller import Caller
from runtime.clock import today
from runtime.contracts import decode_payload, payload_types
from runtime.errors import Conflict, FieldViolation, InvalidInput, NotFound, PermissionDenied
from runtime.store.sqlite import SqliteStore
from services.billing import service
from services.billing.mapping import debt_age, notice_status, payment_state
from services.billing.models import (
    COLLECTIONS,
    FEE,
    NOT_PAID,
    PAID,
    PARTLY_PAID,
    POSTED,
    PREMIUM_NOTICE,
    REFUND,
    REVERSED,
    SELLER_PROFILE_ID,
    WRITE_OFF,
    Entry,
    Invoice,
    Notice,
)
from services.billing.repository import BillingRepository
from services.billing.validation import LineInput
from tests.billing.mentions import ready_to_post

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
OTHER_ADVISOR = Caller("agency-b", "bob", "advisor")
CLIENT = "client-1"
DAY = "2026-03-01"

EVENT_TYPES = payload_types(
    billing_pb2.EntryRecorded,
    billing_pb2.PaymentReceived,
    billing_pb2.PremiumNoticeIssued,
    billing_pb2.InvoiceCreated,
    billing_pb2.InvoicePosted,
    billing_pb2.InvoiceCancelled,
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "billing.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def repo(store: SqliteStore) -> BillingRepository:
    opened = BillingRepository(store)
    # Posting checks the mandatory mentions: each tenant has its seller, the client its copy.
    await ready_to_post(opened, TENANT, CLIENT)
    await ready_to_post(opened, OTHER_ADVISOR.tenant_id, CLIENT)
    return opened


async def debt(
    repo: BillingRepository,
    amount: str,
    currency: str = "EUR",
    *,
    kind: str = PREMIUM_NOTICE,
    client_id: str = CLIENT,
    caller: Caller = ADVISOR,
) -> Entry:
    return await service.record_entry(
        repo=repo,
        caller=caller,
        client_id=client_id,
        kind=kind,
        date=DAY,
        amount=amount,
        currency=currency,
        label=f"{kind} {amount} {currency}",
    )


async def pay(
    repo: BillingRepository,
    amount: str,
    currency: str = "EUR",
    allocations: list[tuple[str, str]] | None = None,
    *,
    key: str = "",
    caller: Caller = ADVISOR,
) -> Entry:
    return await service.record_payment(
        repo=repo,
        caller=caller,
        client_id=CLIENT,
        date=DAY,
        amount=amount,
        currency=currency,
        allocations=allocations or [],
        idempotency_key=key,
    )


async def balances(repo: BillingRepository, caller: Caller = ADVISOR) -> dict[str, int]:
    [view] = await service.get_accounts(
        repo=repo, caller=caller, client_ids=[CLIENT], entries_limit=0, invoices_limit=0
    )
    return dict(view.account["balances"]) if view.account else {}


async def entry(repo: BillingRepository, entry_id: str) -> Entry:
    [found] = await repo.get_entries(TENANT, [entry_id])
    return found


async def draft(
    repo: BillingRepository,
    price: str = "100.00",
    *,
    kind: str = "invoice",
    currency: str = "EUR",
    credited: str = "",
    series: str = "",
    caller: Caller = ADVISOR,
) -> Invoice:
    return await service.create_invoice(
        repo=repo,
        caller=caller,
        client_id=CLIENT,
        kind=kind,
        currency=currency,
        series=series,
        credited_invoice_id=credited,
        lines=[LineInput("Entretien chaudière", "1", price, 0, 2000)],
    )


async def post(repo: BillingRepository, invoice: Invoice, caller: Caller = ADVISOR) -> Invoice:
    posted, _ = await service.post_invoice(
        repo=repo, caller=caller, invoice_id=invoice["id"], version=invoice["version"]
    )
    return posted


async def queued(store: SqliteStore) -> list[tuple[events_pb2.Event, Message | None]]:
    """The client events queued (not the seller profile's, set by the fixture)."""
    found = [events_pb2.Event.FromString(e.payload) for e in await store.pending_events(10_000)]
    return [(e, decode_payload(e, EVENT_TYPES)) for e in found if e.key != SELLER_PROFILE_ID]


def rules(error: pytest.ExceptionInfo[InvalidInput]) -> list[FieldViolation]:
    return error.value.violations


# The ledger and its balances


async def test_the_balance_is_kept_per_currency_after_a_mix_of_entries_and_allocations(
    repo: BillingRepository,
) -> None:
    notice = await debt(repo, "300.00")
    fee = await debt(repo, "15.50", kind=FEE)
    yen = await debt(repo, "12000", "JPY")
    await debt(repo, "1.250", "BHD")
    await pay(repo, "200.00", allocations=[(notice["id"], "200.00")])
    await pay(repo, "5000", "JPY", allocations=[(yen["id"], "5000")])
    await service.record_entry(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        kind=WRITE_OFF,
        date=DAY,
        amount="15.50",
        currency="EUR",
        allocations=[(fee["id"], "15.50")],
    )
    await debt(repo, "20.00", kind=REFUND)

    assert await balances(repo) == {
        "EUR": 30000 + 1550 - 20000 - 1550 + 2000,
        "BHD": 1250,
        "JPY": 7000,
    }
    [view] = await service.get_accounts(
        repo=repo, caller=ADVISOR, client_ids=[CLIENT], entries_limit=3, invoices_limit=0
    )
    assert view.account is not None
    assert view.account["entry_count"] == 8
    assert len(view.entries) == 3


async def test_the_default_balance_is_never_converted_from_other_currencies(
    repo: BillingRepository,
) -> None:
    await debt(repo, "12000", "JPY")
    [view] = await service.get_accounts(
        repo=repo, caller=ADVISOR, client_ids=[CLIENT], entries_limit=0, invoices_limit=0
    )
    from services.billing.mapping import account_to_proto

    account = account_to_proto(CLIENT, view.account, [], [], {})
    assert (account.balance.amount_minor, account.balance.currency) == (0, "EUR")
    assert [(m.currency, m.amount_minor) for m in account.balances] == [("JPY", 12000)]


@pytest.mark.parametrize(
    ("currency", "refused", "accepted", "minor"),
    [
        ("JPY", "1200.5", "1200", 1200),
        ("EUR", "12.345", "12.34", 1234),
        ("BHD", "1.2345", "1.234", 1234),
    ],
)
async def test_an_amount_finer_than_its_currency_allows_is_refused_and_nothing_is_written(
    repo: BillingRepository,
    store: SqliteStore,
    currency: str,
    refused: str,
    accepted: str,
    minor: int,
) -> None:
    with pytest.raises(InvalidInput) as error:
        await debt(repo, refused, currency)
    [violation] = rules(error)
    assert violation.field == "amount.value"
    assert "decimals" in violation.rule
    assert await balances(repo) == {}
    assert await queued(store) == []

    written = await debt(repo, accepted, currency)
    assert written["amount"] == {"amount_minor": minor, "currency": currency}


async def test_a_bad_entry_is_refused_whole_with_every_rule_named(repo: BillingRepository) -> None:
    with pytest.raises(InvalidInput) as error:
        await service.record_entry(
            repo=repo,
            caller=ADVISOR,
            client_id="",
            kind="payment",
            date="2026-02-30",
            amount="-3",
            currency="XXX",
            label="x" * 201,
        )
    assert {v.field for v in rules(error)} == {
        "clientId",
        "kind",
        "date",
        "amount.currency",
        "label",
    }


async def test_a_payment_settles_several_debts_partly_or_wholly_and_keeps_the_rest_on_account(
    repo: BillingRepository,
) -> None:
    first = await debt(repo, "100.00")
    second = await debt(repo, "80.00")
    third = await debt(repo, "50.00")
    payment = await pay(
        repo, "200.00", allocations=[(first["id"], "100.00"), (second["id"], "30.00")]
    )
    assert payment["open_minor"] == -7000
    assert [payment_state(await entry(repo, e["id"])) for e in (first, second, third)] == [
        PAID,
        PARTLY_PAID,
        NOT_PAID,
    ]
    assert (await entry(repo, second["id"]))["open_minor"] == 5000
    assert await balances(repo) == {"EUR": 23000 - 20000}


async def test_an_allocation_beyond_what_is_open_or_in_another_currency_writes_nothing(
    repo: BillingRepository, store: SqliteStore
) -> None:
    notice = await debt(repo, "100.00")
    yen = await debt(repo, "1000", "JPY")
    other = await debt(repo, "10.00", client_id="client-2")
    before = await queued(store)
    with pytest.raises(InvalidInput) as error:
        await pay(
            repo,
            "300.00",
            allocations=[(notice["id"], "150.00"), (yen["id"], "10.00"), (other["id"], "1.00")],
        )
    assert [v.field for v in rules(error)] == [
        "allocations[0].amount",
        "allocations[1].amount",
        "allocations[2].entryId",
    ]
    with pytest.raises(InvalidInput) as too_much:
        await pay(repo, "10.00", allocations=[(notice["id"], "20.00")])
    assert [v.rule for v in rules(too_much)] == ["together exceed the amount"]
    assert (await entry(repo, notice["id"]))["open_minor"] == 10000
    assert await balances(repo) == {"EUR": 10000, "JPY": 1000}
    assert len(await queued(store)) == len(before)


async def test_a_payment_retried_with_its_idempotency_key_is_recorded_once(
    repo: BillingRepository,
) -> None:
    notice = await debt(repo, "100.00")
    first = await pay(repo, "60.00", allocations=[(notice["id"], "60.00")], key="bank-123")
    again = await pay(repo, "60.00", allocations=[(notice["id"], "60.00")], key="bank-123")
    assert again["id"] == first["id"]
    assert await balances(repo) == {"EUR": 4000}
    assert (await entry(repo, notice["id"]))["open_minor"] == 4000


# Invoices and credit notes


async def test_an_invoice_is_numbered_at_posting_in_its_series_and_enters_the_ledger(
    repo: BillingRepository,
) -> None:
    first = await draft(repo, "100.00")
    assert first["number"] == ""
    assert first["total_including_tax_minor"] == 12000
    second = await draft(repo, "10.00")
    other_series = await draft(repo, "10.00", series="WS")
    posted_second = await post(repo, second)
    posted_first = await post(repo, first)
    posted_other = await post(repo, other_series)
    assert [posted_second["number"], posted_first["number"], posted_other["number"]] == [
        "INV-000001",
        "INV-000002",
        "WS-000001",
    ]
    assert posted_first["state"] == POSTED
    assert await balances(repo) == {"EUR": 12000 + 1200 + 1200}
    invoice_entry = await entry(repo, posted_first["entry_id"])
    assert invoice_entry["kind"] == "invoice"
    assert invoice_entry["label"] == "INV-000002"


async def test_fifty_invoices_posted_concurrently_get_fifty_consecutive_numbers(
    repo: BillingRepository,
) -> None:
    drafts = [await draft(repo, "1.00") for _ in range(50)]
    posted = await asyncio.gather(*(post(repo, d) for d in drafts))
    numbers = sorted(int(p["number"].removeprefix("INV-")) for p in posted)
    assert numbers == list(range(1, 51))
    assert await balances(repo) == {"EUR": 50 * 120}


async def test_a_posted_invoice_is_never_posted_again_cancelled_or_edited(
    repo: BillingRepository,
) -> None:
    posted = await post(repo, await draft(repo))
    with pytest.raises(Conflict):
        await service.post_invoice(
            repo=repo, caller=ADVISOR, invoice_id=posted["id"], version=posted["version"]
        )
    with pytest.raises(Conflict, match="corrected by a credit note"):
        await service.cancel_invoice(
            repo=repo, caller=ADVISOR, invoice_id=posted["id"], version=posted["version"]
        )


async def test_a_cancelled_draft_takes_no_number_and_leaves_no_gap(
    repo: BillingRepository,
) -> None:
    dropped = await draft(repo)
    cancelled = await service.cancel_invoice(
        repo=repo, caller=ADVISOR, invoice_id=dropped["id"], version=dropped["version"]
    )
    assert cancelled["state"] == "cancelled"
    assert cancelled["number"] == ""
    assert (await post(repo, await draft(repo)))["number"] == "INV-000001"


async def test_a_stale_version_is_a_conflict(repo: BillingRepository) -> None:
    invoice = await draft(repo)
    with pytest.raises(Conflict, match="stale"):
        await service.post_invoice(
            repo=repo, caller=ADVISOR, invoice_id=invoice["id"], version=invoice["version"] + 1
        )


async def test_a_posting_retried_with_its_idempotency_key_posts_once(
    repo: BillingRepository,
) -> None:
    invoice = await draft(repo)
    first, _ = await service.post_invoice(
        repo=repo, caller=ADVISOR, invoice_id=invoice["id"], version=1, idempotency_key="k1"
    )
    again, _ = await service.post_invoice(
        repo=repo, caller=ADVISOR, invoice_id=invoice["id"], version=1, idempotency_key="k1"
    )
    assert again["number"] == first["number"] == "INV-000001"
    assert await balances(repo) == {"EUR": 12000}


async def test_a_credit_note_cites_its_invoice_and_the_balance_follows(
    repo: BillingRepository,
) -> None:
    invoice = await post(repo, await draft(repo, "100.00"))
    partial = await post(
        repo, await draft(repo, "40.00", kind="credit_note", credited=invoice["id"])
    )
    assert partial["number"] == "CN-000001"
    assert partial["credited_invoice_id"] == invoice["id"]
    assert await balances(repo) == {"EUR": 12000 - 4800}
    assert payment_state(await entry(repo, invoice["entry_id"])) == PARTLY_PAID
    rest = await post(repo, await draft(repo, "60.00", kind="credit_note", credited=invoice["id"]))
    assert rest["number"] == "CN-000002"
    assert await balances(repo) == {"EUR": 0}
    assert payment_state(await entry(repo, invoice["entry_id"])) == REVERSED
    with pytest.raises(InvalidInput, match="left to credit"):
        await draft(repo, "0.01", kind="credit_note", credited=invoice["id"])


async def test_a_credit_note_must_cite_a_posted_invoice_of_the_same_client_and_currency(
    repo: BillingRepository,
) -> None:
    unposted = await draft(repo)
    with pytest.raises(InvalidInput) as missing:
        await draft(repo, kind="credit_note")
    assert [v.field for v in rules(missing)] == ["creditedInvoiceId"]
    with pytest.raises(InvalidInput, match="not a posted invoice"):
        await draft(repo, kind="credit_note", credited=unposted["id"])
    posted = await post(repo, unposted)
    with pytest.raises(InvalidInput, match="must be the invoice's"):
        await draft(repo, "100", kind="credit_note", credited=posted["id"], currency="JPY")


async def test_invalid_invoice_lines_are_named_one_by_one(repo: BillingRepository) -> None:
    with pytest.raises(InvalidInput) as error:
        await service.create_invoice(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            kind="invoice",
            currency="EUR",
            series="inv 1",
            lines=[
                LineInput("", "0", "1.001", -1, 10001),
                LineInput("ok", "abc", "1", 0, 0),
            ],
        )
    assert [v.field for v in rules(error)] == [
        "series",
        "lines[0].designation",
        "lines[0].discountBasisPoints",
        "lines[0].vatBasisPoints",
        "lines[0].quantity",
        "lines[0].unitPrice",
        "lines[1].quantity",
    ]


# Events


async def test_every_change_commits_its_event_with_the_balances_after_it(
    repo: BillingRepository, store: SqliteStore
) -> None:
    notice = await debt(repo, "100.00")
    await pay(repo, "30.00", allocations=[(notice["id"], "30.00")])
    invoice = await draft(repo, "10.00")
    await post(repo, invoice)
    dropped = await draft(repo)
    await service.cancel_invoice(repo=repo, caller=ADVISOR, invoice_id=dropped["id"], version=1)
    found = await queued(store)
    assert [e.type for e, _ in found] == [
        "c360.billing.entry.recorded",
        "c360.billing.payment.received",
        "c360.billing.invoice.created",
        "c360.billing.invoice.posted",
        "c360.billing.invoice.created",
        "c360.billing.invoice.cancelled",
    ]
    assert all(e.key == CLIENT and e.tenant_id == TENANT for e, _ in found)
    posted = found[3][1]
    assert isinstance(posted, billing_pb2.InvoicePosted)
    assert posted.invoice.number == "INV-000001"
    assert [(m.currency, m.amount_minor) for m in posted.balances] == [("EUR", 7000 + 1200)]


# Tenants


async def test_another_tenants_records_answer_like_missing_ones(repo: BillingRepository) -> None:
    notice = await debt(repo, "100.00")
    invoice = await draft(repo)
    posted = await post(repo, await draft(repo))
    # Reads: the other tenant sees an empty account, exactly as for an unknown client.
    [theirs] = await service.get_accounts(
        repo=repo, caller=OTHER_ADVISOR, client_ids=[CLIENT], entries_limit=10, invoices_limit=10
    )
    [unknown] = await service.get_accounts(
        repo=repo, caller=ADVISOR, client_ids=["nobody"], entries_limit=10, invoices_limit=10
    )
    assert (theirs.account, theirs.entries, theirs.invoices) == (None, [], [])
    assert (unknown.account, unknown.entries, unknown.invoices) == (None, [], [])
    # Writes naming another tenant's records are refused as for missing ones.
    with pytest.raises(InvalidInput) as paying:
        await pay(repo, "10.00", allocations=[(notice["id"], "10.00")], caller=OTHER_ADVISOR)
    with pytest.raises(InvalidInput) as paying_missing:
        await pay(repo, "10.00", allocations=[("missing", "10.00")])
    assert rules(paying) == rules(paying_missing)
    with pytest.raises(InvalidInput) as writing_off:
        await service.record_entry(
            repo=repo,
            caller=OTHER_ADVISOR,
            client_id=CLIENT,
            kind=WRITE_OFF,
            date=DAY,
            amount="10.00",
            currency="EUR",
            allocations=[(notice["id"], "10.00")],
        )
    assert rules(writing_off) == rules(paying_missing)
    for command in (service.post_invoice, service.cancel_invoice):
        with pytest.raises(NotFound) as theirs_error:
            await command(repo=repo, caller=OTHER_ADVISOR, invoice_id=invoice["id"], version=1)
        with pytest.raises(NotFound) as missing_error:
            await command(repo=repo, caller=ADVISOR, invoice_id="missing", version=1)
        assert theirs_error.value.message.replace(invoice["id"], "X") == (
            missing_error.value.message.replace("missing", "X")
        )
    with pytest.raises(InvalidInput) as crediting:
        await draft(repo, kind="credit_note", credited=posted["id"], caller=OTHER_ADVISOR)
    with pytest.raises(InvalidInput) as crediting_missing:
        await draft(repo, kind="credit_note", credited="missing")
    assert rules(crediting) == rules(crediting_missing)
    # Numbering is per tenant: the other tenant's first invoice is its number 1.
    assert (await post(repo, await draft(repo, caller=OTHER_ADVISOR), OTHER_ADVISOR))[
        "number"
    ] == "INV-000001"
    assert await balances(repo, OTHER_ADVISOR) == {"EUR": 12000}


# Debts


async def test_what_is_unpaid_is_listed_debt_by_debt_with_its_age_today(
    repo: BillingRepository,
) -> None:
    day = today()
    ages = {"old": 120, "mid": 45, "recent": 3, "future": -10, "paid": 20}
    written = {
        name: await service.record_entry(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            kind=PREMIUM_NOTICE,
            date=(day - timedelta(days=age)).isoformat(),
            amount="10.00",
            currency="EUR",
        )
        for name, age in ages.items()
    }
    await pay(repo, "10.00", allocations=[(written["paid"]["id"], "10.00")])
    await pay(repo, "4.00", allocations=[(written["mid"]["id"], "4.00")])

    [view] = await service.get_accounts(
        repo=repo,
        caller=ADVISOR,
        client_ids=[CLIENT],
        entries_limit=0,
        invoices_limit=0,
        with_debts=True,
    )
    assert [(e["id"], e["open_minor"], age) for e, age in view.debts] == [
        (written["old"]["id"], 1000, 120),
        (written["mid"]["id"], 600, 45),
        (written["recent"]["id"], 1000, 3),
        (written["future"]["id"], 1000, -10),
    ]
    assert [debt_age(age) for _, age in view.debts] == [
        billing_pb2.DEBT_AGE_DAYS_OVER_90,
        billing_pb2.DEBT_AGE_DAYS_31_TO_60,
        billing_pb2.DEBT_AGE_DAYS_0_TO_30,
        billing_pb2.DEBT_AGE_NOT_DUE,
    ]


# Roles


@pytest.mark.parametrize("role", ["technician", "partner"])
async def test_technicians_and_partners_neither_read_nor_write_accounts(
    repo: BillingRepository, role: str
) -> None:
    outsider = Caller(TENANT, "someone", role)
    await debt(repo, "10.00")
    if role == "technician":
        with pytest.raises(PermissionDenied):
            await service.get_accounts(
                repo=repo, caller=outsider, client_ids=[CLIENT], entries_limit=0, invoices_limit=0
            )
    else:
        # A partner insuring none of the client's contracts sees no account at all.
        assert (
            await service.get_accounts(
                repo=repo, caller=outsider, client_ids=[CLIENT], entries_limit=5, invoices_limit=5
            )
            == []
        )
    with pytest.raises(PermissionDenied):
        await debt(repo, "10.00", caller=outsider)
    with pytest.raises(PermissionDenied):
        await draft(repo, caller=outsider)
    invoice = await draft(repo)
    with pytest.raises(PermissionDenied):
        await post(repo, invoice, caller=outsider)
    with pytest.raises(PermissionDenied):
        await service.cancel_invoice(
            repo=repo, caller=outsider, invoice_id=invoice["id"], version=1
        )


# Premium notices


async def notice(
    repo: BillingRepository, due_in_days: int, *, key: str = ""
) -> tuple[Notice, Entry]:
    due = today() + timedelta(days=due_in_days)
    return await service.issue_premium_notice(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        contract_id="contract-1",
        period_start=due.isoformat(),
        period_end=(due + timedelta(days=30)).isoformat(),
        due_date=due.isoformat(),
        currency="EUR",
        net_premium="100.00",
        taxes="9.00",
        fees="1.50",
        idempotency_key=key,
    )


async def test_a_premium_notice_enters_the_ledger_for_its_total(
    repo: BillingRepository, store: SqliteStore
) -> None:
    issued, written = await notice(repo, 5, key="notice-1")
    again, _ = await notice(repo, 5, key="notice-1")
    assert again["id"] == issued["id"]
    assert issued["total_minor"] == 11050
    assert written["kind"] == PREMIUM_NOTICE
    assert written["date"] == issued["due_date"]
    assert await balances(repo) == {"EUR": 11050}
    [(event, payload)] = await queued(store)
    assert event.type == "c360.billing.notice.issued"
    assert isinstance(payload, billing_pb2.PremiumNoticeIssued)
    assert payload.notice.status == billing_pb2.NOTICE_STATUS_ISSUED


async def test_a_notice_is_unpaid_from_ten_days_after_its_due_date_computed_today(
    repo: BillingRepository,
) -> None:
    not_yet = await notice(repo, -9)
    overdue = await notice(repo, -10)
    partly = await notice(repo, -2)
    paid = await notice(repo, -40)
    await pay(repo, "50.00", allocations=[(partly[1]["id"], "50.00")])
    await pay(repo, "110.50", allocations=[(paid[1]["id"], "110.50")])
    [view] = await service.get_accounts(
        repo=repo,
        caller=ADVISOR,
        client_ids=[CLIENT],
        entries_limit=0,
        invoices_limit=0,
        notices_limit=10,
    )
    statuses = {
        n["id"]: notice_status(n, view.invoice_entries.get(n["entry_id"]), view.today)
        for n in view.notices
    }
    assert statuses == {
        not_yet[0]["id"]: "issued",
        overdue[0]["id"]: "unpaid",
        partly[0]["id"]: "partly_paid",
        paid[0]["id"]: "paid",
    }


async def test_a_bad_premium_notice_is_refused_whole_with_every_rule_named(
    repo: BillingRepository,
) -> None:
    with pytest.raises(InvalidInput) as error:
        await service.issue_premium_notice(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            contract_id="",
            period_start="2026-02-01",
            period_end="2026-01-01",
            due_date="tomorrow",
            currency="EUR",
            net_premium="100.001",
            taxes="-1",
            fees="0.5",
        )
    assert [v.field for v in rules(error)] == [
        "contractId",
        "dueDate",
        "periodEnd",
        "netPremium",
        "taxes",
    ]
    assert await balances(repo) == {}


async def test_an_invoice_without_vat_is_posted_only_with_its_exemption_reference(
    repo: BillingRepository,
) -> None:
    untaxed = await service.create_invoice(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        kind="invoice",
        currency="EUR",
        lines=[LineInput("Courtage", "1", "50.00", 0, 0)],
    )
    with pytest.raises(InvalidInput) as error:
        await post(repo, untaxed)
    assert [v.field for v in rules(error)] == ["exemptionReference"]
    assert await balances(repo) == {}
    exempt = await service.create_invoice(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        kind="invoice",
        currency="EUR",
        lines=[LineInput("Courtage", "1", "50.00", 0, 0)],
        exemption_reference="Article 261 C du CGI",
    )
    assert (await post(repo, exempt))["number"] == "INV-000001"


# The whole ledger, page by page


async def test_the_whole_ledger_reads_page_by_page_newest_first_with_cursors(
    repo: BillingRepository,
) -> None:
    written = [
        await service.record_entry(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            kind=FEE if n % 2 else PREMIUM_NOTICE,
            date=f"2026-01-{n + 1:02d}",
            amount="1.00",
            currency="EUR",
        )
        for n in range(7)
    ]
    seen: list[str] = []
    after = ""
    while True:
        page = await service.list_ledger(
            repo=repo, caller=ADVISOR, client_id=CLIENT, first=3, after=after
        )
        assert page.total_count == 7
        seen += [e["id"] for e in page.rows]
        if not page.has_next_page:
            break
        after = page.end_cursor
    assert seen == [e["id"] for e in reversed(written)]
    fees = await service.list_ledger(
        repo=repo, caller=ADVISOR, client_id=CLIENT, first=0, after="", kinds=[FEE]
    )
    assert (fees.total_count, len(fees.rows)) == (3, 3)
    theirs = await service.list_ledger(
        repo=repo, caller=OTHER_ADVISOR, client_id=CLIENT, first=0, after=""
    )
    assert (theirs.total_count, theirs.rows) == (0, [])
    with pytest.raises(InvalidInput) as error:
        await service.list_ledger(
            repo=repo, caller=ADVISOR, client_id=CLIENT, first=500, after="forged", kinds=["x"]
        )
    assert [v.field for v in rules(error)] == ["kinds[0]", "first", "after"]
    with pytest.raises(InvalidInput) as forged:
        await service.list_ledger(repo=repo, caller=ADVISOR, client_id=CLIENT, first=3, after="x")
    assert [v.field for v in rules(forged)] == ["after"]


async def test_a_payment_awaiting_clearance_leaves_its_debt_in_payment(
    repo: BillingRepository,
) -> None:
    fee = await debt(repo, "40.00", kind="fee")
    cheque = await service.record_payment(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        date=DAY,
        amount="40.00",
        currency="EUR",
        allocations=[(fee["id"], "40.00")],
        awaiting_clearance=True,
    )
    assert cheque["awaiting_clearance"] is True
    (pending,) = [
        e for e in await repo.find_entries(TENANT, [CLIENT], limit=10) if e["id"] == fee["id"]
    ]
    assert payment_state(pending) == "in_payment"
    cleared = await service.clear_payment(repo=repo, caller=ADVISOR, entry_id=cheque["id"])
    assert cleared["awaiting_clearance"] is False
    (paid,) = [
        e for e in await repo.find_entries(TENANT, [CLIENT], limit=10) if e["id"] == fee["id"]
    ]
    assert payment_state(paid) == "paid"
    assert (await service.clear_payment(repo=repo, caller=ADVISOR, entry_id=cheque["id"]))[
        "version"
    ] == cleared["version"]
    with pytest.raises(NotFound):
        await service.clear_payment(repo=repo, caller=ADVISOR, entry_id=fee["id"])
    with pytest.raises(NotFound):
        await service.clear_payment(repo=repo, caller=OTHER_ADVISOR, entry_id=cheque["id"])
