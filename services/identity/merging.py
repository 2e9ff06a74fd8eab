"""Merging a duplicate file into the one that stays (seed 001's "fusionner"), identity's part.

What the survivor keeps of the two files: its own value of each field, the merged file's where
its own is empty, and the merged file's for the fields the advisor names (``take``); a list is
joined (the survivor's items, then those of the merged file it lacks, never a second primary),
unless named, when the merged file's list replaces it.

Identity does its part in one transaction: the survivor's values, the merged file's contacts
moved to the survivor, the clients attached to the merged file attached to the survivor, the
merged file archived with ``merged_into``, the merge recorded with identity's step, and
MergeRequested for every other service (runtime.kit.merges). Their confirmations
(MergeStepDone) complete the record; when the last one is in, the merge is DONE and
MergeCompleted goes out.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final, TypedDict, cast

import orjson

from runtime.errors import FieldViolation, InvalidInput
from runtime.kit.merges import ClientField, ClientRecords
from runtime.services import CLIENT_RECORD_SERVICES
from services.identity.models import CLIENT_INPUT_FIELDS, CLIENTS, CONTACTS, Client
from services.identity.privacy import masked

SERVICE: Final = "identity"
# The services whose part a merge waits for: those that keep records of clients.
AWAITED: Final = CLIENT_RECORD_SERVICES
IN_PROGRESS: Final = "in_progress"
DONE: Final = "done"

# The fields a merge shows and may take from the merged file, in the client's order.
MERGEABLE: Final = (
    *(f for f in CLIENT_INPUT_FIELDS if f not in ("kind", "reference")),
    "associated_users",
    "associated_products",
)
LISTS: Final = frozenset(
    {
        "phones",
        "emails",
        "addresses",
        "bank_accounts",
        "family_members",
        "associated_users",
        "associated_products",
    }
)
SURVIVOR, MERGED, BOTH = "survivor", "merged", "both"
# What identity keeps hanging off a client, as the merge preview counts it (identity moves
# them itself, in the merge's own transaction).
CLIENT_RECORDS: Final = ClientRecords(
    service=SERVICE,
    fields=(
        ClientField("contacts", CONTACTS),
        ClientField("attached_clients", CLIENTS, "parent_client_id"),
    ),
)


def _address_key(a: dict[str, Any]) -> Any:
    return (a.get("line1", "").casefold(), a.get("postal_code", ""), a.get("city", "").casefold())


# What makes two items of a list the same item, by list.
_SAME_ITEM: Final[dict[str, Callable[[dict[str, Any]], Any]]] = {
    "phones": lambda p: p.get("number", ""),
    "emails": lambda e: e.get("address", "").casefold(),
    "addresses": _address_key,
    "bank_accounts": lambda b: b.get("iban", "").replace(" ", "").upper(),
    "family_members": lambda m: (
        m.get("first_name", "").casefold(),
        m.get("last_name", "").casefold(),
        m.get("birth_date", ""),
    ),
    "associated_users": lambda u: (u.get("user_id", ""), u.get("role", "").casefold()),
    "associated_products": lambda p: p.get("product", "").casefold(),
}


class MergeStep(TypedDict):
    at: str
    moved: dict[str, int]


class Merge(TypedDict, total=False):
    id: str
    version: int
    survivor_id: str
    merged_id: str
    merged_reference: str
    status: str
    steps: dict[str, MergeStep]
    awaiting: list[str]
    requested_by: str
    requested_at: str
    completed_at: str
    taken_from_merged: list[str]


def check_take(take: Sequence[str]) -> None:
    unknown = [f for f in take if f not in MERGEABLE]
    if unknown:
        raise InvalidInput(
            FieldViolation(
                "takeFromMerged",
                f"{unknown[0]!r} is not a client field a merge can take "
                f"(one of {', '.join(MERGEABLE)})",
            )
        )


def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        return not any(not _empty(v) for v in value.values())
    return value in (None, "", [], False, 0)


def _join(field: str, ours: list[dict[str, Any]], theirs: list[dict[str, Any]]) -> list[Any]:
    same = _SAME_ITEM[field]
    seen = {same(item) for item in ours}
    joined = [copy.deepcopy(item) for item in ours]
    for item in theirs:
        if same(item) not in seen:
            added = copy.deepcopy(item)
            if "primary" in added and any(i.get("primary") for i in joined):
                added["primary"] = False
            joined.append(added)
            seen.add(same(item))
    return joined


def kept_side(field: str, survivor: Client, merged: Client, take: Iterable[str]) -> str:
    if field in take:
        return MERGED
    ours, theirs = _doc(survivor).get(field), _doc(merged).get(field)
    if field in LISTS:
        return BOTH if theirs and not _empty(theirs) else SURVIVOR
    return MERGED if _empty(ours) and not _empty(theirs) else SURVIVOR


def merged_values(survivor: Client, merged: Client, take: Sequence[str]) -> Client:
    """The survivor with what it keeps of the merged file (see the module's docstring)."""
    result = _doc(copy.deepcopy(survivor))
    for field in MERGEABLE:
        side = kept_side(field, survivor, merged, take)
        theirs = _doc(merged).get(field)
        if side == MERGED:
            result[field] = copy.deepcopy(theirs)
        elif side == BOTH:
            result[field] = _join(field, list(_doc(survivor).get(field) or []), list(theirs or []))
    return cast(Client, result)


def differences(
    survivor: Client, merged: Client, take: Sequence[str]
) -> list[tuple[str, str, str, str]]:
    """The fields where the two files differ: (field, survivor's value, merged file's value,
    the side kept), values as JSON with sensitive numbers masked."""
    shown_survivor, shown_merged = _doc(masked(survivor)), _doc(masked(merged))
    rows = []
    for field in MERGEABLE:
        ours, theirs = shown_survivor.get(field), shown_merged.get(field)
        if _empty(ours) and _empty(theirs):
            continue
        if ours == theirs:
            continue
        rows.append(
            (
                field,
                _json(ours),
                _json(theirs),
                kept_side(field, survivor, merged, take),
            )
        )
    return rows


def _doc(client: Client) -> dict[str, Any]:
    """A client read field by field by name."""
    return cast(dict[str, Any], client)


def _json(value: Any) -> str:
    return "" if _empty(value) else orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
