"""Duplicate suspects on the labelled pairs: precision and recall are printed and held to a
floor, and the cases a counter sees are each checked on their own."""

from __future__ import annotations

from collections import Counter

from services.identity.duplicates import DUPLICATE_THRESHOLD, resemblance
from tests.identity.duplicate_pairs import labelled_pairs, stored


def test_precision_and_recall_on_the_labelled_pairs() -> None:
    pairs = labelled_pairs()
    assert len(pairs) >= 200
    outcome: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for pair in pairs:
        score, _ = resemblance(pair.one, pair.other)
        flagged = score >= DUPLICATE_THRESHOLD
        outcome[("t" if flagged == pair.duplicate else "f") + ("p" if flagged else "n")] += 1
        if flagged != pair.duplicate:
            wrong[pair.case] += 1
    precision = outcome["tp"] / (outcome["tp"] + outcome["fp"])
    recall = outcome["tp"] / (outcome["tp"] + outcome["fn"])
    print(
        f"\n{len(pairs)} pairs ({outcome['tp'] + outcome['fn']} duplicates): "
        f"precision {precision:.3f}, recall {recall:.3f}; missed or wrongly flagged: {dict(wrong)}"
    )
    assert precision >= 0.95, wrong
    assert recall >= 0.95, wrong


def test_reasons_say_what_was_found_in_common() -> None:
    one = stored(
        id="a",
        first_name="Élodie",
        last_name="Núñez-Dupont",
        personal={"birth_date": "1985-05-12"},
        phones=[{"number": "+33612345678"}],
        bank_accounts=[{"iban": "FR7630006000011234567890189"}],
    )
    other = stored(
        id="b",
        first_name="ELODIE",
        last_name="nunez dupont",
        personal={"birth_date": "1985-05-12"},
        phones=[{"number": "+33612345678"}],
        bank_accounts=[{"iban": "FR76 3000 6000 0112 3456 7890 189"}],
    )
    score, reasons = resemblance(one, other)
    assert score > 0.99
    assert reasons == ("SAME_NAME", "SAME_BIRTH_DATE", "SAME_IBAN", "SAME_PHONE")


def test_a_namesake_born_elsewhere_in_time_is_no_suspect() -> None:
    one = stored(
        id="a", first_name="Jean", last_name="Martin", personal={"birth_date": "1950-01-01"}
    )
    other = stored(
        id="b", first_name="Jean", last_name="Martin", personal={"birth_date": "1982-07-14"}
    )
    score, reasons = resemblance(one, other)
    assert score < DUPLICATE_THRESHOLD
    assert reasons == ("SAME_NAME",)
