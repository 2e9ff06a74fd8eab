"""Task colours: computed at read time from the deadline and today's date in the assignee's
timezone, never stored (a stored colour goes stale at midnight)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from runtime.clock import AGENCY_TIMEZONE
from services.communication.models import TASK_DONE, Task
from services.communication.validation import timezone_of

ON_TIME: Final = "on_time"
NEAR: Final = "near"
OVERDUE: Final = "overdue"

# A deadline this many days away or fewer is near (yellow).
NEAR_DAYS: Final = 2


def assignee_zone(task: Task) -> ZoneInfo:
    return timezone_of(task.get("assignee_timezone", "")) or AGENCY_TIMEZONE


def colour_on(deadline: date, today: date) -> str:
    """The colour of an open task due on ``deadline`` seen on ``today``."""
    if deadline < today:
        return OVERDUE
    if deadline - today <= timedelta(days=NEAR_DAYS):
        return NEAR
    return ON_TIME


def task_colour(task: Task, now: datetime) -> str:
    """The colour of ``task`` at the instant ``now`` (timezone-aware): "" for a task done."""
    if task["status"] == TASK_DONE or not task["deadline"]:
        return ""
    today = now.astimezone(assignee_zone(task)).date()
    return colour_on(date.fromisoformat(task["deadline"]), today)
