"""Contracts' part of an erasure on a real SQLite store: the copy of the client, the texts of
its claims and complaints and its open quotes go; contracts, claims and complaints stay."""

from __future__ import annotations

from pathlib import Path

from runtime.store.sqlite import SqliteStore
from services.contracts.erasure import CLIENT_ERASURE
from services.contracts.models import CLAIMS, CLIENTS, COLLECTIONS, COMPLAINTS, CONTRACTS, QUOTES
from tests.runtime.merging import apply_erasure


async def test_contracts_keep_their_records_without_the_clients_words(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "contracts.sqlite3")
    await store.open(COLLECTIONS)
    try:
        async with store.transaction() as txn:
            await txn.insert(CLIENTS, "t", {"id": "c1", "display_name": "Inès Lambert"})
            await txn.insert(
                CONTRACTS, "t", {"id": "k1", "reference": "CT1", "party_client_ids": ["c1"]}
            )
            await txn.insert(
                CLAIMS,
                "t",
                {
                    "id": "s1",
                    "reference": "SI1",
                    "client_ids": ["c1"],
                    "description": "Dégât des eaux chez moi",
                },
            )
            await txn.insert(
                COMPLAINTS,
                "t",
                {"id": "r1", "reference": "RC1", "client_id": "c1", "description": "Je me plains"},
            )
            await txn.insert(
                QUOTES,
                "t",
                {"id": "q1", "reference": "DV1", "party_client_ids": ["c1"], "status": "sent"},
            )
            await txn.insert(
                QUOTES,
                "t",
                {"id": "q2", "reference": "DV2", "party_client_ids": ["c1"], "status": "accepted"},
            )
        done = await apply_erasure(store, CLIENT_ERASURE, "t", "c1")
        assert dict(done.erased) == {
            "client_copy": 1,
            "claim_descriptions": 1,
            "complaint_texts": 1,
            "quotes": 1,
        }
        assert {r.what: r.count for r in done.retained}["contracts, naming the client by id"] == 1
        claim = await store.get(CLAIMS, "t", "s1")
        assert claim is not None
        assert claim["description"] == ""
        assert [q["id"] for q in await store.find(QUOTES, "t")] == ["q2"]
    finally:
        await store.close()
