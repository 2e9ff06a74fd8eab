"""Versioned updates of a stored record: the optimistic version check, the caller's update
mask applied to the fields it may write, the audit stamps, and the fields that changed (which
the change's event names).

A mask path is a writable top-level field (``phones``: the whole list is replaced) or one
field of a writable sub-document (``personal.birth_date``: only that field changes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from runtime.clock import now_iso
from runtime.errors import Conflict, FieldViolation, InvalidInput, NotFound
from runtime.kit.common import AuditStamps
from runtime.kit.validators import reject_invalid

Record = TypeVar("Record", bound=Mapping[str, Any])

# The input field that names the paths, as the callers (GraphQL, gRPC) call it.
MASK_FIELD = "updateMask"


def created_stamps(actor_id: str, at: str | None = None) -> AuditStamps:
    """The audit stamps of a new record: created and last changed by ``actor_id``, now."""
    at = at or now_iso()
    return {"created_at": at, "created_by": actor_id, "updated_at": at, "updated_by": actor_id}


def touched_stamps(stamps: AuditStamps | None, actor_id: str) -> AuditStamps:
    """The stamps after a change by ``actor_id``: who created the record stays."""
    at = now_iso()
    if stamps is None:
        # A record written before it had stamps: its creation is unknown, not now.
        return {"created_at": "", "created_by": "", "updated_at": at, "updated_by": actor_id}
    return {**stamps, "updated_at": at, "updated_by": actor_id}


def check_version(current: Record | None, *, version: int, what: str, record_id: str) -> Record:
    """The record, if it exists and the caller's ``version`` is the stored one.

    NotFound names the record as the caller knows it; Conflict says which version is current,
    so that a client can reload and retry.
    """
    if current is None:
        raise NotFound(f"{what} {record_id} not found")
    if current["version"] != version:
        raise Conflict(f"version: {version} is stale, the current version is {current['version']}")
    return current


def _not_writable(path: str) -> InvalidInput:
    return InvalidInput(FieldViolation(MASK_FIELD, f"{path!r} is not a writable field"))


def apply_mask(
    current: Record, changes: Mapping[str, Any], paths: Sequence[str], writable: Collection[str]
) -> Record:
    """A copy of ``current`` where each path takes its value from ``changes``.

    A path outside ``writable``, or naming a sub-field that ``changes`` does not carry, is
    InvalidInput on ``updateMask``; nothing is applied.
    """
    merged = cast(dict[str, Any], copy.deepcopy(current))
    for path in paths:
        head, _, rest = path.partition(".")
        if head not in writable:
            raise _not_writable(path)
        if not rest:
            merged[head] = copy.deepcopy(changes.get(head))
            continue
        source = changes.get(head) or {}
        if not isinstance(source, Mapping) or rest not in source:
            raise _not_writable(path)
        target = dict(merged.get(head) or {})
        target[rest] = copy.deepcopy(source[rest])
        merged[head] = target
    return cast(Record, merged)


def changed_fields(
    before: Mapping[str, Any], after: Mapping[str, Any], fields: Iterable[str]
) -> list[str]:
    """The ``fields`` whose value differs, in the order given."""
    return [f for f in fields if after.get(f) != before.get(f)]


@dataclass(frozen=True, slots=True)
class Edit(Generic[Record]):
    """A record with the caller's changes applied and checked, not yet written."""

    record: Record
    changed: list[str]


def edit(
    current: Record | None,
    *,
    what: str,
    record_id: str,
    version: int,
    changes: Mapping[str, Any],
    paths: Sequence[str],
    writable: Sequence[str],
    check: Callable[[Record], Sequence[FieldViolation]],
) -> Edit[Record]:
    """Version check, mask, then the domain's ``check`` on the whole updated record.

    Raises NotFound, Conflict or InvalidInput; the caller writes the record (stamped with
    ``touched_stamps``) only when ``changed`` is not empty.
    """
    found = check_version(current, version=version, what=what, record_id=record_id)
    updated = apply_mask(found, changes, paths, writable)
    reject_invalid(check(updated))
    return Edit(updated, changed_fields(found, updated, writable))
