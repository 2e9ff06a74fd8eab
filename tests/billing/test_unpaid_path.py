"""The unpaid path of a premium notice (article L113-3 of the Insurance Code), step by step with
its dates, run by the durable job runner on a real SQLite store, and its reinstatement once
the notice is paid in full."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from client360.billing.v1 import billing_pb2
from client360.events.v1 import events_pb2
from runtime.caller import Caller
from runtime.clock import today
from runtime.contracts import decode_payload, payload_types
from runtime.store.sqlite import SqliteStore
from services.billing import service, unpaid
from services.billing.models import COLLECTIONS, Notice
from services.billing.repository import BillingRepository
from services.billing.unpaid import steps_due, unpaid_path_runner

ADVISOR = Caller("agency-a", "alice", "advisor")
DUE = date(2026, 1, 15)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "billing.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


def on_path(*steps: tuple[str, str]) -> Notice:
    return {
        "id": "n1",
        "client_id": "c1",
        "contract_id": "k1",
        "period_start": "2026-01-15",
        "period_end": "2026-04-14",
        "due_date": DUE.isoformat(),
        "currency": "EUR",
        "net_premium_minor": 10000,
        "taxes_minor": 0,
        "fees_minor": 0,
        "total_minor": 10000,
        "entry_id": "e1",
        "issued_at": "",
        "issued_by": "",
        "unpaid_step": steps[-1][0] if steps else "",
        "unpaid_steps": [{"step": s, "date": d} for s, d in steps],
    }


def test_the_unpaid_path_step_by_step_with_its_dates() -> None:
    fresh = on_path()
    assert steps_due(fresh, 10000, date(2026, 1, 24)) == []
    # Ten days after the due date: overdue, and the formal notice goes out that day.
    assert steps_due(fresh, 10000, date(2026, 1, 25)) == [
        {"step": "overdue", "date": "2026-01-25"},
        {"step": "formal_notice_sent", "date": "2026-01-25"},
    ]
    noticed = on_path(("overdue", "2026-01-25"), ("formal_notice_sent", "2026-01-27"))
    assert steps_due(noticed, 10000, date(2026, 2, 25)) == []
    # Cover suspended 30 days after the formal notice, terminable 10 days later.
    assert steps_due(noticed, 10000, date(2026, 2, 26)) == [
        {"step": "suspended", "date": "2026-02-26"}
    ]
    suspended = on_path(
        ("overdue", "2026-01-25"),
        ("formal_notice_sent", "2026-01-27"),
        ("suspended", "2026-02-26"),
    )
    assert steps_due(suspended, 10000, date(2026, 3, 7)) == []
    assert steps_due(suspended, 10000, date(2026, 3, 8)) == [
        {"step": "terminable", "date": "2026-03-08"}
    ]
    # A run that comes late takes every step that fell due, each at its own date.
    assert [s["step"] for s in steps_due(noticed, 10000, date(2026, 6, 1))] == [
        "suspended",
        "terminable",
    ]
    # Paid in full: reinstated, and nothing more.
    assert steps_due(suspended, 0, date(2026, 3, 1)) == [
        {"step": "reinstated", "date": "2026-03-01"}
    ]
    reinstated = on_path(("overdue", "2026-01-25"), ("reinstated", "2026-01-30"))
    assert steps_due(reinstated, 0, date(2026, 6, 1)) == []
    # A notice paid before it was overdue never enters the path.
    assert steps_due(fresh, 0, date(2026, 6, 1)) == []


async def test_a_run_moves_overdue_notices_along_the_path_and_a_full_payment_reinstates(
    store: SqliteStore,
) -> None:
    repo = BillingRepository(store)
    day = today()

    async def issue(due: date) -> tuple[Notice, str]:
        notice, entry = await service.issue_premium_notice(
            repo=repo,
            caller=ADVISOR,
            client_id="c1",
            contract_id="k1",
            period_start=due.isoformat(),
            period_end=(due + timedelta(days=89)).isoformat(),
            due_date=due.isoformat(),
            currency="EUR",
            net_premium="100.00",
        )
        return notice, entry["id"]

    overdue, overdue_entry = await issue(day - timedelta(days=12))
    on_time, _ = await issue(day - timedelta(days=3))
    runner = unpaid_path_runner(repo)

    job = await unpaid.run_unpaid_path(repo=repo, caller=ADVISOR)
    assert job["items"] == [overdue["id"]]
    await runner.run_job(ADVISOR.tenant_id, job["id"])
    [moved] = [
        n for n in await repo.find_notices(ADVISOR.tenant_id, ["c1"]) if n["id"] == overdue["id"]
    ]
    assert moved["unpaid_steps"] == [
        {"step": "overdue", "date": (day - timedelta(days=2)).isoformat()},
        {"step": "formal_notice_sent", "date": day.isoformat()},
    ]
    # Run again the same day: every step is taken once.
    again = await unpaid.run_unpaid_path(repo=repo, caller=ADVISOR)
    await runner.run_job(ADVISOR.tenant_id, again["id"])
    await service.record_payment(
        repo=repo,
        caller=ADVISOR,
        client_id="c1",
        date=day.isoformat(),
        amount="100.00",
        currency="EUR",
        allocations=[(overdue_entry, "100.00")],
    )
    # Paid in full: reinstated at once, in the payment's transaction.
    [reinstated] = [
        n for n in await repo.find_notices(ADVISOR.tenant_id, ["c1"]) if n["id"] == overdue["id"]
    ]
    assert reinstated["unpaid_step"] == "reinstated"
    paid = await unpaid.run_unpaid_path(repo=repo, caller=ADVISOR)
    await runner.run_job(ADVISOR.tenant_id, paid["id"])

    subjects = payload_types(billing_pb2.NoticeUnpaidStepTaken)
    steps = []
    for queued in await store.pending_events(1000):
        event = events_pb2.Event.FromString(queued.payload)
        payload = decode_payload(event, subjects)
        if isinstance(payload, billing_pb2.NoticeUnpaidStepTaken):
            assert payload.notice.id == overdue["id"]
            steps.append((payload.step.step, payload.step.date))
    assert steps == [
        (billing_pb2.UNPAID_STEP_OVERDUE, (day - timedelta(days=2)).isoformat()),
        (billing_pb2.UNPAID_STEP_FORMAL_NOTICE_SENT, day.isoformat()),
        (billing_pb2.UNPAID_STEP_REINSTATED, day.isoformat()),
    ]
    assert on_time["id"] not in paid["items"]
    assert (await unpaid.run_unpaid_path(repo=repo, caller=ADVISOR))["items"] == []


async def test_a_run_of_the_unpaid_path_sees_only_its_own_tenants_notices(
    store: SqliteStore,
) -> None:
    repo = BillingRepository(store)
    due = today() - timedelta(days=30)
    await service.issue_premium_notice(
        repo=repo,
        caller=ADVISOR,
        client_id="c1",
        contract_id="k1",
        period_start=due.isoformat(),
        period_end=due.isoformat(),
        due_date=due.isoformat(),
        currency="EUR",
        net_premium="10.00",
    )
    other = Caller("agency-b", "bob", "advisor")
    assert (await unpaid.run_unpaid_path(repo=repo, caller=other))["items"] == []
    assert len((await unpaid.run_unpaid_path(repo=repo, caller=ADVISOR))["items"]) == 1
