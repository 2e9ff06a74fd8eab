"""Opaque, globally unique, time-ordered identifiers (ULID)."""

from __future__ import annotations

from ulid import ULID


def new_id() -> str:
    return str(ULID())
