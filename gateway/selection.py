"""What a query selects, read through Strawberry's public selection API (``info.selected_fields``):
fields by response key through fragments and inline fragments, ``@skip`` and ``@include``
honoured, the selection found at a path below a field, and the variables a field's selection
depends on (from ``info.operation``). Nothing here names a section."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
)
from strawberry.types.nodes import SelectedField, Selection

__all__ = [
    "SelectedField",
    "Selection",
    "below",
    "fields",
    "fields_named",
    "variables_below",
]


def _included(directives: Mapping[str, Mapping[str, Any]]) -> bool:
    skip = directives.get("skip")
    include = directives.get("include")
    return not (skip is not None and skip.get("if")) and (
        include is None or bool(include.get("if"))
    )


def _flat(selections: Sequence[Selection]) -> Iterator[SelectedField]:
    """The fields of one level of a selection, fragments and inline fragments opened."""
    for selection in selections:
        if not _included(selection.directives):
            continue
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _flat(selection.selections)


def fields(selections: Sequence[Selection]) -> dict[str, SelectedField]:
    """The fields of one level by response key (alias, or name). A key selected more than once,
    say directly and in a fragment, is one field whose sub-selections are merged, as GraphQL
    answers it."""
    found: dict[str, SelectedField] = {}
    for field in _flat(selections):
        key = field.alias or field.name
        seen = found.get(key)
        found[key] = (
            field
            if seen is None
            else replace(seen, selections=[*seen.selections, *field.selections])
        )
    return found


def fields_named(selections: Sequence[Selection], name: str) -> list[SelectedField]:
    """Every field of one level called ``name``, whatever its alias."""
    return [field for field in _flat(selections) if field.name == name]


def below(selections: Sequence[Selection], *path: str) -> list[Selection]:
    """The selections found at ``path`` (field names, any alias) below ``selections``."""
    current = list(selections)
    for name in path:
        current = [sub for field in fields_named(current, name) for sub in field.selections]
    return current


def variables_below(operation: OperationDefinitionNode, key: str) -> frozenset[str] | None:
    """The variables used below the root field answered under ``key`` (not in the field's
    own arguments): what a plan of that field depends on besides the document. None when the
    operation alone does not tell (a fragment spread, whose body is elsewhere in the
    document)."""
    field = next(
        (
            f
            for f in operation.selection_set.selections
            if isinstance(f, FieldNode) and (f.alias or f.name).value == key
        ),
        None,
    )
    if field is None:
        return None
    used: set[str] = set()
    pending: list[SelectionSetNode | None] = [field.selection_set]
    while pending:
        selection_set = pending.pop()
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FragmentSpreadNode):
                return None
            assert isinstance(selection, FieldNode | InlineFragmentNode)
            for directive in selection.directives or ():
                used.update(_variables(a.value for a in directive.arguments or ()))
            if isinstance(selection, FieldNode):
                used.update(_variables(a.value for a in selection.arguments or ()))
            pending.append(selection.selection_set)
    return frozenset(used)


def _variables(values: Iterable[ValueNode]) -> Iterator[str]:
    for value in values:
        if isinstance(value, VariableNode):
            yield value.name.value
        elif isinstance(value, ListValueNode):
            yield from _variables(value.values)
        elif isinstance(value, ObjectValueNode):
            yield from _variables(f.value for f in value.fields)
