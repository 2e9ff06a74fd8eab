"""Complaints and their ACPR 2022-R-01 clock, in process on a real SQLite store: the deadlines
counted in jours ouvrables across Sundays and French public holidays, the overdue flags at
their boundaries, the status path, the open-complaints counter, the manager's listing across
clients, the roles, tenant isolation and the events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from client360.contracts.v1 import contracts_pb2
from runtime.contracts import decode_payload, payload_types
from runtime.errors import InvalidInput, NotFound, PermissionDenied
from runtime.store.sqlite import SqliteStore
from services.contracts import claims, client_file, complaints, service
from services.contracts.complaint_clock import (
    acknowledgement_due,
    add_working_days,
    answer_due,
    clock,
    is_working_day,
)
from services.contracts.complaints import ComplaintFilter
from services.contracts.models import COLLECTIONS, COMPLAINTS, ComplaintInput
from services.contracts.repository import ContractsRepository
from services.contracts.service import PageAsk
from tests.contracts.fixtures import (
    ADVISOR,
    MANAGER,
    OTHER_ADVISOR,
    PARTNER,
    TECHNICIAN,
    TENANT,
    claim_input,
    contract_input,
    day,
    outbox,
    today,
)

PAYLOADS = payload_types(
    contracts_pb2.ComplaintReceived,
    contracts_pb2.ComplaintAcknowledged,
    contracts_pb2.ComplaintAnswered,
    contracts_pb2.ComplaintClosed,
)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "contracts.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> ContractsRepository:
    return ContractsRepository(store)


def complaint_input(client_id: str = "client-1", **fields: Any) -> ComplaintInput:
    data: ComplaintInput = {
        "client_id": client_id,
        "received_on": day(-2),
        "sent_on": "",
        "channel": "email",
        "subject": "Remboursement trop lent",
        "description": "Le sinistre déclaré en mars n'est toujours pas réglé.",
        "contract_id": "",
        "claim_id": "",
    }
    data.update(fields)  # type: ignore[typeddict-item]
    return data


def _clock(received: date, on: date, **steps: str) -> Any:
    return clock(
        received_on=received.isoformat(),
        sent_on=steps.get("sent_on", ""),
        acknowledged_on=steps.get("acknowledged_on", ""),
        answered_on=steps.get("answered_on", ""),
        closed_on=steps.get("closed_on", ""),
        today=on,
    )


# The clock, as the rule counts it


def test_a_complaint_received_fri_18_dec_2026_is_to_acknowledge_by_thu_31_dec_2026() -> None:
    # Sundays 20 and 27 December and Christmas Day are not jours ouvrables; Saturdays are.
    received = date(2026, 12, 18)
    assert not is_working_day(date(2026, 12, 20))
    assert not is_working_day(date(2026, 12, 25))
    assert is_working_day(date(2026, 12, 19))
    assert acknowledgement_due(received) == date(2026, 12, 31)
    assert answer_due(received) == date(2027, 2, 18)


def test_may_holidays_push_the_acknowledgement_by_one_working_day_each() -> None:
    # 1 May, 8 May (Fridays) and Ascension (Thursday 14 May 2026) are skipped.
    assert acknowledgement_due(date(2026, 4, 30)) == date(2026, 5, 15)
    assert add_working_days(date(2026, 4, 30), 1) == date(2026, 5, 2)


def test_an_alsace_moselle_agency_also_skips_26_december_and_good_friday() -> None:
    # 26 December (a Saturday in 2026) and 1 January are skipped: due Saturday 2 January.
    assert acknowledgement_due(date(2026, 12, 18), "6AE") == date(2027, 1, 2)
    assert acknowledgement_due(date(2026, 12, 18), "57") == date(2027, 1, 2)
    assert is_working_day(date(2026, 4, 3))
    assert not is_working_day(date(2026, 4, 3), "57")


def test_two_months_end_on_the_last_day_of_a_shorter_month() -> None:
    assert answer_due(date(2026, 12, 31)) == date(2027, 2, 28)


def test_the_clock_counts_from_the_earliest_known_date() -> None:
    late_letter = clock(
        received_on="2026-12-21",
        sent_on="2026-12-18",
        acknowledged_on="",
        answered_on="",
        closed_on="",
        today=date(2026, 12, 21),
    )
    assert late_letter.counted_from == date(2026, 12, 18)
    assert late_letter.acknowledgement_due == date(2026, 12, 31)


@pytest.mark.parametrize(
    ("on", "overdue"),
    [(date(2026, 12, 30), False), (date(2026, 12, 31), False), (date(2027, 1, 1), True)],
)
def test_the_acknowledgement_is_overdue_the_day_after_its_due_day(on: date, overdue: bool) -> None:
    found = _clock(date(2026, 12, 18), on)
    assert found.acknowledgement_overdue is overdue
    assert found.overdue is overdue
    assert not found.answer_overdue


@pytest.mark.parametrize(
    ("on", "overdue"),
    [(date(2027, 2, 17), False), (date(2027, 2, 18), False), (date(2027, 2, 19), True)],
)
def test_the_answer_is_overdue_the_day_after_two_months(on: date, overdue: bool) -> None:
    found = _clock(date(2026, 12, 18), on, acknowledged_on="2026-12-21")
    assert not found.acknowledgement_overdue
    assert found.answer_overdue is overdue
    assert found.days_to_answer_due == (date(2027, 2, 18) - on).days


def test_an_answer_stands_for_the_acknowledgement_and_stops_the_clock() -> None:
    answered = _clock(date(2026, 12, 18), date(2027, 6, 1), answered_on="2026-12-22")
    assert not answered.overdue
    closed = _clock(date(2026, 12, 18), date(2027, 6, 1), closed_on="2026-12-22")
    assert not closed.overdue


# Recording and moving complaints


async def test_a_complaint_is_recorded_received_numbered_and_counted_on_the_file(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    first = await complaints.record_complaint(repo=repo, caller=ADVISOR, data=complaint_input())
    second = await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input(received_on="")
    )
    assert (first["reference"], second["reference"]) == ("RC000001", "RC000002")
    assert first["status"] == "received"
    assert second["received_on"] == today().isoformat()
    file = await client_file.client_file(
        repo=repo, caller=ADVISOR, client_ids=["client-1", "client-2"], with_complaints=True
    )
    mine, other = file.parts["client-1"], file.parts["client-2"]
    assert mine.open_complaints == 2
    assert other.open_complaints == 0
    assert mine.complaints is not None
    assert [v.complaint["id"] for v in mine.complaints.rows] == [second["id"], first["id"]]
    view = mine.complaints.rows[1]
    assert view.clock.acknowledgement_due == acknowledgement_due(date.fromisoformat(day(-2)))


async def test_bad_complaints_are_refused_whole_naming_every_field(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    data = complaint_input(
        client_id=" ",
        received_on=day(1),
        sent_on="18/12/2026",
        channel="",
        subject="",
        description="x" * 4001,
    )
    with pytest.raises(InvalidInput) as refused:
        await complaints.record_complaint(repo=repo, caller=ADVISOR, data=data)
    assert sorted((v.field, v.rule) for v in refused.value.violations) == sorted(
        [
            ("clientId", "required"),
            ("receivedOn", "must not be in the future"),
            ("sentOn", "not a date in the form YYYY-MM-DD"),
            ("channel", "required"),
            ("subject", "required"),
            ("description", "at most 4000 characters"),
        ]
    )
    with pytest.raises(InvalidInput) as refused:
        await complaints.record_complaint(
            repo=repo,
            caller=ADVISOR,
            data=complaint_input(sent_on=day(-1), received_on=day(-2), contract_id="nope"),
        )
    assert sorted((v.field, v.rule) for v in refused.value.violations) == [
        ("sentOn", "must not be after receivedOn")
    ]
    with pytest.raises(InvalidInput) as refused:
        await complaints.record_complaint(
            repo=repo, caller=ADVISOR, data=complaint_input(contract_id="nope", claim_id="nada")
        )
    assert sorted((v.field, v.rule) for v in refused.value.violations) == [
        ("claimId", "no such claim"),
        ("contractId", "no such contract"),
    ]
    assert await store.count(COMPLAINTS, TENANT) == 0
    assert await outbox(store) == []


async def test_a_complaint_about_a_claim_is_on_its_contract_and_seen_by_its_partner(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    contract = await service.create_contract(repo=repo, caller=ADVISOR, data=contract_input())
    other = await service.create_contract(
        repo=repo, caller=ADVISOR, data=contract_input(partner_ids=[])
    )
    claim = await claims.declare_claim(repo=repo, caller=ADVISOR, data=claim_input(contract["id"]))
    about_claim = await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input(claim_id=claim["id"])
    )
    assert about_claim["contract_id"] == contract["id"]
    with pytest.raises(InvalidInput) as refused:
        await complaints.record_complaint(
            repo=repo,
            caller=ADVISOR,
            data=complaint_input(claim_id=claim["id"], contract_id=other["id"]),
        )
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("claimId", "not a claim on contractId")
    ]
    await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input(contract_id=other["id"])
    )
    await complaints.record_complaint(repo=repo, caller=ADVISOR, data=complaint_input())
    # The partner sees the complaint about its contract only, and counts only that one.
    file = await client_file.client_file(
        repo=repo, caller=PARTNER, client_ids=["client-1"], with_complaints=True
    )
    part = file.parts["client-1"]
    assert part.complaints is not None
    assert [v.complaint["id"] for v in part.complaints.rows] == [about_claim["id"]]
    assert part.open_complaints == 1
    view, _ = await complaints.get_complaint(
        repo=repo, caller=PARTNER, complaint_id=about_claim["id"]
    )
    assert view.complaint["claim_id"] == claim["id"]


async def test_the_status_path_and_the_open_complaints_counter(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    made = await complaints.record_complaint(repo=repo, caller=ADVISOR, data=complaint_input())

    async def open_count() -> int:
        file = await client_file.client_file(repo=repo, caller=ADVISOR, client_ids=["client-1"])
        return file.parts["client-1"].open_complaints

    with pytest.raises(InvalidInput) as refused:
        await complaints.acknowledge_complaint(
            repo=repo, caller=ADVISOR, complaint_id=made["id"], version=1, on=day(-3)
        )
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("acknowledgedOn", f"must not be before receivedOn, {day(-2)}")
    ]
    acked = await complaints.acknowledge_complaint(
        repo=repo, caller=ADVISOR, complaint_id=made["id"], version=1
    )
    assert (acked["status"], acked["acknowledged_on"]) == ("acknowledged", today().isoformat())
    with pytest.raises(InvalidInput) as refused:
        await complaints.answer_complaint(
            repo=repo,
            caller=ADVISOR,
            complaint_id=made["id"],
            version=2,
            outcome="upheld",
            on=day(-1),
        )
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("answeredOn", f"must not be before acknowledgedOn, {day(0)}")
    ]
    assert await open_count() == 1
    with pytest.raises(InvalidInput) as refused:
        await complaints.answer_complaint(
            repo=repo, caller=ADVISOR, complaint_id=made["id"], version=2, outcome="rejected"
        )
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("mediator", "required when the outcome is REJECTED")
    ]
    answered = await complaints.answer_complaint(
        repo=repo,
        caller=ADVISOR,
        complaint_id=made["id"],
        version=2,
        outcome="rejected",
        mediator="La Médiation de l'Assurance",
        summary="Le contrat exclut ce dommage.",
    )
    assert (answered["status"], answered["mediator"]) == (
        "answered",
        "La Médiation de l'Assurance",
    )
    assert await open_count() == 0
    with pytest.raises(InvalidInput) as refused:
        await complaints.acknowledge_complaint(
            repo=repo, caller=ADVISOR, complaint_id=made["id"], version=3
        )
    assert [(v.field, v.rule) for v in refused.value.violations] == [
        ("id", "a ANSWERED complaint moves to CLOSED, not ACKNOWLEDGED")
    ]
    closed = await complaints.close_complaint(
        repo=repo, caller=ADVISOR, complaint_id=made["id"], version=3
    )
    assert closed["status"] == "closed"
    # Withdrawn: closed unanswered leaves the count too.
    withdrawn = await complaints.record_complaint(repo=repo, caller=ADVISOR, data=complaint_input())
    assert await open_count() == 1
    await complaints.close_complaint(
        repo=repo, caller=ADVISOR, complaint_id=withdrawn["id"], version=1
    )
    assert await open_count() == 0
    found = [
        (type(p).__name__, e.key)
        for e in await outbox(store)
        if isinstance(p := decode_payload(e, PAYLOADS), tuple(PAYLOADS.values()))
    ]
    assert found == [
        ("ComplaintReceived", "client-1"),
        ("ComplaintAcknowledged", "client-1"),
        ("ComplaintAnswered", "client-1"),
        ("ComplaintClosed", "client-1"),
        ("ComplaintReceived", "client-1"),
        ("ComplaintClosed", "client-1"),
    ]


async def test_overdue_complaints_are_flagged_on_the_file_and_counted(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    # 30 days back: more than 10 jours ouvrables whatever the holidays.
    late = await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input(received_on=day(-30))
    )
    fresh = await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input(received_on=day(0))
    )
    acked_late = await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input(received_on=day(-30))
    )
    await complaints.acknowledge_complaint(
        repo=repo, caller=ADVISOR, complaint_id=acked_late["id"], version=1
    )
    file = await client_file.client_file(
        repo=repo,
        caller=ADVISOR,
        client_ids=["client-1"],
        with_complaints=True,
        complaint_filter=ComplaintFilter(overdue_only=True),
    )
    part = file.parts["client-1"]
    assert part.overdue_complaints == 1
    assert part.complaints is not None
    assert [(v.complaint["id"], v.clock.acknowledgement_overdue) for v in part.complaints.rows] == [
        (late["id"], True)
    ]
    assert fresh["id"] not in {v.complaint["id"] for v in part.complaints.rows}


async def test_a_manager_lists_the_overdue_complaints_across_clients_page_by_page(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    made = []
    for n in range(5):
        made.append(
            await complaints.record_complaint(
                repo=repo,
                caller=ADVISOR,
                data=complaint_input(f"client-{n}", received_on=day(-40 + n)),
            )
        )
    await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input("client-9", received_on=day(0))
    )
    await complaints.answer_complaint(
        repo=repo, caller=ADVISOR, complaint_id=made[2]["id"], version=1, outcome="upheld"
    )
    await complaints.record_complaint(
        repo=repo, caller=OTHER_ADVISOR, data=complaint_input("client-0", received_on=day(-40))
    )
    overdue = ComplaintFilter(overdue_only=True)
    page, _ = await complaints.list_complaints(
        repo=repo, caller=MANAGER, wanted=overdue, page=PageAsk(first=2)
    )
    assert [v.complaint["id"] for v in page.rows] == [made[0]["id"], made[1]["id"]]
    assert (page.total_count, page.has_next_page) == (4, True)
    rest, _ = await complaints.list_complaints(
        repo=repo, caller=MANAGER, wanted=overdue, page=PageAsk(first=2, after=page.end_cursor)
    )
    assert [v.complaint["id"] for v in rest.rows] == [made[3]["id"], made[4]["id"]]
    assert not rest.has_next_page
    everything, _ = await complaints.list_complaints(
        repo=repo, caller=MANAGER, wanted=ComplaintFilter(), page=PageAsk()
    )
    assert everything.total_count == 6
    for role in (ADVISOR, PARTNER, TECHNICIAN):
        with pytest.raises(PermissionDenied):
            await complaints.list_complaints(repo=repo, caller=role, wanted=overdue, page=PageAsk())
    with pytest.raises(InvalidInput):
        await complaints.list_complaints(
            repo=repo, caller=MANAGER, wanted=overdue, page=PageAsk(after="not-a-cursor")
        )


async def test_the_agencys_holiday_subdivision_moves_its_complaints_deadlines(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    # Received the day before Good Friday, a holiday in Moselle only.
    made = await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input(received_on="2026-04-02")
    )
    start = date(2026, 4, 2)
    assert acknowledgement_due(start, "57") == acknowledgement_due(start) + timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        await service.update_settings(
            repo=repo,
            caller=MANAGER,
            version=0,
            changes={"holiday_subdivision": "67"},
            paths=["holiday_subdivision"],
        )
    assert [v.field for v in refused.value.violations] == ["holidaySubdivision"]
    await service.update_settings(
        repo=repo,
        caller=MANAGER,
        version=0,
        changes={"holiday_subdivision": "57"},
        paths=["holiday_subdivision"],
    )
    view, _ = await complaints.get_complaint(repo=repo, caller=ADVISOR, complaint_id=made["id"])
    assert view.clock.acknowledgement_due == acknowledgement_due(start, "57")
    file = await client_file.client_file(
        repo=repo, caller=ADVISOR, client_ids=["client-1"], with_complaints=True
    )
    part = file.parts["client-1"]
    assert part.complaints is not None
    assert part.complaints.rows[0].clock.acknowledgement_due == acknowledgement_due(start, "57")


async def test_another_agencys_complaint_answers_like_a_missing_one(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    made = await complaints.record_complaint(repo=repo, caller=ADVISOR, data=complaint_input())
    with pytest.raises(NotFound):
        await complaints.get_complaint(repo=repo, caller=OTHER_ADVISOR, complaint_id=made["id"])
    for move in (complaints.acknowledge_complaint, complaints.close_complaint):
        with pytest.raises(NotFound):
            await move(repo=repo, caller=OTHER_ADVISOR, complaint_id=made["id"], version=1)
    file = await client_file.client_file(
        repo=repo, caller=OTHER_ADVISOR, client_ids=["client-1"], with_complaints=True
    )
    assert file.parts["client-1"].complaints is not None
    assert file.parts["client-1"].complaints.rows == []
    assert file.parts["client-1"].open_complaints == 0
    with pytest.raises(PermissionDenied):
        await complaints.record_complaint(repo=repo, caller=PARTNER, data=complaint_input())
    with pytest.raises(PermissionDenied):
        await complaints.get_complaint(repo=repo, caller=TECHNICIAN, complaint_id=made["id"])


async def test_a_complaint_follows_its_contracts_partners(
    store: SqliteStore, repo: ContractsRepository
) -> None:
    contract = await service.create_contract(
        repo=repo, caller=ADVISOR, data=contract_input(partner_ids=[])
    )
    made = await complaints.record_complaint(
        repo=repo, caller=ADVISOR, data=complaint_input(contract_id=contract["id"])
    )
    with pytest.raises(NotFound):
        await complaints.get_complaint(repo=repo, caller=PARTNER, complaint_id=made["id"])
    await service.update_contract(
        repo=repo,
        caller=ADVISOR,
        contract_id=contract["id"],
        version=1,
        changes={"partner_ids": ["insurer-axa"]},
        paths=["partner_ids"],
    )
    view, _ = await complaints.get_complaint(repo=repo, caller=PARTNER, complaint_id=made["id"])
    assert view.complaint["id"] == made["id"]
