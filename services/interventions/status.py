"""Where an intervention stands against today (late, today, upcoming, done…): computed at read
time in the agency's timezone, never stored, both for one intervention and as the store filter
of the status filter, so that the list and its filter always agree."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from runtime.clock import AGENCY_TIMEZONE
from services.interventions.models import (
    CANCELLED,
    DONE,
    LATE,
    OPEN_STAGES,
    STATUS_CANCELLED,
    STATUS_DONE,
    TODAY,
    UNSCHEDULED,
    UPCOMING,
    Intervention,
)


def instant(moment: datetime) -> str:
    """A moment as stored: ISO 8601 in UTC with microseconds (sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def day_start(day: date, timezone: ZoneInfo = AGENCY_TIMEZONE) -> str:
    """The first moment of ``day`` where the agency is, as stored."""
    return instant(datetime.combine(day, time(), timezone))


class Today:
    """The moments the status rules compare with, taken once per read."""

    def __init__(self, now: datetime | None = None, timezone: ZoneInfo = AGENCY_TIMEZONE) -> None:
        moment = now or datetime.now(UTC)
        self.day = moment.astimezone(timezone).date()
        self.now = instant(moment)
        self.day_iso = self.day.isoformat()
        self.tomorrow = day_start(self.day + timedelta(days=1), timezone)


def status_of(intervention: Intervention, today: Today) -> str:
    stage = intervention.get("stage", "")
    if stage == DONE:
        return STATUS_DONE
    if stage == CANCELLED:
        return STATUS_CANCELLED
    start = intervention.get("scheduled_start", "")
    end = intervention.get("scheduled_end", "")
    if end:
        if end < today.now:
            return LATE
        return TODAY if start < today.tomorrow else UPCOMING
    latest = intervention.get("latest_date", "")
    return LATE if latest and latest < today.day_iso else UNSCHEDULED


_OPEN = {"stage": {"$in": list(OPEN_STAGES)}}


def status_filter(status: str, today: Today) -> dict[str, Any]:
    """The store filter of the interventions whose ``status_of`` is ``status``."""
    if status == STATUS_DONE:
        return {"stage": DONE}
    if status == STATUS_CANCELLED:
        return {"stage": CANCELLED}
    if status == LATE:
        overdue = {"$and": [{"scheduled_end": {"$ne": ""}}, {"scheduled_end": {"$lt": today.now}}]}
        past_latest = {
            "$and": [
                {"scheduled_end": ""},
                {"latest_date": {"$ne": ""}},
                {"latest_date": {"$lt": today.day_iso}},
            ]
        }
        return {"$and": [_OPEN, {"$or": [overdue, past_latest]}]}
    if status == TODAY:
        return {
            "$and": [
                _OPEN,
                {"scheduled_end": {"$gte": today.now}},
                {"scheduled_start": {"$lt": today.tomorrow}},
            ]
        }
    if status == UPCOMING:
        return {"$and": [_OPEN, {"scheduled_start": {"$gte": today.tomorrow}}]}
    if status == UNSCHEDULED:
        return {
            "$and": [
                _OPEN,
                {"scheduled_end": ""},
                {"$or": [{"latest_date": ""}, {"latest_date": {"$gte": today.day_iso}}]},
            ]
        }
    raise ValueError(f"unknown status {status!r}")
