"""The document-store contract (runtime.store.base), run against every available adapter.

SQLite always runs; MongoDB runs when MONGODB_URI names a replica set, each test in a database
of its own that is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from runtime.errors import Conflict, NotFound
from runtime.ids import new_id
from runtime.store import CollectionSpec, Document, DocumentStore, Filter, OutboxEvent, Sort
from runtime.store.sqlite import SqliteStore

THINGS = "things"
SPECS = (
    CollectionSpec(
        THINGS,
        indexes=(("sort_name",), ("group", "n")),
        unique=("reference",),
        multikey=("keys",),
    ),
    CollectionSpec("notes"),
)
TENANT = "tenant-a"
OTHER = "tenant-b"

ADAPTERS = [
    "sqlite",
    pytest.param(
        "mongodb",
        marks=[
            pytest.mark.mongodb,
            pytest.mark.skipif(not os.environ.get("MONGODB_URI"), reason="MONGODB_URI is not set"),
        ],
    ),
]


class Boom(Exception):
    """Raised inside a transaction to make it roll back."""


@pytest.fixture(params=ADAPTERS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[DocumentStore]:
    if request.param == "sqlite":
        sqlite = SqliteStore(tmp_path / "store.sqlite3")
        await sqlite.open(SPECS)
        try:
            yield sqlite
        finally:
            await sqlite.close()
        return

    from pymongo import AsyncMongoClient

    from runtime.store.mongodb import MongoStore

    uri = os.environ["MONGODB_URI"]
    database = f"c360_test_{uuid.uuid4().hex[:16]}"
    mongo = MongoStore(uri, database=database)
    try:
        await mongo.open(SPECS)
        yield mongo
    finally:
        await mongo.close()
        admin: AsyncMongoClient[Any] = AsyncMongoClient(uri)
        try:
            await admin.drop_database(database)
        finally:
            await admin.close()


# --- helpers -------------------------------------------------------------------------------


async def insert(store: DocumentStore, tenant_id: str, *docs: Document) -> list[Document]:
    async with store.transaction() as txn:
        return [await txn.insert(THINGS, tenant_id, doc) for doc in docs]


async def replace(
    store: DocumentStore, tenant_id: str, doc: Document, expected_version: int
) -> Document:
    async with store.transaction() as txn:
        return await txn.replace(THINGS, tenant_id, doc, expected_version=expected_version)


def event(subject: str = "client.created", tenant_id: str = TENANT) -> OutboxEvent:
    return OutboxEvent(
        id=new_id(),
        subject=subject,
        payload=subject.encode() + b"\x00\xff",
        tenant_id=tenant_id,
        headers={"traceparent": f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01"},
    )


# Five documents of TENANT; the same five (other ids) of OTHER, so that a filter that escapes
# the tenant scope shows up in every filter test.
SAMPLE: tuple[Document, ...] = (
    {
        "id": "a",
        "sort_name": "alpha",
        "reference": "R-1",
        "kind": "person",
        "n": 1,
        "group": 1,
        "keys": ["n:alpha", "n:alp", "r:1"],
        "flags": {"archived": False},
    },
    {
        "id": "b",
        "sort_name": "bravo",
        "reference": "R-2",
        "kind": "company",
        "n": 2,
        "group": 2,
        "keys": ["n:bravo", "n:alphabet"],
        "flags": {"archived": True},
    },
    {
        "id": "c",
        "sort_name": "charlie",
        "n": 3,
        "group": 1,
        "keys": [],
        "flags": {"archived": False},
    },
    {
        "id": "d",
        "sort_name": "alpine",
        "kind": "person",
        "n": 4,
        "group": 2,
        "keys": ["n:alpine"],
        "flags": {"archived": False},
    },
    {"id": "e", "sort_name": "echo", "n": 5, "group": 1, "keys": ["n:echo"]},
)


@pytest.fixture
async def sample(store: DocumentStore) -> DocumentStore:
    await insert(store, TENANT, *SAMPLE)
    await insert(store, OTHER, *({**doc, "id": f"other-{doc['id']}"} for doc in SAMPLE))
    return store


async def ids(
    store: DocumentStore,
    where: Filter | None = None,
    *,
    sort: Sort = (("id", 1),),
    limit: int | None = None,
) -> list[str]:
    """The ids TENANT finds, checked against ``count`` with the same filter."""
    found = await store.find(THINGS, TENANT, where, sort=sort, limit=limit)
    if limit is None:
        assert await store.count(THINGS, TENANT, where) == len(found)
    assert all(doc["tenant_id"] == TENANT for doc in found)
    return [doc["id"] for doc in found]


# --- documents and tenants -----------------------------------------------------------------


async def test_an_inserted_document_comes_back_with_its_tenant_and_version_1(store):
    doc = {"id": new_id(), "sort_name": "dupont", "reference": "R-1", "flags": {"vip": True}}

    [stored] = await insert(store, TENANT, doc)

    expected = {**doc, "tenant_id": TENANT, "version": 1}
    assert stored == expected
    assert await store.get(THINGS, TENANT, doc["id"]) == expected
    assert await store.get_many(THINGS, TENANT, [doc["id"], "missing"]) == [expected]
    assert await store.get_many(THINGS, TENANT, []) == []


async def test_a_document_is_visible_only_to_its_tenant(store):
    doc_id = new_id()
    await insert(store, TENANT, {"id": doc_id, "sort_name": "dupont", "reference": "R-1"})

    assert await store.get(THINGS, OTHER, doc_id) is None
    assert await store.get_many(THINGS, OTHER, [doc_id]) == []
    assert await store.find(THINGS, OTHER) == []
    assert await store.find(THINGS, OTHER, {"reference": "R-1"}) == []
    assert await store.find(THINGS, OTHER, {"$or": [{"id": doc_id}, {"reference": "R-1"}]}) == []
    assert await store.count(THINGS, OTHER) == 0
    assert await store.count(THINGS, OTHER, {"$or": [{"reference": "R-1"}]}) == 0
    async with store.transaction() as txn:
        assert await txn.get(THINGS, OTHER, doc_id) is None
        assert await txn.find(THINGS, OTHER, {"reference": "R-1"}) == []
    assert await store.count(THINGS, TENANT) == 1


async def test_a_tenant_id_in_the_filter_never_widens_the_scope(store):
    await insert(store, TENANT, {"id": "mine", "n": 1})
    await insert(store, OTHER, {"id": "theirs", "n": 1})

    assert await store.find(THINGS, TENANT, {"tenant_id": OTHER}) == []
    assert await store.count(THINGS, TENANT, {"tenant_id": {"$in": [TENANT, OTHER]}}) == 1
    assert await ids(store, {"$or": [{"tenant_id": OTHER}, {"n": 1}]}) == ["mine"]


async def test_another_tenant_may_hold_the_same_reference(store):
    await insert(store, TENANT, {"id": new_id(), "reference": "R-1"})
    await insert(store, OTHER, {"id": new_id(), "reference": "R-1"})

    assert await store.count(THINGS, TENANT, {"reference": "R-1"}) == 1
    assert await store.count(THINGS, OTHER, {"reference": "R-1"}) == 1


# --- versions ------------------------------------------------------------------------------


async def test_replace_with_the_current_version_bumps_it(store):
    doc_id = new_id()
    await insert(store, TENANT, {"id": doc_id, "sort_name": "dupont"})

    second = await replace(store, TENANT, {"id": doc_id, "sort_name": "durand"}, 1)
    third = await replace(store, TENANT, {"id": doc_id, "sort_name": "duval"}, 2)

    assert second["version"] == 2
    assert third == {"id": doc_id, "sort_name": "duval", "tenant_id": TENANT, "version": 3}
    assert await store.get(THINGS, TENANT, doc_id) == third


async def test_replace_with_a_stale_version_is_a_conflict_and_changes_nothing(store):
    doc_id = new_id()
    await insert(store, TENANT, {"id": doc_id, "sort_name": "dupont"})
    current = await replace(store, TENANT, {"id": doc_id, "sort_name": "durand"}, 1)

    with pytest.raises(Conflict, match="version"):
        await replace(store, TENANT, {"id": doc_id, "sort_name": "lost update"}, 1)

    assert await store.get(THINGS, TENANT, doc_id) == current


async def test_replace_of_a_missing_document_is_not_found(store):
    with pytest.raises(NotFound):
        await replace(store, TENANT, {"id": new_id(), "sort_name": "nobody"}, 1)

    assert await store.count(THINGS, TENANT) == 0


async def test_replace_through_another_tenant_is_not_found_and_changes_nothing(store):
    doc_id = new_id()
    [original] = await insert(store, TENANT, {"id": doc_id, "sort_name": "dupont", "keys": ["k"]})

    with pytest.raises(NotFound):
        await replace(store, OTHER, {"id": doc_id, "sort_name": "hijacked", "keys": ["x"]}, 1)

    assert await store.get(THINGS, TENANT, doc_id) == original
    assert await store.get(THINGS, OTHER, doc_id) is None
    assert await ids(store, {"keys": "k"}) == [doc_id]
    assert await store.find(THINGS, OTHER, {"keys": "x"}) == []


# --- uniqueness ----------------------------------------------------------------------------


async def test_a_duplicate_reference_within_a_tenant_is_a_conflict_on_insert(store):
    await insert(store, TENANT, {"id": "first", "reference": "R-1"})

    with pytest.raises(Conflict, match="reference"):
        await insert(store, TENANT, {"id": "second", "reference": "R-1"})

    assert await ids(store) == ["first"]


async def test_a_duplicate_reference_within_a_tenant_is_a_conflict_on_replace(store):
    await insert(store, TENANT, {"id": "first", "reference": "R-1"}, {"id": "second"})

    with pytest.raises(Conflict, match="reference"):
        await replace(store, TENANT, {"id": "second", "reference": "R-1"}, 1)

    assert await store.get(THINGS, TENANT, "second") == {
        "id": "second",
        "tenant_id": TENANT,
        "version": 1,
    }
    # Keeping its own reference is not a conflict with itself.
    kept = await replace(store, TENANT, {"id": "first", "reference": "R-1", "n": 1}, 1)
    assert kept["version"] == 2


async def test_documents_without_a_reference_do_not_collide(store):
    await insert(store, TENANT, {"id": "one"}, {"id": "two"})

    assert await store.count(THINGS, TENANT) == 2


# --- filters -------------------------------------------------------------------------------


async def test_filter_equality(sample):
    assert await ids(sample, {"kind": "person"}) == ["a", "d"]
    assert await ids(sample, {"n": 3}) == ["c"]
    assert await ids(sample, {"id": "b"}) == ["b"]
    assert await ids(sample, {"kind": "person", "n": 4}) == ["d"]
    assert await ids(sample, {"kind": "nobody"}) == []
    assert await ids(sample) == ["a", "b", "c", "d", "e"]
    assert await ids(sample, {}) == ["a", "b", "c", "d", "e"]


async def test_filter_in(sample):
    assert await ids(sample, {"kind": {"$in": ["person", "company"]}}) == ["a", "b", "d"]
    assert await ids(sample, {"id": {"$in": ["e", "a", "zz"]}}) == ["a", "e"]
    assert await ids(sample, {"n": {"$in": [2, 5]}}) == ["b", "e"]


async def test_filter_in_an_empty_list_matches_nothing(sample):
    assert await ids(sample, {"kind": {"$in": []}}) == []
    assert await ids(sample, {"id": {"$in": []}}) == []


async def test_filter_ne_includes_documents_missing_the_field(sample):
    assert await ids(sample, {"kind": {"$ne": "person"}}) == ["b", "c", "e"]
    assert await ids(sample, {"n": {"$ne": 3}}) == ["a", "b", "d", "e"]
    assert await ids(sample, {"flags.archived": {"$ne": True}}) == ["a", "c", "d", "e"]


async def test_filter_comparisons(sample):
    assert await ids(sample, {"n": {"$gt": 3}}) == ["d", "e"]
    assert await ids(sample, {"n": {"$gte": 3}}) == ["c", "d", "e"]
    assert await ids(sample, {"n": {"$lt": 2}}) == ["a"]
    assert await ids(sample, {"n": {"$lte": 2}}) == ["a", "b"]
    assert await ids(sample, {"n": {"$gt": 1, "$lt": 4}}) == ["b", "c"]
    assert await ids(sample, {"sort_name": {"$gt": "bravo"}}) == ["c", "e"]
    assert await ids(sample, {"id": {"$gte": "d"}}) == ["d", "e"]
    # A document missing the field never compares.
    assert await ids(sample, {"kind": {"$gt": ""}}) == ["a", "b", "d"]


async def test_filter_prefix_on_a_scalar(sample):
    assert await ids(sample, {"sort_name": {"$prefix": "alp"}}) == ["a", "d"]
    assert await ids(sample, {"sort_name": {"$prefix": "alpha"}}) == ["a"]
    assert await ids(sample, {"sort_name": {"$prefix": "ALP"}}) == []
    assert await ids(sample, {"sort_name": {"$prefix": "z"}}) == []
    assert await ids(sample, {"sort_name": {"$prefix": ""}}) == ["a", "b", "c", "d", "e"]


async def test_filter_prefix_treats_regex_characters_literally(store):
    await insert(
        store, TENANT, {"id": "dot", "sort_name": "a.b"}, {"id": "any", "sort_name": "axb"}
    )
    await insert(
        store, TENANT, {"id": "pct", "sort_name": "50%"}, {"id": "num", "sort_name": "500"}
    )

    assert await ids(store, {"sort_name": {"$prefix": "a."}}) == ["dot"]
    assert await ids(store, {"sort_name": {"$prefix": "50%"}}) == ["pct"]


async def test_filter_multikey_equality_matches_any_element(sample):
    assert await ids(sample, {"keys": "n:bravo"}) == ["b"]
    assert await ids(sample, {"keys": "r:1"}) == ["a"]
    assert await ids(sample, {"keys": "n:alp"}) == ["a"]
    assert await ids(sample, {"keys": "n:nothing"}) == []


async def test_filter_multikey_prefix_matches_any_element_once(sample):
    # "a" has two keys starting with n:alp and still comes back once.
    assert await ids(sample, {"keys": {"$prefix": "n:alp"}}) == ["a", "b", "d"]
    assert await ids(sample, {"keys": {"$prefix": "n:"}}) == ["a", "b", "d", "e"]
    assert await ids(sample, {"keys": {"$prefix": "n:alpi"}}) == ["d"]
    assert await ids(sample, {"keys": {"$prefix": "x:"}}) == []


async def test_filter_multikey_in(sample):
    assert await ids(sample, {"keys": {"$in": ["r:1", "n:alpine"]}}) == ["a", "d"]
    assert await ids(sample, {"keys": {"$in": ["n:alpha", "n:alp"]}}) == ["a"]
    assert await ids(sample, {"keys": {"$in": []}}) == []


async def test_filter_dotted_names_reach_into_sub_documents(sample):
    assert await ids(sample, {"flags.archived": False}) == ["a", "c", "d"]
    assert await ids(sample, {"flags.archived": True}) == ["b"]
    assert await ids(sample, {"flags.archived": {"$in": [True]}}) == ["b"]
    assert await ids(sample, {"flags.archived": False, "kind": "person"}) == ["a", "d"]


async def test_filter_none_matches_a_missing_field(sample):
    assert await ids(sample, {"kind": None}) == ["c", "e"]
    assert await ids(sample, {"reference": None}) == ["c", "d", "e"]
    assert await ids(sample, {"flags.archived": None}) == ["e"]
    assert await ids(sample, {"kind": {"$ne": None}}) == ["a", "b", "d"]


async def test_filter_and_or_nesting(sample):
    assert await ids(sample, {"$or": [{"kind": "company"}, {"n": {"$gte": 4}}]}) == ["b", "d", "e"]
    assert await ids(sample, {"$and": [{"kind": "person"}, {"n": {"$gt": 1}}]}) == ["d"]
    assert await ids(sample, {"$and": [{"kind": "person"}, {"$or": [{"n": 1}, {"n": 3}]}]}) == ["a"]
    # A top-level $or next to other conditions is ANDed with them, not with the last one only.
    assert await ids(sample, {"kind": "person", "$or": [{"n": 4}, {"n": 5}]}) == ["d"]
    assert await ids(sample, {"$or": [{"n": 5}, {"n": 1}], "kind": "person"}) == ["a"]
    assert await ids(
        sample,
        {
            "$or": [
                {"$and": [{"group": 1}, {"keys": {"$prefix": "n:e"}}]},
                {"$and": [{"group": 2}, {"flags.archived": True}]},
            ]
        },
    ) == ["b", "e"]


async def test_filter_empty_and_matches_everything_empty_or_nothing(sample):
    assert await ids(sample, {"$and": []}) == ["a", "b", "c", "d", "e"]
    assert await ids(sample, {"$or": []}) == []


async def test_sort_on_one_field(sample):
    assert await ids(sample, sort=[("sort_name", 1)]) == ["a", "d", "b", "c", "e"]
    assert await ids(sample, sort=[("sort_name", -1)]) == ["e", "c", "b", "d", "a"]
    assert await ids(sample, sort=[("n", -1)]) == ["e", "d", "c", "b", "a"]


async def test_sort_on_two_fields(sample):
    assert await ids(sample, sort=[("group", 1), ("n", -1)]) == ["e", "c", "a", "d", "b"]
    assert await ids(sample, sort=[("group", -1), ("sort_name", 1)]) == ["d", "b", "a", "c", "e"]


async def test_sort_on_id(sample):
    assert await ids(sample, sort=[("id", 1)]) == ["a", "b", "c", "d", "e"]
    assert await ids(sample, sort=[("id", -1)]) == ["e", "d", "c", "b", "a"]


async def test_limit(sample):
    assert await ids(sample, sort=[("sort_name", 1)], limit=2) == ["a", "d"]
    assert await ids(sample, {"kind": "person"}, sort=[("n", -1)], limit=1) == ["d"]
    assert await ids(sample, sort=[("id", 1)], limit=10) == ["a", "b", "c", "d", "e"]
    async with sample.transaction() as txn:
        found = await txn.find(THINGS, TENANT, {"group": 1}, sort=[("n", 1)], limit=2)
    assert [doc["id"] for doc in found] == ["a", "c"]


async def test_keyset_paging_returns_every_document_once_in_order(store):
    names = ["mia", "ada", "mia", "cy", "ada", "zoe", "mia", "bo", "cy", "ada"]
    docs = [{"id": f"p{i:02d}", "sort_name": name} for i, name in enumerate(names)]
    await insert(store, TENANT, *reversed(docs))
    await insert(store, OTHER, *({**d, "id": f"x{d['id']}"} for d in docs))
    order = [("sort_name", 1), ("id", 1)]
    expected = [d["id"] for d in sorted(docs, key=lambda d: (d["sort_name"], d["id"]))]

    pages: list[list[str]] = []
    where: Filter | None = None
    while True:
        page = await store.find(THINGS, TENANT, where, sort=order, limit=3)
        if not page:
            break
        pages.append([doc["id"] for doc in page])
        last = page[-1]
        where = {
            "$or": [
                {"sort_name": {"$gt": last["sort_name"]}},
                {"sort_name": last["sort_name"], "id": {"$gt": last["id"]}},
            ]
        }

    assert [len(page) for page in pages] == [3, 3, 3, 1]
    assert [doc_id for page in pages for doc_id in page] == expected


# --- transactions and the outbox -----------------------------------------------------------


async def test_a_failed_transaction_rolls_back_its_changes_and_events(store):
    [kept] = await insert(store, TENANT, {"id": "kept", "sort_name": "kept", "keys": ["k:old"]})
    committed = await store.pending_events(100)

    with pytest.raises(Boom):
        async with store.transaction() as txn:
            await txn.insert(THINGS, TENANT, {"id": "new", "keys": ["k:new"]})
            await txn.replace(
                THINGS, TENANT, {"id": "kept", "sort_name": "x", "keys": []}, expected_version=1
            )
            await txn.insert("notes", TENANT, {"id": "note"})
            await txn.add_event(event())
            assert await txn.get(THINGS, TENANT, "new") is not None  # visible inside
            raise Boom

    assert await store.get(THINGS, TENANT, "new") is None
    assert await store.get("notes", TENANT, "note") is None
    assert await store.get(THINGS, TENANT, "kept") == kept
    assert await ids(store, {"keys": {"$prefix": "k:"}}) == ["kept"]
    assert await store.pending_events(100) == committed == []


async def test_committed_events_are_pending_in_order_until_published(store):
    events = [event(f"client.e{i}") for i in range(4)]

    async with store.transaction() as txn:
        await txn.insert(THINGS, TENANT, {"id": "one"})
        await txn.add_event(events[0])
        await txn.add_event(events[1])
    async with store.transaction() as txn:
        await txn.add_event(events[2])
        await txn.add_event(events[3])

    assert await store.pending_events(100) == events
    assert await store.pending_events(2) == events[:2]

    await store.mark_published([events[0].id, events[2].id])
    assert await store.pending_events(100) == [events[1], events[3]]

    await store.mark_published([events[1].id, events[3].id])
    await store.mark_published([])
    assert await store.pending_events(100) == []


async def test_the_commit_listener_runs_only_after_a_commit_that_queued_events(store):
    calls: list[str] = []

    def on_commit() -> None:
        calls.append("sync")

    async def on_commit_async() -> None:
        calls.append("async")

    store.on_events_committed(on_commit)
    store.on_events_committed(on_commit_async)

    async with store.transaction() as txn:
        await txn.insert(THINGS, TENANT, {"id": "quiet"})
    assert calls == []

    with pytest.raises(Boom):
        async with store.transaction() as txn:
            await txn.add_event(event())
            raise Boom
    assert calls == []

    async with store.transaction() as txn:
        await txn.add_event(event())
        assert calls == []  # not before the commit
    assert calls == ["sync", "async"]
    assert len(await store.pending_events(100)) == 1


async def test_mark_applied_is_true_once_per_consumer(store):
    event_id = new_id()

    async with store.transaction() as txn:
        assert await txn.mark_applied("projector", event_id) is True
    async with store.transaction() as txn:
        # A redelivery: recognised, and the transaction still commits its other writes.
        assert await txn.mark_applied("projector", event_id) is False
        await txn.insert(THINGS, TENANT, {"id": "after-redelivery"})
    async with store.transaction() as txn:
        assert await txn.mark_applied("mailer", event_id) is True
        assert await txn.mark_applied("projector", new_id()) is True

    assert await store.get(THINGS, TENANT, "after-redelivery") is not None


async def test_mark_applied_is_rolled_back_with_its_transaction(store):
    event_id = new_id()

    with pytest.raises(Boom):
        async with store.transaction() as txn:
            assert await txn.mark_applied("projector", event_id) is True
            raise Boom

    async with store.transaction() as txn:
        assert await txn.mark_applied("projector", event_id) is True


# --- delete --------------------------------------------------------------------------------


async def test_delete_removes_the_document_and_its_multikey_entries(store):
    await insert(store, TENANT, {"id": "gone", "keys": ["n:dupont", "r:7"]}, {"id": "stays"})

    async with store.transaction() as txn:
        assert await txn.delete(THINGS, TENANT, "gone") is True

    assert await store.get(THINGS, TENANT, "gone") is None
    assert await ids(store, {"keys": {"$prefix": "n:dup"}}) == []
    assert await ids(store, {"keys": "r:7"}) == []
    assert await ids(store) == ["stays"]
    async with store.transaction() as txn:
        assert await txn.delete(THINGS, TENANT, "gone") is False


async def test_a_deleted_id_can_be_reused_without_its_old_keys(store):
    await insert(store, TENANT, {"id": "again", "keys": ["n:old"]})
    async with store.transaction() as txn:
        await txn.delete(THINGS, TENANT, "again")
    await insert(store, TENANT, {"id": "again", "keys": ["n:new"]})

    assert await ids(store, {"keys": {"$prefix": "n:old"}}) == []
    assert await ids(store, {"keys": {"$prefix": "n:new"}}) == ["again"]


async def test_delete_through_another_tenant_removes_nothing(store):
    await insert(store, TENANT, {"id": "mine", "keys": ["n:mine"]})

    async with store.transaction() as txn:
        assert await txn.delete(THINGS, OTHER, "mine") is False

    assert await store.get(THINGS, TENANT, "mine") is not None
    assert await ids(store, {"keys": "n:mine"}) == ["mine"]


async def test_replace_moves_the_multikey_entries(store):
    await insert(store, TENANT, {"id": "moving", "keys": ["n:before"]})

    await replace(store, TENANT, {"id": "moving", "keys": ["n:after"]}, 1)

    assert await ids(store, {"keys": "n:before"}) == []
    assert await ids(store, {"keys": {"$prefix": "n:aft"}}) == ["moving"]


# --- refused filters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        {"n": {"$regex": "."}},
        {"n": {"$eq": 1}},
        {"n": {"$exists": True}},
        {"$where": "sleep(1000)"},
        {"$nor": [{"n": 1}]},
        {"$or": [{"n": {"$gte": 1, "$elemMatch": {}}}]},
    ],
)
async def test_an_unknown_operator_is_refused(sample, where):
    with pytest.raises(ValueError, match=r"\$"):
        await sample.find(THINGS, TENANT, where)
    with pytest.raises(ValueError, match=r"\$"):
        await sample.count(THINGS, TENANT, where)


@pytest.mark.parametrize(
    "name",
    ['n" OR 1=1 --', "n') OR 1=1 --", "sort name", "n'", "1n", "flags..archived", ""],
)
async def test_a_field_name_that_is_not_an_identifier_is_refused(sample, name):
    with pytest.raises(ValueError, match="not a field name"):
        await sample.find(THINGS, TENANT, {name: 1})
    with pytest.raises(ValueError, match="not a field name"):
        await sample.count(THINGS, TENANT, {"$or": [{name: {"$gt": 0}}]})
    with pytest.raises(ValueError, match="not a field name"):
        await sample.find(THINGS, TENANT, sort=[(name, 1)])
    assert await sample.count(THINGS, TENANT) == len(SAMPLE)


def test_a_collection_spec_refuses_a_bad_field_name():
    with pytest.raises(ValueError, match="not a field name"):
        CollectionSpec("things", indexes=(('sort_name" DESC',),))
    with pytest.raises(ValueError, match="not a field name"):
        CollectionSpec("bad name")


# --- SQLite only ---------------------------------------------------------------------------


async def test_sqlite_keeps_confirmed_writes_across_close_and_reopen(tmp_path: Path):
    path = tmp_path / "durable.sqlite3"
    pending = event()
    first = SqliteStore(path)
    await first.open(SPECS)
    try:
        async with first.transaction() as txn:
            await txn.insert(THINGS, TENANT, {"id": "kept", "reference": "R-1", "keys": ["n:k"]})
            await txn.add_event(pending)
            await txn.mark_applied("projector", "event-1")
        await replace(first, TENANT, {"id": "kept", "reference": "R-1", "keys": ["n:kept"]}, 1)
    finally:
        await first.close()

    second = SqliteStore(path)
    await second.open(SPECS)
    try:
        assert await second.get(THINGS, TENANT, "kept") == {
            "id": "kept",
            "reference": "R-1",
            "keys": ["n:kept"],
            "tenant_id": TENANT,
            "version": 2,
        }
        assert await ids(second, {"keys": {"$prefix": "n:ke"}}) == ["kept"]
        assert await second.pending_events(10) == [pending]
        async with second.transaction() as txn:
            assert await txn.mark_applied("projector", "event-1") is False
        with pytest.raises(Conflict, match="reference"):
            await insert(second, TENANT, {"id": "copy", "reference": "R-1"})
    finally:
        await second.close()


async def test_sqlite_refuses_work_when_closed(tmp_path: Path):
    closed = SqliteStore(tmp_path / "closed.sqlite3")
    with pytest.raises(RuntimeError, match="not open"):
        await closed.get(THINGS, TENANT, "x")
    with pytest.raises(RuntimeError, match="not open"):
        async with closed.transaction():
            pass
