"""The asset-freeze status of a client file and how a register check or a person changes it:
pure functions, no store and no clock.

From the product's seed document: a check with no match moves EMPTY, NO or TO_VERIFY to NO;
a check with a match moves them to TO_VERIFY; YES is set only by a person and no check ever
changes it.

Contacts (our choice, the seed document speaks of clients only): a match on a contact of the
client moves the client to TO_VERIFY by the same rule, because the client may be acting for a
listed person. A contact with no match leaves the client's status as it was: that check says
nothing about the client itself, so it must neither clear a TO_VERIFY raised by the client's
own name nor turn an EMPTY file into NO without the client ever being screened.
"""

from __future__ import annotations

from typing import Final

EMPTY: Final = "empty"
NO: Final = "no"
TO_VERIFY: Final = "to_verify"
YES: Final = "yes"

STATUSES: Final = (EMPTY, NO, TO_VERIFY, YES)
# What a person may decide; EMPTY only ever means "never checked nor decided".
DECIDABLE: Final = (NO, TO_VERIFY, YES)


def _check(status: str) -> str:
    if status not in STATUSES:
        raise ValueError(f"unknown asset-freeze status {status!r}")
    return status


def after_client_check(status: str, *, matched: bool) -> str:
    """The client's status after its own name was checked."""
    if _check(status) == YES:
        return YES
    return TO_VERIFY if matched else NO


def after_contact_check(status: str, *, matched: bool) -> str:
    """The client's status after the name of one of its contacts was checked."""
    if _check(status) == YES or not matched:
        return status
    return TO_VERIFY


def after_check(status: str, *, matched: bool, contact: bool) -> str:
    """The client's status after a check of the client (``contact`` False) or of a contact."""
    if contact:
        return after_contact_check(status, matched=matched)
    return after_client_check(status, matched=matched)


def is_decidable(status: str) -> bool:
    return status in DECIDABLE


def after_merge(survivor: str, merged: str) -> str:
    """The surviving file's status when a duplicate is merged into it: a match or a decision
    of YES on the duplicate (the same client) calls for a person's look, but only a person
    sets YES; a duplicate checked with no match clears a file never checked."""
    if _check(survivor) == YES:
        return YES
    if _check(merged) in (YES, TO_VERIFY):
        return TO_VERIFY
    if survivor == EMPTY and merged == NO:
        return NO
    return survivor
