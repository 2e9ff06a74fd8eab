"""The termination rules, computed for a notice received on a given day: L113-12 (annual, 2
months' notice), Chatel (a late or missing renewal notice) and Hamon (any time after one year),
each with its boundary days: the day before, the day, the day after."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.contracts.dates import add_months, add_years
from services.contracts.models import ANNUAL, CHATEL, HAMON, Contract
from services.contracts.termination import Right, refusal, termination_rights

DAY = timedelta(days=1)


def _contract(**fields: object) -> Contract:
    contract: Contract = {
        "status": "in_force",
        "branch": "motor",
        "consumer": True,
        "tacit_renewal": True,
        "effective_date": "2020-03-01",
        "due_date": "2027-03-01",
        "termination_date": "",
        "renewal_notice_sent_on": "",
        "last_renewed_on": "",
        "last_renewal_notice_sent_on": "",
    }
    contract.update(fields)  # type: ignore[typeddict-item]
    return contract


def _right(contract: Contract, rule: str, received: date) -> Right:
    return termination_rights(contract, received).of(rule)


# L113-12: at the due date, with a notice received at least 2 months before it.

DUE = date(2027, 3, 1)
DEADLINE = date(2027, 1, 1)


@pytest.mark.parametrize(
    ("received", "ends"),
    [
        (DEADLINE - DAY, DUE),
        (DEADLINE, DUE),  # the last day: exactly 2 months before the due date
        (DEADLINE + DAY, date(2028, 3, 1)),  # too late for this due date: the next one
    ],
)
def test_an_annual_termination_needs_two_months_notice(received: date, ends: date) -> None:
    right = _right(_contract(), ANNUAL, received)
    assert right.available
    assert right.earliest_end == ends
    assert right.available_until == add_months(ends, -2)


@pytest.mark.parametrize(
    ("effective", "ends"),
    [
        (date(2026, 2, 28), DUE),  # a year and a day before the due date
        (date(2026, 3, 1), DUE),  # exactly one year: the first due date counts
        (date(2026, 3, 2), date(2028, 3, 1)),  # less than a year: the next due date
    ],
)
def test_an_annual_termination_comes_after_one_year_of_contract(
    effective: date, ends: date
) -> None:
    contract = _contract(effective_date=effective.isoformat())
    assert _right(contract, ANNUAL, date(2026, 6, 1)).earliest_end == ends


def test_a_due_date_passed_without_renewal_counts_the_next_one() -> None:
    right = _right(_contract(due_date="2026-03-01"), ANNUAL, date(2026, 5, 1))
    assert right.earliest_end == date(2027, 3, 1)


def test_the_annual_rule_does_not_apply_to_life_insurance() -> None:
    right = _right(_contract(branch="life"), ANNUAL, date(2026, 6, 1))
    assert not right.available
    assert "life insurance" in right.explanation


# Chatel: the renewal notice states the last day to refuse renewal (2 months before the due
# date, here 1 January 2027); sent less than 15 days before it, the client has 20 days.

ON_TIME = DEADLINE - timedelta(days=15)  # 17 December 2026


@pytest.mark.parametrize(
    ("sent", "late"),
    [(ON_TIME - DAY, False), (ON_TIME, False), (ON_TIME + DAY, True)],
)
def test_chatel_applies_when_the_notice_is_sent_less_than_15_days_before_the_deadline(
    sent: date, late: bool
) -> None:
    contract = _contract(renewal_notice_sent_on=sent.isoformat())
    right = _right(contract, CHATEL, sent + DAY)
    assert right.available is late
    if late:
        assert right.earliest_end == DUE
    else:
        assert "L113-12 applies" in right.explanation


LATE = ON_TIME + DAY


@pytest.mark.parametrize(
    ("received", "available"),
    [
        (LATE + timedelta(days=19), True),
        (LATE + timedelta(days=20), True),  # the 20th day after the notice was sent
        (LATE + timedelta(days=21), False),
    ],
)
def test_chatel_gives_20_days_from_a_late_notice(received: date, available: bool) -> None:
    contract = _contract(renewal_notice_sent_on=LATE.isoformat())
    right = _right(contract, CHATEL, received)
    assert right.available is available
    assert right.available_until == LATE + timedelta(days=20)
    if available:
        assert right.earliest_end == DUE
    else:
        assert right.earliest_end is None
        assert "ended on 2027-01-07" in right.explanation


def test_a_notice_sent_after_the_due_date_ends_the_contract_the_day_after_the_request() -> None:
    sent = DUE + timedelta(days=5)
    contract = _contract(renewal_notice_sent_on=sent.isoformat())
    right = _right(contract, CHATEL, sent + timedelta(days=3))
    assert right.available
    assert right.earliest_end == sent + timedelta(days=4)


@pytest.mark.parametrize(
    ("received", "ends"),
    [(DUE - DAY, None), (DUE, DUE + DAY), (DUE + DAY, DUE + 2 * DAY)],
)
def test_without_a_renewal_notice_chatel_allows_any_time_after_the_renewal(
    received: date, ends: date | None
) -> None:
    right = _right(_contract(), CHATEL, received)
    assert right.available is (ends is not None)
    assert right.available_from == DUE
    if ends is not None:
        assert right.earliest_end == ends


def test_a_renewal_recorded_without_notice_keeps_chatels_right_until_the_next_due_date() -> None:
    contract = _contract(due_date="2028-03-01", last_renewed_on="2027-03-01")
    right = _right(contract, CHATEL, date(2027, 6, 10))
    assert right.available
    assert right.earliest_end == date(2027, 6, 11)


def test_a_renewal_recorded_with_a_notice_on_time_leaves_no_chatel_right() -> None:
    contract = _contract(
        due_date="2028-03-01",
        last_renewed_on="2027-03-01",
        last_renewal_notice_sent_on="2026-12-01",
    )
    assert not _right(contract, CHATEL, date(2027, 6, 10)).available


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"consumer": False}, "consumers only"),
        ({"tacit_renewal": False}, "tacit agreement"),
        ({"branch": "life"}, "life insurance"),
    ],
)
def test_chatel_protects_consumers_tacitly_renewed_contracts_only(
    fields: dict[str, object], why: str
) -> None:
    right = _right(_contract(**fields), CHATEL, DUE + DAY)
    assert not right.available
    assert why in right.explanation


# Hamon: after one year of cover, any time, effective one month after the notice is received.

EFFECTIVE = date(2025, 5, 10)
ONE_YEAR = date(2026, 5, 10)


@pytest.mark.parametrize(
    ("received", "ends"),
    [
        (ONE_YEAR - DAY, None),
        (ONE_YEAR, date(2026, 6, 10)),
        (ONE_YEAR + DAY, date(2026, 6, 11)),
    ],
)
def test_hamon_applies_any_time_after_one_year(received: date, ends: date | None) -> None:
    contract = _contract(effective_date=EFFECTIVE.isoformat(), due_date="2027-05-10")
    right = _right(contract, HAMON, received)
    assert right.available is (ends is not None)
    assert right.available_from == ONE_YEAR
    if ends is None:
        assert right.earliest_end == date(2026, 6, 10)
        assert refusal(right, received).startswith(
            "L113-15-2 (Hamon): not allowed for a notice received on 2026-05-09 "
            "(allowed from 2026-05-10)"
        )
    else:
        assert right.earliest_end == ends


def test_hamons_month_ends_on_the_last_day_of_a_shorter_month() -> None:
    right = _right(_contract(), HAMON, date(2027, 1, 31))
    assert right.earliest_end == date(2027, 2, 28)


@pytest.mark.parametrize("branch", ["motor", "home", "affinity", "health"])
def test_hamon_covers_motor_home_affinity_and_health(branch: str) -> None:
    assert _right(_contract(branch=branch), HAMON, date(2026, 6, 1)).available


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"branch": "liability"}, "motor, home, affinity and health"),
        ({"branch": "life"}, "motor, home, affinity and health"),
        ({"consumer": False}, "consumers only"),
        ({"tacit_renewal": False}, "tacit agreement"),
    ],
)
def test_hamon_does_not_cover_other_contracts(fields: dict[str, object], why: str) -> None:
    right = _right(_contract(**fields), HAMON, date(2026, 6, 1))
    assert not right.available
    assert why in right.explanation


# All together


def test_the_best_rule_ends_the_contract_soonest() -> None:
    rights = termination_rights(_contract(), date(2026, 6, 1))
    assert rights.best is not None
    assert (rights.best.rule, rights.best.earliest_end) == (HAMON, date(2026, 7, 1))
    professional = termination_rights(_contract(consumer=False), date(2026, 6, 1))
    assert professional.best is not None
    assert (professional.best.rule, professional.best.earliest_end) == (ANNUAL, DUE)


def test_a_contract_already_ending_has_no_right_left() -> None:
    rights = termination_rights(_contract(termination_date="2027-03-01"), date(2026, 6, 1))
    assert rights.best is None
    assert {r.explanation for r in rights.rules} == {"the contract already ends on 2027-03-01"}


def test_months_and_years_keep_the_day_or_take_the_months_last() -> None:
    assert add_months(date(2027, 3, 31), -1) == date(2027, 2, 28)
    assert add_months(date(2028, 3, 31), -1) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 2) == date(2027, 2, 15)
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
