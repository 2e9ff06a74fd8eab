"""Subscriptions (graphql-transport-ws): a client's domain events while its file is open, and
the caller's notifications. Fed from NATS by gateway.live; scoped to the caller's tenant."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import cast

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
    identity_pb2.ContactCreated,
    identity_pb2.ContactUpdated,
    identity_pb2.ContactEnded,
    compliance_pb2.ScreeningCompleted,
    compliance_pb2.AssetFreezeStatusChanged,
    compliance_pb2.ScreeningJobFinished,
)
JOB_FINISHED = subject_of(compliance_pb2.ScreeningJobFinished)
_CHANGES = (
    identity_pb2.ClientCreated
    | identity_pb2.ClientUpdated
    | identity_pb2.ClientArchived
    | identity_pb2.ContactCreated
    | identity_pb2.ContactUpdated
    | identity_pb2.ContactEnded
)


@strawberry.type(description="Something that happened to a client, in any service.")
class ClientEvent:
    id: strawberry.ID
    type: str = strawberry.field(description="For example c360.identity.client.updated.")
    actor_id: str
    occurred_at: datetime | None

    @strawberry.field
    @staticmethod
    def client_id(root: strawberry.Parent[LiveEvent]) -> strawberry.ID:
        return strawberry.ID(root.key)

    @strawberry.field(description="Fields of the client or contact that changed.")
    @staticmethod
    def changed_fields(root: strawberry.Parent[LiveEvent]) -> list[str]:
        if isinstance(root.payload, _CHANGES):
            return list(root.payload.changed_fields)
        return []

    @strawberry.field(description="The check, for a screening event.")
    @staticmethod
    def screening(root: strawberry.Parent[LiveEvent]) -> Screening | None:
        if not isinstance(root.payload, compliance_pb2.ScreeningCompleted):
            return None
        return cast(Screening, root.payload.screening)

    @strawberry.field(description="The client's asset-freeze status after a compliance event.")
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
    id: strawberry.ID
    type: str
    occurred_at: datetime | None

    @strawberry.field
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

    @strawberry.field
    @staticmethod
    def job(root: strawberry.Parent[LiveEvent]) -> ScreeningJob | None:
        if not isinstance(root.payload, compliance_pb2.ScreeningJobFinished):
            return None
        return cast(ScreeningJob, root.payload.job)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Every domain event about one client, as it happens.")
    async def client_events(
        self, info: Info, client_id: strawberry.ID
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

    @strawberry.subscription(description="The caller's notifications.")
    async def notifications(self, info: Info) -> AsyncGenerator[Notification, None]:
        context = info.context
        async for event in context.live.events(context.caller.tenant_id):
            if event.type == JOB_FINISHED and event.actor_id == context.caller.user_id:
                yield cast(Notification, event)
