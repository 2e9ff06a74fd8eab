"""Limits that keep one request from taking the gateway down, each refused early with a clear
client error: request body and header sizes, JSON nesting of variables, and, per operation,
tokens, depth, aliases and a cost budget that counts list sizes.

Tokens are limited while parsing; depth, aliases and cost are measured in one walk at the
start of execution, when the variables (`first: $n`) are known, before any backend call.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import MaxTokensLimiter, SchemaExtension
from strawberry.types import ExecutionContext, ExecutionResult

from runtime.config import parse, positive_int

# The arguments that say how many items a list field returns.
_SIZE_ARGUMENTS = ("first", "limit")
# A list whose size the query does not give counts as this many items.
DEFAULT_LIST_SIZE = 10


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = 15
    max_aliases: int = 30
    max_tokens: int = 5_000
    max_cost: int = 100_000
    max_body_bytes: int = 1_048_576
    # A multipart request (a mutation with files) may be this large in all.
    max_upload_bytes: int = 10_485_760
    max_header_bytes: int = 16_384
    max_variables_depth: int = 16


def load_limits(env: Mapping[str, str] | None = None) -> Limits:
    """The gateway's limits from C360_MAX_* variables (defaults above)."""
    env = os.environ if env is None else env
    default = Limits()
    return Limits(
        **{
            name: parse(env, f"C360_{name.upper()}", str(getattr(default, name)), positive_int)
            for name in Limits.__dataclass_fields__
        }
    )


def _error_body(message: str, code: str, **extensions: object) -> bytes:
    return orjson.dumps(
        {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
    )


def _selections(
    selection_set: SelectionSetNode | None,
    parent: GraphQLObjectType | GraphQLInterfaceType,
    schema: GraphQLSchema,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> Iterator[tuple[FieldNode, GraphQLObjectType | GraphQLInterfaceType]]:
    """The fields of a selection with the type each belongs to, through fragments."""
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection, parent
        elif isinstance(selection, InlineFragmentNode):
            yield from _selections(
                selection.selection_set, _condition(selection, parent, schema), schema, fragments
            )
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                yield from _selections(
                    fragment.selection_set, _condition(fragment, parent, schema), schema, fragments
                )


def _condition(
    fragment: InlineFragmentNode | FragmentDefinitionNode,
    parent: GraphQLObjectType | GraphQLInterfaceType,
    schema: GraphQLSchema,
) -> GraphQLObjectType | GraphQLInterfaceType:
    if fragment.type_condition is None:
        return parent
    named = schema.get_type(fragment.type_condition.name.value)
    return named if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) else parent


def _list_size(field: FieldNode, variables: Mapping[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value not in _SIZE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(int(value.value), 0)
        if isinstance(value, VariableNode):
            given = variables.get(value.name.value)
            if isinstance(given, int):
                return max(given, 0)
    return None


@dataclass(frozen=True, slots=True)
class Measure:
    """What an operation may cost: fields it may resolve (lists counted per item), how deep
    its fields nest, and how many aliases it uses."""

    cost: int
    depth: int
    aliases: int


def measure_operation(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    *,
    budget: int,
) -> Measure:
    """Each field costs 1, and the fields below a list count once per item: its own
    `first`/`limit`, or that of the connection field above it (`clients(first: 50) { nodes }`),
    or DEFAULT_LIST_SIZE when the query does not say. Counting stops past ``budget``."""
    root = schema.get_root_type(operation.operation)
    if root is None:
        return Measure(0, 0, 0)
    deepest = 0
    aliases = 0

    def walk(
        selection_set: SelectionSetNode | None,
        parent: GraphQLObjectType | GraphQLInterfaceType,
        depth: int,
        size_above: int | None,
    ) -> int:
        nonlocal deepest, aliases
        deepest = max(deepest, depth)
        total = 0
        for field, owner in _selections(selection_set, parent, schema, fragments):
            total += 1
            if field.alias is not None:
                aliases += 1
            definition = owner.fields.get(field.name.value)
            if definition is None or field.selection_set is None:
                continue
            field_type = definition.type
            if isinstance(field_type, GraphQLNonNull):
                field_type = field_type.of_type
            size = _list_size(field, variables)
            multiplier, passed_down = 1, size
            if isinstance(field_type, GraphQLList):
                given = size if size is not None else size_above
                multiplier = DEFAULT_LIST_SIZE if given is None else given
                passed_down = None
            named = get_named_type(field_type)
            if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                total += multiplier * walk(field.selection_set, named, depth + 1, passed_down)
            if total > budget:
                return total
        return total

    cost = walk(operation.selection_set, root, 1, None)
    return Measure(cost, deepest, aliases)


_MEASURES: dict[tuple[int, tuple[tuple[str, int], ...]], tuple[object, Measure]] = {}
_MEASURES_LIMIT = 1024


class QueryLimits(SchemaExtension):
    """Refuses, before it runs, an operation that nests deeper, uses more aliases or may
    resolve more fields than allowed. One walk of the document measures all three; the
    measure is kept per parsed operation and list sizes, so a screen that sends the same
    query all day pays for it once."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            self._check(context, document)
        yield

    def _check(self, context: ExecutionContext, document: DocumentNode) -> None:
        operation = _operation(document, context.operation_name)
        if operation is None:
            return
        variables = context.variables or {}
        sizes = tuple(sorted((k, v) for k, v in variables.items() if isinstance(v, int)))
        key = (id(operation), sizes)
        cached = _MEASURES.get(key)
        if cached is not None and cached[0] is operation:
            measure = cached[1]
        else:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            measure = measure_operation(
                context.schema._schema,
                operation,
                fragments,
                variables,
                budget=self.limits.max_cost,
            )
            if len(_MEASURES) >= _MEASURES_LIMIT:
                _MEASURES.clear()
            _MEASURES[key] = (operation, measure)
        error = self._refusal(measure, operation)
        if error is not None:
            context.result = ExecutionResult(data=None, errors=[error])

    def _refusal(self, measure: Measure, operation: OperationDefinitionNode) -> GraphQLError | None:
        limits = self.limits
        if measure.depth > limits.max_depth:
            return GraphQLError(
                f"the query nests {measure.depth} levels deep; at most {limits.max_depth} "
                "are allowed",
                nodes=[operation],
                extensions={"code": "GRAPHQL_VALIDATION_FAILED", "rule": "max_depth"},
            )
        if measure.aliases > limits.max_aliases:
            return GraphQLError(
                f"the query uses {measure.aliases} aliases; at most {limits.max_aliases} are "
                "allowed",
                nodes=[operation],
                extensions={"code": "GRAPHQL_VALIDATION_FAILED", "rule": "max_aliases"},
            )
        if measure.cost > limits.max_cost:
            return GraphQLError(
                f"the query may resolve more than {limits.max_cost} fields; ask for fewer "
                "items (first, limit) or fewer nested lists",
                nodes=[operation],
                extensions={
                    "code": "QUERY_TOO_COMPLEX",
                    "cost": measure.cost,
                    "limit": limits.max_cost,
                },
            )
        return None


def _operation(document: DocumentNode, wanted: str | None) -> OperationDefinitionNode | None:
    return next(
        (
            d
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
            and (wanted is None or (d.name is not None and d.name.value == wanted))
        ),
        None,
    )


def limiting_extensions(limits: Limits) -> list[Callable[[], SchemaExtension]]:
    """Factories of the schema extensions that apply ``limits`` (one instance per request).
    Tokens are limited while parsing (graphql-core stops counting there); the rest in one
    cached walk (Strawberry's depth and alias limiters cost about 1.4 ms each per request)."""
    return [
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        partial(QueryLimits, limits=limits),
    ]


def json_depth(value: object, limit: int) -> int:
    """How deep ``value`` nests (stopping once past ``limit``), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return deepest


class RequestSizeLimits:
    """ASGI middleware: a request whose headers or body are over the limits is answered
    431 or 413 before anything reads it whole."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self._app = app
        self._limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        header_bytes = sum(len(k) + len(v) for k, v in scope["headers"])
        if header_bytes > self._limits.max_header_bytes:
            await self._refuse(
                scope, send, 431, f"request headers over {self._limits.max_header_bytes} bytes"
            )
            return
        if scope["type"] == "websocket":
            await self._app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
        limit = self._limits.max_upload_bytes if multipart else self._limits.max_body_bytes
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._refuse(scope, send, 413, f"request body over {limit} bytes")
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        try:
            await self._app(scope, counted, send)
        except _BodyTooLarge:
            await self._refuse(scope, send, 413, f"request body over {limit} bytes")

    @staticmethod
    async def _refuse(scope: Scope, send: Send, status: int, message: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1009})
            return
        body = _error_body(message, "REQUEST_TOO_LARGE")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    """The streamed body went over the limit."""
