"""The renewal markers of a contract on the client file (seed 003), computed when it is read
from today's date in the agency's timezone, never stored (they would go stale overnight):

- terminated (greyed): its status is terminated, or its termination date has come;
- terminating: a termination is recorded for a later day, so it will not be renewed;
- not renewed (red): the due date has passed, and it was neither renewed nor terminated;
- to renew (yellow): the due date is at most the agency's window away (60 days by default),
  today included;
- up to date otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.contracts.dates import parse
from services.contracts.models import (
    NOT_RENEWED,
    TERMINATED,
    TERMINATING,
    TO_RENEW,
    UP_TO_DATE,
    Contract,
)


@dataclass(frozen=True, slots=True)
class Markers:
    renewal_state: str  # a word of models.RENEWAL_STATES
    days_to_due_date: int
    # The status category as of today: terminated once the termination date has come.
    status: str


def is_terminated(contract: Contract, today: date) -> bool:
    if contract.get("status") == TERMINATED:
        return True
    ends = parse(contract.get("termination_date", ""))
    return ends is not None and ends <= today


def markers(contract: Contract, *, today: date, window_days: int) -> Markers:
    due = parse(contract.get("due_date", "")) or today
    days = (due - today).days
    status = contract.get("status", "")
    if is_terminated(contract, today):
        return Markers(TERMINATED, days, TERMINATED)
    if contract.get("termination_date"):
        state = TERMINATING
    elif days < 0:
        state = NOT_RENEWED
    elif days <= window_days:
        state = TO_RENEW
    else:
        state = UP_TO_DATE
    return Markers(state, days, status)
