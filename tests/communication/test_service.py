"""The communication domain in process, on a real SQLite store: the activity log, the memo and
its history, tasks and their colours, actions and their counter, tickets, the events each
change commits, the roles, every validation rule and tenant isolation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from client360.communication.v1 import communication_pb2 as pb
from client360.events.v1 import events_pb2
from runtime.caller import Caller
from runtime.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from runtime.ids import new_id
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.models import (
    ACTIONS,
    ACTIVITIES,
    COLLECTIONS,
    MEMO_NOTES,
    TASKS,
    TICKETS,
    ClientCommunication,
)
from services.communication.repository import CommunicationRepository

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
TECHNICIAN = Caller(TENANT, "tom", "technician")
PARTNER = Caller(TENANT, "pat", "partner")
OTHER_ADVISOR = Caller("agency-b", "bob", "advisor")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "communication.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> CommunicationRepository:
    return CommunicationRepository(store)


async def events_of(store: SqliteStore) -> list[events_pb2.Event]:
    return [events_pb2.Event.FromString(e.payload) for e in await store.pending_events(10_000)]


async def file_of(
    repo: CommunicationRepository,
    client_id: str,
    *,
    caller: Caller = ADVISOR,
    activities: int = 10,
    now: datetime | None = None,
) -> ClientCommunication:
    [found] = await service.get_communication(
        repo=repo, caller=caller, client_ids=[client_id], activity_limit=activities, now=now
    )
    return found


def violations(error: pytest.ExceptionInfo[InvalidInput]) -> set[tuple[str, str]]:
    return {(v.field, v.rule) for v in error.value.violations}


# The activity log


async def log_call(
    repo: CommunicationRepository, client_id: str, at: datetime, summary: str = "Called"
) -> str:
    activity = await service.log_activity(
        repo=repo,
        caller=ADVISOR,
        data={
            "client_id": client_id,
            "kind": "call",
            "direction": "outbound",
            "occurred_at": at.isoformat(timespec="microseconds"),
            "summary": summary,
        },
    )
    return activity["id"]


async def test_activities_logged_by_hand_show_newest_first_up_to_the_limit(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = new_id()
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    for day in (2, 0, 1):
        await log_call(repo, client, start + timedelta(days=day), f"day {day}")
    shown = await file_of(repo, client, activities=2)
    assert [a["summary"] for a in shown.activities] == ["day 2", "day 1"]
    logged = [e for e in await events_of(store) if e.type == "c360.communication.activity.logged"]
    assert len(logged) == 3
    assert all(e.key == client for e in logged)


async def test_an_activity_without_kind_direction_or_summary_is_refused_whole(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput) as refused:
        await service.log_activity(
            repo=repo,
            caller=ADVISOR,
            data={"client_id": "", "kind": "", "direction": "7", "occurred_at": future},
        )
    assert violations(refused) == {
        ("clientId", "required"),
        ("kind", "required"),
        ("direction", "must be one of INBOUND, OUTBOUND"),
        ("summary", "required"),
        ("occurredAt", "must not be in the future"),
    }
    assert await store.count(ACTIVITIES, TENANT) == 0
    assert await events_of(store) == []


# The memo


async def test_editing_a_memo_note_keeps_its_earlier_text_in_its_history(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = new_id()
    note = await service.add_memo_note(
        repo=repo, caller=ADVISOR, client_id=client, note_date="2026-03-02", text="Gate code 1234"
    )
    edited = await service.edit_memo_note(
        repo=repo, caller=ADVISOR, note_id=note["id"], version=note["version"], text="Code 4321"
    )
    assert edited["text"] == "Code 4321"
    assert [r["text"] for r in edited["history"]] == ["Gate code 1234"]
    assert edited["history"][0]["by"] == "alice"
    with pytest.raises(Conflict):
        await service.edit_memo_note(
            repo=repo, caller=ADVISOR, note_id=note["id"], version=note["version"], text="Stale"
        )
    saved = [e for e in await events_of(store) if e.type == "c360.communication.memo.saved"]
    assert len(saved) == 2


async def test_memo_notes_are_listed_newest_date_first_and_dated_today_by_default(
    repo: CommunicationRepository,
) -> None:
    client = new_id()
    for day in ("2026-01-10", "2026-02-01"):
        await service.add_memo_note(
            repo=repo, caller=ADVISOR, client_id=client, note_date=day, text=day
        )
    undated = await service.add_memo_note(
        repo=repo, caller=ADVISOR, client_id=client, note_date="", text="today"
    )
    assert undated["note_date"] >= "2026-02-01"
    shown = await file_of(repo, client)
    assert [n["text"] for n in shown.memo] == ["today", "2026-02-01", "2026-01-10"]


async def test_a_memo_note_needs_a_text_and_a_real_date(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.add_memo_note(
            repo=repo, caller=ADVISOR, client_id=new_id(), note_date="2026-02-30", text=" "
        )
    assert violations(refused) == {
        ("noteDate", "not a date in the form YYYY-MM-DD"),
        ("text", "required"),
    }
    assert await store.count(MEMO_NOTES, TENANT) == 0


# Tasks and their colours


async def make_task(
    repo: CommunicationRepository, client: str, deadline: str, timezone: str
) -> str:
    task = await service.create_task(
        repo=repo,
        caller=ADVISOR,
        data={
            "client_id": client,
            "title": "Call back",
            "assignee_id": "alice",
            "assignee_timezone": timezone,
            "deadline": deadline,
        },
    )
    return task["id"]


async def test_task_colours_follow_the_assignee_s_midnight_not_the_server_s(
    repo: CommunicationRepository,
) -> None:
    client = new_id()
    paris = await make_task(repo, client, "2026-03-10", "Europe/Paris")
    reunion = await make_task(repo, client, "2026-03-10", "Indian/Reunion")  # UTC+4
    montreal = await make_task(repo, client, "2026-03-10", "America/Montreal")  # UTC-4 in March

    def colours(by_id: dict[str, str]) -> dict[str, str]:
        return {"paris": by_id[paris], "reunion": by_id[reunion], "montreal": by_id[montreal]}

    # 22:30 UTC on the deadline: 23:30 in Paris (still the day), 02:30 next day in Réunion,
    # 18:30 in Montréal.
    before = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)
    by_id = (await file_of(repo, client, now=before)).task_colours
    assert colours(by_id) == {"paris": "near", "reunion": "overdue", "montreal": "near"}
    # 23:30 UTC: Paris has passed midnight too; Montréal is still on the deadline.
    after = datetime(2026, 3, 10, 23, 30, tzinfo=UTC)
    by_id = (await file_of(repo, client, now=after)).task_colours
    assert colours(by_id) == {"paris": "overdue", "reunion": "overdue", "montreal": "near"}
    # 03:59 UTC the next day is 23:59 in Montréal; 04:00 UTC is its midnight.
    by_id = (await file_of(repo, client, now=datetime(2026, 3, 11, 3, 59, tzinfo=UTC))).task_colours
    assert by_id[montreal] == "near"
    by_id = (await file_of(repo, client, now=datetime(2026, 3, 11, 4, 0, tzinfo=UTC))).task_colours
    assert by_id[montreal] == "overdue"


async def test_a_task_is_on_time_until_two_days_before_its_deadline_and_done_has_no_colour(
    repo: CommunicationRepository,
) -> None:
    client = new_id()
    task_id = await make_task(repo, client, "2026-03-10", "Europe/Paris")
    # 7 March, 23:59 in Paris (22:59 UTC): three days away.
    three_days = datetime(2026, 3, 7, 22, 59, tzinfo=UTC)
    assert (await file_of(repo, client, now=three_days)).task_colours[task_id] == "on_time"
    # 8 March, 00:00 in Paris: two days away.
    two_days = datetime(2026, 3, 7, 23, 0, tzinfo=UTC)
    assert (await file_of(repo, client, now=two_days)).task_colours[task_id] == "near"
    [task] = (await file_of(repo, client)).tasks
    await service.set_task_status(
        repo=repo, caller=ADVISOR, task_id=task_id, version=task["version"], status="done"
    )
    shown = await file_of(repo, client, now=datetime(2026, 4, 1, tzinfo=UTC))
    assert shown.task_colours[task_id] == ""


async def test_a_task_needs_a_title_an_assignee_a_real_timezone_and_a_deadline(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create_task(
            repo=repo,
            caller=ADVISOR,
            data={"client_id": new_id(), "assignee_timezone": "Europe/Atlantis"},
        )
    assert violations(refused) == {
        ("title", "required"),
        ("assigneeId", "required"),
        ("assigneeTimezone", "not an IANA timezone (Europe/Paris...)"),
        ("deadline", "required"),
    }
    assert await store.count(TASKS, TENANT) == 0


# Actions and the counter of those left


async def test_the_actions_left_counter_follows_every_status_change(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = new_id()
    first, left = await service.create_action(
        repo=repo, caller=ADVISOR, data={"client_id": client, "name": "Send the renewal notice"}
    )
    assert (first["status"], left) == ("to_do", 1)
    second, left = await service.create_action(
        repo=repo,
        caller=ADVISOR,
        data={"client_id": client, "name": "Collect the RIB", "status": "in_progress"},
    )
    assert left == 2
    first, left = await service.set_action_status(
        repo=repo, caller=ADVISOR, action_id=first["id"], version=first["version"], status="done"
    )
    assert left == 1
    second, left = await service.set_action_status(
        repo=repo,
        caller=ADVISOR,
        action_id=second["id"],
        version=second["version"],
        status="cancelled",
    )
    assert left == 0
    first, left = await service.set_action_status(
        repo=repo, caller=ADVISOR, action_id=first["id"], version=first["version"], status="to_do"
    )
    assert left == 1
    assert (await file_of(repo, client)).actions_left == 1
    saved = [
        pb.ActionSaved.FromString(e.payload.value)
        for e in await events_of(store)
        if e.type == "c360.communication.action.saved"
    ]
    assert [s.actions_left for s in saved] == [1, 2, 1, 0, 1]
    assert saved[2].previous == pb.ACTION_STATUS_TO_DO


async def test_the_counter_is_read_not_summed_on_each_read(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    """The file shows the maintained counter: an action written behind the service's back
    (no counter move) does not change it."""
    client = new_id()
    await service.create_action(repo=repo, caller=ADVISOR, data={"client_id": client, "name": "A"})
    async with store.transaction() as txn:
        await txn.insert(
            ACTIONS,
            TENANT,
            {"id": new_id(), "client_id": client, "name": "B", "status": "to_do", "due_date": ""},
        )
    assert (await file_of(repo, client)).actions_left == 1


async def test_the_dashboard_sums_actions_across_clients_with_overdue_ones_at_read_time(
    repo: CommunicationRepository,
) -> None:
    caller = Caller(new_id(), "alice", "advisor")
    for client, due, status in (
        ("c1", "2026-03-01", "to_do"),
        ("c1", "2026-03-10", "in_progress"),
        ("c2", "2026-03-10", "to_do"),
        ("c2", "", "to_do"),
        ("c3", "2026-02-01", "done"),
    ):
        await service.create_action(
            repo=repo,
            caller=caller,
            data={"client_id": client, "name": "x", "due_date": due, "status": status},
        )
    board = await service.actions_dashboard(repo=repo, caller=caller, on="2026-03-10")
    assert board.by_status == {"to_do": 3, "in_progress": 1, "done": 1}
    assert (board.left, board.overdue, board.due_today) == (4, 1, 2)
    assert board.clients_with_actions_left == 2
    later = await service.actions_dashboard(repo=repo, caller=caller, on="2026-03-11")
    assert (later.overdue, later.due_today) == (3, 0)


async def test_an_action_needs_a_name_a_known_status_and_a_real_due_date(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create_action(
            repo=repo,
            caller=ADVISOR,
            data={"client_id": new_id(), "name": "", "status": "9", "due_date": "tomorrow"},
        )
    assert violations(refused) == {
        ("name", "required"),
        ("status", "must be one of TO_DO, IN_PROGRESS, DONE, CANCELLED"),
        ("dueDate", "not a date in the form YYYY-MM-DD"),
    }
    assert await store.count(ACTIONS, TENANT) == 0


# Tickets


async def test_a_ticket_goes_open_pending_closed_and_says_so_with_its_contract(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    client = new_id()
    ticket = await service.open_ticket(
        repo=repo,
        caller=ADVISOR,
        data={"client_id": client, "contract_id": "ct-1", "subject": "Wrong address on notice"},
    )
    assert ticket["status"] == "open"
    ticket = await service.set_ticket_status(
        repo=repo,
        caller=ADVISOR,
        ticket_id=ticket["id"],
        version=ticket["version"],
        status="pending",
    )
    ticket = await service.set_ticket_status(
        repo=repo,
        caller=ADVISOR,
        ticket_id=ticket["id"],
        version=ticket["version"],
        status="closed",
    )
    assert ticket["closed_at"]
    other = await service.open_ticket(
        repo=repo, caller=ADVISOR, data={"client_id": client, "subject": "Question"}
    )
    shown = await file_of(repo, client)
    assert [t["id"] for t in shown.tickets] == [other["id"], ticket["id"]]
    saved = [
        pb.TicketSaved.FromString(e.payload.value)
        for e in await events_of(store)
        if e.type == "c360.communication.ticket.saved"
    ]
    assert [(s.ticket.status, s.previous, s.created) for s in saved[:3]] == [
        (pb.TICKET_STATUS_OPEN, pb.TICKET_STATUS_UNSPECIFIED, True),
        (pb.TICKET_STATUS_PENDING, pb.TICKET_STATUS_OPEN, False),
        (pb.TICKET_STATUS_CLOSED, pb.TICKET_STATUS_PENDING, False),
    ]
    assert all(s.ticket.contract_id == "ct-1" for s in saved[:3])


async def test_a_ticket_needs_a_subject_and_a_status_change_a_known_status(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.open_ticket(repo=repo, caller=ADVISOR, data={"client_id": new_id()})
    assert violations(refused) == {("subject", "required")}
    with pytest.raises(InvalidInput) as refused:
        await service.set_ticket_status(
            repo=repo, caller=ADVISOR, ticket_id=new_id(), version=1, status=""
        )
    assert violations(refused) == {("status", "required")}
    assert await store.count(TICKETS, TENANT) == 0


# Roles


async def test_a_technician_sees_the_memo_and_nothing_else(repo: CommunicationRepository) -> None:
    client = new_id()
    await service.add_memo_note(
        repo=repo, caller=ADVISOR, client_id=client, note_date="2026-01-01", text="Dog in garden"
    )
    await log_call(repo, client, datetime(2026, 1, 1, tzinfo=UTC))
    await service.create_action(repo=repo, caller=ADVISOR, data={"client_id": client, "name": "A"})
    seen = await file_of(repo, client, caller=TECHNICIAN)
    assert seen.view == "memo_only"
    assert [n["text"] for n in seen.memo] == ["Dog in garden"]
    assert (seen.activities, seen.actions, seen.actions_left, seen.tasks, seen.tickets) == (
        [],
        [],
        0,
        [],
        [],
    )
    partner = await file_of(repo, client, caller=PARTNER)
    assert (partner.view, partner.memo, partner.activities) == ("shared_documents", [], [])
    with pytest.raises(PermissionDenied):
        await service.add_memo_note(
            repo=repo, caller=TECHNICIAN, client_id=client, note_date="", text="x"
        )
    with pytest.raises(PermissionDenied):
        await service.actions_dashboard(repo=repo, caller=TECHNICIAN)


# Tenant isolation


async def test_another_tenant_s_records_answer_like_missing_ones(
    repo: CommunicationRepository,
) -> None:
    client = new_id()
    note = await service.add_memo_note(
        repo=repo, caller=ADVISOR, client_id=client, note_date="2026-01-01", text="Private"
    )
    task = await service.create_task(
        repo=repo,
        caller=ADVISOR,
        data={"client_id": client, "title": "t", "assignee_id": "a", "deadline": "2026-01-02"},
    )
    action, _ = await service.create_action(
        repo=repo, caller=ADVISOR, data={"client_id": client, "name": "A"}
    )
    ticket = await service.open_ticket(
        repo=repo, caller=ADVISOR, data={"client_id": client, "subject": "s"}
    )
    await log_call(repo, client, datetime(2026, 1, 1, tzinfo=UTC))

    theirs = await file_of(repo, client, caller=OTHER_ADVISOR)
    assert theirs == ClientCommunication(client, "full")
    missing = new_id()
    for attempt in (
        service.edit_memo_note(
            repo=repo, caller=OTHER_ADVISOR, note_id=note["id"], version=1, text="x"
        ),
        service.set_task_status(
            repo=repo, caller=OTHER_ADVISOR, task_id=task["id"], version=1, status="done"
        ),
        service.set_action_status(
            repo=repo, caller=OTHER_ADVISOR, action_id=action["id"], version=1, status="done"
        ),
        service.set_ticket_status(
            repo=repo, caller=OTHER_ADVISOR, ticket_id=ticket["id"], version=1, status="closed"
        ),
    ):
        with pytest.raises(NotFound) as theirs_error:
            await attempt
        assert "not found" in theirs_error.value.message
    with pytest.raises(NotFound) as missing_error:
        await service.edit_memo_note(
            repo=repo, caller=OTHER_ADVISOR, note_id=missing, version=1, text="x"
        )
    assert missing_error.value.message == f"memo note {missing} not found"
    board = await service.actions_dashboard(repo=repo, caller=OTHER_ADVISOR)
    assert board.left == 0
    # Our own records are untouched.
    mine = await file_of(repo, client)
    assert mine.actions_left == 1
    assert mine.memo[0]["text"] == "Private"


async def test_a_batch_read_is_limited_and_gives_each_client_once_in_the_order_asked(
    repo: CommunicationRepository,
) -> None:
    a, b = new_id(), new_id()
    found = await service.get_communication(
        repo=repo, caller=ADVISOR, client_ids=[b, a, b], activity_limit=0
    )
    assert [f.client_id for f in found] == [b, a]
    with pytest.raises(InvalidInput) as refused:
        await service.get_communication(
            repo=repo,
            caller=ADVISOR,
            client_ids=[new_id() for _ in range(service.MAX_CLIENTS + 1)],
            activity_limit=101,
        )
    assert violations(refused) == {
        ("clientIds", f"at most {service.MAX_CLIENTS} clients"),
        ("activityLimit", "must be 0 to 100"),
    }


async def test_what_another_tenant_writes_under_our_client_s_id_stays_in_its_tenant(
    repo: CommunicationRepository,
) -> None:
    client = new_id()
    await service.log_activity(
        repo=repo,
        caller=OTHER_ADVISOR,
        data={"client_id": client, "kind": "call", "direction": "inbound", "summary": "x"},
    )
    await service.add_memo_note(
        repo=repo, caller=OTHER_ADVISOR, client_id=client, note_date="", text="x"
    )
    await service.create_task(
        repo=repo,
        caller=OTHER_ADVISOR,
        data={"client_id": client, "title": "t", "assignee_id": "b", "deadline": "2026-01-02"},
    )
    await service.create_action(
        repo=repo, caller=OTHER_ADVISOR, data={"client_id": client, "name": "x"}
    )
    await service.open_ticket(
        repo=repo, caller=OTHER_ADVISOR, data={"client_id": client, "subject": "x"}
    )
    assert await file_of(repo, client) == ClientCommunication(client, "full")
    theirs = await file_of(repo, client, caller=OTHER_ADVISOR)
    assert (len(theirs.activities), len(theirs.memo), len(theirs.tasks)) == (1, 1, 1)
    assert (theirs.actions_left, len(theirs.tickets)) == (1, 1)
    assert (await service.actions_dashboard(repo=repo, caller=ADVISOR)).left == 0
