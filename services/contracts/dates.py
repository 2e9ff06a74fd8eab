"""Calendar arithmetic the contract rules count in: months and years as the law counts them
(the same day of the month, or the month's last day when it has no such day: 31 March minus
one month is 28 or 29 February), and dates read from stored text."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), kept within the target month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """``day`` moved by ``years``: 29 February becomes 28 February in a common year."""
    return add_months(day, 12 * years)


def parse(value: str) -> date | None:
    """A stored date (checked on its way in), None when blank."""
    return date.fromisoformat(value) if value else None
