"""Screen a person's or an entity's name (and birth date) against the asset-freeze register,
tolerating case, accents, word order, hyphens, apostrophes, other scripts and small typos."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Final

from anyascii import anyascii
from rapidfuzz import fuzz, process

from services.compliance.register import FreezeRegister, PartialDate, RegisterEntry

DEFAULT_THRESHOLD: Final = 0.85

# Birth-date evidence, added to the name score. A year two or more apart is strong evidence of
# a namesake: it takes even an identical name below DEFAULT_THRESHOLD. A year one apart or a
# different day/month in the same year is often a typo or an approximate date, so it weighs
# less and an identical name still reaches the threshold.
BIRTH_DATE_AGREES: Final = 0.05
BIRTH_DATE_NEAR_MISS: Final = -0.10
BIRTH_DATE_CONTRADICTS: Final = -0.20

# Weight of the plain spelling in the score that blends it with the consonant skeleton; the
# skeleton alone would equate too many short names (it ignores every vowel).
SPELLING_WEIGHT: Final = 0.6

# A client's civil name often carries given names the register leaves out ("Mohammed Ahmad
# ISSA" for the listed "Mohammed ISSA"): each such extra word costs this much (0..100 scale).
EXTRA_NAME_COST: Final = 5.0
MAX_EXTRA_NAMES: Final = 2

# A register word is present in an entity name if some word of it is this alike (0..100):
# one wrong letter in a word of four letters or more, two in a word of eight or more.
WORD_PRESENT: Final = 75.0

KINDS: Final = {"person": frozenset({"person"}), "entity": frozenset({"entity", "vessel"})}

# Arabic article: "Al-Rashid", "Al Rashid" and "Alrashid" must give the same token so that the
# article cannot be sorted away from its noun when words are reordered.
_ARTICLES: Final = frozenset({"al", "el"})

# Legal forms say nothing about which company it is, and are translated freely
# ("OOO" ↔ "LLC"), so entity names are also compared without them.
_LEGAL_FORMS: Final = frozenset(
    {
        "ao", "cjsc", "co", "company", "corp", "corporation", "fze", "fzco", "fzc", "gmbh",
        "inc", "jsc", "llc", "ltd", "limited", "oao", "ooo", "pao", "pjsc", "plc", "sa", "sarl",
        "sas", "zao",
    }
)  # fmt: skip

# Spellings that Latin transliterations of the same sound use interchangeably.
_SOUND_SPELLINGS: Final = (
    ("dzh", "j"),
    ("dj", "j"),
    ("ph", "f"),
    ("ck", "k"),
    ("gh", "k"),
    ("q", "k"),
    ("x", "ks"),
)
_VOWELS: Final = re.compile(r"[aeiouy]")
# Arabic script writes long u/ou and i/ee with the letters anyascii renders "w" and "y"
# ("يوسف" → "ywsf" for "Youssef"), and no short vowels at all, not even a leading one.
_ABJAD_VOWELS: Final = re.compile(r"[aeiouyw]")
# Scripts that write no short vowels: a name in them can only be compared by its consonants.
_ABJAD: Final = re.compile(r"[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufefc]")
_REPEATS: Final = re.compile(r"(.)\1+")
_APOSTROPHES: Final = re.compile(r"['`]")
_NOT_ALPHANUMERIC: Final = re.compile(r"[^a-z0-9]+")


def _fold(text: str, apostrophe: str) -> str:
    ascii_text = anyascii(text).lower()
    ascii_text = _APOSTROPHES.sub(apostrophe, ascii_text)
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", ascii_text).split())


def normalize_name(text: str) -> str:
    """Latin script, lower case, hyphens/apostrophes/punctuation as single spaces."""
    return _fold(text, " ")


@dataclass(frozen=True, slots=True)
class _NameForms:
    """The spellings of one name that the scores compare."""

    tokens: tuple[str, ...]
    sorted_tokens: str
    compact: str
    compact_reversed: str
    skeleton: str
    consonants: str
    abjad: bool


def _tokens(text: str, *, without_legal_forms: bool) -> list[str]:
    # Apostrophes are dropped rather than spaced: "Sa'id", "Ol'ga" (Cyrillic soft sign) and
    # "O'Brien" are single words whose apostrophe is often omitted.
    tokens: list[str] = []
    for word in _fold(text, "").split():
        if tokens and tokens[-1] in _ARTICLES:
            tokens[-1] += word
        else:
            tokens.append(word)
    if without_legal_forms:
        meaningful = [t for t in tokens if t not in _LEGAL_FORMS]
        if meaningful:
            tokens = meaningful
    return tokens


def _sounds(token: str) -> str:
    for spelling, sound in _SOUND_SPELLINGS:
        token = token.replace(spelling, sound)
    return token


def _skeleton(token: str) -> str:
    """Latin skeleton: "Mohammed"/"Muhammad" → "mhmd", "Youssef"/"Yusuf" → "ysf".

    The first letter stays even when it is a vowel: "Omar" and "Amir" must not look alike.
    """
    token = _sounds(token)
    return _REPEATS.sub(r"\1", token[:1] + _VOWELS.sub("", token[1:]))


def _consonants(token: str) -> str:
    """What Arabic script keeps of a name: "Youssef" → "sf", "يوسف" ("ywsf") → "sf"."""
    token = _sounds(token)
    return _REPEATS.sub(r"\1", _ABJAD_VOWELS.sub("", token)) or token[:1]


def _forms(text: str, *, without_legal_forms: bool = False) -> _NameForms:
    tokens = _tokens(text, without_legal_forms=without_legal_forms)
    return _NameForms(
        tokens=tuple(tokens),
        sorted_tokens=" ".join(sorted(tokens)),
        compact="".join(tokens),
        # Registers put the family name first as often as last; this catches "Jongun Kim"
        # against "KIM Jong Un" where sorting whole words cannot help.
        compact_reversed="".join(tokens[-1:] + tokens[:-1]),
        skeleton=" ".join(sorted(_skeleton(t) for t in tokens)),
        consonants=" ".join(sorted(_consonants(t) for t in tokens)),
        abjad=_ABJAD.search(text) is not None,
    )


def _extra_names(query: _NameForms, variant: _NameForms) -> int | None:
    """How many words the query adds to a variant it wholly contains, None if it does not."""
    extra = len(query.tokens) - len(variant.tokens)
    if len(variant.tokens) < 2 or not 1 <= extra <= MAX_EXTRA_NAMES:
        return None
    return extra if set(variant.tokens) <= set(query.tokens) else None


def _similarity(query: _NameForms, variant: _NameForms) -> float:
    """0..100: the best of word-order-free spelling, spacing-free spelling, spelling blended
    with the consonant skeleton (for transliteration variants), and containment."""
    spelling = fuzz.ratio(query.sorted_tokens, variant.sorted_tokens)
    spacing = max(
        fuzz.ratio(query.compact, variant.compact),
        fuzz.ratio(query.compact, variant.compact_reversed),
    )
    if query.abjad:
        # The query has no vowels to compare. Only the query's script counts: a register
        # alias in Arabic script sits next to the entry's Latin name, which is compared too.
        sound = fuzz.ratio(query.consonants, variant.consonants)
        best = max(spelling, spacing, sound)
    else:
        sound = fuzz.ratio(query.skeleton, variant.skeleton)
        best = max(spelling, spacing, SPELLING_WEIGHT * spelling + (1 - SPELLING_WEIGHT) * sound)
    extra = _extra_names(query, variant)
    if extra is not None:
        best = max(best, 100 - EXTRA_NAME_COST * extra)
    return best


def name_similarity(query: str, name: str) -> float:
    """Similarity of two person names, 0..1, before any birth-date evidence.

    Entity screening also weighs each word by how rare it is in the register, which needs a
    RegisterIndex; this function is the spelling part alone.
    """
    return _similarity(_forms(query), _forms(name)) / 100


def _date_evidence(query: PartialDate, entry_date: PartialDate) -> float:
    if query.year is None or entry_date.year is None:
        return 0.0
    gap = abs(query.year - entry_date.year)
    if gap >= 2:
        return BIRTH_DATE_CONTRADICTS
    if gap == 1:
        return BIRTH_DATE_NEAR_MISS
    if query.month is not None and entry_date.month is not None:
        if query.month != entry_date.month:
            return BIRTH_DATE_NEAR_MISS
        if query.day is not None and entry_date.day is not None and query.day != entry_date.day:
            return BIRTH_DATE_NEAR_MISS
    return BIRTH_DATE_AGREES


def birth_date_adjustment(
    birth_date: date | PartialDate | None, entry_dates: Iterable[PartialDate]
) -> float:
    """What a birth date adds to (or takes from) a name score; 0 when nothing is known.

    Parts unknown on either side are neutral; with several register dates the most
    favourable one counts, as the register lists every date the person is known to use.
    """
    if birth_date is None:
        return 0.0
    query = (
        birth_date
        if isinstance(birth_date, PartialDate)
        else PartialDate(birth_date.year, birth_date.month, birth_date.day)
    )
    return max((_date_evidence(query, d) for d in entry_dates), default=0.0)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A register entry that may be the screened person or entity."""

    entry_id: str
    name: str
    matched_name: str
    score: float
    url: str


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, got {kind!r}")


@dataclass(frozen=True, slots=True)
class _Row:
    """One spelling of one name variant of one entry."""

    entry: int
    name: str
    forms: _NameForms


class _KindIndex:
    """The name variants of the entries of one kind, in the forms the scores compare."""

    def __init__(self, entries: Iterable[RegisterEntry], kind: str) -> None:
        self.kind = kind
        self.entries = list(entries)
        self.rows: list[_Row] = []
        for position, entry in enumerate(self.entries):
            for variant in entry.name_variants:
                spellings = [_forms(variant)]
                if kind == "entity":
                    spellings.append(_forms(variant, without_legal_forms=True))
                for forms in dict.fromkeys(spellings):
                    if forms.compact:
                        self.rows.append(_Row(position, variant, forms))

        self.sorted_tokens = [r.forms.sorted_tokens for r in self.rows]
        self.skeletons = [r.forms.skeleton for r in self.rows]
        self.consonants = [r.forms.consonants for r in self.rows]
        # Both compact orders in one list: row i sits at 2i and 2i+1.
        self.compacts = [c for r in self.rows for c in (r.forms.compact, r.forms.compact_reversed)]
        self.rows_by_token: dict[str, list[int]] = {}
        entries_by_token: dict[str, set[int]] = {}
        for number, row in enumerate(self.rows):
            for token in set(row.forms.tokens):
                self.rows_by_token.setdefault(token, []).append(number)
                entries_by_token.setdefault(token, set()).add(row.entry)
        self.entry_frequency = {t: len(e) for t, e in entries_by_token.items()}

    def retrieve(self, query: _NameForms, cutoff: float) -> set[int]:
        """Numbers of every row whose score can reach ``cutoff`` (0..100).

        Exact, not a heuristic shortlist: each part of the score is searched with the cutoff;
        the blended part is a weighted mean of spelling and skeleton, so when it reaches the
        cutoff while spelling does not, the skeleton does.
        """
        found: set[int] = set()
        for choices, query_form, stride in (
            (self.sorted_tokens, query.sorted_tokens, 1),
            (self.compacts, query.compact, 2),
            (self.consonants, query.consonants, 1)
            if query.abjad
            else (self.skeletons, query.skeleton, 1),
        ):
            matches = process.extract(
                query_form,
                choices,
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=cutoff,
                limit=None,
            )
            found.update(number // stride for _, _, number in matches)
        if len(query.tokens) > 2:
            sharing = {n for t in set(query.tokens) for n in self.rows_by_token.get(t, ())}
            found.update(n for n in sharing if _extra_names(query, self.rows[n].forms) is not None)
        return found

    def _weight(self, token: str) -> float:
        """Inverse entry frequency: a word many entries share ("trading") identifies little."""
        frequency = self.entry_frequency.get(token, 0)
        return 1 + math.log((1 + len(self.entries)) / (1 + frequency))

    def coverage(self, query: _NameForms, variant: _NameForms) -> float:
        """0..100: how much of the register name's distinctive words the query holds.

        Entity names share generic words ("Shipping Lines", "Trading Company"), which carry
        a spelling score on their own; this weighs each register word by its rarity, and a
        word that is not there counts nothing even if it shares letters ("Uralskaya" and
        "Volzhskaya" are 63 % alike).
        """
        total = present = 0.0
        for token in variant.tokens:
            weight = self._weight(token)
            total += weight
            # A word joined to its neighbour in the query ("Severozapadnaya") is present.
            if len(token) >= 4 and token in query.compact:
                present += weight
                continue
            best = max(fuzz.ratio(token, other) for other in query.tokens)
            if best >= WORD_PRESENT:
                present += weight * best / 100
        return 100 * present / total

    def score(self, query: _NameForms, row: _Row) -> float:
        similarity = _similarity(query, row.forms)
        if self.kind == "entity":
            return min(similarity, self.coverage(query, row.forms))
        return similarity


class RegisterIndex:
    """A register prepared for screening many names quickly."""

    def __init__(self, register: FreezeRegister) -> None:
        self.register = register
        self._kinds = {
            kind: _KindIndex((e for e in register.entries if e.nature in natures), kind)
            for kind, natures in KINDS.items()
        }

    @property
    def variant_count(self) -> int:
        """Distinct spellings searched, over all kinds."""
        return sum(len(k.rows) for k in self._kinds.values())

    def screen(
        self,
        full_name: str,
        *,
        birth_date: date | PartialDate | None = None,
        kind: str = "person",
        threshold: float = DEFAULT_THRESHOLD,
        limit: int = 5,
    ) -> list[Candidate]:
        """Entries of this kind whose score reaches ``threshold``, best first."""
        _check_kind(kind)
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        if limit < 1:
            raise ValueError(f"limit must be at least 1, got {limit}")
        queries = [_forms(full_name)]
        if kind == "entity":
            # With and without legal forms, as the register's names: a typo can hide a legal
            # form from the list ("Companny") and leave the others on one side only.
            queries = list(dict.fromkeys([*queries, _forms(full_name, without_legal_forms=True)]))
        if not queries[0].compact:
            # Screening nothing must not look like a clean result.
            raise ValueError(f"nothing to screen in the name {full_name!r}")
        index = self._kinds[kind]

        best_bonus = BIRTH_DATE_AGREES if birth_date is not None else 0.0
        # A small margin so that a score rounding up to the threshold is not lost.
        cutoff = max(0.0, (threshold - best_bonus) * 100 - 0.05)
        best: dict[int, tuple[float, _Row]] = {}
        for query in queries:
            for number in index.retrieve(query, cutoff):
                row = index.rows[number]
                score = index.score(query, row)
                if row.entry not in best or score > best[row.entry][0]:
                    best[row.entry] = (score, row)

        candidates: list[Candidate] = []
        for name_score, row in best.values():
            candidate = _candidate(index.entries[row.entry], row, name_score, birth_date)
            if candidate.score >= threshold:
                candidates.append(candidate)
        candidates.sort(key=lambda c: (-c.score, c.entry_id))
        return candidates[:limit]


def _candidate(
    entry: RegisterEntry, row: _Row, name_score: float, birth_date: date | PartialDate | None
) -> Candidate:
    adjusted = name_score / 100 + birth_date_adjustment(birth_date, entry.birth_dates)
    return Candidate(
        entry_id=entry.entry_id,
        name=entry.display_name,
        matched_name=row.name,
        score=round(min(1.0, max(0.0, adjusted)), 3),
        url=entry.url,
    )
