"""Reading the query's selection to plan backend calls: which sections a client field asks for,
and how deep the compliance history goes. Walks graphql-core's AST once per field node and
caches the answer for the request (a page of 50 clients shares one node)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
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
