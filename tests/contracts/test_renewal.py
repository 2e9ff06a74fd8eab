"""The renewal markers of seed 003, computed for a given day: each with its boundary days (the
day before, the day, the day after), for the agency's window of 60 days and another."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.contracts.models import (
    NOT_RENEWED,
    TERMINATED,
    TERMINATING,
    TO_RENEW,
    UP_TO_DATE,
    Contract,
)
from services.contracts.renewal import markers

DUE = date(2027, 3, 1)
DAY = timedelta(days=1)


def _contract(**fields: str) -> Contract:
    contract: Contract = {
        "status": "in_force",
        "effective_date": "2020-03-01",
        "due_date": DUE.isoformat(),
        "termination_date": "",
    }
    contract.update(fields)  # type: ignore[typeddict-item]
    return contract


def _state(contract: Contract, today: date, window: int = 60) -> str:
    return markers(contract, today=today, window_days=window).renewal_state


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - timedelta(days=61), UP_TO_DATE),  # the day before the window opens
        (DUE - timedelta(days=60), TO_RENEW),  # the window's first day
        (DUE - timedelta(days=59), TO_RENEW),
    ],
)
def test_a_contract_is_to_renew_from_60_days_before_its_due_date(
    today: date, expected: str
) -> None:
    assert _state(_contract(), today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [(DUE - DAY, TO_RENEW), (DUE, TO_RENEW), (DUE + DAY, NOT_RENEWED)],
)
def test_a_contract_is_not_renewed_the_day_after_its_due_date_passed(
    today: date, expected: str
) -> None:
    assert _state(_contract(), today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - timedelta(days=16), UP_TO_DATE),
        (DUE - timedelta(days=15), TO_RENEW),
        (DUE - timedelta(days=14), TO_RENEW),
    ],
)
def test_the_renewal_window_is_the_agencys_setting(today: date, expected: str) -> None:
    assert _state(_contract(), today, window=15) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [(DUE - DAY, TERMINATING), (DUE, TERMINATED), (DUE + DAY, TERMINATED)],
)
def test_a_contract_is_terminated_from_its_termination_date(today: date, expected: str) -> None:
    # Ends at its due date: before it, it will not be renewed, so it is neither to renew nor
    # not renewed.
    contract = _contract(termination_date=DUE.isoformat())
    found = markers(contract, today=today, window_days=60)
    assert found.renewal_state == expected
    assert found.status == ("terminated" if expected == TERMINATED else "in_force")


def test_a_terminated_status_is_terminated_whatever_its_dates() -> None:
    contract = _contract(status="terminated")
    assert _state(contract, DUE - timedelta(days=300)) == TERMINATED


def test_a_contract_ending_before_its_due_date_is_never_not_renewed() -> None:
    contract = _contract(termination_date=(DUE + timedelta(days=30)).isoformat())
    assert _state(contract, DUE + DAY) == TERMINATING


def test_days_to_due_date_count_down_and_go_negative() -> None:
    assert (
        markers(_contract(), today=DUE - timedelta(days=10), window_days=60).days_to_due_date == 10
    )
    assert (
        markers(_contract(), today=DUE + timedelta(days=3), window_days=60).days_to_due_date == -3
    )
