"""Subscriptions (graphql-transport-ws): a client's domain events while its file is open, and
the caller's notifications. Fed from NATS by gateway.live; scoped to the caller's tenant."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import cast

import strawberry

from client360.events.v1 import events_pb2
from gateway.errors import not_found
from gateway.schema.compliance import AssetFreezeStatus, Screening, ScreeningJob
from gateway.schema.timestamps import timestamp
from gateway.schema.types import Info

JOB_FINISHED = "c360.compliance.job.finished"


@strawberry.type(description="Something that happened to a client, in any service.")
class ClientEvent:
    id: strawberry.ID
    type: str = strawberry.field(description="For example c360.identity.client.updated.")
    client_id: strawberry.ID
    actor_id: str

    @strawberry.field
    @staticmethod
    def occurred_at(root: strawberry.Parent[events_pb2.Event]) -> datetime | None:
        return timestamp(root, "occurred_at")

    @strawberry.field(description="Fields of the client or contact that changed.")
    @staticmethod
    def changed_fields(root: strawberry.Parent[events_pb2.Event]) -> list[str]:
        payload = root.WhichOneof("payload")
        if payload == "client_changed":
            return list(root.client_changed.changed_fields)
        if payload == "contact_changed":
            return list(root.contact_changed.changed_fields)
        return []

    @strawberry.field(description="The check, for a screening event.")
    @staticmethod
    def screening(root: strawberry.Parent[events_pb2.Event]) -> Screening | None:
        if root.WhichOneof("payload") != "screening_completed":
            return None
        return cast(Screening, root.screening_completed.screening)

    @strawberry.field(description="The client's asset-freeze status after a compliance event.")
    @staticmethod
    def asset_freeze_status(root: strawberry.Parent[events_pb2.Event]) -> AssetFreezeStatus | None:
        payload = root.WhichOneof("payload")
        if payload == "screening_completed":
            return cast(AssetFreezeStatus, root.screening_completed.screening.status_after)
        if payload == "status_changed":
            return cast(AssetFreezeStatus, root.status_changed.decision.status)
        return None


@strawberry.type(description="A message for the caller, such as the end of a screening job.")
class Notification:
    id: strawberry.ID
    type: str

    @strawberry.field
    @staticmethod
    def message(root: strawberry.Parent[events_pb2.Event]) -> str:
        job = root.job_finished.job
        if job.error:
            return job.error
        return (
            f"The asset-freeze check of {job.total} clients is finished: "
            f"{job.matched} with matches to verify."
        )

    @strawberry.field
    @staticmethod
    def job(root: strawberry.Parent[events_pb2.Event]) -> ScreeningJob | None:
        if root.WhichOneof("payload") != "job_finished":
            return None
        return cast(ScreeningJob, root.job_finished.job)

    @strawberry.field
    @staticmethod
    def occurred_at(root: strawberry.Parent[events_pb2.Event]) -> datetime | None:
        return timestamp(root, "occurred_at")


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Every domain event about one client, as it happens.")
    async def client_events(
        self, info: Info, client_id: strawberry.ID
    ) -> AsyncGenerator[ClientEvent, None]:
        context = info.context
        # Only whether the caller may see the client matters here.
        context.loaders.client_fields = ("display_name",)
        if await context.loaders.client.load(client_id) is None:
            raise not_found()
        async for event in context.live.events(context.caller.tenant_id):
            if event.client_id == client_id:
                yield cast(ClientEvent, event)

    @strawberry.subscription(description="The caller's notifications.")
    async def notifications(self, info: Info) -> AsyncGenerator[Notification, None]:
        context = info.context
        async for event in context.live.events(context.caller.tenant_id):
            if event.type == JOB_FINISHED and event.actor_id == context.caller.user_id:
                yield cast(Notification, event)
