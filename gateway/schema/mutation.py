"""Mutations of the identity section; each returns the changed object."""

from __future__ import annotations

from typing import cast

import strawberry

from gateway.schema.inputs import (
    ClientInput,
    ContactInput,
    client_input_to_proto,
    contact_input_to_proto,
)
from gateway.schema.types import Client, Contact, Info


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
