"""Queries: one client's file, or a searchable page of clients."""

from __future__ import annotations

from typing import cast

import strawberry

from gateway.errors import not_found
from gateway.schema.types import Client, ClientConnection, ClientEdge, Info, PageInfo


@strawberry.type
class Query:
    @strawberry.field(description="One client's file; null with NOT_FOUND if it is not yours.")
    async def client(self, info: Info, id: strawberry.ID) -> Client | None:
        found = await info.context.loaders.client.load(id)
        if found is None:
            raise not_found()
        return cast(Client, found)

    @strawberry.field(
        description="Clients matching a name prefix, reference, DMS number, phone or email "
        "(case and accents ignored), exact references first; all clients when search is empty."
    )
    async def clients(
        self,
        info: Info,
        search: str | None = None,
        first: int = 20,
        after: str | None = None,
        include_archived: bool = False,
    ) -> ClientConnection:
        context = info.context
        response = await context.clients.identity.search_clients(
            context.caller,
            query=search or "",
            first=first,
            after=after or "",
            include_archived=include_archived,
        )
        context.loaders.prime_clients(response.clients)
        return ClientConnection(
            edges=[
                ClientEdge(cursor=cursor, node=cast(Client, client))
                for client, cursor in zip(response.clients, response.cursors, strict=True)
            ],
            page_info=PageInfo(
                end_cursor=response.page_info.end_cursor or None,
                has_next_page=response.page_info.has_next_page,
            ),
            total_count=response.total_count,
        )
