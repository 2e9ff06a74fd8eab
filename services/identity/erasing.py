"""Erasing a client's personal data (GDPR art. 17), identity's part, and the certificate.

Identity keeps a tombstone of the file: its id, reference, kind, dates and relations to other
files, so that what other services must keep by law (invoices, contracts, screenings) still
names a client; every personal value is blanked and its contacts are deleted. Every other
service then erases or anonymises its own records (runtime.kit.erasure) and confirms what it
erased and what it keeps; the erasure record, with each confirmation and its time, is the
certificate. When the last confirmation is in, the client's events are removed from the
event stream, so the stream carries nothing personal of the client either.
"""

from __future__ import annotations

import copy
from typing import Any, Final, TypedDict, cast

from runtime.errors import FieldViolation, InvalidInput
from services.identity.models import CLIENT_INPUT_FIELDS, Client

SERVICE: Final = "identity"
IN_PROGRESS: Final = "in_progress"
DONE: Final = "done"
MAX_REASON: Final = 500
ERASED_NAME: Final = "Erased client"
# What the tombstone keeps: the file's place among the others, never a personal value.
KEPT: Final = frozenset(
    {
        "id",
        "tenant_id",
        "version",
        "kind",
        "reference",
        "audit",
        "parent_client_id",
        "associated_client_ids",
        "merged_into",
        "kind_history",
    }
)
# What the certificate says identity keeps.
TOMBSTONE_RULE: Final = (
    "GDPR art. 17(3)(b): the records other services keep by law still name the client"
)


class ErasureStep(TypedDict):
    at: str
    erased: dict[str, int]
    retained: list[dict[str, Any]]


class Erasure(TypedDict, total=False):
    id: str
    version: int
    client_id: str
    client_reference: str
    reason: str
    status: str
    steps: dict[str, ErasureStep]
    awaiting: list[str]
    requested_by: str
    requested_at: str
    completed_at: str
    # When the client's events were removed from the event stream, and how many.
    stream_cleared_at: str
    stream_events_removed: int


def check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput(FieldViolation("reason", "required: say why the data is erased"))
    if len(reason) > MAX_REASON:
        raise InvalidInput(FieldViolation("reason", f"at most {MAX_REASON} characters"))
    return reason


def _blank(value: Any) -> Any:
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    return ""


def tombstone(client: Client, erased_at: str) -> Client:
    """The client with every personal value gone: what identity keeps of an erased file."""
    doc = cast(dict[str, Any], client)
    kept: dict[str, Any] = {k: copy.deepcopy(v) for k, v in doc.items() if k in KEPT}
    for name in CLIENT_INPUT_FIELDS:
        if name not in kept:
            kept[name] = _blank(doc.get(name))
    kept["kind"] = doc.get("kind", "")
    kept["reference"] = doc.get("reference", "")
    kept["associated_users"] = []
    kept["associated_products"] = []
    kept["flags"] = {"archived": True}
    kept["display_name"] = f"{ERASED_NAME} {doc.get('reference', '')}".strip()
    kept["sort_name"] = ""
    # Found by its reference only, to see that it was erased.
    kept["search_keys"] = [k for k in doc.get("search_keys", []) if k.startswith("r:")]
    kept["erased_at"] = erased_at
    return cast(Client, kept)
