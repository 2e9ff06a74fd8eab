"""Duplicate suspects: the existing files a client resembles, with a score and the reasons.

Evidence is read from what every stored client already carries: its name, and its match keys
(``search_keys``: phones in E.164, emails, birth date, SIREN, and a blind index of each IBAN,
see the repository). Candidates are found through those keys in one store query for a whole
batch of clients: a key in common, or a name word sharing its first three letters.

Each piece of evidence is a probability-like weight, combined as independent evidence
(``1 - Π(1 - w)``):

- **name** (rapidfuzz on the folded words: case, accents, hyphens, word order and a missing
  given name set aside): its similarity when at least ``NAME_FLOOR`` (between a person and a
  company, only when one name holds the other's words: a sole trader under their own name),
  raised by a birth date (a SIREN, for a company) in common, lowered a little by a near-miss
  birth date (a typo), a lot by a different date or SIREN (a namesake), and a little when
  either is unknown;
- a **SIREN** in common: nearly decisive (the same company);
- an **IBAN**, an **email** or a **phone** in common: each alone is not enough (a household
  shares a phone and often an account), together or with a name they are;
- a **birth date** in common counts on its own only when the names differ (a married name).

A file is a suspect from ``DUPLICATE_THRESHOLD``. The weights were set on the labelled pairs in
``tests/identity/duplicate_pairs.py`` (precision and recall are printed by its test).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from rapidfuzz import fuzz

from services.identity.models import Client
from services.identity.search import words

DUPLICATE_THRESHOLD: Final = 0.75
NAME_FLOOR: Final = 0.80
MAX_CANDIDATES: Final = 2_000

_SAME_BIRTH_DATE: Final = 0.08
_NEAR_BIRTH_DATE: Final = -0.12
_OTHER_BIRTH_DATE: Final = -0.55
_UNKNOWN_BIRTH_DATE: Final = -0.06
# A name that contains the other's words and more ("Marie Claire Dupont" / "Marie Dupont").
_SUBSET_COST: Final = 0.08

_WEIGHTS: Final = {"s": 0.9, "i": 0.45, "e": 0.55, "p": 0.35}
_BIRTH_ALONE: Final = 0.3
_KEY_REASONS: Final = {
    "s": "SAME_SIREN",
    "i": "SAME_IBAN",
    "e": "SAME_EMAIL",
    "p": "SAME_PHONE",
}
_MATCH_PREFIXES: Final = ("s:", "i:", "e:", "p:", "b:")

# Legal forms say nothing about which company it is.
_LEGAL_FORMS: Final = frozenset(
    {
        "sa", "sas", "sasu", "sarl", "eurl", "sci", "snc", "scop", "scp", "selarl", "selas",
        "earl", "gaec", "ei", "eirl", "gie", "scea", "ste", "societe", "cie", "et",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Suspect:
    client: Client
    score: float
    reasons: tuple[str, ...]


def match_keys(client: Client) -> set[str]:
    """The client's keys that other files may share (see search.search_keys)."""
    return {k for k in client.get("search_keys", []) if k.startswith(_MATCH_PREFIXES)}


def name_words(client: Client) -> list[str]:
    if client.get("kind") == "professional":
        legal_name = (client.get("professional") or {}).get("legal_name", "")
        if legal_name:
            return [w for w in words(legal_name) if w not in _LEGAL_FORMS]
    return words(f"{client.get('first_name', '')} {client.get('last_name', '')}")


def candidate_filter(clients: Iterable[Client]) -> dict[str, Any] | None:
    """One store filter finding every possible suspect of ``clients``."""
    keys: set[str] = set()
    prefixes: set[str] = set()
    for client in clients:
        keys |= match_keys(client)
        prefixes |= {f"n:{w[:3]}" for w in name_words(client) if len(w) >= 3}
    alternatives: list[dict[str, Any]] = [{"search_keys": {"$prefix": p}} for p in sorted(prefixes)]
    if keys:
        alternatives.insert(0, {"search_keys": {"$in": sorted(keys)}})
    return {"$or": alternatives} if alternatives else None


def _birth_date(client: Client) -> str:
    return (client.get("personal") or {}).get("birth_date", "")


def _near(one: str, other: str) -> bool:
    """Two dates a typo apart: one digit different, or day and month swapped."""
    if len(one) != len(other):
        return False
    if sum(a != b for a, b in zip(one, other, strict=True)) == 1:
        return True
    try:
        a, b = date.fromisoformat(one), date.fromisoformat(other)
    except ValueError:
        return False
    return a.year == b.year and (a.month, a.day) == (b.day, b.month)


def name_similarity(one: Sequence[str], other: Sequence[str]) -> tuple[float, str]:
    """0..1 and the reason (SAME_NAME, SIMILAR_NAME or "" below the floor)."""
    if not one or not other:
        return 0.0, ""
    if sorted(one) == sorted(other):
        return 1.0, "SAME_NAME"
    a, b = " ".join(one), " ".join(other)
    score = fuzz.token_sort_ratio(a, b) / 100
    if _within(one, other):
        score = max(score, 1.0 - _SUBSET_COST)
    else:
        # Compound names written apart or together ("Jean-Pierre" / "Jeanpierre").
        joined = max(
            fuzz.ratio("".join(one), "".join(other)),
            fuzz.ratio("".join(sorted(one)), "".join(sorted(other))),
        )
        score = max(score, joined / 100 - 0.02)
    return (score, "SIMILAR_NAME") if score >= NAME_FLOOR else (0.0, "")


def _within(one: Sequence[str], other: Sequence[str]) -> bool:
    """Whether every word of one name is a word of the other."""
    return set(one) <= set(other) or set(other) <= set(one)


def _sirens(client: Client) -> set[str]:
    return {k for k in client.get("search_keys", []) if k.startswith("s:")}


def _name_adjustment(client: Client, other: Client) -> float:
    """What the name's weight gains or loses from what tells namesakes apart: the birth date
    of a person, the SIREN of a company."""
    sirens, other_sirens = _sirens(client), _sirens(other)
    if sirens and other_sirens:
        return _SAME_BIRTH_DATE if sirens & other_sirens else _OTHER_BIRTH_DATE
    born, other_born = _birth_date(client), _birth_date(other)
    if not born or not other_born:
        return _UNKNOWN_BIRTH_DATE
    if born == other_born:
        return _SAME_BIRTH_DATE
    return _NEAR_BIRTH_DATE if _near(born, other_born) else _OTHER_BIRTH_DATE


def resemblance(client: Client, other: Client) -> tuple[float, tuple[str, ...]]:
    """How much ``other`` looks like the same client as ``client``: a score and its reasons."""
    reasons: list[str] = []
    weights: list[float] = []
    words, other_words = name_words(client), name_words(other)
    name, name_reason = name_similarity(words, other_words)
    if name and client.get("kind") != other.get("kind") and not _within(words, other_words):
        # A company named like a person ("Agence Fournier", "Agnès Fournier") is not that
        # person; a sole trader under their own name ("Agnès Fournier EI") still is.
        name, name_reason = 0.0, ""
    born = _birth_date(client)
    same_birth = bool(born) and born == _birth_date(other)
    if name:
        reasons.append(name_reason)
        weights.append(min(max(name + _name_adjustment(client, other), 0.0), 0.99))
    elif same_birth:
        weights.append(_BIRTH_ALONE)
    if same_birth:
        reasons.append("SAME_BIRTH_DATE")
    shared = match_keys(client) & match_keys(other)
    for prefix, reason in _KEY_REASONS.items():
        if any(key.startswith(f"{prefix}:") for key in shared):
            weights.append(_WEIGHTS[prefix])
            reasons.append(reason)
    score = 1.0 - math.prod(1.0 - w for w in weights)
    return round(score, 3), tuple(reasons)


def suspects_of(client: Client, candidates: Iterable[Client], limit: int) -> list[Suspect]:
    """The candidates that are suspects of ``client``, best first, ``limit`` at most."""
    found = []
    for other in candidates:
        if other["id"] == client["id"]:
            continue
        score, reasons = resemblance(client, other)
        if score >= DUPLICATE_THRESHOLD:
            found.append(Suspect(other, score, reasons))
    found.sort(key=lambda s: (-s.score, s.client.get("reference", ""), s.client["id"]))
    return found[:limit]
