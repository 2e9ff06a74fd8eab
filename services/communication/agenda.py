"""Agenda events and their recurrence, with maintained libraries: an RRULE is read and expanded
by python-dateutil in the event's own timezone (a weekly meeting at 10:00 stays at 10:00 on both
sides of a change to summer time), and a user's agenda is written as an iCalendar file by
``icalendar``. Nothing here knows the store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import HOURLY, rrule, rrulestr  # type: ignore[import-untyped]
from icalendar import Calendar, Event, vCalAddress, vRecur

from runtime.errors import FieldViolation
from services.communication.models import AgendaEvent

# Every occurrence of a series with an end is counted to store when it ends: a bound on that.
MAX_COUNT = 1000
# The stored end of a series without one (compared as text with ISO instants).
NO_END = "9999-12-31T23:59:59.999999+00:00"
# The ATTENDEE of a user in an iCalendar file: users are ids of the platform, not addresses.
USER_URI = "urn:client360:user:"
PARTSTATS = {
    "needs_action": "NEEDS-ACTION",
    "tentative": "TENTATIVE",
    "accepted": "ACCEPTED",
    "declined": "DECLINED",
}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _rule(text: str, start: datetime) -> rrule:
    rule = rrulestr(text, dtstart=start, forceset=False)
    if not isinstance(rule, rrule):  # an RRULE with EXDATEs or several rules
        raise ValueError("one RRULE")
    return rule


def check_rrule(text: str, start: datetime | None) -> list[FieldViolation]:
    """An RRULE that dateutil reads, without DTSTART (the event's start is its start), at most
    hourly, with at most MAX_COUNT occurrences when it ends."""
    if not text:
        return []
    upper = text.upper()
    if "DTSTART" in upper or upper.startswith("RRULE:") or "\n" in text:
        return [FieldViolation("rrule", "the RRULE's value only, without DTSTART or RRULE:")]
    if "FREQ=" not in upper:
        return [FieldViolation("rrule", "not an RRULE: FREQ is required")]
    try:
        rule = _rule(text, start or datetime(2026, 1, 1, tzinfo=UTC))
    except (ValueError, TypeError):
        return [FieldViolation("rrule", "not an RRULE dateutil can read (RFC 5545)")]
    if rule._freq > HOURLY:  # MINUTELY, SECONDLY
        return [FieldViolation("rrule", "at most hourly")]
    if rule._count is not None and rule._count > MAX_COUNT:
        return [FieldViolation("rrule", f"COUNT at most {MAX_COUNT}")]
    return []


@dataclass(frozen=True, slots=True)
class Occurrence:
    event: AgendaEvent
    starts_at: str
    ends_at: str


def _local(event: AgendaEvent) -> tuple[datetime, timedelta, ZoneInfo]:
    zone = ZoneInfo(event["timezone"])
    start = datetime.fromisoformat(event["starts_at"]).astimezone(zone)
    return start, datetime.fromisoformat(event["ends_at"]) - start, zone


def series_end(event: AgendaEvent) -> str:
    """When the series' last occurrence ends (NO_END for an endless one)."""
    start, duration, _ = _local(event)
    if not event["rrule"]:
        return event["ends_at"]
    rule = _rule(event["rrule"], start)
    if rule._count is None and rule._until is None:
        return NO_END
    moments: list[datetime] = list(rule.xafter(start, count=MAX_COUNT + 1, inc=True))
    return _iso((moments[-1] if moments else start) + duration)


def occurrences(event: AgendaEvent, start: datetime, end: datetime) -> Iterable[Occurrence]:
    """The event's occurrences overlapping [start, end), in order."""
    first, duration, _ = _local(event)
    if not event["rrule"]:
        if first < end and first + duration > start:
            yield Occurrence(event, event["starts_at"], event["ends_at"])
        return
    rule = _rule(event["rrule"], first)
    for moment in rule.xafter(start - duration, inc=False):
        if moment >= end:
            return
        if moment + duration > start:
            yield Occurrence(event, _iso(moment), _iso(moment + duration))


def to_icalendar(events: Iterable[AgendaEvent], *, now: datetime | None = None) -> str:
    """An iCalendar file (RFC 5545) of ``events``: one VEVENT per event, recurring ones with
    their RRULE, times in the event's timezone (with its VTIMEZONE), attendees with their
    PARTSTAT."""
    stamp = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//Client 360//Agenda//EN")
    calendar.add("version", "2.0")
    for event in events:
        start, duration, _ = _local(event)
        component = Event()
        component.add("uid", f"{event['id']}@client360")
        component.add("summary", event["title"])
        if event["description"]:
            component.add("description", event["description"])
        if event["location"]:
            component.add("location", event["location"])
        component.add("dtstart", start)
        component.add("dtend", start + duration)
        component.add("dtstamp", stamp)
        if event["rrule"]:
            component.add("rrule", vRecur.from_ical(event["rrule"]))
        component.add("x-client360-client-id", event["client_id"])
        organizer = vCalAddress(USER_URI + event["audit"]["created_by"])
        component.add("organizer", organizer, encode=False)
        for attendee in event["attendees"]:
            address = vCalAddress(USER_URI + attendee["user_id"])
            address.params["CN"] = attendee["user_id"]
            address.params["PARTSTAT"] = PARTSTATS.get(attendee["status"], "NEEDS-ACTION")
            component.add("attendee", address, encode=False)
        calendar.add_component(component)
    calendar.add_missing_timezones()
    return str(calendar.to_ical().decode())
