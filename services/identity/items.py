"""The items of a client's lists (addresses, phones, emails, bank accounts, family members) and
of a contact's (phones, emails, its address): each has a stable id, so that one item is added,
changed or removed by its id without resending its list.

Items stored before they had ids get one derived from where they stand (the record, the list,
the position): every read shows the same id until the record changes, and the next write of
the record stores it, so an id read before that write still names the same item after it.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from ulid import ULID

from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.updates import MASK_FIELD
from services.identity.models import (
    CLIENT_ITEM_LISTS,
    CONTACT_ITEM_LISTS,
    ITEM_FIELDS,
    PRIMARY_LISTS,
    Client,
    ClientItem,
    Contact,
    ItemList,
)

# How the callers name each list in a violation's field (``bankAccounts[0].iban``), and one
# of its items in a message.
FIELD_NAMES: dict[ItemList, str] = {
    "addresses": "addresses",
    "phones": "phones",
    "emails": "emails",
    "bank_accounts": "bankAccounts",
    "family_members": "familyMembers",
    "associated_users": "associatedUsers",
    "associated_products": "associatedProducts",
}
ITEM_NAMES: dict[ItemList, str] = {
    "addresses": "address",
    "phones": "phone",
    "emails": "email",
    "bank_accounts": "bank account",
    "family_members": "family member",
    "associated_users": "associated user",
    "associated_products": "associated product",
}
# The update mask path that names every field of an item.
EVERY_FIELD = "*"

Item = dict[str, Any]


def _items_in(record: Mapping[str, Any], name: str) -> list[Item]:
    items = record.get(name)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


# Ids


def _millis(instant: str) -> int:
    try:
        return int(datetime.fromisoformat(instant).timestamp() * 1000)
    except ValueError:
        return 0


def derived_id(record_id: str, list_name: str, index: int, created_at: str = "") -> str:
    """The id of an item stored without one: a ULID carrying the record's creation time, the
    same on every read as long as the item stands where it is."""
    digest = hashlib.blake2b(f"{record_id}/{list_name}/{index}".encode(), digest_size=10).digest()
    stamp = max(0, min(_millis(created_at), 2**48 - 1))
    return str(ULID.from_bytes(stamp.to_bytes(6, "big") + digest))


def _created_at(record: Mapping[str, Any]) -> str:
    audit = record.get("audit")
    created = audit.get("created_at", "") if isinstance(audit, Mapping) else ""
    return created if isinstance(created, str) else ""


def _fill(record: Mapping[str, Any], lists: Iterable[str]) -> None:
    created = _created_at(record)
    for name in lists:
        for index, item in enumerate(_items_in(record, name)):
            if not item.get("id"):
                item["id"] = derived_id(record["id"], name, index, created)


def fill_client_ids(client: Client) -> Client:
    """The client as read, every item with an id (derived for those stored without one)."""
    _fill(client, CLIENT_ITEM_LISTS)
    return client


def fill_contact_ids(contact: Contact) -> Contact:
    """The contact as read, every phone, email and its address with an id."""
    _fill(contact, CONTACT_ITEM_LISTS)
    address = contact.get("address")
    if address and not address.get("id"):
        address["id"] = derived_id(contact["id"], "address", 0, _created_at(contact))
    return contact


def new_ids(record: Mapping[str, Any], lists: Iterable[str]) -> None:
    """Every item of ``lists`` gets a new id: the items of a new record are new, whatever ids
    a caller gave them."""
    for name in lists:
        for item in _items_in(record, name):
            item["id"] = new_id()


def _values(item: Mapping[str, Any]) -> dict[str, Any]:
    # What an item says, blanks aside: a stored item and the same one sent back may differ in
    # the keys they leave out. 0.0 is a real coordinate, not a blank.
    return {
        k: v for k, v in item.items() if k != "id" and v is not None and v != "" and v is not False
    }


def keep_ids(before: Mapping[str, Any], after: Mapping[str, Any], lists: Iterable[str]) -> None:
    """Ids for the items of ``after`` where a caller replaced lists of ``before``: an item
    keeps the id of the stored item it names, or else of a stored item it repeats value for
    value; any other item is new and gets a new id. No two items share an id."""
    for name in lists:
        unclaimed = {i["id"]: i for i in _items_in(before, name) if i.get("id")}
        pending: list[Item] = []
        for item in _items_in(after, name):
            if item.get("id") in unclaimed:
                del unclaimed[item["id"]]
            else:
                pending.append(item)
        for item in pending:
            same = next((i for i in unclaimed.values() if _values(i) == _values(item)), None)
            if same is None:
                item["id"] = new_id()
            else:
                item["id"] = same["id"]
                del unclaimed[same["id"]]


def keep_contact_ids(before: Contact | None, after: Contact) -> None:
    """As keep_ids for a contact's phones and emails; its one address keeps its id whatever
    its values become (it is the contact's address, changed in place)."""
    keep_ids(before or {}, after, CONTACT_ITEM_LISTS)
    address = after.get("address")
    if address:
        kept = ((before or {}).get("address") or {}).get("id", "")
        address["id"] = kept or new_id()


# One item of a client


def locate(
    client: Client, item_id: str, lists: Sequence[ItemList] = CLIENT_ITEM_LISTS
) -> tuple[ItemList, int]:
    """The list and position of the item ``item_id`` among ``lists``; NotFound when none
    holds it (named by the first list's kind when only one is searched)."""
    for name in lists:
        for index, item in enumerate(_items_in(client, name)):
            if item_id and item.get("id") == item_id:
                return name, index
    what = ITEM_NAMES[lists[0]] if len(lists) == 1 else "item"
    raise NotFound(f"{what} {item_id} not found")


def _items_of(client: Client, name: ItemList) -> list[Item]:
    record = cast(dict[str, Any], client)
    items = record.get(name)
    if not isinstance(items, list):
        items = record[name] = []
    return items


def _only_fields(name: ItemList, item: ClientItem | Mapping[str, Any]) -> Item:
    given = cast(Mapping[str, Any], item)
    return {f: copy.deepcopy(given[f]) for f in ITEM_FIELDS[name] if f in given}


def _take_primary(items: list[Item], keep: Item) -> None:
    for other in items:
        if other is not keep:
            other["primary"] = False


def add_item(client: Client, name: ItemList, item: ClientItem) -> list[FieldViolation]:
    """``item`` appended to the client's list ``name`` with a new id; a primary one takes the
    mark from the one that had it."""
    items = _items_of(client, name)
    added = {"id": new_id(), **_only_fields(name, item)}
    items.append(added)
    if name in PRIMARY_LISTS and added.get("primary"):
        _take_primary(items, added)
    return []


def mask_fields(name: ItemList, paths: Sequence[str]) -> list[str]:
    """The item fields an update mask names ("*": all of them); an unknown one is
    InvalidInput on the mask, every unknown one named."""
    if EVERY_FIELD in paths:
        return list(ITEM_FIELDS[name])
    unknown = [p for p in paths if p not in ITEM_FIELDS[name]]
    if unknown:
        raise InvalidInput(
            [
                FieldViolation(MASK_FIELD, f"{p!r} is not a field of a {ITEM_NAMES[name]}")
                for p in unknown
            ]
        )
    return list(dict.fromkeys(paths))


def update_item(
    client: Client, name: ItemList, index: int, item: ClientItem, fields: Sequence[str]
) -> list[FieldViolation]:
    """The item at ``index`` of list ``name`` takes the values of ``item`` for ``fields``
    only; the others keep theirs. Returns the violations of the move of the primary mark."""
    items = _items_of(client, name)
    target, given = items[index], cast(Mapping[str, Any], item)
    was_primary = bool(target.get("primary"))
    for field in fields:
        if field in given:
            target[field] = copy.deepcopy(given[field])
        else:
            target.pop(field, None)
    if name not in PRIMARY_LISTS or "primary" not in fields:
        return []
    if target.get("primary"):
        _take_primary(items, target)
    elif was_primary and len(items) > 1:
        return [
            FieldViolation(
                f"{FIELD_NAMES[name]}[{index}].primary",
                f"a client keeps one primary {ITEM_NAMES[name]}: make another one primary instead",
            )
        ]
    return []


def remove_item(client: Client, name: ItemList, index: int) -> list[FieldViolation]:
    """The item at ``index`` removed; when it was the primary one, the client's checks make
    the first remaining item primary."""
    del _items_of(client, name)[index]
    return []


def set_primary(client: Client, name: ItemList, index: int) -> list[FieldViolation]:
    """The item at ``index`` becomes the list's one primary item."""
    for position, item in enumerate(_items_of(client, name)):
        item["primary"] = position == index
    return []
