"""Data shapes of the identity service: the collections and the documents they hold.

A client document uses the proto field names (snake_case), plus what the service derives:
``search_keys`` (multikey, see search.py), ``sort_name`` and ``kind_history``. Social security
numbers and IBANs are encrypted at rest by the repository.
"""

from __future__ import annotations

from typing import Any

from runtime.store import CollectionSpec

CLIENTS = "clients"
CONTACTS = "contacts"
COUNTERS = "counters"

COLLECTIONS = (
    CollectionSpec(
        CLIENTS,
        indexes=(("sort_name",), ("parent_client_id",)),
        unique=("reference",),
        multikey=("search_keys",),
    ),
    CollectionSpec(CONTACTS, indexes=(("client_id",),)),
    CollectionSpec(COUNTERS),
)

Client = dict[str, Any]
Contact = dict[str, Any]

# Top-level fields a caller may write; the rest is derived or managed by the service.
CLIENT_INPUT_FIELDS = (
    "kind",
    "reference",
    "registration_number",
    "dms_number",
    "civility",
    "first_name",
    "last_name",
    "phones",
    "emails",
    "addresses",
    "personal",
    "professional",
    "family_members",
    "bank_accounts",
    "management",
    "flags",
    "important_notes",
    "memo",
)

CONTACT_INPUT_FIELDS = (
    "civility",
    "first_name",
    "last_name",
    "function",
    "display_order",
    "valid_from",
    "valid_to",
    "phones",
    "emails",
    "address",
    "consents",
    "recipient_roles",
    "portal_access",
)

# What a new client holds for each field the caller left out.
CLIENT_DEFAULTS: dict[str, Any] = {
    "kind": "",
    "reference": "",
    "registration_number": "",
    "dms_number": "",
    "civility": "",
    "first_name": "",
    "last_name": "",
    "phones": [],
    "emails": [],
    "addresses": [],
    "personal": {},
    "professional": {},
    "family_members": [],
    "bank_accounts": [],
    "management": {},
    "flags": {},
    "important_notes": "",
    "memo": "",
}

# What a new contact holds for each field the caller left out.
CONTACT_DEFAULTS: dict[str, Any] = {
    "civility": "",
    "first_name": "",
    "last_name": "",
    "function": "",
    "display_order": 0,
    "valid_from": "",
    "valid_to": "",
    "phones": [],
    "emails": [],
    "address": None,
    "consents": {},
    "recipient_roles": {},
    "portal_access": False,
}

# Changes to these fields can change a screening result; consumers look for them.
SCREENED_FIELDS = frozenset({"first_name", "last_name", "personal", "professional", "kind"})


def display_name(client: Client) -> str:
    if client.get("kind") == "professional":
        legal_name: str = (client.get("professional") or {}).get("legal_name", "")
        if legal_name:
            return legal_name
    parts = [client.get("first_name", ""), client.get("last_name", "")]
    return " ".join(p for p in parts if p).strip()
