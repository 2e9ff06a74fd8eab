"""Queries: one client's file, or a searchable page of clients."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import cast

import strawberry

from client360.identity.v1 import identity_pb2
from gateway.errors import not_found
from gateway.schema.compliance import FreezeRegisterInfo, ScreeningJob
from gateway.schema.types import Client, ClientConnection, ClientEdge, Info, PageInfo
from gateway.selection import argument, child_field, client_read_mask, history_depth


@strawberry.type
class Query:
    @strawberry.field(description="One client's file; null with NOT_FOUND if it is not yours.")
    async def client(self, info: Info, id: strawberry.ID) -> Client | None:
        info.context.loaders.client_fields = client_read_mask(info._raw_info)
        prefetch_sections(info, id)
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
        context.loaders.client_fields = client_read_mask(info._raw_info)
        response = await context.clients.identity.search_clients(
            context.caller,
            query=search or "",
            first=first,
            after=after or "",
            include_archived=include_archived,
            fields=context.loaders.client_fields,
        )
        context.loaders.prime_clients(response.clients)
        await prefetch_page_sections(info, response.clients)
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

    @strawberry.field(description="A screening job's progress; null with NOT_FOUND if not yours.")
    async def screening_job(self, info: Info, id: strawberry.ID) -> ScreeningJob | None:
        job = await info.context.clients.compliance.get_screening_job(info.context.caller, id)
        return cast(ScreeningJob, job)

    @strawberry.field(description="The version of the asset-freeze register in force.")
    async def freeze_register(self, info: Info) -> FreezeRegisterInfo | None:
        register = await info.context.clients.compliance.register_info(info.context.caller)
        return cast(FreezeRegisterInfo, register)


async def prefetch_page_sections(info: Info, clients: Sequence[identity_pb2.Client]) -> None:
    """Fetch the other services' sections of a whole page before its clients resolve: one
    call per service, and no await per client afterwards."""
    raw = info._raw_info
    node = child_field(raw.field_nodes[0], "edges", raw)
    node = child_field(node, "node", raw) if node is not None else None
    nodes = child_field(raw.field_nodes[0], "nodes", raw)
    for selection in (node, nodes):
        compliance = child_field(selection, "compliance", raw) if selection is not None else None
        if compliance is not None:
            depth = history_depth(compliance, raw)
            await info.context.loaders.prefetch_compliance([(c.id, depth) for c in clients])


def prefetch_sections(info: Info, client_id: str) -> None:
    """Start the other services' sections of one client now, alongside identity, instead of
    after it: the slowest service sets the pace, not the sum."""
    raw = info._raw_info
    contacts = child_field(raw.field_nodes[0], "contacts", raw)
    if contacts is not None:
        historical = bool(argument(contacts, "includeHistorical", raw))
        _quiet(info.context.loaders.contacts.load((client_id, historical)))
    compliance = child_field(raw.field_nodes[0], "compliance", raw)
    if compliance is not None:
        _quiet(info.context.loaders.compliance.load((client_id, history_depth(compliance, raw))))


def _quiet(started: Awaitable[object]) -> None:
    """A prefetch's error, if any, is reported by the field that awaits it (or not at all
    when the client turns out not to exist): keep asyncio from logging it as unretrieved."""
    future = cast("asyncio.Future[object]", started)
    future.add_done_callback(lambda done: done.cancelled() or done.exception())
