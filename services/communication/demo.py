"""Demo data for `make run`: each demo client that identity announces gets a coherent share of
follow-up (calls and emails logged, memo notes with their history, tasks, actions and
tickets), with dates spread around today so that every task colour and every action state
shows. Drawn from a random generator seeded by the client's id: the same client always gets
the same share, and a redelivered event writes nothing twice (the consumer records it)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any, cast

from runtime.caller import Caller
from runtime.clock import AGENCY_TIMEZONE, today
from runtime.ids import new_id
from runtime.kit.updates import created_stamps
from runtime.store import Transaction
from services.communication import events
from services.communication.models import (
    ACTIONS,
    ACTIVITIES,
    MEMO_NOTES,
    TASKS,
    TICKETS,
    Action,
    Activity,
    MemoNote,
    Task,
    Ticket,
)
from services.communication.repository import CommunicationRepository

DEMO_ACTOR = "demo"
ADVISORS = ("alice.martin", "bruno.leroy", "chloe.dubois")
# Most of the agency works in Paris; one advisor covers Réunion (UTC+4).
TIMEZONES = ("Europe/Paris", "Europe/Paris", "Indian/Reunion")

ACTIVITY_SUMMARIES = (
    ("call", "inbound", "Asked about the renewal of the motor contract."),
    ("call", "outbound", "Called back about the missing proof of address."),
    ("email", "outbound", "Sent the home insurance quote."),
    ("email", "inbound", "Sent the vehicle registration document."),
    ("sms", "outbound", "Reminder: appointment on Thursday at 10:00."),
    ("call", "inbound", "Declared a water damage in the kitchen."),
)
NOTES = (
    "Prefers to be called after 18:00.",
    "Gate code 4512B, dog in the garden.",
    "Moving to Lyon next spring: review the home contract then.",
    "Son starts driving lessons: add him as a driver when licensed.",
)
TASKS_TITLES = ("Call back about the quote", "Check the claim file", "Send the renewal notice")
ACTION_NAMES = ("Collect the RIB", "Get the signed mandate", "Review the fleet list", "Renewal")
ACTION_STATUSES = ("to_do", "to_do", "in_progress", "done", "cancelled")
TICKET_SUBJECTS = ("Wrong address on the notice", "Certificate requested", "Premium question")
TICKET_STATUSES = ("open", "pending", "closed", "closed")


async def seed_client(
    txn: Transaction, repo: CommunicationRepository, *, tenant_id: str, client_id: str
) -> None:
    """The follow-up of one demo client, written with its events in ``txn``."""
    rng = random.Random(client_id)
    caller = Caller(tenant_id, DEMO_ACTOR, "advisor")
    day = today()
    stamps = created_stamps(DEMO_ACTOR)

    def record(**fields: Any) -> dict[str, Any]:
        return {"id": new_id(), "client_id": client_id, "audit": stamps, **fields}

    for _ in range(rng.randint(0, 4)):
        kind, direction, summary = rng.choice(ACTIVITY_SUMMARIES)
        when = datetime.combine(
            day - timedelta(days=rng.randint(0, 90)), time(rng.randint(8, 18), rng.randint(0, 59))
        ).replace(tzinfo=AGENCY_TIMEZONE)
        activity = record(
            kind=kind,
            direction=direction,
            occurred_at=when.astimezone(UTC).isoformat(timespec="microseconds"),
            contact_id="",
            summary=summary,
        )
        stored = await repo.insert(txn, ACTIVITIES, tenant_id, activity)
        await events.activity_logged(txn, caller, cast(Activity, stored))

    for text in rng.sample(NOTES, rng.randint(0, 2)):
        history = []
        if rng.random() < 0.3:
            history = [
                {"text": "To be confirmed: " + text, "at": stamps["created_at"], "by": DEMO_ACTOR}
            ]
        note = record(
            note_date=(day - timedelta(days=rng.randint(0, 200))).isoformat(),
            text=text,
            history=history,
        )
        stored = await repo.insert(txn, MEMO_NOTES, tenant_id, note)
        await events.memo_note_saved(txn, caller, cast(MemoNote, stored), created=True)

    for title in rng.sample(TASKS_TITLES, rng.randint(0, 2)):
        task = record(
            title=title,
            assignee_id=rng.choice(ADVISORS),
            assignee_timezone=rng.choice(TIMEZONES),
            # From five days late to ten days ahead: red, yellow and blue all show.
            deadline=(day + timedelta(days=rng.randint(-5, 10))).isoformat(),
            status="done" if rng.random() < 0.2 else "open",
        )
        stored = await repo.insert(txn, TASKS, tenant_id, task)
        await events.task_saved(txn, caller, cast(Task, stored), created=True)

    for name in rng.sample(ACTION_NAMES, rng.randint(0, 3)):
        due = "" if rng.random() < 0.2 else (day + timedelta(days=rng.randint(-10, 20))).isoformat()
        action = record(name=name, status=rng.choice(ACTION_STATUSES), due_date=due)
        stored = await repo.insert(txn, ACTIONS, tenant_id, action)
        counter = await repo.count_action(
            txn, tenant_id, client_id, added=action["status"], removed=""
        )
        left = sum(counter["by_status"].get(s, 0) for s in ("to_do", "in_progress"))
        await events.action_saved(txn, caller, cast(Action, stored), previous="", actions_left=left)

    for subject in rng.sample(TICKET_SUBJECTS, rng.randint(0, 2)):
        status = rng.choice(TICKET_STATUSES)
        ticket = record(
            contract_id="",
            subject=subject,
            status=status,
            closed_at=stamps["created_at"] if status == "closed" else "",
        )
        stored = await repo.insert(txn, TICKETS, tenant_id, ticket)
        await events.ticket_saved(txn, caller, cast(Ticket, stored), previous="")
