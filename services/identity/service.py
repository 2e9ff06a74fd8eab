"""The identity domain: create, change, find and relate clients and their contacts.

Plain keyword-only functions over the repository; no gRPC here. Every function takes the
caller and works inside the caller's tenant only. Each write validates everything first,
then writes the change and its event in one transaction.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from runtime.caller import Caller
from runtime.clock import now_iso
from runtime.errors import Conflict, FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from services.identity import events, search
from services.identity.models import (
    CLIENT_DEFAULTS,
    CLIENT_INPUT_FIELDS,
    CONTACT_DEFAULTS,
    CONTACT_INPUT_FIELDS,
    Client,
    Contact,
    display_name,
)
from services.identity.repository import IdentityRepository
from services.identity.validation import check_client, check_contact

MAX_PAGE = 200
DEFAULT_PAGE = 20
# Deeper parent chains than this are refused; real groups are a few levels deep.
MAX_ANCESTRY = 64


def _stamp(updated: dict[str, Any], caller: Caller) -> None:
    """Record who changed a record and when, keeping who created it."""
    updated["audit"] = {
        **updated.get("audit", {}),
        "updated_at": now_iso(),
        "updated_by": caller.user_id,
    }


def _edit(
    current: dict[str, Any] | None,
    *,
    what: str,
    record_id: str,
    version: int,
    changes: dict[str, Any],
    paths: Sequence[str],
    fields: Sequence[str],
    check: Callable[[dict[str, Any]], list[FieldViolation]],
) -> tuple[dict[str, Any], list[str]]:
    """The record with the caller's changes applied and checked, and the fields that changed.

    Raises NotFound, Conflict on a stale version, or InvalidInput; nothing is written.
    """
    if current is None:
        raise NotFound(f"{what} {record_id} not found")
    if current["version"] != version:
        raise Conflict(f"version: {version} is stale, the current version is {current['version']}")
    updated = apply_paths(current, changes, paths, fields)
    _reject(check(updated))
    return updated, [k for k in fields if updated.get(k) != current.get(k)]


def _derive(client: Client) -> Client:
    client["display_name"] = display_name(client)
    client["sort_name"] = search.sort_name(client)
    client["search_keys"] = search.search_keys(client)
    return client


def _reject(violations: list[FieldViolation]) -> None:
    if violations:
        raise InvalidInput(violations)


def apply_paths(
    current: dict[str, Any], changes: dict[str, Any], paths: Sequence[str], allowed: Sequence[str]
) -> dict[str, Any]:
    """A copy of ``current`` where each path (``"phones"``, ``"personal.birth_date"``) takes
    its value from ``changes``; lists and scalars are replaced, sub-documents merged by path."""
    merged = copy.deepcopy(current)
    for path in paths:
        head, _, rest = path.partition(".")
        if head not in allowed:
            raise InvalidInput(FieldViolation("updateMask", f"{path!r} is not a writable field"))
        if not rest:
            merged[head] = copy.deepcopy(changes.get(head))
            continue
        source = changes.get(head) or {}
        if rest not in source:
            raise InvalidInput(FieldViolation("updateMask", f"{path!r} is not a writable field"))
        target: dict[str, Any] = merged.get(head) or {}
        target[rest] = copy.deepcopy(source[rest])
        merged[head] = target
    return merged


# Clients


async def create_client(*, repo: IdentityRepository, caller: Caller, data: Client) -> Client:
    client = copy.deepcopy(CLIENT_DEFAULTS)
    client.update({k: copy.deepcopy(data[k]) for k in CLIENT_INPUT_FIELDS if k in data})
    client["flags"] = {**(client["flags"] or {}), "archived": False}
    _reject(check_client(client))
    now = now_iso()
    async with repo.store.transaction() as txn:
        if not client.get("reference"):
            client["reference"] = await repo.next_reference(txn, caller.tenant_id)
        client.update(
            id=new_id(),
            audit={
                "created_at": now,
                "created_by": caller.user_id,
                "updated_at": now,
                "updated_by": caller.user_id,
            },
            parent_client_id="",
            associated_client_ids=[],
            kind_history=[{"kind": client["kind"], "at": now, "by": caller.user_id}],
        )
        stored = await repo.insert_client(txn, caller.tenant_id, _derive(client))
        await events.client_changed(txn, events.CLIENT_CREATED, caller, stored)
    return stored


async def get_client(*, repo: IdentityRepository, caller: Caller, client_id: str) -> Client:
    client = await repo.get_client(caller.tenant_id, client_id)
    if client is None:
        raise NotFound(f"client {client_id} not found")
    return client


async def get_clients(
    *,
    repo: IdentityRepository,
    caller: Caller,
    client_ids: Sequence[str],
    fields: Collection[str] | None = None,
) -> list[Client]:
    """The clients that exist in the caller's tenant among ``client_ids``, in that order;
    ``fields`` (a read mask) limits what is read, all when None."""
    found = {
        c["id"]: c
        for c in await repo.get_clients(caller.tenant_id, list(dict.fromkeys(client_ids)), fields)
    }
    return [found[i] for i in dict.fromkeys(client_ids) if i in found]


async def update_client(
    *,
    repo: IdentityRepository,
    caller: Caller,
    client_id: str,
    version: int,
    changes: Client,
    paths: Sequence[str],
) -> Client:
    async with repo.store.transaction() as txn:
        current = await repo.get_client_for_update(txn, caller.tenant_id, client_id)
        updated, changed = _edit(
            current,
            what="client",
            record_id=client_id,
            version=version,
            changes=changes,
            paths=paths,
            fields=CLIENT_INPUT_FIELDS,
            check=check_client,
        )
        if not changed:
            return updated
        now = now_iso()
        if "kind" in changed:
            updated["kind_history"] = [
                *updated.get("kind_history", []),
                {"kind": updated["kind"], "at": now, "by": caller.user_id},
            ]
        _stamp(updated, caller)
        stored = await repo.replace_client(
            txn, caller.tenant_id, _derive(updated), expected_version=version
        )
        await events.client_changed(txn, events.CLIENT_UPDATED, caller, stored, changed)
    return stored


async def archive_client(*, repo: IdentityRepository, caller: Caller, client_id: str) -> Client:
    async with repo.store.transaction() as txn:
        current = await repo.get_client_for_update(txn, caller.tenant_id, client_id)
        if current is None:
            raise NotFound(f"client {client_id} not found")
        if (current.get("flags") or {}).get("archived"):
            return current
        updated = copy.deepcopy(current)
        updated.setdefault("flags", {})["archived"] = True
        _stamp(updated, caller)
        stored = await repo.replace_client(
            txn, caller.tenant_id, updated, expected_version=current["version"]
        )
        await events.client_changed(txn, events.CLIENT_ARCHIVED, caller, stored, ["flags"])
    return stored


@dataclass(frozen=True, slots=True)
class SearchPage:
    clients: list[Client]
    cursors: list[str]
    has_next_page: bool
    total_count: int


def _encode_cursor(client: Client) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([client["sort_name"], client["id"]])).decode()


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        sort_name, client_id = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise InvalidInput(
            FieldViolation("after", "not a cursor returned by this search")
        ) from None
    return str(sort_name), str(client_id)


async def search_clients(
    *,
    repo: IdentityRepository,
    caller: Caller,
    query: str,
    first: int = DEFAULT_PAGE,
    after: str = "",
    include_archived: bool = False,
    fields: Collection[str] | None = None,
) -> SearchPage:
    """A page of clients matching ``query`` (all clients when blank), exact references first,
    then by name, with a cursor per client and the total count; ``fields`` as in get_clients."""
    if first < 0 or first > MAX_PAGE:
        raise InvalidInput(FieldViolation("first", f"must be between 0 and {MAX_PAGE}"))
    first = first or DEFAULT_PAGE
    base = search.query_filter(query)
    scope: list[dict[str, Any]] = [] if include_archived else [{"flags.archived": False}]
    where: dict[str, Any] = {"$and": [*scope, *([base] if base else [])]}
    order = (("sort_name", 1), ("id", 1))
    exact: list[Client] = []
    if base:
        exact = await repo.find_clients(
            caller.tenant_id,
            {"$and": [*scope, {"search_keys": {"$in": search.exact_keys(query)}}]},
            sort=order,
            limit=MAX_PAGE,
            fields=fields,
        )
    exact_ids = {c["id"] for c in exact}
    # Exact hits lead the first page; the name-ordered rest never repeats them.
    lead = [] if after else exact[:first]
    rest_where = where
    if after:
        sort_name, last_id = _decode_cursor(after)
        rest_where = {
            "$and": [
                where,
                {
                    "$or": [
                        {"sort_name": {"$gt": sort_name}},
                        {"sort_name": sort_name, "id": {"$gt": last_id}},
                    ]
                },
            ]
        }
    room = first - len(lead)
    rest = await repo.find_clients(
        caller.tenant_id, rest_where, sort=order, limit=room + len(exact_ids) + 1, fields=fields
    )
    rest = [c for c in rest if c["id"] not in exact_ids]
    shown = rest[:room]
    # Exact hits sort before every name: their cursor resumes at the start of the name order.
    start = _encode_cursor({"sort_name": "", "id": ""})
    cursors = [start] * len(lead) + [_encode_cursor(c) for c in shown]
    return SearchPage(
        clients=lead + shown,
        cursors=cursors,
        has_next_page=len(rest) > room,
        total_count=await repo.count_clients(caller.tenant_id, where),
    )


# Relations


async def set_parent_client(
    *, repo: IdentityRepository, caller: Caller, client_id: str, parent_client_id: str
) -> Client:
    async with repo.store.transaction() as txn:
        current = await repo.get_client_for_update(txn, caller.tenant_id, client_id)
        if current is None:
            raise NotFound(f"client {client_id} not found")
        if parent_client_id:
            if parent_client_id == client_id:
                raise InvalidInput(
                    FieldViolation("parentClientId", "a client cannot be its own parent")
                )
            ancestor_id = parent_client_id
            for _ in range(MAX_ANCESTRY):
                ancestor = await repo.get_client_for_update(txn, caller.tenant_id, ancestor_id)
                if ancestor is None:
                    if ancestor_id == parent_client_id:
                        raise NotFound(f"client {parent_client_id} not found")
                    break
                if ancestor["id"] == client_id:
                    raise InvalidInput(
                        FieldViolation("parentClientId", "a client cannot be its own ancestor")
                    )
                ancestor_id = ancestor.get("parent_client_id", "")
                if not ancestor_id:
                    break
            else:
                raise InvalidInput(
                    FieldViolation(
                        "parentClientId", f"the parent chain is deeper than {MAX_ANCESTRY}"
                    )
                )
        if current.get("parent_client_id", "") == parent_client_id:
            return current
        updated = {**current, "parent_client_id": parent_client_id}
        _stamp(updated, caller)
        stored = await repo.replace_client(
            txn, caller.tenant_id, updated, expected_version=current["version"]
        )
        await events.client_changed(
            txn, events.CLIENT_UPDATED, caller, stored, ["parent_client_id"]
        )
    return stored


async def associate_clients(
    *,
    repo: IdentityRepository,
    caller: Caller,
    client_id: str,
    other_client_id: str,
    associated: bool,
) -> Client:
    if client_id == other_client_id:
        raise InvalidInput(
            FieldViolation("otherClientId", "a client cannot be associated with itself")
        )
    async with repo.store.transaction() as txn:
        pair = []
        for some_id in (client_id, other_client_id):
            found = await repo.get_client_for_update(txn, caller.tenant_id, some_id)
            if found is None:
                raise NotFound(f"client {some_id} not found")
            pair.append(found)
        results = []
        for current, other in (pair, pair[::-1]):
            ids = [i for i in current.get("associated_client_ids", []) if i != other["id"]]
            if associated:
                ids.append(other["id"])
            if ids == current.get("associated_client_ids", []):
                results.append(current)
                continue
            updated = {**current, "associated_client_ids": ids}
            _stamp(updated, caller)
            stored = await repo.replace_client(
                txn, caller.tenant_id, updated, expected_version=current["version"]
            )
            await events.client_changed(
                txn, events.CLIENT_UPDATED, caller, stored, ["associated_client_ids"]
            )
            results.append(stored)
    return results[0]


# Contacts


def _today() -> str:
    return date.today().isoformat()


async def add_contact(
    *,
    repo: IdentityRepository,
    caller: Caller,
    client_id: str,
    data: Contact,
    copy_client_address: bool = False,
) -> Contact:
    contact = copy.deepcopy(CONTACT_DEFAULTS)
    contact.update({k: copy.deepcopy(data[k]) for k in CONTACT_INPUT_FIELDS if k in data})
    contact["valid_from"] = contact.get("valid_from") or _today()
    async with repo.store.transaction() as txn:
        client = await repo.get_client_for_update(txn, caller.tenant_id, client_id)
        if client is None:
            raise NotFound(f"client {client_id} not found")
        if copy_client_address:
            primary = next((a for a in client.get("addresses", []) if a.get("primary")), None)
            if primary is not None:
                contact["address"] = {**primary, "id": new_id()}
            contact["phones"] = contact.get("phones") or copy.deepcopy(client.get("phones", []))
            contact["emails"] = contact.get("emails") or copy.deepcopy(client.get("emails", []))
        _reject(check_contact(contact))
        now = now_iso()
        contact.update(
            id=new_id(),
            client_id=client_id,
            audit={
                "created_at": now,
                "created_by": caller.user_id,
                "updated_at": now,
                "updated_by": caller.user_id,
            },
        )
        stored = await repo.insert_contact(txn, caller.tenant_id, contact)
        await events.contact_changed(txn, events.CONTACT_CREATED, caller, stored)
    return stored


async def update_contact(
    *,
    repo: IdentityRepository,
    caller: Caller,
    contact_id: str,
    version: int,
    changes: Contact,
    paths: Sequence[str],
) -> Contact:
    async with repo.store.transaction() as txn:
        current = await repo.get_contact_for_update(txn, caller.tenant_id, contact_id)
        updated, changed = _edit(
            current,
            what="contact",
            record_id=contact_id,
            version=version,
            changes=changes,
            paths=paths,
            fields=CONTACT_INPUT_FIELDS,
            check=check_contact,
        )
        if not changed:
            return updated
        _stamp(updated, caller)
        stored = await repo.replace_contact(
            txn, caller.tenant_id, updated, expected_version=version
        )
        await events.contact_changed(txn, events.CONTACT_UPDATED, caller, stored, changed)
    return stored


async def end_contact(
    *, repo: IdentityRepository, caller: Caller, contact_id: str, valid_to: str = ""
) -> Contact:
    async with repo.store.transaction() as txn:
        current = await repo.get_contact_for_update(txn, caller.tenant_id, contact_id)
        if current is None:
            raise NotFound(f"contact {contact_id} not found")
        updated = {**current, "valid_to": valid_to or _today()}
        _reject(check_contact(updated))
        _stamp(updated, caller)
        stored = await repo.replace_contact(
            txn, caller.tenant_id, updated, expected_version=current["version"]
        )
        await events.contact_changed(txn, events.CONTACT_ENDED, caller, stored, ["valid_to"])
    return stored


async def list_contacts(
    *, repo: IdentityRepository, caller: Caller, client_ids: Sequence[str], include_historical: bool
) -> list[Contact]:
    if not client_ids:
        return []
    return await repo.find_contacts(
        caller.tenant_id, client_ids, valid_on=None if include_historical else _today()
    )
