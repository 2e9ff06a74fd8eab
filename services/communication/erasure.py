"""The communication service's part of erasing a client (runtime.kit.erasure): everything it
keeps of the client is deleted — emails, text messages, documents (records and contents), the
memo, tasks, actions and their counter, tickets, agenda events, activities, mailing-list
subscriptions, and its copies of the client and its contacts. The law requires none of it
kept."""

from __future__ import annotations

from runtime.kit.erasure import ClientErasure, Erased, delete_where
from runtime.kit.files import FileStore
from runtime.store import Transaction
from services.communication.models import (
    ACTION_COUNTERS,
    BY_CLIENT,
    CLIENT_COPIES,
    CONTACT_COPIES,
    DOCUMENTS,
    SUBSCRIPTIONS,
)

# Documents are deleted first, with their contents; then everything else of the client.
_BY_CLIENT = {
    **{kind: c for kind, c in BY_CLIENT.items() if c != DOCUMENTS},
    "subscriptions": SUBSCRIPTIONS,
    "contact_copies": CONTACT_COPIES,
}


def client_erasure(files: FileStore) -> ClientErasure:
    async def erase(txn: Transaction, tenant_id: str, client_id: str) -> Erased:
        documents = await txn.find(DOCUMENTS, tenant_id, {"client_id": client_id})
        for document in documents:
            await txn.delete(DOCUMENTS, tenant_id, document["id"])
        still_named = {d.get("sha256") for d in await txn.find(DOCUMENTS, tenant_id)}
        for document in documents:
            if document.get("sha256") and document["sha256"] not in still_named:
                files.delete(tenant_id, document["sha256"])
        erased = {"documents": len(documents)}
        for kind, collection in _BY_CLIENT.items():
            erased[kind] = await delete_where(txn, collection, tenant_id, {"client_id": client_id})
        erased["client_copy"] = await delete_where(txn, CLIENT_COPIES, tenant_id, {"id": client_id})
        await delete_where(txn, ACTION_COUNTERS, tenant_id, {"id": client_id})
        return Erased(erased=erased)

    return ClientErasure(service="communication", erase=erase)
