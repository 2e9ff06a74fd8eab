"""Moments as the services store them (ISO 8601 text in UTC) and as protos carry them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from google.protobuf.timestamp_pb2 import Timestamp


def now_iso() -> str:
    """The current moment, always with microseconds, so that stored moments sort as text in
    time order."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


# Rules that depend on the day (a birth date in the future, a contact's validity) follow the
# French agencies' calendar.
AGENCY_TIMEZONE = ZoneInfo("Europe/Paris")


def today(timezone: ZoneInfo = AGENCY_TIMEZONE) -> date:
    """Today's date where the agency is, not where the server runs."""
    return datetime.now(timezone).date()


def timestamp(iso: str) -> Timestamp | None:
    """The proto Timestamp of a stored moment; None (an unset field) for an empty one."""
    if not iso:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(datetime.fromisoformat(iso))
    return stamp
