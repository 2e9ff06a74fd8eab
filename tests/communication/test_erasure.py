"""Communication's part of an erasure on a real SQLite store: every record of the client and
its documents' contents are deleted; another client's document with the same content stays."""

from __future__ import annotations

from pathlib import Path

from runtime.kit.files import FileStore
from runtime.store.sqlite import SqliteStore
from services.communication.erasure import client_erasure
from services.communication.models import COLLECTIONS, DOCUMENTS, EMAILS, TASKS
from tests.runtime.merging import apply_erasure


async def test_communication_erases_everything_of_the_client(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "communication.sqlite3")
    await store.open(COLLECTIONS)
    files = FileStore(tmp_path / "files")
    mine, shared = files.put("t", b"%PDF-1.7 mine"), files.put("t", b"%PDF-1.7 shared")
    try:
        async with store.transaction() as txn:
            await txn.insert(EMAILS, "t", {"id": "m1", "client_id": "c1"})
            await txn.insert(TASKS, "t", {"id": "k1", "client_id": "c1"})
            await txn.insert(DOCUMENTS, "t", {"id": "d1", "client_id": "c1", "sha256": mine})
            await txn.insert(DOCUMENTS, "t", {"id": "d2", "client_id": "c1", "sha256": shared})
            await txn.insert(DOCUMENTS, "t", {"id": "d3", "client_id": "c2", "sha256": shared})
        done = await apply_erasure(store, client_erasure(files), "t", "c1")
        erased = dict(done.erased)
        assert (erased["emails"], erased["tasks"], erased["documents"]) == (1, 1, 2)
        assert list(done.retained) == []
        assert not files.exists("t", mine)
        assert files.exists("t", shared)
        assert [d["id"] for d in await store.find(DOCUMENTS, "t")] == ["d3"]
    finally:
        await store.close()
