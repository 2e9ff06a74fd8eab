"""The GraphQL schema of the client file."""

from __future__ import annotations

from functools import partial

import strawberry
from strawberry.extensions import ParserCache, ValidationCache

from gateway.schema.mutation import Mutation
from gateway.schema.query import Query
from gateway.schema.subscription import Subscription


def build_schema() -> strawberry.Schema:
    # Parsed and validated documents are cached: a screen sends the same few queries all day.
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # Factories: the caches themselves live at module level, shared by every request.
        extensions=[partial(ParserCache, maxsize=512), partial(ValidationCache, maxsize=512)],
    )
