"""The GraphQL schema of the client file: Query and Mutation merged from the sections' modules
(gateway.sections), the Client type built from the same registry, and Subscription.

The sections' modules import this package's shared types (types, inputs, enums, timestamps):
this module imports neither them nor the registry until a schema is built.

Absent values are null: proto3 leaves an unset string "", which the schema's default resolver
shows as null (one comparison per leaf field, which stays a plain attribute read); unset
optional numbers and timestamps have resolvers, and enum fields left UNSPECIFIED are null
(gateway.schema.enums). Every String field that may be empty is therefore nullable."""

from __future__ import annotations

from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.errors import report_errors
from gateway.limits import Limits, limiting_extensions
from gateway.schema.merge import merged_type


class ClientFileSchema(strawberry.Schema):
    """The schema, with our error reporting instead of Strawberry's (which logs every error
    with its traceback and the document's text)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        report_errors(errors, execution_context.operation_name if execution_context else None)


def absent_as_null(root: object, name: str) -> object:
    """The schema's default resolver: the attribute of the same name, but "" (a string the
    service left unset) is null."""
    value = getattr(root, name)
    return None if value == "" else value


def build_schema(limits: Limits | None = None) -> strawberry.Schema:
    from gateway.schema.subscription import Subscription
    from gateway.sections import SECTIONS

    queries = tuple(part.query for part in SECTIONS if part.query is not None)
    mutations = tuple(part.mutation for part in SECTIONS if part.mutation is not None)
    # Parsed and validated documents are cached: a screen sends the same few queries all day.
    return ClientFileSchema(
        query=merged_type(
            "Query", "Reads: one client's file, a page of clients, and more.", queries
        ),
        mutation=merged_type("Mutation", "Changes, each answered with what it changed.", mutations),
        subscription=Subscription,
        config=StrawberryConfig(default_resolver=absent_as_null),
        extensions=[
            # The limits first: a refused document is never parsed whole nor executed.
            *limiting_extensions(limits or Limits()),
            # Factories: the caches themselves live at module level, shared by every request.
            partial(ParserCache, maxsize=512),
            partial(ValidationCache, maxsize=512),
        ],
    )
