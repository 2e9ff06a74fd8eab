"""Live domain events for subscriptions: one NATS subscription per gateway process on
``c360.>``, fanned out in memory to the open subscriptions of each tenant.

A screen only needs what happens while it is open, so a plain (core NATS) subscription is
enough: the events themselves are kept durably by JetStream for the services' consumers.
An event is decoded once, when some subscriber of its tenant is listening, into a LiveEvent
whose payload is the producing service's message (the types are the sections' declarations).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from google.protobuf.message import DecodeError, Message
from nats.aio.client import Client as Nats
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription

from client360.events.v1 import events_pb2
from runtime.bus import connect_nats
from runtime.contracts import decode_payload

log = logging.getLogger(__name__)

# A subscriber this far behind is dropped rather than allowed to grow memory without bound.
QUEUE_LIMIT = 1000


class SubscriberTooSlow(Exception):
    """The subscriber did not keep up with the events of its tenant."""


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """An event as subscriptions read it: the envelope's fields as plain attributes, and its
    payload decoded (None when no section declares its type)."""

    id: str
    type: str
    tenant_id: str
    key: str
    actor_id: str
    occurred_at: datetime | None
    payload: Message | None


def live_event(event: events_pb2.Event, payloads: Mapping[str, type[Message]]) -> LiveEvent:
    return LiveEvent(
        id=event.id,
        type=event.type,
        tenant_id=event.tenant_id,
        key=event.key,
        actor_id=event.actor_id,
        occurred_at=event.occurred_at.ToDatetime(tzinfo=UTC)
        if event.HasField("occurred_at")
        else None,
        payload=decode_payload(event, payloads),
    )


class LiveEvents:
    def __init__(self, nats_url: str, payloads: Mapping[str, type[Message]]) -> None:
        self._nats_url = nats_url
        self._payloads = payloads
        self._nc: Nats | None = None
        self._subscription: Subscription | None = None
        self._queues: dict[str, set[asyncio.Queue[LiveEvent | None]]] = defaultdict(set)
        self._connecting: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        """Connect in the background: queries are served even while the broker is away."""
        self._connecting = asyncio.create_task(self._connect(), name="live-events")

    async def _connect(self) -> None:
        self._nc = await connect_nats(self._nats_url, "gateway")
        self._subscription = await self._nc.subscribe("c360.>", cb=self._deliver)
        self.connected.set()

    async def stop(self) -> None:
        if self._connecting is not None:
            self._connecting.cancel()
            await asyncio.gather(self._connecting, return_exceptions=True)
        if self._nc is not None:
            with contextlib.suppress(Exception):
                await self._nc.drain()

    async def _deliver(self, msg: Msg) -> None:
        try:
            event = events_pb2.Event.FromString(msg.data)
        except DecodeError:  # a message that is not one of ours: nothing to deliver
            log.warning("undecodable event", extra={"subject": msg.subject})
            return
        queues = self._queues.get(event.tenant_id)
        if not queues:
            return
        live = live_event(event, self._payloads)
        for queue in list(queues):
            try:
                queue.put_nowait(live)
            except asyncio.QueueFull:
                # Tell the subscriber it fell behind; it ends its subscription.
                self._queues[event.tenant_id].discard(queue)
                queue.get_nowait()
                queue.put_nowait(None)

    def subscriber_count(self) -> int:
        """Open subscriptions, every tenant together (for operators and tests)."""
        return sum(len(queues) for queues in self._queues.values())

    @contextlib.asynccontextmanager
    async def listen(self, tenant_id: str) -> AsyncIterator[asyncio.Queue[LiveEvent | None]]:
        """A queue receiving every event of ``tenant_id`` (only) while the block runs."""
        queue: asyncio.Queue[LiveEvent | None] = asyncio.Queue(QUEUE_LIMIT)
        self._queues[tenant_id].add(queue)
        try:
            yield queue
        finally:
            self._queues[tenant_id].discard(queue)
            if not self._queues[tenant_id]:
                del self._queues[tenant_id]

    async def events(self, tenant_id: str) -> AsyncIterator[LiveEvent]:
        async with self.listen(tenant_id) as queue:
            while True:
                event = await queue.get()
                if event is None:
                    raise SubscriberTooSlow("too many events were waiting; subscribe again")
                yield event
