"""Store access of the identity service: every read and write is scoped by tenant, and the
sensitive numbers are encrypted on the way in and decrypted on the way out."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from typing import Any

from runtime.crypto import FieldCipher
from runtime.store import DocumentStore, Filter, Sort, Transaction
from services.identity.models import CLIENTS, CONTACTS, COUNTERS, Client, Contact


class IdentityRepository:
    def __init__(self, store: DocumentStore, cipher: FieldCipher) -> None:
        self.store = store
        self._cipher = cipher

    def _seal(self, client: Client) -> Client:
        sealed = copy.deepcopy(client)
        personal = sealed.get("personal") or {}
        if personal.get("social_security_number"):
            personal["social_security_number"] = self._cipher.encrypt(
                personal["social_security_number"]
            )
        for member in sealed.get("family_members", []):
            member["social_security_number"] = self._cipher.encrypt(
                member.get("social_security_number", "")
            )
        for account in sealed.get("bank_accounts", []):
            account["iban"] = self._cipher.encrypt(account.get("iban", ""))
        return sealed

    def _open(self, client: Client, fields: Collection[str] | None = None) -> Client:
        """Decrypt the sensitive numbers of the sections in ``fields`` (all when None): a
        decryption costs more than the rest of a read."""
        personal = client.get("personal") or {}
        if personal.get("social_security_number") and (fields is None or "personal" in fields):
            personal["social_security_number"] = self._cipher.decrypt(
                personal["social_security_number"]
            )
        if fields is None or "family_members" in fields:
            for member in client.get("family_members", []):
                member["social_security_number"] = self._cipher.decrypt(
                    member.get("social_security_number", "")
                )
        if fields is None or "bank_accounts" in fields:
            for account in client.get("bank_accounts", []):
                account["iban"] = self._cipher.decrypt(account.get("iban", ""))
        return client

    # Clients

    async def get_client(self, tenant_id: str, client_id: str) -> Client | None:
        found = await self.store.get(CLIENTS, tenant_id, client_id)
        return None if found is None else self._open(found)

    async def get_clients(
        self, tenant_id: str, client_ids: Sequence[str], fields: Collection[str] | None = None
    ) -> list[Client]:
        found = await self.store.get_many(CLIENTS, tenant_id, client_ids)
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
        found = await self.store.find(CLIENTS, tenant_id, where, sort=sort, limit=limit)
        return [self._open(c, fields) for c in found]

    async def count_clients(self, tenant_id: str, where: Filter | None) -> int:
        return await self.store.count(CLIENTS, tenant_id, where)

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
        """The tenant's next client reference, CL000001 onwards."""
        counter = await txn.get(COUNTERS, tenant_id, "client_reference")
        if counter is None:
            await txn.insert(COUNTERS, tenant_id, {"id": "client_reference", "value": 1})
            value = 1
        else:
            value = int(counter["value"]) + 1
            await txn.replace(
                COUNTERS,
                tenant_id,
                {**counter, "value": value},
                expected_version=counter["version"],
            )
        return f"CL{value:06d}"

    # Contacts

    async def get_contact(self, tenant_id: str, contact_id: str) -> Contact | None:
        return await self.store.get(CONTACTS, tenant_id, contact_id)

    async def find_contacts(
        self, tenant_id: str, client_ids: Sequence[str], *, valid_on: str | None
    ) -> list[Contact]:
        where: dict[str, Any] = {"client_id": {"$in": list(client_ids)}}
        if valid_on is not None:
            where["$and"] = [
                {"$or": [{"valid_from": ""}, {"valid_from": {"$lte": valid_on}}]},
                {"$or": [{"valid_to": ""}, {"valid_to": {"$gte": valid_on}}]},
            ]
        return await self.store.find(
            CONTACTS, tenant_id, where, sort=(("display_order", 1), ("last_name", 1), ("id", 1))
        )

    async def get_contact_for_update(
        self, txn: Transaction, tenant_id: str, contact_id: str
    ) -> Contact | None:
        return await txn.get(CONTACTS, tenant_id, contact_id)

    async def insert_contact(self, txn: Transaction, tenant_id: str, contact: Contact) -> Contact:
        return await txn.insert(CONTACTS, tenant_id, contact)

    async def replace_contact(
        self, txn: Transaction, tenant_id: str, contact: Contact, *, expected_version: int
    ) -> Contact:
        return await txn.replace(CONTACTS, tenant_id, contact, expected_version=expected_version)
