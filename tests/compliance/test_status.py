"""The asset-freeze status rules, one test per arrow: what a check of the client, a check of
one of its contacts, and a person's decision may do to the client's status."""

from __future__ import annotations

import pytest

from services.compliance.status import (
    EMPTY,
    NO,
    TO_VERIFY,
    YES,
    after_check,
    after_client_check,
    after_contact_check,
    is_decidable,
)

# A check of the client itself


def test_a_match_moves_empty_status_to_to_verify() -> None:
    assert after_client_check(EMPTY, matched=True) == TO_VERIFY


def test_a_match_moves_no_to_to_verify() -> None:
    assert after_client_check(NO, matched=True) == TO_VERIFY


def test_a_match_keeps_to_verify() -> None:
    assert after_client_check(TO_VERIFY, matched=True) == TO_VERIFY


def test_no_match_moves_empty_status_to_no() -> None:
    assert after_client_check(EMPTY, matched=False) == NO


def test_no_match_keeps_no() -> None:
    assert after_client_check(NO, matched=False) == NO


def test_no_match_moves_to_verify_to_no() -> None:
    assert after_client_check(TO_VERIFY, matched=False) == NO


def test_a_check_never_changes_yes_with_a_match() -> None:
    assert after_client_check(YES, matched=True) == YES


def test_a_check_never_changes_yes_without_a_match() -> None:
    assert after_client_check(YES, matched=False) == YES


# A check of one of the client's contacts


def test_a_match_on_a_contact_moves_empty_status_to_to_verify() -> None:
    assert after_contact_check(EMPTY, matched=True) == TO_VERIFY


def test_a_match_on_a_contact_moves_no_to_to_verify() -> None:
    assert after_contact_check(NO, matched=True) == TO_VERIFY


def test_a_match_on_a_contact_keeps_to_verify() -> None:
    assert after_contact_check(TO_VERIFY, matched=True) == TO_VERIFY


@pytest.mark.parametrize("status", [EMPTY, NO, TO_VERIFY])
def test_a_contact_with_no_match_leaves_the_client_status_unchanged(status: str) -> None:
    assert after_contact_check(status, matched=False) == status


def test_a_contact_check_never_changes_yes_with_a_match() -> None:
    assert after_contact_check(YES, matched=True) == YES


def test_a_contact_check_never_changes_yes_without_a_match() -> None:
    assert after_contact_check(YES, matched=False) == YES


# The dispatcher and a person's choices


@pytest.mark.parametrize("status", [EMPTY, NO, TO_VERIFY, YES])
@pytest.mark.parametrize("matched", [True, False])
def test_after_check_follows_the_client_or_the_contact_rule(status: str, matched: bool) -> None:
    assert after_check(status, matched=matched, contact=False) == after_client_check(
        status, matched=matched
    )
    assert after_check(status, matched=matched, contact=True) == after_contact_check(
        status, matched=matched
    )


def test_a_person_may_decide_no_to_verify_or_yes_but_not_empty() -> None:
    assert [s for s in (EMPTY, NO, TO_VERIFY, YES) if is_decidable(s)] == [NO, TO_VERIFY, YES]


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown asset-freeze status"):
        after_client_check("maybe", matched=False)
