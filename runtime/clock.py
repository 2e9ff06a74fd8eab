"""Moments as the services store them (ISO 8601 text in UTC) and as protos carry them."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf.timestamp_pb2 import Timestamp


def now_iso() -> str:
    """The current moment, always with microseconds, so that stored moments sort as text in
    time order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def timestamp(iso: str) -> Timestamp | None:
    """The proto Timestamp of a stored moment; None (an unset field) for an empty one."""
    if not iso:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(datetime.fromisoformat(iso))
    return stamp
