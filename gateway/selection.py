"""Reading the query's selection to plan backend calls: which sections a client field asks for,
and how deep the compliance history goes. Walks graphql-core's AST once per field node and
caches the answer for the request (a page of 50 clients shares one node)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    value_from_ast_untyped,
)

DEFAULT_HISTORY = 20

ResolveInfo = GraphQLResolveInfo[Any]


def _fields(selection_set: SelectionSetNode | None, info: ResolveInfo) -> Iterator[FieldNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, info)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = info.fragments.get(selection.name.value)
            if fragment is not None:
                yield from _fields(fragment.selection_set, info)


def child_field(node: FieldNode, name: str, info: ResolveInfo) -> FieldNode | None:
    """The first sub-field called ``name`` of ``node``, looking through fragments."""
    return next((f for f in _fields(node.selection_set, info) if f.name.value == name), None)


def argument(node: FieldNode, name: str, info: ResolveInfo) -> Any:
    """The value of a field's argument, variables resolved (None when not given)."""
    # graphql-core's type says VariableValues; at run time the executor passes a plain dict.
    variables: Any = info.variable_values
    values = getattr(variables, "coerced", variables)
    for argument in node.arguments or ():
        if argument.name.value == name:
            return value_from_ast_untyped(argument.value, values)
    return None


def history_depth(compliance_node: FieldNode | None, info: ResolveInfo) -> int:
    """How many past screenings the ``compliance`` selection shows (0 when none)."""
    if compliance_node is None:
        return 0
    history = child_field(compliance_node, "history", info)
    if history is None:
        return 0
    limit = argument(history, "limit", info)
    return DEFAULT_HISTORY if limit is None else max(int(limit), 0)


class SelectionPlan:
    """Per-request cache of what each field node asks for."""

    def __init__(self) -> None:
        self._depths: dict[int, int] = {}

    def compliance_depth(self, info: ResolveInfo) -> int:
        """History depth for the ``compliance`` field being resolved."""
        node = info.field_nodes[0]
        key = id(node)
        if key not in self._depths:
            self._depths[key] = history_depth(node, info)
        return self._depths[key]


# Which proto fields of a client each GraphQL field under `identity` reads; the others read
# the proto field of the same name in snake_case.
_IDENTITY_READS = {"primaryAddress": ("addresses",), "reference": ()}
_RELATIONS_READS = ("parent_client_id", "associated_client_ids")
# Identity always returns these; a read mask must name at least one field to mean "only".
_MINIMAL_MASK = ("display_name",)
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_MASKS: dict[int, tuple[OperationDefinitionNode, tuple[str, ...]]] = {}
_MASKS_LIMIT = 512


def _all_fields(
    selection_set: SelectionSetNode | None, info: ResolveInfo, seen: set[str]
) -> Iterator[FieldNode]:
    """Every field of a selection, at any depth, through fragments (each fragment once)."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
            yield from _all_fields(selection.selection_set, info, seen)
        elif isinstance(selection, InlineFragmentNode):
            yield from _all_fields(selection.selection_set, info, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = info.fragments.get(selection.name.value)
            if fragment is not None:
                yield from _all_fields(fragment.selection_set, info, seen)


def client_read_mask(info: ResolveInfo) -> tuple[str, ...]:
    """The identity fields the whole operation shows, anywhere it shows a client: the read
    mask of this request's identity reads. Cached per parsed operation."""
    operation = info.operation
    cached = _MASKS.get(id(operation))
    if cached is not None and cached[0] is operation:
        return cached[1]
    fields: set[str] = set()
    for field in _all_fields(operation.selection_set, info, set()):
        if field.name.value == "identity":
            for sub in _fields(field.selection_set, info):
                name = sub.name.value
                if not name.startswith("__"):
                    fields.update(_IDENTITY_READS.get(name, (_CAMEL.sub("_", name).lower(),)))
        elif field.name.value == "relations":
            fields.update(_RELATIONS_READS)
    mask = tuple(sorted(fields)) or _MINIMAL_MASK
    if len(_MASKS) >= _MASKS_LIMIT:
        _MASKS.clear()
    _MASKS[id(operation)] = (operation, mask)
    return mask
