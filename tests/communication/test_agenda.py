"""The agenda in process, on a real SQLite store: a recurring event expanded in its timezone
(10:00 in Paris on both sides of the change to summer time) in the global agenda of an
attendee across clients, and exported as iCalendar with its RRULE and DTSTART; answers by the
attendee only; every rule at once; scoped by tenant and role."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from runtime.caller import Caller
from runtime.errors import InvalidInput, NotFound, PermissionDenied
from runtime.store.sqlite import SqliteStore
from services.communication import service
from services.communication.agenda import NO_END
from services.communication.models import AGENDA
from services.communication.repository import CommunicationRepository
from tests.communication.test_emails import TENANT, repo, store

__all__ = ["repo", "store"]  # the fixtures, shared with test_emails

ALICE = Caller(TENANT, "alice", "advisor")
BOB = Caller(TENANT, "bob", "advisor")
PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int, minute: int) -> str:
    moment = datetime(year, month, day, hour, minute, tzinfo=PARIS)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


async def create(repo: CommunicationRepository, **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client_id": "client-1",
        "title": "Point hebdomadaire",
        "description": "",
        "location": "",
        "starts_at": paris(2026, 3, 20, 10, 0),
        "ends_at": paris(2026, 3, 20, 11, 0),
        "timezone": "",
        "attendee_ids": ["bob"],
        "rrule": "",
        **fields,
    }
    event = await service.create_agenda_event(repo=repo, caller=ALICE, data=data)
    return dict(event)


async def agenda_of(
    repo: CommunicationRepository, caller: Caller, start: str, end: str, user: str = ""
) -> list[tuple[str, str, str]]:
    found, truncated = await service.user_agenda(
        repo=repo, caller=caller, user_id=user, start=start, end=end
    )
    assert not truncated
    return [(o.event["title"], o.starts_at, o.ends_at) for o in found]


async def test_a_recurring_event_is_in_the_global_agenda_at_its_local_time_across_clients(
    repo: CommunicationRepository,
) -> None:
    weekly = await create(repo, rrule="FREQ=WEEKLY;COUNT=4")
    assert weekly["series_end"] == paris(2026, 4, 10, 11, 0)
    await create(
        repo,
        client_id="client-2",
        title="Visite",
        starts_at=paris(2026, 4, 1, 14, 0),
        ends_at=paris(2026, 4, 1, 15, 30),
    )
    await create(repo, title="Sans Bob", attendee_ids=[], rrule="FREQ=DAILY")
    # From the 25th of March to the 8th of April: summer time starts on the 29th.
    shown = await agenda_of(repo, BOB, paris(2026, 3, 25, 0, 0), paris(2026, 4, 8, 0, 0))
    assert shown == [
        (
            "Point hebdomadaire",
            "2026-03-27T09:00:00.000000+00:00",
            "2026-03-27T10:00:00.000000+00:00",
        ),
        ("Visite", "2026-04-01T12:00:00.000000+00:00", "2026-04-01T13:30:00.000000+00:00"),
        (
            "Point hebdomadaire",
            "2026-04-03T08:00:00.000000+00:00",
            "2026-04-03T09:00:00.000000+00:00",
        ),
    ]
    # The organizer attends too; another user's agenda is asked by id.
    alice = await agenda_of(repo, BOB, paris(2026, 4, 9, 0, 0), paris(2026, 4, 11, 0, 0), "alice")
    assert [title for title, *_ in alice] == ["Sans Bob", "Point hebdomadaire", "Sans Bob"]
    # An occurrence under way at the range's start is in it.
    under_way = await agenda_of(repo, BOB, paris(2026, 4, 10, 10, 30), paris(2026, 4, 10, 12, 0))
    assert [start for _, start, _ in under_way] == ["2026-04-10T08:00:00.000000+00:00"]


async def test_an_endless_series_shows_in_any_later_range(repo: CommunicationRepository) -> None:
    event = await create(repo, rrule="FREQ=MONTHLY;BYMONTHDAY=1")
    assert event["series_end"] == NO_END
    shown = await agenda_of(repo, BOB, paris(2030, 1, 1, 0, 0), paris(2030, 3, 1, 0, 0))
    assert [start for _, start, _ in shown] == [
        "2030-01-01T09:00:00.000000+00:00",
        "2030-02-01T09:00:00.000000+00:00",
    ]


async def test_the_icalendar_export_gives_the_recurring_event_with_its_rrule_and_start(
    repo: CommunicationRepository,
) -> None:
    weekly = await create(repo, rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=4", location="Agence")
    text = await service.export_agenda(repo=repo, caller=BOB, user_id="")
    calendar = Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == f"{weekly['id']}@client360"
    assert event["rrule"] == {"FREQ": ["WEEKLY"], "BYDAY": ["FR"], "COUNT": [4]}
    start = event.decoded("dtstart")
    assert (start, str(start.tzinfo)) == (
        datetime(2026, 3, 20, 10, 0, tzinfo=PARIS),
        "Europe/Paris",
    )
    assert event.decoded("dtend") == datetime(2026, 3, 20, 11, 0, tzinfo=PARIS)
    assert str(event["location"]) == "Agence"
    attendees = cast(list[Any], event["attendee"])
    partstats = {str(a): a.params["PARTSTAT"] for a in attendees}
    assert partstats == {
        "urn:client360:user:bob": "NEEDS-ACTION",
        "urn:client360:user:alice": "ACCEPTED",
    }
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


async def test_an_attendee_answers_for_themself_only(repo: CommunicationRepository) -> None:
    event = await create(repo)
    answered = await service.set_attendance(
        repo=repo, caller=BOB, event_id=event["id"], version=event["version"], status="declined"
    )
    assert {a["user_id"]: a["status"] for a in answered["attendees"]} == {
        "bob": "declined",
        "alice": "accepted",
    }
    with pytest.raises(PermissionDenied):
        await service.set_attendance(
            repo=repo,
            caller=Caller(TENANT, "carol", "advisor"),
            event_id=event["id"],
            version=answered["version"],
            status="accepted",
        )
    with pytest.raises(NotFound):
        await service.set_attendance(
            repo=repo,
            caller=replace(BOB, tenant_id="agency-b"),
            event_id=event["id"],
            version=answered["version"],
            status="accepted",
        )


async def test_every_rule_of_an_agenda_event_is_reported_at_once(
    repo: CommunicationRepository, store: SqliteStore
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await create(
            repo,
            client_id="",
            title="",
            ends_at=paris(2026, 3, 20, 9, 0),
            timezone="Mars/Olympus",
            rrule="FREQ=SOMETIMES",
        )
    assert [v.field for v in refused.value.violations] == [
        "clientId",
        "title",
        "endsAt",
        "timezone",
        "rrule",
    ]
    for rule, message in (
        ("FREQ=MINUTELY", "at most hourly"),
        ("FREQ=DAILY;COUNT=5000", "COUNT at most 1000"),
        ("DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY", "without DTSTART"),
    ):
        with pytest.raises(InvalidInput) as bad_rule:
            await create(repo, rrule=rule)
        assert message in bad_rule.value.violations[0].rule
    assert await store.count(AGENDA, TENANT) == 0


async def test_the_agenda_is_scoped_by_tenant_and_not_for_technicians_or_partners(
    repo: CommunicationRepository,
) -> None:
    await create(repo)
    start, end = paris(2026, 3, 1, 0, 0), paris(2026, 4, 1, 0, 0)
    assert await agenda_of(repo, replace(BOB, tenant_id="agency-b"), start, end) == []
    text = await service.export_agenda(
        repo=repo, caller=replace(BOB, tenant_id="agency-b"), user_id="bob"
    )
    assert Calendar.from_ical(text).walk("VEVENT") == []
    for role in ("technician", "partner"):
        with pytest.raises(PermissionDenied):
            await agenda_of(repo, replace(BOB, role=role), start, end)
    with pytest.raises(InvalidInput) as too_long:
        await agenda_of(repo, BOB, start, paris(2027, 6, 1, 0, 0))
    assert too_long.value.violations[0].field == "to"


async def test_an_answer_is_one_of_the_icalendar_states(repo: CommunicationRepository) -> None:
    event = await create(repo)
    for status, rule in (
        ("", "required"),
        ("maybe", "must be one of NEEDS_ACTION, TENTATIVE, ACCEPTED, DECLINED"),
    ):
        with pytest.raises(InvalidInput) as refused:
            await service.set_attendance(
                repo=repo, caller=BOB, event_id=event["id"], version=1, status=status
            )
        assert [(v.field, v.rule) for v in refused.value.violations] == [("status", rule)]
