"""Store access of the identity service: every read and write is scoped by tenant, the
sensitive numbers are encrypted on the way in and decrypted on the way out (only in the
sections a read asks for), and every item read has an id (items.py), stored or derived."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, cast

from stdnum.iban import compact as iban_compact

from runtime.crypto import FieldCipher
from runtime.kit.repository import Repository
from runtime.store import DocumentStore, Filter, Sort, Transaction
from services.identity.erasing import Erasure
from services.identity.items import fill_client_ids, fill_contact_ids
from services.identity.merging import Merge
from services.identity.models import (
    AUDIT,
    CLIENT_REFERENCES,
    CLIENTS,
    CONTACTS,
    ERASURES,
    MERGES,
    STREAM_CLEARINGS,
    STREAM_QUEUE_TENANT,
    Client,
    Contact,
)
from services.identity.privacy import SENSITIVE


class IdentityRepository(Repository):
    def __init__(self, store: DocumentStore, cipher: FieldCipher) -> None:
        super().__init__(store)
        self._cipher = cipher

    def _seal(self, client: Client) -> dict[str, Any]:
        sealed = cast(dict[str, Any], SENSITIVE.encrypt(client, self._cipher))
        # IBANs are found in common (duplicate suspects) by a keyed hash, never in clear.
        ibans = {
            self.iban_key(account["iban"])
            for account in client.get("bank_accounts", [])
            if account.get("iban") and not account["iban"].startswith("enc:")
        }
        kept = [k for k in sealed.get("search_keys", []) if not k.startswith("i:")]
        sealed["search_keys"] = sorted({*kept, *ibans})
        return sealed

    def iban_key(self, iban: str) -> str:
        """The match key of an IBAN: its blind index, spaces and case set aside."""
        return f"i:{self._cipher.blind(iban_compact(iban))}"

    def _open(self, found: dict[str, Any], fields: Collection[str] | None = None) -> Client:
        return fill_client_ids(SENSITIVE.decrypt(cast(Client, found), self._cipher, fields))

    @staticmethod
    def _open_contact(found: dict[str, Any] | None) -> Contact | None:
        return None if found is None else fill_contact_ids(cast(Contact, found))

    # Clients

    async def get_client(self, tenant_id: str, client_id: str) -> Client | None:
        found = await self._store.get(CLIENTS, tenant_id, client_id)
        return None if found is None else self._open(found)

    async def get_clients(
        self, tenant_id: str, client_ids: Sequence[str], fields: Collection[str] | None = None
    ) -> list[Client]:
        """The clients among ``client_ids``; only the sections in ``fields`` (all when None)
        are decrypted."""
        found = await self._store.get_many(CLIENTS, tenant_id, client_ids)
        return [self._open(c, fields) for c in found]

    async def find_clients(
        self,
        tenant_id: str,
        where: Filter | None,
        *,
        sort: Sort = (),
        limit: int | None = None,
        fields: Collection[str] | None = None,
    ) -> list[Client]:
        found = await self._store.find(CLIENTS, tenant_id, where, sort=sort, limit=limit)
        return [self._open(c, fields) for c in found]

    async def count_clients(self, tenant_id: str, where: Filter | None) -> int:
        return await self._store.count(CLIENTS, tenant_id, where)

    async def get_client_for_update(
        self, txn: Transaction, tenant_id: str, client_id: str
    ) -> Client | None:
        found = await txn.get(CLIENTS, tenant_id, client_id)
        return None if found is None else self._open(found)

    async def insert_client(self, txn: Transaction, tenant_id: str, client: Client) -> Client:
        stored = await txn.insert(CLIENTS, tenant_id, self._seal(client))
        return self._open(stored)

    async def replace_client(
        self, txn: Transaction, tenant_id: str, client: Client, *, expected_version: int
    ) -> Client:
        stored = await txn.replace(
            CLIENTS, tenant_id, self._seal(client), expected_version=expected_version
        )
        return self._open(stored)

    async def next_reference(self, txn: Transaction, tenant_id: str) -> str:
        """The tenant's next client reference, CL000001 onwards, with no gap."""
        return await CLIENT_REFERENCES.next(txn, tenant_id)

    # Contacts

    async def get_contact(self, tenant_id: str, contact_id: str) -> Contact | None:
        return self._open_contact(await self._store.get(CONTACTS, tenant_id, contact_id))

    async def find_contacts(
        self, tenant_id: str, client_ids: Sequence[str], *, valid_on: str | None
    ) -> list[Contact]:
        where: dict[str, Any] = {"client_id": {"$in": list(client_ids)}}
        if valid_on is not None:
            where["$and"] = [
                {"$or": [{"valid_from": ""}, {"valid_from": {"$lte": valid_on}}]},
                {"$or": [{"valid_to": ""}, {"valid_to": {"$gte": valid_on}}]},
            ]
        found = await self._store.find(
            CONTACTS, tenant_id, where, sort=(("display_order", 1), ("last_name", 1), ("id", 1))
        )
        return [fill_contact_ids(cast(Contact, c)) for c in found]

    async def get_contact_for_update(
        self, txn: Transaction, tenant_id: str, contact_id: str
    ) -> Contact | None:
        return self._open_contact(await txn.get(CONTACTS, tenant_id, contact_id))

    async def insert_contact(self, txn: Transaction, tenant_id: str, contact: Contact) -> Contact:
        return cast(Contact, await txn.insert(CONTACTS, tenant_id, dict(contact)))

    async def replace_contact(
        self, txn: Transaction, tenant_id: str, contact: Contact, *, expected_version: int
    ) -> Contact:
        stored = await txn.replace(
            CONTACTS, tenant_id, dict(contact), expected_version=expected_version
        )
        return cast(Contact, stored)

    async def delete_contact(self, txn: Transaction, tenant_id: str, contact_id: str) -> bool:
        return await txn.delete(CONTACTS, tenant_id, contact_id)

    # Merges

    async def get_merge(self, tenant_id: str, merge_id: str) -> Merge | None:
        return cast("Merge | None", await self._store.get(MERGES, tenant_id, merge_id))

    async def get_merge_for_update(
        self, txn: Transaction, tenant_id: str, merge_id: str
    ) -> Merge | None:
        return cast("Merge | None", await txn.get(MERGES, tenant_id, merge_id))

    async def insert_merge(self, txn: Transaction, tenant_id: str, merge: Merge) -> Merge:
        return cast(Merge, await txn.insert(MERGES, tenant_id, dict(merge)))

    async def replace_merge(self, txn: Transaction, tenant_id: str, merge: Merge) -> Merge:
        stored = await txn.replace(
            MERGES, tenant_id, dict(merge), expected_version=merge["version"]
        )
        return cast(Merge, stored)

    async def children_of(self, txn: Transaction, tenant_id: str, client_id: str) -> list[Client]:
        """The clients whose parent is ``client_id``."""
        found = await txn.find(CLIENTS, tenant_id, {"parent_client_id": client_id})
        return [self._open(c) for c in found]

    async def contacts_of(self, txn: Transaction, tenant_id: str, client_id: str) -> list[Contact]:
        found = await txn.find(CONTACTS, tenant_id, {"client_id": client_id})
        return [fill_contact_ids(cast(Contact, c)) for c in found]

    # Erasures

    async def get_erasure(self, tenant_id: str, erasure_id: str) -> Erasure | None:
        return cast("Erasure | None", await self._store.get(ERASURES, tenant_id, erasure_id))

    async def get_erasure_for_update(
        self, txn: Transaction, tenant_id: str, erasure_id: str
    ) -> Erasure | None:
        return cast("Erasure | None", await txn.get(ERASURES, tenant_id, erasure_id))

    async def insert_erasure(self, txn: Transaction, tenant_id: str, erasure: Erasure) -> Erasure:
        return cast(Erasure, await txn.insert(ERASURES, tenant_id, dict(erasure)))

    async def replace_erasure(self, txn: Transaction, tenant_id: str, erasure: Erasure) -> Erasure:
        stored = await txn.replace(
            ERASURES, tenant_id, dict(erasure), expected_version=erasure["version"]
        )
        return cast(Erasure, stored)

    async def queue_stream_clearing(
        self, txn: Transaction, tenant_id: str, erasure: Erasure
    ) -> None:
        """The erased client's events are to be removed from the stream (every tenant's queue
        is kept under STREAM_QUEUE_TENANT, so one reader serves them all)."""
        await txn.insert(
            STREAM_CLEARINGS,
            STREAM_QUEUE_TENANT,
            {"id": erasure["id"], "erasure_tenant": tenant_id, "client_id": erasure["client_id"]},
        )

    async def stream_clearings(self) -> list[dict[str, Any]]:
        return await self._store.find(STREAM_CLEARINGS, STREAM_QUEUE_TENANT)

    async def stream_cleared(self, clearing: dict[str, Any], removed: int, at: str) -> None:
        async with self.transaction() as txn:
            tenant_id = clearing["erasure_tenant"]
            erasure = await self.get_erasure_for_update(txn, tenant_id, clearing["id"])
            if erasure is not None:
                erasure["stream_cleared_at"] = at
                erasure["stream_events_removed"] = removed
                await self.replace_erasure(txn, tenant_id, erasure)
            await txn.delete(STREAM_CLEARINGS, STREAM_QUEUE_TENANT, clearing["id"])

    async def delete_contact_in(self, txn: Transaction, tenant_id: str, contact_id: str) -> None:
        await txn.delete(CONTACTS, tenant_id, contact_id)

    # The audit of sensitive reads, merges and erasures

    async def add_audit(self, txn: Transaction, tenant_id: str, entry: dict[str, Any]) -> None:
        await txn.insert(AUDIT, tenant_id, entry)

    async def count_audit(self, tenant_id: str, where: Mapping[str, Any] | None) -> int:
        return await self._store.count(AUDIT, tenant_id, where)

    async def audit_entries(
        self, tenant_id: str, where: Mapping[str, Any], limit: int
    ) -> list[dict[str, Any]]:
        return await self._store.find(
            AUDIT, tenant_id, where, sort=(("at", -1), ("id", -1)), limit=limit
        )
