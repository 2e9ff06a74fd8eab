"""Name screening against the sample register: labelled precision and recall, and named
behaviours. Its speed on a register the size of the real one is in tests/bench."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.compliance.matching import (
    BIRTH_DATE_AGREES,
    BIRTH_DATE_CONTRADICTS,
    BIRTH_DATE_NEAR_MISS,
    DEFAULT_THRESHOLD,
    Candidate,
    RegisterIndex,
    birth_date_adjustment,
    name_similarity,
    normalize_name,
)
from services.compliance.register import (
    FreezeRegister,
    PartialDate,
    entry_from_dict,
    entry_to_dict,
    parse_register,
)
from services.compliance.sample_register import SAMPLE_REGISTER_PATH
from tests.compliance.make_labelled_pairs import build_pairs, sexes_of

PAIRS_PATH = Path(__file__).parent / "labelled_pairs.json"

MATCH_VARIATIONS = {
    "accents", "case", "word_order", "hyphen", "apostrophe", "transliteration", "misspelling",
    "alias", "birth_date_match",
}  # fmt: skip
NO_MATCH_VARIATIONS = {
    "namesake_other_birth_date", "same_first_name_only", "same_last_name_only",
    "unrelated_french_name", "different_person",
}  # fmt: skip


@pytest.fixture(scope="module")
def register() -> FreezeRegister:
    return parse_register(SAMPLE_REGISTER_PATH.read_bytes())


@pytest.fixture(scope="module")
def index(register: FreezeRegister) -> RegisterIndex:
    return RegisterIndex(register)


@pytest.fixture(scope="module")
def pairs() -> list[dict[str, Any]]:
    loaded: list[dict[str, Any]] = json.loads(PAIRS_PATH.read_text(encoding="utf-8"))
    return loaded


def entry_id(register: FreezeRegister, display_name: str) -> str:
    return next(e.entry_id for e in register.entries if e.display_name == display_name)


def score_of(candidates: list[Candidate], wanted: str) -> float | None:
    return next((c.score for c in candidates if c.entry_id == wanted), None)


def screen_pair(index: RegisterIndex, query: dict[str, Any]) -> list[Candidate]:
    birth_date = date.fromisoformat(query["birth_date"]) if query["birth_date"] else None
    return index.screen(query["name"], birth_date=birth_date, kind=query["kind"])


# --- labelled pairs ------------------------------------------------------------------------


def test_the_labelled_pairs_cover_every_variation(
    pairs: list[dict[str, Any]], register: FreezeRegister
) -> None:
    assert len(pairs) >= 220
    ids = {e.entry_id for e in register.entries}
    assert all(p["entry_id"] in ids for p in pairs)
    matches = Counter(p["variation"] for p in pairs if p["match"])
    no_matches = Counter(p["variation"] for p in pairs if not p["match"])
    assert all(matches[v] >= 3 for v in MATCH_VARIATIONS), matches
    assert all(no_matches[v] >= 3 for v in NO_MATCH_VARIATIONS), no_matches


def test_the_committed_pairs_are_the_generators_output(pairs: list[dict[str, Any]]) -> None:
    raw = json.loads(SAMPLE_REGISTER_PATH.read_text(encoding="utf-8"))
    assert build_pairs(parse_register(raw).entries, sexes_of(raw)) == pairs


def test_precision_and_recall_on_the_labelled_pairs(
    index: RegisterIndex, pairs: list[dict[str, Any]]
) -> None:
    true_positives = false_positives = false_negatives = 0
    errors: list[str] = []
    for pair in pairs:
        candidates = screen_pair(index, pair["query"])
        predicted = any(c.entry_id == pair["entry_id"] for c in candidates)
        if predicted and pair["match"]:
            true_positives += 1
        elif predicted:
            false_positives += 1
        elif pair["match"]:
            false_negatives += 1
        if predicted != pair["match"]:
            errors.append(f"{pair['variation']}: {pair['query']} → entry {pair['entry_id']}")
    precision = true_positives / (true_positives + false_positives)
    recall = true_positives / (true_positives + false_negatives)
    print(
        f"\n{len(pairs)} labelled pairs at threshold {DEFAULT_THRESHOLD}: "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    print("\n".join(errors))
    assert precision >= 0.95
    assert recall >= 0.95


# --- behaviours ----------------------------------------------------------------------------


def test_normalize_name_folds_script_case_accents_and_punctuation() -> None:
    assert normalize_name("  Élodie  Núñez-Dupont ") == "elodie nunez dupont"
    assert normalize_name("O'Brien, Seán") == "o brien sean"
    assert normalize_name("Иван Петров") == "ivan petrov"


def test_accents_and_case_do_not_prevent_a_match(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    petrov = entry_id(register, "Ivan Sergeyevich PETROV")
    for name in ["ÍVAN PETRÓV", "ivan petrov", "Ivan Pétrov"]:
        assert score_of(index.screen(name), petrov) == 1.0, name


def test_word_order_does_not_matter(index: RegisterIndex, register: FreezeRegister) -> None:
    kovalenko = entry_id(register, "Olena KOVALENKO")
    petrov = entry_id(register, "Ivan Sergeyevich PETROV")
    assert score_of(index.screen("KOVALENKO Olena"), kovalenko) == 1.0
    assert score_of(index.screen("Petrov Ivan Sergeyevich"), petrov) == 1.0


def test_hyphens_and_apostrophes_do_not_matter(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    rashid = entry_id(register, "Mohammed AL-RASHID")
    for name in [
        "Mohammed Al Rashid",
        "Mohammed Alrashid",
        "AL-RASHID Mohammed",
        "Mohammed Al’Rashid",
    ]:
        assert score_of(index.screen(name), rashid) == 1.0, name


def test_an_alias_in_cyrillic_matches(index: RegisterIndex, register: FreezeRegister) -> None:
    severnaya = entry_id(register, "SEVERNAYA LOGISTIKA OOO")
    (candidate,) = index.screen("Северная Логистика", kind="entity")
    assert candidate.entry_id == severnaya
    assert candidate.name == "SEVERNAYA LOGISTIKA OOO"
    assert candidate.url.endswith(f"idRegistre={severnaya}")


def test_a_name_written_in_cyrillic_matches_the_latin_name(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    petrov = entry_id(register, "Ivan Sergeyevich PETROV")
    # Not the alias: anyascii gives "Sergeevich", the register spells "Sergeyevich".
    candidates = index.screen("Петров Иван Сергеевич")
    assert [c.entry_id for c in candidates] == [petrov]
    assert candidates[0].score >= 0.95


def test_latin_transliteration_variants_score_reasonably(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    rashid = entry_id(register, "Mohammed AL-RASHID")
    assert (score_of(index.screen("Muhammad Al-Rashid"), rashid) or 0) >= DEFAULT_THRESHOLD
    assert name_similarity("Youssef Haddad", "Yusuf HADDAD") >= DEFAULT_THRESHOLD
    assert name_similarity("Sergueï Volkov", "Sergey VOLKOV") >= DEFAULT_THRESHOLD


def test_a_name_in_arabic_script_matches(index: RegisterIndex, register: FreezeRegister) -> None:
    rashid = entry_id(register, "Mohammed AL-RASHID")
    assert score_of(index.screen("محمد الرشيد"), rashid) == 1.0


def test_small_misspellings_still_match(index: RegisterIndex, register: FreezeRegister) -> None:
    kovalenko = entry_id(register, "Olena KOVALENKO")
    for name in ["Olena Kovalneko", "Olena Kowalenko", "Olenna Kovalenco"]:
        assert score_of(index.screen(name), kovalenko) is not None, name


def test_a_given_name_the_register_leaves_out_still_matches(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    kovalenko = entry_id(register, "Olena KOVALENKO")
    assert score_of(index.screen("Olena Mykolaivna Kovalenko"), kovalenko) == 0.95


def test_a_contradicting_birth_date_lowers_the_score(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    petrov = entry_id(register, "Ivan Sergeyevich PETROV")
    low = 0.5
    without = score_of(index.screen("Ivan Petrov", threshold=low), petrov)
    years_apart = score_of(
        index.screen("Ivan Petrov", birth_date=date(1990, 4, 12), threshold=low), petrov
    )
    a_year_apart = score_of(
        index.screen("Ivan Petrov", birth_date=date(1962, 4, 12), threshold=low), petrov
    )
    other_day = score_of(
        index.screen("Ivan Petrov", birth_date=date(1961, 4, 21), threshold=low), petrov
    )
    assert without == 1.0
    assert years_apart == pytest.approx(1.0 + BIRTH_DATE_CONTRADICTS)
    assert a_year_apart == other_day == pytest.approx(1.0 + BIRTH_DATE_NEAR_MISS)
    # A namesake born decades later is not a match at the default threshold.
    assert index.screen("Ivan Petrov", birth_date=date(1990, 4, 12)) == []


def test_a_matching_birth_date_raises_the_score(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    kovalenko = entry_id(register, "Olena KOVALENKO")
    without = score_of(index.screen("Olena Kovalneko", threshold=0.5), kovalenko)
    with_date = score_of(
        index.screen("Olena Kovalneko", birth_date=date(1982, 3, 7), threshold=0.5), kovalenko
    )
    assert without is not None
    assert with_date is not None
    assert with_date == pytest.approx(min(1.0, without + BIRTH_DATE_AGREES))
    assert with_date > without
    # Capped: an exact name with the right date stays at 1.
    assert score_of(index.screen("Olena Kovalenko", birth_date=date(1982, 3, 7)), kovalenko) == 1.0


def test_a_partial_birth_date_is_neutral_on_unknown_parts(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    rashid = entry_id(register, "Mohammed AL-RASHID")  # born in 1975, month and day unknown
    name = "Muhammad Al-Rashid"
    base = score_of(index.screen(name, threshold=0.5), rashid)
    january = score_of(index.screen(name, birth_date=date(1975, 1, 1), threshold=0.5), rashid)
    december = score_of(index.screen(name, birth_date=date(1975, 12, 31), threshold=0.5), rashid)
    year_only = score_of(
        index.screen(name, birth_date=PartialDate(1975, None, None), threshold=0.5), rashid
    )
    other_year = score_of(index.screen(name, birth_date=date(1980, 1, 1), threshold=0.5), rashid)
    assert base is not None
    assert january == december == year_only == pytest.approx(min(1.0, base + BIRTH_DATE_AGREES))
    assert other_year is not None
    assert other_year < base


def test_a_partial_client_birth_date_is_neutral_on_unknown_parts() -> None:
    full = PartialDate(1961, 4, 12)
    assert birth_date_adjustment(PartialDate(1961, None, None), [full]) == BIRTH_DATE_AGREES
    assert birth_date_adjustment(PartialDate(1961, 4, None), [full]) == BIRTH_DATE_AGREES
    assert birth_date_adjustment(PartialDate(1961, 5, None), [full]) == BIRTH_DATE_NEAR_MISS
    assert birth_date_adjustment(PartialDate(None, None, None), [full]) == 0.0
    assert birth_date_adjustment(date(1961, 4, 12), []) == 0.0
    assert birth_date_adjustment(None, [full]) == 0.0


def test_several_register_birth_dates_match_if_any_agrees() -> None:
    dates = [PartialDate(1956, 11, None), PartialDate(1958, None, None)]
    assert birth_date_adjustment(date(1958, 6, 1), dates) == BIRTH_DATE_AGREES
    assert birth_date_adjustment(date(1956, 11, 3), dates) == BIRTH_DATE_AGREES
    assert birth_date_adjustment(date(1957, 1, 1), dates) == BIRTH_DATE_NEAR_MISS
    assert birth_date_adjustment(date(1970, 1, 1), dates) == BIRTH_DATE_CONTRADICTS


def test_score_is_between_zero_and_one(index: RegisterIndex, pairs: list[dict[str, Any]]) -> None:
    for pair in pairs[:120]:
        query = pair["query"]
        birth_date = date.fromisoformat(query["birth_date"]) if query["birth_date"] else None
        candidates = index.screen(
            query["name"], birth_date=birth_date, kind=query["kind"], threshold=0.01, limit=1000
        )
        scores = [c.score for c in candidates]
        assert scores, query["name"]
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert all(round(s, 3) == s for s in scores)
        assert scores == sorted(scores, reverse=True)


def test_threshold_and_limit_are_respected(index: RegisterIndex) -> None:
    loose = index.screen("Mohammed Haddad", threshold=0.6, limit=50)
    assert len(loose) > 3
    assert all(c.score >= 0.6 for c in loose)
    assert index.screen("Mohammed Haddad", threshold=0.6, limit=3) == loose[:3]


def test_persons_and_entities_are_screened_apart(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    assert index.screen("Severnaya Logistika") == []
    assert index.screen("Ivan Petrov", kind="entity") == []
    assert [c.name for c in index.screen("Severnaya Logistika LLC", kind="entity")] == [
        "SEVERNAYA LOGISTIKA OOO"
    ]


def test_vessels_are_screened_as_entities(index: RegisterIndex, register: FreezeRegister) -> None:
    vessel = next(e for e in register.entries if e.nature == "vessel")
    candidates = index.screen(vessel.last_name.title(), kind="entity")
    assert candidates
    assert candidates[0].entry_id == vessel.entry_id


def test_entities_sharing_only_generic_words_do_not_match(index: RegisterIndex) -> None:
    assert index.screen("Severnaya Shipping Lines", kind="entity") == []
    assert index.screen("Uralskaya Logistika", kind="entity") == []


def test_an_unlisted_french_client_has_no_candidate(index: RegisterIndex) -> None:
    assert index.screen("Élodie Núñez-Dupont", birth_date=date(1988, 5, 17)) == []
    assert index.screen("Élodie Núñez-Dupont") == []


def test_a_name_with_nothing_to_screen_is_refused(index: RegisterIndex) -> None:
    with pytest.raises(ValueError, match="nothing to screen"):
        index.screen(" - ' ")
    with pytest.raises(ValueError, match="kind"):
        index.screen("Ivan Petrov", kind="vessel")
    with pytest.raises(ValueError, match="threshold"):
        index.screen("Ivan Petrov", threshold=0)


def test_an_index_of_stored_entries_screens_like_the_original(
    index: RegisterIndex, register: FreezeRegister
) -> None:
    stored = [entry_to_dict(e) for e in register.entries]
    rebuilt = RegisterIndex(
        FreezeRegister(register.published_at, tuple(entry_from_dict(d) for d in stored))
    )
    for name in ["Ivan Petrov", "Muhammad Al Rashid", "Olena Kovalneko"]:
        assert rebuilt.screen(name) == index.screen(name)
