"""Builds the store named by the settings."""

from __future__ import annotations

from collections.abc import Sequence

from runtime.config import Settings
from runtime.store.base import CollectionSpec, DocumentStore


async def open_store(
    settings: Settings, service: str, collections: Sequence[CollectionSpec]
) -> DocumentStore:
    store: DocumentStore
    if settings.store == "mongodb":
        from runtime.store.mongodb import MongoStore

        store = MongoStore(settings.mongodb_uri, database=f"c360_{service}")
    else:
        from runtime.store.sqlite import SqliteStore

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        store = SqliteStore(settings.data_dir / f"{service}.sqlite3")
    await store.open(collections)
    return store
