"""Keyset paging: page sizes checked against their limits, and opaque cursors carrying the sort
keys of the last row shown, so that the next page starts right after it (no offset to skip,
no row seen twice when rows are added meanwhile).

A cursor is base64url of JSON: the keys and a short checksum bound to the listing. Rows are
always scoped by the caller's tenant, so a forged cursor can only move within the caller's own
rows; the checksum is there to refuse a cursor that was edited, cut, or taken from another
listing with a clear error rather than a wrong page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson

from runtime.errors import FieldViolation, InvalidInput
from runtime.store import Filter, Sort

Row = TypeVar("Row")
CursorKey = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Page(Generic[Row]):
    """One page of a listing: its rows, the cursor of each row, whether more follow and how
    many rows the whole listing has."""

    rows: list[Row]
    cursors: list[str]
    has_next_page: bool
    total_count: int

    @property
    def end_cursor(self) -> str:
        return self.cursors[-1] if self.cursors else ""


def page_size(first: int, *, default: int, maximum: int, field: str = "first") -> int:
    """The number of rows to return: ``default`` when not given (0, proto3's unset), else
    ``first`` if it is 1 to ``maximum``."""
    if first == 0:
        return default
    if not 1 <= first <= maximum:
        raise InvalidInput(FieldViolation(field, f"must be between 1 and {maximum}"))
    return first


def _checksum(listing: str, body: bytes) -> str:
    return hashlib.blake2b(body, key=listing.encode()[:64], digest_size=6).hexdigest()


def encode_cursor(keys: Sequence[CursorKey], *, listing: str) -> str:
    """The cursor of a row whose sort keys are ``keys`` in the listing named ``listing``."""
    body = orjson.dumps(list(keys))
    token = orjson.dumps({"k": list(keys), "c": _checksum(listing, body)})
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode()


def decode_cursor(
    cursor: str, *, listing: str, arity: int, field: str = "after"
) -> list[CursorKey]:
    """The sort keys a cursor of ``listing`` carries; any other string is InvalidInput."""
    refused = InvalidInput(FieldViolation(field, "not a cursor returned by this listing"))
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        token = orjson.loads(raw)
    except (ValueError, binascii.Error):
        raise refused from None
    if not isinstance(token, dict) or set(token) != {"k", "c"}:
        raise refused
    keys = token["k"]
    if (
        not isinstance(keys, list)
        or len(keys) != arity
        or not all(k is None or isinstance(k, str | int | float | bool) for k in keys)
        or token["c"] != _checksum(listing, orjson.dumps(keys))
    ):
        raise refused
    return keys


def _field(row: Mapping[str, Any], name: str) -> Any:
    value: Any = row
    for part in name.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def cursor_of(row: Mapping[str, Any], sort: Sort, *, listing: str) -> str:
    """The cursor of a stored row in a listing ordered by ``sort``."""
    return encode_cursor([_field(row, name) for name, _ in sort], listing=listing)


def after(sort: Sort, keys: Sequence[CursorKey]) -> Filter:
    """The store filter of the rows strictly after ``keys`` in ``sort`` order: for
    ``(a, b)`` ascending, ``a > ka OR (a = ka AND b > kb)``. The last sort field must be
    unique (the id), or rows sharing every key would be skipped."""
    if len(keys) != len(sort):
        raise ValueError("one key per sort field")
    alternatives: list[dict[str, Any]] = []
    for i, (name, direction) in enumerate(sort):
        equal = {sort[j][0]: keys[j] for j in range(i)}
        alternatives.append({**equal, name: {"$gt" if direction >= 0 else "$lt": keys[i]}})
    return {"$or": alternatives}
