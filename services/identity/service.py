"""The identity domain: create, change, find and relate clients and their contacts.

Plain keyword-only functions over the repository; no gRPC here. Every function takes the
caller and works inside the caller's tenant only. Each write validates everything first,
then writes the change and its event in one transaction.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from typing import Any

from client360.lifecycle.v1 import lifecycle_pb2
from runtime.caller import Caller
from runtime.clock import now_iso, today
from runtime.contracts import subject_of
from runtime.errors import Conflict, FieldViolation, InvalidInput, NotFound, PermissionDenied
from runtime.ids import new_id
from runtime.kit.paging import Page, cursor_of, decode_cursor, encode_cursor, page_size
from runtime.kit.paging import after as rows_after
from runtime.kit.updates import (
    apply_mask,
    changed_fields,
    check_version,
    created_stamps,
    touched_stamps,
)
from runtime.kit.validators import reject_invalid
from runtime.store import Transaction
from services.identity import duplicates, erasing, events, geo, items, merging, search
from services.identity.models import (
    CLIENT_INPUT_FIELDS,
    CLIENT_ITEM_CHANGES,
    CLIENT_ITEM_LISTS,
    CONTACT_INPUT_FIELDS,
    CONTACT_ITEM_LISTS,
    Client,
    ClientInput,
    ClientItem,
    Contact,
    ContactInput,
    ItemList,
    display_name,
    new_client,
    new_contact,
)
from services.identity.privacy import keep_masked_numbers, revealed
from services.identity.repository import IdentityRepository
from services.identity.validation import check_client, check_contact

log = logging.getLogger(__name__)

MAX_PAGE = 200
# Who may merge two files: not a partner, not a technician.
MERGING_ROLES = frozenset({"advisor", "manager", "admin"})
DEFAULT_PAGE = 20
# Deeper parent chains than this are refused; real groups are a few levels deep.
MAX_ANCESTRY = 64
# Search results: by name, then id (unique, so that a cursor names one row).
SEARCH_ORDER = (("sort_name", 1), ("id", 1))
SEARCH_LISTING = "identity.clients"


def _derive(client: Client) -> Client:
    client["display_name"] = display_name(client)
    client["sort_name"] = search.sort_name(client)
    client["search_keys"] = search.search_keys(client)
    return client


# Clients


async def create_client(*, repo: IdentityRepository, caller: Caller, data: ClientInput) -> Client:
    client = new_client(data)
    client["flags"] = {**(client.get("flags") or {}), "archived": False}
    reject_invalid(check_client(client))
    items.new_ids(client, CLIENT_ITEM_LISTS)
    audit = created_stamps(caller.user_id)
    async with repo.transaction() as txn:
        if not client.get("reference"):
            client["reference"] = await repo.next_reference(txn, caller.tenant_id)
        client["id"] = new_id()
        client["audit"] = audit
        client["parent_client_id"] = ""
        client["associated_client_ids"] = []
        client["associated_users"] = []
        client["associated_products"] = []
        client["kind_history"] = [
            {"kind": client.get("kind", ""), "at": audit["created_at"], "by": caller.user_id}
        ]
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
    changes: ClientInput,
    paths: Sequence[str],
) -> Client:
    """The fields ``paths`` names take their values from ``changes``; a list named is replaced
    whole (its items keep their ids when sent back, items.keep_ids)."""
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_client_for_update(txn, caller.tenant_id, client_id),
            version=version,
            what="client",
            record_id=client_id,
        )
        updated = apply_mask(current, changes, paths, CLIENT_INPUT_FIELDS)
        keep_masked_numbers(caller, updated, current)
        reject_invalid(check_client(updated))
        items.keep_ids(current, updated, CLIENT_ITEM_LISTS)
        changed = changed_fields(current, updated, CLIENT_INPUT_FIELDS)
        if not changed:
            return current
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        if "kind" in changed:
            updated["kind_history"] = [
                *updated.get("kind_history", []),
                {
                    "kind": updated.get("kind", ""),
                    "at": updated["audit"]["updated_at"],
                    "by": caller.user_id,
                },
            ]
        stored = await repo.replace_client(
            txn, caller.tenant_id, _derive(updated), expected_version=version
        )
        await events.client_changed(txn, events.CLIENT_UPDATED, caller, stored, changed)
    return stored


async def archive_client(*, repo: IdentityRepository, caller: Caller, client_id: str) -> Client:
    async with repo.transaction() as txn:
        current = await repo.get_client_for_update(txn, caller.tenant_id, client_id)
        if current is None:
            raise NotFound(f"client {client_id} not found")
        if (current.get("flags") or {}).get("archived"):
            return current
        updated = copy.deepcopy(current)
        updated["flags"] = {**(updated.get("flags") or {}), "archived": True}
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_client(
            txn, caller.tenant_id, updated, expected_version=current["version"]
        )
        await events.client_changed(txn, events.CLIENT_ARCHIVED, caller, stored, ["flags"])
    return stored


async def restore_client(
    *, repo: IdentityRepository, caller: Caller, client_id: str, version: int
) -> Client:
    """An archived client back in the lists; one that is not archived stays as it is."""
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_client_for_update(txn, caller.tenant_id, client_id),
            version=version,
            what="client",
            record_id=client_id,
        )
        if not (current.get("flags") or {}).get("archived"):
            return current
        updated = copy.deepcopy(current)
        updated["flags"] = {**(updated.get("flags") or {}), "archived": False}
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_client(txn, caller.tenant_id, updated, expected_version=version)
        await events.client_changed(txn, events.CLIENT_RESTORED, caller, stored, ["flags"])
    return stored


# One item of a client's lists: addresses, phones, emails, bank accounts, family members.

# A change to the items of a client (in place), returning the violations it finds itself.
ItemChange = Callable[[Client], list[FieldViolation]]


async def _change_items(
    *, repo: IdentityRepository, caller: Caller, client_id: str, version: int, change: ItemChange
) -> Client:
    """The version check, ``change``, the client's checks on the whole result (every violation
    at once), then the write and its ClientUpdated naming the lists that changed, in one
    transaction. A change that changes nothing writes nothing."""
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_client_for_update(txn, caller.tenant_id, client_id),
            version=version,
            what="client",
            record_id=client_id,
        )
        updated = copy.deepcopy(current)
        violations = change(updated)
        keep_masked_numbers(caller, updated, current)
        reject_invalid([*violations, *check_client(updated)])
        changed = changed_fields(current, updated, CLIENT_ITEM_CHANGES)
        if not changed:
            return current
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_client(
            txn, caller.tenant_id, _derive(updated), expected_version=version
        )
        await events.client_changed(txn, events.CLIENT_UPDATED, caller, stored, changed)
    return stored


async def add_client_item(
    *,
    repo: IdentityRepository,
    caller: Caller,
    client_id: str,
    version: int,
    list_name: ItemList,
    item: ClientItem,
) -> Client:
    """``item`` appended to the client's list ``list_name`` with a new id."""
    return await _change_items(
        repo=repo,
        caller=caller,
        client_id=client_id,
        version=version,
        change=lambda client: items.add_item(client, list_name, item),
    )


async def update_client_item(
    *,
    repo: IdentityRepository,
    caller: Caller,
    client_id: str,
    version: int,
    list_name: ItemList,
    item_id: str,
    item: ClientItem,
    paths: Sequence[str],
) -> Client:
    """The item ``item_id`` of list ``list_name`` takes the values of ``item`` for the fields
    ``paths`` names ("*": all); the fields left out keep theirs."""
    fields = items.mask_fields(list_name, paths)

    def change(client: Client) -> list[FieldViolation]:
        _, index = items.locate(client, item_id, (list_name,))
        return items.update_item(client, list_name, index, item, fields)

    return await _change_items(
        repo=repo, caller=caller, client_id=client_id, version=version, change=change
    )


async def remove_client_item(
    *, repo: IdentityRepository, caller: Caller, client_id: str, version: int, item_id: str
) -> Client:
    """The item ``item_id`` removed from whichever list holds it."""

    def change(client: Client) -> list[FieldViolation]:
        list_name, index = items.locate(client, item_id)
        return items.remove_item(client, list_name, index)

    return await _change_items(
        repo=repo, caller=caller, client_id=client_id, version=version, change=change
    )


async def set_primary_address(
    *, repo: IdentityRepository, caller: Caller, client_id: str, version: int, address_id: str
) -> Client:
    """The address ``address_id`` becomes the client's one primary address."""

    def change(client: Client) -> list[FieldViolation]:
        _, index = items.locate(client, address_id, ("addresses",))
        return items.set_primary(client, "addresses", index)

    return await _change_items(
        repo=repo, caller=caller, client_id=client_id, version=version, change=change
    )


async def search_clients(
    *,
    repo: IdentityRepository,
    caller: Caller,
    query: str,
    first: int = 0,
    after: str = "",
    include_archived: bool = False,
    fields: Collection[str] | None = None,
    leasing_company: bool | None = None,
    area: geo.Area | None = None,
) -> Page[Client]:
    """A page of clients matching ``query`` (all clients when blank), exact references first,
    then by name, with a cursor per client and the total count; ``fields`` as in get_clients.
    ``leasing_company`` keeps only leasing companies (or only the others); ``area`` only the
    clients with an address in it, by name."""
    first = page_size(first, default=DEFAULT_PAGE, maximum=MAX_PAGE)
    base = search.query_filter(query)
    scope: list[dict[str, Any]] = [] if include_archived else [{"flags.archived": False}]
    if leasing_company is not None:
        scope.append({"flags.leasing_company": leasing_company})
    if area is not None:
        reject_invalid(geo.check_area(area))
        return await _search_area(
            repo=repo,
            caller=caller,
            where={"$and": [*scope, *([base] if base else [])]},
            area=area,
            first=first,
            after=after,
            fields=fields,
        )
    where: dict[str, Any] = {"$and": [*scope, *([base] if base else [])]}
    exact: list[Client] = []
    if base:
        exact = await repo.find_clients(
            caller.tenant_id,
            {"$and": [*scope, {"search_keys": {"$in": search.exact_keys(query)}}]},
            sort=SEARCH_ORDER,
            limit=MAX_PAGE,
            fields=fields,
        )
    exact_ids = {c["id"] for c in exact}
    # Exact hits lead the first page; the name-ordered rest never repeats them.
    lead = [] if after else exact[:first]
    rest_where = where
    if after:
        keys = decode_cursor(after, listing=SEARCH_LISTING, arity=len(SEARCH_ORDER))
        rest_where = {"$and": [where, rows_after(SEARCH_ORDER, keys)]}
    room = first - len(lead)
    rest = await repo.find_clients(
        caller.tenant_id,
        rest_where,
        sort=SEARCH_ORDER,
        limit=room + len(exact_ids) + 1,
        fields=fields,
    )
    rest = [c for c in rest if c["id"] not in exact_ids]
    shown = rest[:room]
    # Exact hits sort before every name: their cursor resumes at the start of the name order.
    start = encode_cursor(["", ""], listing=SEARCH_LISTING)
    cursors = [start] * len(lead) + [
        cursor_of(c, SEARCH_ORDER, listing=SEARCH_LISTING) for c in shown
    ]
    return Page(
        rows=lead + shown,
        cursors=cursors,
        has_next_page=len(rest) > room,
        total_count=await repo.count_clients(caller.tenant_id, where),
    )


# The most clients near an area that one query weighs; an area holding more is refused.
MAX_AREA_CANDIDATES = 20_000


async def _search_area(
    *,
    repo: IdentityRepository,
    caller: Caller,
    where: dict[str, Any],
    area: geo.Area,
    first: int,
    after: str,
    fields: Collection[str] | None,
) -> Page[Client]:
    """The clients of ``where`` with an address in ``area``, by name: the store narrows to the
    grid cells around the area, each address is then tested exactly (geo.py)."""
    near = {"search_keys": {"$in": geo.area_keys(area)}}
    found = await repo.find_clients(
        caller.tenant_id,
        {"$and": [where, near]},
        sort=SEARCH_ORDER,
        limit=MAX_AREA_CANDIDATES + 1,
        fields=None if fields is None else {*fields, "addresses"},
    )
    if len(found) > MAX_AREA_CANDIDATES:
        raise InvalidInput(
            FieldViolation("area", f"holds over {MAX_AREA_CANDIDATES} clients: draw a smaller area")
        )
    test = geo.AreaTest(area)
    inside = [c for c in found if test.any_inside(geo.points_of(c.get("addresses", [])))]
    if after:
        keys = decode_cursor(after, listing=SEARCH_LISTING, arity=len(SEARCH_ORDER))
        position = tuple(keys)
        inside_after = [c for c in inside if (c.get("sort_name", ""), c["id"]) > position]
    else:
        inside_after = inside
    shown = inside_after[:first]
    return Page(
        rows=shown,
        cursors=[cursor_of(c, SEARCH_ORDER, listing=SEARCH_LISTING) for c in shown],
        has_next_page=len(inside_after) > first,
        total_count=len(inside),
    )


# Relations


async def set_parent_client(
    *, repo: IdentityRepository, caller: Caller, client_id: str, parent_client_id: str
) -> Client:
    async with repo.transaction() as txn:
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
        updated: Client = {
            **current,
            "parent_client_id": parent_client_id,
            "audit": touched_stamps(current.get("audit"), caller.user_id),
        }
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
    async with repo.transaction() as txn:
        pair: list[Client] = []
        for some_id in (client_id, other_client_id):
            found = await repo.get_client_for_update(txn, caller.tenant_id, some_id)
            if found is None:
                raise NotFound(f"client {some_id} not found")
            pair.append(found)
        results: list[Client] = []
        for current, other in (pair, pair[::-1]):
            ids = [i for i in current.get("associated_client_ids", []) if i != other["id"]]
            if associated:
                ids.append(other["id"])
            if ids == current.get("associated_client_ids", []):
                results.append(current)
                continue
            updated: Client = {
                **current,
                "associated_client_ids": ids,
                "audit": touched_stamps(current.get("audit"), caller.user_id),
            }
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
    return today().isoformat()


async def add_contact(
    *,
    repo: IdentityRepository,
    caller: Caller,
    client_id: str,
    data: ContactInput,
    copy_client_address: bool = False,
) -> Contact:
    contact = new_contact(data)
    contact["valid_from"] = contact.get("valid_from") or _today()
    async with repo.transaction() as txn:
        client = await repo.get_client_for_update(txn, caller.tenant_id, client_id)
        if client is None:
            raise NotFound(f"client {client_id} not found")
        if copy_client_address:
            primary = next((a for a in client.get("addresses", []) if a.get("primary")), None)
            if primary is not None:
                contact["address"] = {**primary, "id": new_id()}
            contact["phones"] = contact.get("phones") or copy.deepcopy(client.get("phones", []))
            contact["emails"] = contact.get("emails") or copy.deepcopy(client.get("emails", []))
        reject_invalid(check_contact(contact))
        items.new_ids(contact, CONTACT_ITEM_LISTS)
        items.keep_contact_ids(None, contact)
        contact["id"] = new_id()
        contact["client_id"] = client_id
        contact["audit"] = created_stamps(caller.user_id)
        stored = await repo.insert_contact(txn, caller.tenant_id, contact)
        await events.contact_changed(txn, events.CONTACT_CREATED, caller, stored)
    return stored


async def update_contact(
    *,
    repo: IdentityRepository,
    caller: Caller,
    contact_id: str,
    version: int,
    changes: ContactInput,
    paths: Sequence[str],
) -> Contact:
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_contact_for_update(txn, caller.tenant_id, contact_id),
            version=version,
            what="contact",
            record_id=contact_id,
        )
        updated = apply_mask(current, changes, paths, CONTACT_INPUT_FIELDS)
        reject_invalid(check_contact(updated))
        items.keep_contact_ids(current, updated)
        changed = changed_fields(current, updated, CONTACT_INPUT_FIELDS)
        if not changed:
            return current
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_contact(
            txn, caller.tenant_id, updated, expected_version=version
        )
        await events.contact_changed(txn, events.CONTACT_UPDATED, caller, stored, changed)
    return stored


async def end_contact(
    *, repo: IdentityRepository, caller: Caller, contact_id: str, valid_to: str = ""
) -> Contact:
    async with repo.transaction() as txn:
        current = await repo.get_contact_for_update(txn, caller.tenant_id, contact_id)
        if current is None:
            raise NotFound(f"contact {contact_id} not found")
        updated: Contact = {**current, "valid_to": valid_to or _today()}
        reject_invalid(check_contact(updated))
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_contact(
            txn, caller.tenant_id, updated, expected_version=current["version"]
        )
        await events.contact_changed(txn, events.CONTACT_ENDED, caller, stored, ["valid_to"])
    return stored


async def delete_contact(
    *, repo: IdentityRepository, caller: Caller, contact_id: str, version: int
) -> Contact:
    """The contact deleted physically (seed 002's bin, as opposed to an end date); returns it
    as it was, which its ContactDeleted event carries too."""
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_contact_for_update(txn, caller.tenant_id, contact_id),
            version=version,
            what="contact",
            record_id=contact_id,
        )
        await repo.delete_contact(txn, caller.tenant_id, contact_id)
        await events.contact_changed(txn, events.CONTACT_DELETED, caller, current)
    return current


async def list_contacts(
    *, repo: IdentityRepository, caller: Caller, client_ids: Sequence[str], include_historical: bool
) -> list[Contact]:
    if not client_ids:
        return []
    return await repo.find_contacts(
        caller.tenant_id, client_ids, valid_on=None if include_historical else _today()
    )


# Duplicate suspects

MAX_SUSPECTS = 20
DEFAULT_SUSPECTS = 5
# Matching reads names, birth dates and match keys, which are stored in clear: no sensitive
# number is decrypted for it (IBANs are compared by their blind index).
_MATCH_FIELDS = ("display_name",)


async def find_duplicate_suspects(
    *, repo: IdentityRepository, caller: Caller, client_ids: Sequence[str], limit: int
) -> dict[str, list[duplicates.Suspect]]:
    """The suspects of each of ``client_ids`` found in the caller's tenant (ids of other
    tenants' clients, or unknown ids, get none), in one store query for the whole batch."""
    if limit < 0 or limit > MAX_SUSPECTS:
        raise InvalidInput(FieldViolation("limit", f"must be between 0 and {MAX_SUSPECTS}"))
    limit = limit or DEFAULT_SUSPECTS
    clients = await repo.get_clients(
        caller.tenant_id, list(dict.fromkeys(client_ids)), _MATCH_FIELDS
    )
    where = duplicates.candidate_filter(clients)
    candidates = (
        await repo.find_clients(
            caller.tenant_id, where, limit=duplicates.MAX_CANDIDATES, fields=_MATCH_FIELDS
        )
        if where is not None
        else []
    )
    return {c["id"]: duplicates.suspects_of(c, candidates, limit) for c in clients}


# Merging a duplicate file into the one that stays


async def _merge_pair(
    repo: IdentityRepository, txn: Transaction, caller: Caller, survivor_id: str, merged_id: str
) -> tuple[Client, Client]:
    if survivor_id == merged_id:
        raise InvalidInput(FieldViolation("mergedId", "a client cannot be merged into itself"))
    survivor = await repo.get_client_for_update(txn, caller.tenant_id, survivor_id)
    merged = await repo.get_client_for_update(txn, caller.tenant_id, merged_id)
    if survivor is None:
        raise NotFound(f"client {survivor_id} not found")
    if merged is None:
        raise NotFound(f"client {merged_id} not found")
    if merged.get("merged_into"):
        raise Conflict(f"client {merged_id} was already merged into {merged['merged_into']}")
    if survivor.get("merged_into"):
        raise InvalidInput(
            FieldViolation(
                "survivorId", f"this file was merged into {survivor['merged_into']}: keep that one"
            )
        )
    return survivor, merged


def _may_merge(caller: Caller) -> None:
    if caller.role not in MERGING_ROLES:
        raise PermissionDenied("merging client files is for advisors, managers and admins")


async def preview_merge(
    *,
    repo: IdentityRepository,
    caller: Caller,
    survivor_id: str,
    merged_id: str,
    take: Sequence[str],
) -> tuple[list[tuple[str, str, str, str]], Client]:
    """The fields where the files differ with the side kept, and the survivor as it would be."""
    _may_merge(caller)
    merging.check_take(take)
    async with repo.transaction() as txn:
        survivor, merged = await _merge_pair(repo, txn, caller, survivor_id, merged_id)
    return merging.differences(survivor, merged, take), _derive(
        merging.merged_values(survivor, merged, take)
    )


async def merge_clients(
    *,
    repo: IdentityRepository,
    caller: Caller,
    survivor_id: str,
    merged_id: str,
    take: Sequence[str],
) -> merging.Merge:
    """Identity's part of a merge, and the request for every other service's (merging.py)."""
    _may_merge(caller)
    merging.check_take(take)
    now = now_iso()
    async with repo.transaction() as txn:
        survivor, merged = await _merge_pair(repo, txn, caller, survivor_id, merged_id)
        result = merging.merged_values(survivor, merged, take)
        # What the merged file hung off, and what hung off it, now the survivor's.
        if not result.get("parent_client_id") and merged.get("parent_client_id") != survivor_id:
            result["parent_client_id"] = merged.get("parent_client_id", "")
        if result.get("parent_client_id") == merged_id:
            result["parent_client_id"] = ""
        associated = [
            c
            for c in dict.fromkeys(
                [*result.get("associated_client_ids", []), *merged.get("associated_client_ids", [])]
            )
            if c not in (survivor_id, merged_id)
        ]
        result["associated_client_ids"] = associated
        reject_invalid(check_client(result))
        changed = changed_fields(survivor, result, CLIENT_ITEM_CHANGES)
        result["audit"] = touched_stamps(result.get("audit"), caller.user_id)
        stored = await repo.replace_client(
            txn, caller.tenant_id, _derive(result), expected_version=survivor["version"]
        )
        await events.client_changed(txn, events.CLIENT_UPDATED, caller, stored, changed)

        moved = {"contacts": 0, "attached_clients": 0, "associated_clients": 0}
        for contact in await repo.contacts_of(txn, caller.tenant_id, merged_id):
            contact["client_id"] = survivor_id
            contact["audit"] = touched_stamps(contact.get("audit"), caller.user_id)
            saved = await repo.replace_contact(
                txn, caller.tenant_id, contact, expected_version=contact["version"]
            )
            await events.contact_changed(txn, events.CONTACT_UPDATED, caller, saved, ["client_id"])
            moved["contacts"] += 1
        for child in await repo.children_of(txn, caller.tenant_id, merged_id):
            if child["id"] == survivor_id:
                continue
            child["parent_client_id"] = survivor_id
            saved_child = await repo.replace_client(
                txn, caller.tenant_id, child, expected_version=child["version"]
            )
            await events.client_changed(
                txn, events.CLIENT_UPDATED, caller, saved_child, ["parent_client_id"]
            )
            moved["attached_clients"] += 1
        for other_id in merged.get("associated_client_ids", []):
            other = await repo.get_client_for_update(txn, caller.tenant_id, other_id)
            if other is None or other_id == survivor_id:
                continue
            other["associated_client_ids"] = [
                c
                for c in dict.fromkeys(
                    survivor_id if c == merged_id else c
                    for c in other.get("associated_client_ids", [])
                )
                if c != other_id
            ]
            saved_other = await repo.replace_client(
                txn, caller.tenant_id, other, expected_version=other["version"]
            )
            await events.client_changed(
                txn, events.CLIENT_UPDATED, caller, saved_other, ["associated_client_ids"]
            )
            moved["associated_clients"] += 1

        merged["merged_into"] = survivor_id
        merged["flags"] = {**(merged.get("flags") or {}), "archived": True}
        merged["parent_client_id"] = ""
        merged["associated_client_ids"] = []
        merged["audit"] = touched_stamps(merged.get("audit"), caller.user_id)
        archived = await repo.replace_client(
            txn, caller.tenant_id, merged, expected_version=merged["version"]
        )
        await events.client_changed(txn, events.CLIENT_ARCHIVED, caller, archived, ["merged_into"])

        merge: merging.Merge = {
            "id": new_id(),
            "survivor_id": survivor_id,
            "merged_id": merged_id,
            "merged_reference": merged.get("reference", ""),
            "status": merging.IN_PROGRESS if merging.AWAITED else merging.DONE,
            "steps": {merging.SERVICE: {"at": now, "moved": moved}},
            "awaiting": list(merging.AWAITED),
            "requested_by": caller.user_id,
            "requested_at": now,
            "completed_at": "" if merging.AWAITED else now,
            "taken_from_merged": list(take),
        }
        stored_merge = await repo.insert_merge(txn, caller.tenant_id, merge)
        await repo.add_audit(txn, caller.tenant_id, _audit_entry(caller, "merge", merged_id, []))
        await events.merge_requested(txn, caller, stored_merge)
    return stored_merge


async def get_merge(*, repo: IdentityRepository, caller: Caller, merge_id: str) -> merging.Merge:
    merge = await repo.get_merge(caller.tenant_id, merge_id)
    if merge is None:
        raise NotFound(f"merge {merge_id} not found")
    return merge


async def record_merge_step(
    *,
    repo: IdentityRepository,
    txn: Transaction,
    tenant_id: str,
    actor_id: str,
    merge_id: str,
    service: str,
    moved: dict[str, int],
) -> None:
    """A service's confirmation of its part; the last one completes the merge."""
    merge = await repo.get_merge_for_update(txn, tenant_id, merge_id)
    if merge is None or service in merge.get("steps", {}):
        return
    now = now_iso()
    merge["steps"] = {**merge.get("steps", {}), service: {"at": now, "moved": moved}}
    merge["awaiting"] = [s for s in merge.get("awaiting", []) if s != service]
    if not merge["awaiting"]:
        merge["status"] = merging.DONE
        merge["completed_at"] = now
    stored = await repo.replace_merge(txn, tenant_id, merge)
    if stored["status"] == merging.DONE:
        await events.merge_completed(txn, tenant_id, actor_id, stored)


# Erasing a client's personal data

ERASING_ROLES = frozenset({"manager", "admin"})


async def erase_client(
    *, repo: IdentityRepository, caller: Caller, client_id: str, reason: str
) -> erasing.Erasure:
    """Identity's part of an erasure, and the request for every other service's (erasing.py)."""
    if caller.role not in ERASING_ROLES:
        raise PermissionDenied("erasing a client's personal data is for managers and admins")
    reason = erasing.check_reason(reason)
    now = now_iso()
    async with repo.transaction() as txn:
        client = await repo.get_client_for_update(txn, caller.tenant_id, client_id)
        if client is None:
            raise NotFound(f"client {client_id} not found")
        if client.get("erased_at"):
            raise Conflict(f"client {client_id} was already erased")
        erased = erasing.tombstone(client, now)
        erased["audit"] = touched_stamps(client.get("audit"), caller.user_id)
        stored = await repo.replace_client(
            txn, caller.tenant_id, erased, expected_version=client["version"]
        )
        await events.client_changed(txn, events.CLIENT_UPDATED, caller, stored, ["erased_at"])
        contacts = await repo.contacts_of(txn, caller.tenant_id, client_id)
        for contact in contacts:
            await repo.delete_contact_in(txn, caller.tenant_id, contact["id"])
            await events.contact_erased(txn, caller, contact)
        erasure: erasing.Erasure = {
            "id": new_id(),
            "client_id": client_id,
            "client_reference": client.get("reference", ""),
            "reason": reason,
            "status": erasing.IN_PROGRESS if merging.AWAITED else erasing.DONE,
            "steps": {
                erasing.SERVICE: {
                    "at": now,
                    "erased": {"client_file": 1, "contacts": len(contacts)},
                    "retained": [
                        {
                            "what": "the file's reference, kind and dates",
                            "count": 1,
                            "until": "as long as other services keep records naming it",
                            "rule": erasing.TOMBSTONE_RULE,
                        }
                    ],
                }
            },
            "awaiting": list(merging.AWAITED),
            "requested_by": caller.user_id,
            "requested_at": now,
            "completed_at": "" if merging.AWAITED else now,
            "stream_cleared_at": "",
            "stream_events_removed": 0,
        }
        stored_erasure = await repo.insert_erasure(txn, caller.tenant_id, erasure)
        await repo.add_audit(txn, caller.tenant_id, _audit_entry(caller, "erase", client_id, []))
        await events.erasure_requested(txn, caller, stored_erasure)
        if not merging.AWAITED:
            await repo.queue_stream_clearing(txn, caller.tenant_id, stored_erasure)
    return stored_erasure


async def get_erasure(
    *, repo: IdentityRepository, caller: Caller, erasure_id: str
) -> erasing.Erasure:
    erasure = await repo.get_erasure(caller.tenant_id, erasure_id)
    if erasure is None:
        raise NotFound(f"erasure {erasure_id} not found")
    return erasure


async def record_erasure_step(
    *,
    repo: IdentityRepository,
    txn: Transaction,
    tenant_id: str,
    actor_id: str,
    erasure_id: str,
    service: str,
    erased: dict[str, int],
    retained: list[dict[str, Any]],
) -> None:
    """A service's confirmation of its part; the last one completes the erasure, and queues
    the removal of the client's events from the stream."""
    erasure = await repo.get_erasure_for_update(txn, tenant_id, erasure_id)
    if erasure is None or service in erasure.get("steps", {}):
        return
    now = now_iso()
    erasure["steps"] = {
        **erasure.get("steps", {}),
        service: {"at": now, "erased": erased, "retained": retained},
    }
    erasure["awaiting"] = [s for s in erasure.get("awaiting", []) if s != service]
    if not erasure["awaiting"]:
        erasure["status"] = erasing.DONE
        erasure["completed_at"] = now
    stored = await repo.replace_erasure(txn, tenant_id, erasure)
    if stored["status"] == erasing.DONE:
        await events.erasure_completed(txn, tenant_id, actor_id, stored)
        await repo.queue_stream_clearing(txn, tenant_id, stored)


# What stays on the event stream after an erasure: the lifecycle's own events, which name the
# client by id only.
LIFECYCLE_SUBJECTS = frozenset(
    subject_of(t)
    for t in (
        lifecycle_pb2.MergeRequested,
        lifecycle_pb2.MergeStepDone,
        lifecycle_pb2.MergeCompleted,
        lifecycle_pb2.ErasureRequested,
        lifecycle_pb2.ErasureStepDone,
        lifecycle_pb2.ErasureCompleted,
    )
)
RemoveEvents = Callable[[str, str, Collection[str]], Awaitable[int]]


async def clear_erased_events(repo: IdentityRepository, remove: RemoveEvents) -> int:
    """Removes from the stream the events of every client whose erasure completed, and says
    so on its certificate; how many erasures it cleared."""
    cleared = 0
    for clearing in await repo.stream_clearings():
        removed = await remove(
            clearing["erasure_tenant"], clearing["client_id"], LIFECYCLE_SUBJECTS
        )
        await repo.stream_cleared(clearing, removed, now_iso())
        log.info(
            "erased client's events removed from the stream",
            extra={"erasure_id": clearing["id"], "removed": removed},
        )
        cleared += 1
    return cleared


async def keep_clearing_erased_events(
    repo: IdentityRepository, remove: RemoveEvents, every: float
) -> None:
    while True:
        try:
            await clear_erased_events(repo, remove)
        except Exception:
            log.exception("removing erased clients' events failed; tried again shortly")
        await asyncio.sleep(every)


# The audit of sensitive reads, merges and erasures

AUDIT_ROLES = frozenset({"admin"})
MAX_AUDIT_PAGE = 200
AUDIT_LISTING = "identity.audit"
AUDIT_ORDER = (("at", -1), ("id", -1))


def _audit_entry(
    caller: Caller, action: str, client_id: str, fields: Sequence[str]
) -> dict[str, Any]:
    return {
        "id": new_id(),
        "at": now_iso(),
        "user_id": caller.user_id,
        "role": caller.role,
        "action": action,
        "client_id": client_id,
        "fields": list(fields),
    }


async def audit_reads(
    *,
    repo: IdentityRepository,
    caller: Caller,
    clients: Sequence[Client],
    fields: Collection[str] | None,
) -> None:
    """Records, before they are answered, the reads that show a client's unmasked NIR or IBAN:
    who, when, which client, which fields — never the values."""
    entries = [
        _audit_entry(caller, "read", c["id"], shown)
        for c in clients
        if (shown := revealed(caller, c, fields))
    ]
    if not entries:
        return
    async with repo.transaction() as txn:
        for entry in entries:
            await repo.add_audit(txn, caller.tenant_id, entry)


async def audit_trail(
    *,
    repo: IdentityRepository,
    caller: Caller,
    client_id: str,
    user_id: str,
    first: int,
    after: str,
) -> Page[dict[str, Any]]:
    """The audit, newest first, of one client or one user when given (admins only)."""
    if caller.role not in AUDIT_ROLES:
        raise PermissionDenied("the audit of sensitive reads is for admins")
    first = page_size(first, default=DEFAULT_PAGE, maximum=MAX_AUDIT_PAGE)
    where: list[Mapping[str, Any]] = []
    if client_id:
        where.append({"client_id": client_id})
    if user_id:
        where.append({"user_id": user_id})
    total = await repo.count_audit(caller.tenant_id, {"$and": list(where)} if where else None)
    if after:
        keys = decode_cursor(after, listing=AUDIT_LISTING, arity=len(AUDIT_ORDER))
        where.append(rows_after(AUDIT_ORDER, keys))
    rows = await repo.audit_entries(caller.tenant_id, {"$and": where} if where else {}, first + 1)
    shown = rows[:first]
    return Page(
        rows=shown,
        cursors=[cursor_of(r, AUDIT_ORDER, listing=AUDIT_LISTING) for r in shown],
        has_next_page=len(rows) > first,
        total_count=total,
    )
