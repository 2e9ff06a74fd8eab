"""Subscriptions (graphql-transport-ws): a client's domain events while its file is open, and
the caller's notifications. Fed from NATS by gateway.live; scoped to the caller's tenant."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, cast

import strawberry

from client360.compliance.v1 import compliance_pb2
from client360.identity.v1 import identity_pb2
from gateway.context import Info
from gateway.errors import not_found
from gateway.live import LiveEvent
from gateway.sections.compliance import AssetFreezeStatus, Screening, ScreeningJob
from runtime.contracts import payload_types, subject_of

# The event payloads subscriptions show, as their services declare them.
EVENT_PAYLOADS = payload_types(
    identity_pb2.ClientCreated,
    identity_pb2.ClientUpdated,
    identity_pb2.ClientArchived,
    identity_pb2.ClientRestored,
    identity_pb2.ContactCreated,
    identity_pb2.ContactUpdated,
    identity_pb2.ContactEnded,
    identity_pb2.ContactDeleted,
    compliance_pb2.ScreeningCompleted,
    compliance_pb2.AssetFreezeStatusChanged,
    compliance_pb2.ScreeningJobFinished,
)
JOB_FINISHED = subject_of(compliance_pb2.ScreeningJobFinished)
_CHANGES = (
    identity_pb2.ClientCreated
    | identity_pb2.ClientUpdated
    | identity_pb2.ClientArchived
    | identity_pb2.ClientRestored
    | identity_pb2.ContactCreated
    | identity_pb2.ContactUpdated
    | identity_pb2.ContactEnded
    | identity_pb2.ContactDeleted
)


@strawberry.type(description="Something that happened to a client, in any service.")
class ClientEvent:
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

    @strawberry.field(
        description="Fields of the client or contact that changed, by their proto names "
        '("addresses", "personal"...); empty for other events.'
    )
    @staticmethod
    def changed_fields(root: strawberry.Parent[LiveEvent]) -> list[str]:
        if isinstance(root.payload, _CHANGES):
            return list(root.payload.changed_fields)
        return []

    @strawberry.field(description="The check, for a screening event; null for others.")
    @staticmethod
    def screening(root: strawberry.Parent[LiveEvent]) -> Screening | None:
        if not isinstance(root.payload, compliance_pb2.ScreeningCompleted):
            return None
        return cast(Screening, root.payload.screening)

    @strawberry.field(
        description="The client's asset-freeze status after a compliance event; null for others."
    )
    @staticmethod
    def asset_freeze_status(root: strawberry.Parent[LiveEvent]) -> AssetFreezeStatus | None:
        payload = root.payload
        if isinstance(payload, compliance_pb2.ScreeningCompleted):
            return cast(AssetFreezeStatus, payload.screening.status_after)
        if isinstance(payload, compliance_pb2.AssetFreezeStatusChanged):
            return cast(AssetFreezeStatus, payload.decision.status)
        return None


@strawberry.type(description="A message for the caller, such as the end of a screening job.")
class Notification:
    id: strawberry.ID = strawberry.field(description="The event's id.")
    type: str = strawberry.field(
        description="What the notification is about, for example c360.compliance.job.finished."
    )
    occurred_at: datetime | None = strawberry.field(description="When (ISO 8601, UTC).")

    @strawberry.field(description="The message to show the caller.")
    @staticmethod
    def message(root: strawberry.Parent[LiveEvent]) -> str:
        if not isinstance(root.payload, compliance_pb2.ScreeningJobFinished):
            return ""
        job = root.payload.job
        if job.error:
            return job.error
        return (
            f"The asset-freeze check of {job.total} clients is finished: "
            f"{job.matched} with matches to verify."
        )

    @strawberry.field(description="The screening job that ended, for a job notification.")
    @staticmethod
    def job(root: strawberry.Parent[LiveEvent]) -> ScreeningJob | None:
        if not isinstance(root.payload, compliance_pb2.ScreeningJobFinished):
            return None
        return cast(ScreeningJob, root.payload.job)


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
            if event.type == JOB_FINISHED and event.actor_id == context.caller.user_id:
                yield cast(Notification, event)
