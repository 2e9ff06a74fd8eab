"""The "title or number" filter: the words of a title and the forms of a number, folded (case
and accents set aside), kept as ``search_keys``; a query matches when each of its words starts
one of them."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_keys(title: str, number: str) -> list[str]:
    folded_title = fold(title)
    keys = set(_WORD.findall(folded_title)) | set(folded_title.split())
    folded_number = fold(number)
    digits = "".join(c for c in folded_number if c.isdigit())
    keys |= {folded_number, folded_number.replace("-", ""), digits, digits.lstrip("0")}
    return sorted(k for k in keys if k)


def search_filter(query: str) -> dict[str, Any] | None:
    """Every word of ``query`` starts a key; None for a blank query."""
    words = fold(query).split()
    if not words:
        return None
    return {"$and": [{"search_keys": {"$prefix": word}} for word in words]}
