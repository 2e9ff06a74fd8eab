"""Keyset paging: page sizes within limits, opaque cursors that refuse tampering, and the
filter that resumes after a row — checked against a real SQLite store."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.paging import after, cursor_of, decode_cursor, encode_cursor, page_size
from runtime.store import CollectionSpec
from runtime.store.sqlite import SqliteStore

SORT = (("name", 1), ("id", 1))


def test_a_page_size_defaults_and_stays_within_its_limit() -> None:
    assert page_size(0, default=20, maximum=200) == 20
    assert page_size(1, default=20, maximum=200) == 1
    assert page_size(200, default=20, maximum=200) == 200
    for first in (-1, 201):
        with pytest.raises(InvalidInput) as refused:
            page_size(first, default=20, maximum=200)
        assert refused.value.violations == [FieldViolation("first", "must be between 1 and 200")]


def test_a_cursor_gives_back_its_keys() -> None:
    cursor = encode_cursor(["dupont jean", "01J0", 3, None], listing="clients")
    assert "=" not in cursor
    assert decode_cursor(cursor, listing="clients", arity=4) == ["dupont jean", "01J0", 3, None]


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "",
        "%%%",
        base64.urlsafe_b64encode(b'["dupont", "01J0"]').decode(),  # an unsigned key list
        encode_cursor(["dupont"], listing="clients"),  # wrong number of keys
        encode_cursor(["dupont", "01J0"], listing="contracts"),  # another listing's
    ],
)
def test_a_cursor_not_made_by_the_listing_is_refused_naming_after(cursor: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        decode_cursor(cursor, listing="clients", arity=2)
    assert refused.value.violations[0].field == "after"


def test_an_edited_cursor_is_refused() -> None:
    token = orjson.loads(
        base64.urlsafe_b64decode(encode_cursor(["dupont", "01J0"], listing="clients") + "==")
    )
    token["k"][0] = "martin"
    forged = base64.urlsafe_b64encode(orjson.dumps(token)).decode()
    with pytest.raises(InvalidInput):
        decode_cursor(forged, listing="clients", arity=2)


def test_the_after_filter_orders_by_each_key_in_turn() -> None:
    assert after(SORT, ["b", "2"]) == {
        "$or": [{"name": {"$gt": "b"}}, {"name": "b", "id": {"$gt": "2"}}]
    }
    assert after((("at", -1), ("id", 1)), ["t", "x"]) == {
        "$or": [{"at": {"$lt": "t"}}, {"at": "t", "id": {"$gt": "x"}}]
    }


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "paging.sqlite3")
    await opened.open([CollectionSpec("rows", indexes=(("name",),))])
    yield opened
    await opened.close()


async def test_paging_through_a_store_returns_every_row_once_in_order(
    store: SqliteStore,
) -> None:
    names = ["b", "a", "c", "b", "a", "b", "d"]
    async with store.transaction() as txn:
        for i, name in enumerate(names):
            await txn.insert("rows", "t1", {"id": f"r{i}", "name": name})
    seen: list[str] = []
    cursor = ""
    while True:
        where = after(SORT, decode_cursor(cursor, listing="rows", arity=2)) if cursor else None
        rows = await store.find("rows", "t1", where, sort=SORT, limit=3)
        seen.extend(r["id"] for r in rows)
        if len(rows) < 3:
            break
        cursor = cursor_of(rows[-1], SORT, listing="rows")
    expected = sorted(((n, f"r{i}") for i, n in enumerate(names)))
    assert seen == [row_id for _, row_id in expected]
