"""Interventions' part of an erasure on a real SQLite store: photos and signatures go, records
and contents; reports are blanked; interventions stay without them."""

from __future__ import annotations

from pathlib import Path

from runtime.kit.files import FileStore
from runtime.store.sqlite import SqliteStore
from services.interventions.erasure import client_erasure
from services.interventions.models import COLLECTIONS, EQUIPMENT, FILES, INTERVENTIONS, VEHICLES
from tests.runtime.merging import apply_erasure


async def test_interventions_keep_no_report_photo_or_signature(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "interventions.sqlite3")
    await store.open(COLLECTIONS)
    files = FileStore(tmp_path / "files")
    photo, thumb = files.put("t", b"\xff\xd8 photo"), files.put("t", b"\xff\xd8 thumb")
    info = {
        "id": "f1",
        "name": "p.jpg",
        "media_type": "image/jpeg",
        "size_bytes": 8,
        "sha256": photo,
    }
    try:
        async with store.transaction() as txn:
            await txn.insert(
                FILES,
                "t",
                {
                    "id": "f1",
                    "client_id": "c1",
                    "holder_id": "i1",
                    "sha256": photo,
                    "thumbnail_sha256": thumb,
                },
            )
            await txn.insert(
                INTERVENTIONS,
                "t",
                {
                    "id": "i1",
                    "client_id": "c1",
                    "report": "RAS",
                    "signature": info,
                    "report_photos": [info],
                },
            )
            await txn.insert(EQUIPMENT, "t", {"id": "q1", "client_id": "c1", "photo": info})
            await txn.insert(VEHICLES, "t", {"id": "v1", "client_id": "c1"})
        done = await apply_erasure(store, client_erasure(files), "t", "c1")
        erased = dict(done.erased)
        assert erased["photos_and_signatures"] == 1
        assert erased["reports"] == 1
        assert erased["vehicles"] == 1
        assert not files.exists("t", photo)
        assert not files.exists("t", thumb)
        kept = await store.get(INTERVENTIONS, "t", "i1")
        assert kept is not None
        assert (kept["report"], kept["signature"], kept["report_photos"]) == ("", None, [])
        assert [r.count for r in done.retained] == [1]
    finally:
        await store.close()
