"""Subscriptions (graphql-transport-ws): a client's domain events while its file is open, and
the caller's notifications. Fed from NATS by gateway.live; scoped to the caller's tenant."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, cast

import strawberry

from gateway.context import Info
from gateway.errors import not_found
from gateway.live import LiveEvent
from gateway.schema.merge import merged_type
from gateway.sections import SECTIONS
from runtime.contracts import payload_types

# The event payloads subscriptions show, as the sections declare them.
EVENT_PAYLOADS = payload_types(*(t for part in SECTIONS for t in part.events))
# The payloads that are notices to their actor, with the message each shows.
_NOTICES = {t: message for part in SECTIONS for t, message in part.notices.items()}


@strawberry.type
class _EventFields:
    id: strawberry.ID = strawberry.field(
        description="The event's id: the same event delivered twice has the same id."
    )
    type: str = strawberry.field(
        description="What happened, as c360.<service>.<entity>.<verb>: for example "
        "c360.identity.client.updated, c360.identity.contact.deleted, "
        "c360.compliance.screening.completed."
    )
    actor_id: str | None = strawberry.field(
        description="User id of whoever made it happen; null for the system."
    )
    occurred_at: datetime | None = strawberry.field(description="When (ISO 8601, UTC).")

    @strawberry.field(description="The client it is about.")
    @staticmethod
    def client_id(root: strawberry.Parent[LiveEvent]) -> strawberry.ID:
        return strawberry.ID(root.key)


@strawberry.type
class _NoticeFields:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    type: str = strawberry.field(
        description="What the notification is about, for example c360.compliance.job.finished."
    )
    occurred_at: datetime | None = strawberry.field(description="When (ISO 8601, UTC).")

    @strawberry.field(description="The message to show the caller.")
    @staticmethod
    def message(root: strawberry.Parent[LiveEvent]) -> str:
        payload = root.payload
        describe = _NOTICES.get(type(payload)) if payload is not None else None
        return describe(payload) if describe is not None else ""


if TYPE_CHECKING:  # the merged types have the base types' fields and more
    ClientEvent = _EventFields
    Notification = _NoticeFields
else:
    ClientEvent = merged_type(
        "ClientEvent",
        "Something that happened to a client, in any service.",
        (_EventFields, *(p.event_fields for p in SECTIONS if p.event_fields is not None)),
    )
    Notification = merged_type(
        "Notification",
        "A message for the caller, such as the end of a screening job.",
        (_NoticeFields, *(p.notice_fields for p in SECTIONS if p.notice_fields is not None)),
    )


@strawberry.type(description="Live updates, over graphql-transport-ws on the same URL.")
class Subscription:
    @strawberry.subscription(
        description="Every domain event about one client, in any service, as it happens; "
        "NOT_FOUND if the client is not yours."
    )
    async def client_events(
        self,
        info: Info,
        client_id: Annotated[
            strawberry.ID, strawberry.argument(description="The client whose file is open.")
        ],
    ) -> AsyncGenerator[ClientEvent, None]:
        context = info.context
        # Only whether the caller may see the client matters here.
        if not await context.clients.identity.batch_get_clients(
            context.caller, [client_id], fields=("display_name",)
        ):
            raise not_found()
        async for event in context.live.events(context.caller.tenant_id):
            if event.key == client_id:
                yield cast(ClientEvent, event)

    @strawberry.subscription(
        description="The caller's notifications, such as the end of a screening job they started."
    )
    async def notifications(self, info: Info) -> AsyncGenerator[Notification, None]:
        context = info.context
        async for event in context.live.events(context.caller.tenant_id):
            notice = event.payload is not None and type(event.payload) in _NOTICES
            if notice and event.actor_id == context.caller.user_id:
                yield cast(Notification, event)
