"""The GraphQL schema of the client file: Query and Mutation merged from the sections' modules
(gateway.sections), the Client type built from the same registry, and Subscription.

The sections' modules import this package's shared types (types, inputs, timestamps): this
module imports neither them nor the registry until a schema is built."""

from __future__ import annotations

from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from gateway.errors import report_errors
from gateway.limits import Limits, limiting_extensions


class ClientFileSchema(strawberry.Schema):
    """The schema, with our error reporting instead of Strawberry's (which logs every error
    with its traceback and the document's text)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        report_errors(errors, execution_context.operation_name if execution_context else None)


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    from gateway.schema.subscription import Subscription
    from gateway.sections import SECTIONS

    queries = tuple(part.query for part in SECTIONS if part.query is not None)
    mutations = tuple(part.mutation for part in SECTIONS if part.mutation is not None)
    # Parsed and validated documents are cached: a screen sends the same few queries all day.
    return ClientFileSchema(
        query=merge_types("Query", queries),
        mutation=merge_types("Mutation", mutations),
        subscription=Subscription,
        extensions=[
            # The limits first: a refused document is never parsed whole nor executed.
            *limiting_extensions(limits or Limits()),
            # Factories: the caches themselves live at module level, shared by every request.
            partial(ParserCache, maxsize=512),
            partial(ValidationCache, maxsize=512),
        ],
    )
