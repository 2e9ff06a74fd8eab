"""A local copy of another service's records, fed by its events (a service never reads
another's store): a copy is replaced only by an event at least as new as it, by the source
service's version of the record, and remembers when it was refreshed last.

Events of one record may arrive out of order (a failed one is redelivered after those behind
it); the source version is what tells the older one, which is then left unapplied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar, cast

from runtime.clock import now_iso
from runtime.kit.repository import Reads, get_many, upsert
from runtime.store import Filter, Sort, Transaction

Copy = TypeVar("Copy")

# The two fields a replica keeps in every copy.
SOURCE_VERSION = "source_version"
REFRESHED_AT = "refreshed_at"


@dataclass(frozen=True, slots=True)
class Refresh(Generic[Copy]):
    """What an event did to the copy: ``previous`` is the copy before (None for a new record);
    ``applied`` is False when the event was older than the copy, which then stays as it was."""

    previous: Copy | None
    current: Copy
    applied: bool


class Replica(Generic[Copy]):
    """The copies of one kind of record, in ``collection``, per tenant."""

    def __init__(self, collection: str) -> None:
        self.collection = collection

    async def refresh(
        self, txn: Transaction, tenant_id: str, copy: Copy, *, source_version: int
    ) -> Refresh[Copy]:
        """Store ``copy`` (with its ``id``) unless the stored one has a newer source version,
        in the consumer's transaction."""
        incoming = dict(cast(dict[str, Any], copy))
        previous = await txn.get(self.collection, tenant_id, incoming["id"])
        if previous is not None and previous.get(SOURCE_VERSION, 0) > source_version:
            return Refresh(cast(Copy, previous), cast(Copy, previous), applied=False)
        incoming[SOURCE_VERSION] = source_version
        incoming[REFRESHED_AT] = now_iso()
        stored = await upsert(txn, self.collection, tenant_id, incoming)
        return Refresh(cast("Copy | None", previous), cast(Copy, stored), applied=True)

    async def get(self, reads: Reads, tenant_id: str, record_id: str) -> Copy | None:
        return cast("Copy | None", await reads.get(self.collection, tenant_id, record_id))

    async def get_many(self, reads: Reads, tenant_id: str, record_ids: Sequence[str]) -> list[Copy]:
        """The copies that exist among ``record_ids``, in no particular order."""
        return cast(list[Copy], await get_many(reads, self.collection, tenant_id, record_ids))

    async def find(
        self,
        reads: Reads,
        tenant_id: str,
        where: Filter | None = None,
        *,
        sort: Sort = (),
        limit: int | None = None,
    ) -> list[Copy]:
        found = await reads.find(self.collection, tenant_id, where, sort=sort, limit=limit)
        return cast(list[Copy], found)


def source_version(copy: Mapping[str, object]) -> int:
    """The source service's version of the record the copy was taken from."""
    version = copy.get(SOURCE_VERSION, 0)
    return version if isinstance(version, int) else 0


def age(copy: Mapping[str, object], *, now: datetime | None = None) -> timedelta | None:
    """How long ago the copy was refreshed last; None for a copy never refreshed by a replica
    (written before it kept the moment)."""
    refreshed = copy.get(REFRESHED_AT, "")
    if not isinstance(refreshed, str) or not refreshed:
        return None
    return (now or datetime.now(UTC)) - datetime.fromisoformat(refreshed)


def is_stale(
    copy: Mapping[str, object], *, max_age: timedelta, now: datetime | None = None
) -> bool:
    """Whether the copy may be behind its source: not refreshed for longer than ``max_age``
    (or never). Only a hint: a record that does not change sends no event."""
    elapsed = age(copy, now=now)
    return elapsed is None or elapsed > max_age
