"""GraphQL enums derived from the protos' enums, so that a closed vocabulary is written once, in
its service's proto, and the gateway names none of its values.

Each GraphQL value is the proto value's name without the enum's prefix (``CIVILITY_MRS`` is
``MRS``), its Python value is the proto number (a proto field is shown as it is read, and an
input's value is the number to send), and its description is the value's ``description``
option in the proto. A proto value 0 named ``<NAME>_UNSPECIFIED`` is no GraphQL value: a field
holding it shows null (``enum_field``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar, cast

import strawberry
from strawberry.types.field import StrawberryField

from client360.common.v1 import common_pb2
from runtime.kit.vocabulary import unspecified_is_blank, value_prefix

if TYPE_CHECKING:
    from google.protobuf.internal.enum_type_wrapper import _EnumTypeWrapper

E = TypeVar("E", bound=Enum)


def proto_enum(enum: _EnumTypeWrapper[Any]) -> Callable[[type[E]], type[E]]:
    """The GraphQL enum of the proto enum ``enum``, in place of the (empty) class it decorates,
    whose docstring is the enum's description. A proto value without a description stops the
    gateway at import: every value a front-end may see is described."""

    def build(declared: type[E]) -> type[E]:
        if declared.__members__:
            raise TypeError(f"{declared.__name__}: the values come from the proto, not the class")
        prefix = value_prefix(enum)
        skip_zero = unspecified_is_blank(enum)
        members: dict[str, Any] = {}
        for value in enum.DESCRIPTOR.values:
            if value.number == 0 and skip_zero:
                continue
            description = value.GetOptions().Extensions[common_pb2.description]
            if not description:
                raise TypeError(
                    f"{enum.DESCRIPTOR.full_name}.{value.name} has no description in its proto"
                )
            members[value.name.removeprefix(prefix)] = strawberry.enum_value(
                value.number, description=description
            )
        built = cast(Any, Enum)(
            declared.__name__, members, module=declared.__module__, qualname=declared.__qualname__
        )
        return cast("type[E]", strawberry.enum(built, description=inspect.getdoc(declared)))

    return build


class _ProtoEnumField(StrawberryField):
    """A field read from a proto enum field whose 0 is UNSPECIFIED: that value is null. Still a
    basic field (no resolver, no Info): one attribute read, as the default resolver's."""

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: Any) -> Any:
        return getattr(source, self.python_name) or None


def enum_field(description: str) -> Any:
    """A nullable enum field of a proto message (annotated ``Enum | None``): null when the
    service left it unspecified."""
    return _ProtoEnumField(description=description)
