"""The ACPR recommendation 2022-R-01 clock of a complaint: acknowledge it within 10 jours
ouvrables, answer it within 2 months, both counted from its earliest known date (the day the
client sent it when known, else the day it was received).

Jours ouvrables are every day but Sundays and public holidays. The holidays come from the
``holidays`` package, country FR: metropolitan France's by default, and an agency in
Alsace-Moselle or overseas names its subdivision in its settings (Good Friday and 26 December
in Alsace-Moselle, the abolition of slavery overseas...). A deadline is met on its last day;
it is overdue from the next day, in the agency's timezone (the caller gives today).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Final

import holidays

from services.contracts.dates import add_months

ACKNOWLEDGEMENT_WORKING_DAYS: Final = 10
ANSWER_MONTHS: Final = 2
_SUNDAY: Final = 6
# The subdivisions an agency may name (holidays' codes for France).
FRENCH_SUBDIVISIONS: Final[tuple[str, ...]] = tuple(holidays.country_holidays("FR").subdivisions)


@lru_cache(maxsize=256)
def _french_holidays(year: int, subdivision: str) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", subdiv=subdivision or None, years=year))


def is_working_day(day: date, subdivision: str = "") -> bool:
    """A jour ouvrable: not a Sunday, not a French public holiday (of ``subdivision`` too)."""
    return day.weekday() != _SUNDAY and day not in _french_holidays(day.year, subdivision)


def add_working_days(start: date, count: int, subdivision: str = "") -> date:
    """The ``count``-th jour ouvrable after ``start`` (``start`` itself not counted)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, subdivision):
            left -= 1
    return day


def counted_from(received_on: str, sent_on: str = "") -> date:
    """The earliest known date of a complaint."""
    known = [d for d in (received_on, sent_on) if d]
    return date.fromisoformat(min(known))


def acknowledgement_due(start: date, subdivision: str = "") -> date:
    return add_working_days(start, ACKNOWLEDGEMENT_WORKING_DAYS, subdivision)


def answer_due(start: date) -> date:
    return add_months(start, ANSWER_MONTHS)


@dataclass(frozen=True, slots=True)
class Clock:
    counted_from: date
    acknowledgement_due: date
    answer_due: date
    acknowledgement_overdue: bool
    answer_overdue: bool
    days_to_answer_due: int

    @property
    def overdue(self) -> bool:
        return self.acknowledgement_overdue or self.answer_overdue


def clock(
    *,
    received_on: str,
    sent_on: str,
    acknowledged_on: str,
    answered_on: str,
    closed_on: str,
    today: date,
    subdivision: str = "",
) -> Clock:
    """The deadlines of a complaint and whether they are overdue today. An answer stands for
    the acknowledgement; a complaint closed without an answer is overdue no more."""
    start = counted_from(received_on, sent_on)
    ack_due, ans_due = acknowledgement_due(start, subdivision), answer_due(start)
    settled = bool(answered_on or closed_on)
    return Clock(
        counted_from=start,
        acknowledgement_due=ack_due,
        answer_due=ans_due,
        acknowledgement_overdue=not (acknowledged_on or settled) and today > ack_due,
        answer_overdue=not settled and today > ans_due,
        days_to_answer_due=(ans_due - today).days,
    )
