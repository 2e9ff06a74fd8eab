"""Mutations of the identity section; each returns the changed object."""

from __future__ import annotations

from typing import cast

import strawberry

from client360.compliance.v1 import compliance_pb2
from gateway.errors import graphql_error
from gateway.schema.compliance import (
    AssetFreezeStatus,
    Compliance,
    FreezeRegisterInfo,
    Screening,
    ScreeningJob,
)
from gateway.schema.inputs import (
    ClientInput,
    ContactInput,
    client_input_to_proto,
    contact_input_to_proto,
)
from gateway.schema.types import Client, Contact, Info
from gateway.sections import compliance_section
from runtime.contracts import max_items
from runtime.errors import FieldViolation, InvalidInput


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_client(self, info: Info, input: ClientInput) -> Client | None:
        message, _ = client_input_to_proto(input)
        client = await info.context.clients.identity.create_client(info.context.caller, message)
        return cast(Client, client)

    @strawberry.mutation(description="Changes the fields given; version must be the current one.")
    async def update_client(
        self, info: Info, id: strawberry.ID, version: int, input: ClientInput
    ) -> Client | None:
        message, paths = client_input_to_proto(input)
        client = await info.context.clients.identity.update_client(
            info.context.caller, id, version, message, paths
        )
        return cast(Client, client)

    @strawberry.mutation
    async def archive_client(self, info: Info, id: strawberry.ID) -> Client | None:
        client = await info.context.clients.identity.archive_client(info.context.caller, id)
        return cast(Client, client)

    @strawberry.mutation
    async def add_contact(
        self, info: Info, client_id: strawberry.ID, input: ContactInput
    ) -> Contact | None:
        message, _ = contact_input_to_proto(input)
        contact = await info.context.clients.identity.add_contact(
            info.context.caller, client_id, message
        )
        return cast(Contact, contact)

    @strawberry.mutation
    async def update_contact(
        self, info: Info, id: strawberry.ID, version: int, input: ContactInput
    ) -> Contact | None:
        message, paths = contact_input_to_proto(input)
        contact = await info.context.clients.identity.update_contact(
            info.context.caller, id, version, message, paths
        )
        return cast(Contact, contact)

    @strawberry.mutation(description="Ends a contact's validity (today when validTo is omitted).")
    async def end_contact(
        self, info: Info, id: strawberry.ID, valid_to: str | None = None
    ) -> Contact | None:
        contact = await info.context.clients.identity.end_contact(
            info.context.caller, id, valid_to or ""
        )
        return cast(Contact, contact)

    @strawberry.mutation(description="Sets the parent client; null removes it.")
    async def set_parent_client(
        self, info: Info, client_id: strawberry.ID, parent_client_id: strawberry.ID | None = None
    ) -> Client | None:
        client = await info.context.clients.identity.set_parent_client(
            info.context.caller, client_id, parent_client_id or ""
        )
        return cast(Client, client)

    @strawberry.mutation(description="Associates two clients, or dissociates them.")
    async def associate_clients(
        self,
        info: Info,
        client_id: strawberry.ID,
        other_client_id: strawberry.ID,
        associated: bool = True,
    ) -> Client | None:
        client = await info.context.clients.identity.associate_clients(
            info.context.caller, client_id, other_client_id, associated
        )
        return cast(Client, client)

    @strawberry.mutation(description="Checks one client against the register now.")
    async def screen_client(self, info: Info, id: strawberry.ID) -> Screening | None:
        screening = await info.context.clients.compliance.screen_client(info.context.caller, id)
        return cast(Screening, screening)

    @strawberry.mutation(
        description="Checks a selection of clients in the background (a list of ids, or a "
        "search as in the clients query); the requester is notified when it ends."
    )
    async def screen_clients(
        self,
        info: Info,
        ids: list[strawberry.ID] | None = None,
        search: str | None = None,
    ) -> ScreeningJob | None:
        context = info.context
        if (ids is None) == (search is None):
            raise graphql_error(
                InvalidInput(FieldViolation("ids", "give either ids or search, not both"))
            )
        selected = list(ids) if ids is not None else await _search_ids(info, search or "")
        job = await context.clients.compliance.start_screening_job(context.caller, selected)
        return cast(ScreeningJob, job)

    @strawberry.mutation(description="A person's decision on the asset-freeze status.")
    async def set_asset_freeze_status(
        self, info: Info, client_id: strawberry.ID, status: AssetFreezeStatus, reason: str
    ) -> Compliance | None:
        answer = await info.context.clients.compliance.set_asset_freeze_status(
            info.context.caller, client_id, status.value, reason
        )
        return cast(Compliance, compliance_section(answer))

    @strawberry.mutation(
        description="Loads a new version of the register from a URL or path (admins only); "
        "the configured source when url is omitted."
    )
    async def reload_freeze_register(
        self, info: Info, url: str | None = None
    ) -> FreezeRegisterInfo | None:
        register = await info.context.clients.compliance.reload_register(
            info.context.caller, url or ""
        )
        return cast(FreezeRegisterInfo, register)


# A selection screened in one job is at most this many clients.
MAX_JOB_CLIENTS = max_items(compliance_pb2.StartScreeningJobRequest, "client_ids")
_SEARCH_PAGE = 200


async def _search_ids(info: Info, search: str) -> list[str]:
    """Every client id the clients query would list for ``search``, page by page."""
    context = info.context
    ids: list[str] = []
    after = ""
    while len(ids) < MAX_JOB_CLIENTS:
        page = await context.clients.identity.search_clients(
            context.caller, query=search, first=_SEARCH_PAGE, after=after, include_archived=False
        )
        ids.extend(client.id for client in page.clients)
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    return ids[:MAX_JOB_CLIENTS]
