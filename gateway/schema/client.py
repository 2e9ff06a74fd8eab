"""The Client type: the client record's own fields, and one field per section registered in
gateway.sections, each returning what the query planner fetched for it."""

from __future__ import annotations

from typing import TypeVar

import strawberry

from gateway.planner import client_field
from gateway.sections import SECTIONS
from gateway.sections.identity import ClientKind

T = TypeVar("T")


def _with_sections(cls: type[T]) -> type[T]:
    for part in SECTIONS:
        for section in part.sections:
            setattr(cls, section.name, client_field(section))
    return cls


@strawberry.type(description="A client's file; each section is fetched from the service owning it.")
@_with_sections
class Client:
    id: strawberry.ID
    reference: str
    display_name: str
    kind: ClientKind
    version: int = strawberry.field(description="Pass it back to updateClient.")
