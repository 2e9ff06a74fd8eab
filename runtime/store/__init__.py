"""The document store every service uses: one small interface, a SQLite and a MongoDB adapter."""

from runtime.store.base import (
    CollectionSpec,
    Document,
    DocumentStore,
    Filter,
    OutboxEvent,
    Sort,
    Transaction,
)
from runtime.store.factory import open_store

__all__ = [
    "CollectionSpec",
    "Document",
    "DocumentStore",
    "Filter",
    "OutboxEvent",
    "Sort",
    "Transaction",
    "open_store",
]
