"""One GraphQL type from the fields that several sections declare (Query, Mutation, the live
events' types): each section's module contributes its own, and none may declare a field
another already has."""

from __future__ import annotations

from typing import Any

import strawberry


def merged_type(name: str, description: str, types: tuple[type, ...]) -> Any:
    """A Strawberry type called ``name`` with the fields of every one of ``types``."""
    names = [f.name for t in types for f in t.__strawberry_definition__.fields]  # type: ignore[attr-defined]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"{name} fields declared by two sections: {twice}")
    return strawberry.type(type(name, types, {}), description=description)
