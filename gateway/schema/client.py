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
    id: strawberry.ID = strawberry.field(description="The client's id (opaque).")
    reference: str = strawberry.field(description="The agency's reference of the client, CL000123.")
    display_name: str = strawberry.field(
        description="The name to show: first and last name, or a professional's legal name."
    )
    kind: ClientKind = strawberry.field(description="Individual or professional.")
    version: int = strawberry.field(
        description="Changes with every change of the client; pass it back to the mutations "
        "that take a version (a stale one is a CONFLICT)."
    )
