"""NATS JetStream: the connection, the one stream, the outbox relay and the consumer helper.

Events are written to the store's outbox in the same transaction as the change
(runtime.outbox); the relay publishes them with ``Nats-Msg-Id`` = event id so that JetStream
drops a retried duplicate; a consumer acks explicitly and applies an event id once, in the same
transaction as its own change.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection, Sequence

import nats
from nats.aio.client import Client as Nats
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StreamConfig
from nats.js.errors import NotFoundError
from opentelemetry import trace

from client360.events.v1 import events_pb2
from runtime.retry import until_it_succeeds
from runtime.store import DocumentStore, Transaction
from runtime.telemetry import extract_context, tracer

STREAM = "C360"
SUBJECTS = ["c360.>"]

log = logging.getLogger(__name__)
_tracer = tracer(__name__)


async def connect_nats(url: str, name: str) -> Nats:
    """Connect, retrying until the broker answers; once connected, reconnect forever."""

    async def connect() -> Nats:
        return await nats.connect(
            url,
            name=name,
            allow_reconnect=True,
            max_reconnect_attempts=-1,
            reconnect_time_wait=0.5,
            connect_timeout=2,
        )

    # nats raises several unrelated types for "not reachable": any Exception is retried.
    return await until_it_succeeds(
        connect, what="connecting to nats", first_wait=0.1, extra={"url": url}
    )


async def ensure_stream(js: JetStreamContext) -> None:
    config = StreamConfig(name=STREAM, subjects=SUBJECTS, duplicate_window=120.0)
    try:
        await js.stream_info(STREAM)
    except NotFoundError:
        with contextlib.suppress(Exception):
            await js.add_stream(config)


class OutboxRelay:
    """Publishes committed events in order, retrying with backoff until JetStream confirms."""

    def __init__(self, store: DocumentStore, js: JetStreamContext, *, batch: int = 100) -> None:
        self._store = store
        self._js = js
        self._batch = batch
        self._wake = asyncio.Event()
        store.on_events_committed(self._wake.set)

    async def run(self) -> None:
        while True:
            # Broker down or slow: the events stay in the outbox until it confirms them.
            published = await until_it_succeeds(
                self.publish_pending, what="publishing the outbox", first_wait=0.05
            )
            if published < self._batch:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=1.0)

    async def publish_pending(self) -> int:
        events = await self._store.pending_events(self._batch)
        done: list[str] = []
        try:
            for event in events:
                await self._js.publish(
                    event.subject,
                    event.payload,
                    timeout=2.0,
                    headers={**event.headers, "Nats-Msg-Id": event.id},
                )
                done.append(event.id)
        finally:
            await self._store.mark_published(done)
        return len(events)


EventHandler = Callable[[Transaction, events_pb2.Event], Awaitable[None]]


class EventConsumer:
    """A durable pull consumer whose handler runs once per event id, in a store transaction."""

    def __init__(
        self,
        js: JetStreamContext,
        store: DocumentStore,
        *,
        durable: str,
        subjects: Sequence[str],
        handler: EventHandler,
        batch: int = 50,
        ack_wait: float = 30.0,
    ) -> None:
        self._js = js
        self._store = store
        self._durable = durable
        self._subjects = list(subjects)
        self._handler = handler
        self._batch = batch
        self._ack_wait = ack_wait

    async def run(self) -> None:
        subscription = await until_it_succeeds(
            self.subscribe,
            what="binding the consumer",
            first_wait=0.5,
            max_wait=5.0,
            extra={"durable": self._durable},
        )

        async def fetch() -> list[Msg]:
            try:
                return await subscription.fetch(self._batch, timeout=1.0)
            except (TimeoutError, nats.errors.TimeoutError):
                return []  # nothing new within the second: ask again

        try:
            while True:
                # Broker restarting: wait and fetch again.
                messages = await until_it_succeeds(
                    fetch,
                    what="fetching events",
                    first_wait=0.5,
                    max_wait=2.0,
                    extra={"durable": self._durable},
                )
                for msg in messages:
                    await self.apply(msg)
        finally:
            # Bounded: a stop must not hang on a broker that went away.
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2.0):
                    await subscription.unsubscribe()

    async def subscribe(self) -> JetStreamContext.PullSubscription:
        """Create the durable consumer if needed and bind to it."""
        config = ConsumerConfig(
            durable_name=self._durable,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            filter_subjects=self._subjects,
            ack_wait=self._ack_wait,
            max_deliver=-1,
        )
        # Creating a consumer that exists with the same configuration is a no-op.
        await self._js.add_consumer(STREAM, config)
        return await self._js.pull_subscribe_bind(durable=self._durable, stream=STREAM)

    async def apply(self, msg: Msg) -> bool:
        """Apply one message and ack it; True when its effect was applied now, False when it
        had been applied before (a redelivery) or the handler failed (it is redelivered)."""
        try:
            applied = await self.apply_once(msg)
        except Exception:
            log.exception("event handler failed", extra={"subject": msg.subject})
            await msg.nak(delay=1.0)
            return False
        # Wait for the broker to confirm the ack, so that a confirmed event is never redelivered
        # to a consumer that believes it is done.
        await msg.ack_sync(timeout=5.0)
        return applied

    async def apply_once(self, msg: Msg) -> bool:
        """Run the handler in a transaction that also records the event id, unless that id was
        recorded before. Does not ack: a crash before the ack means a redelivery, which is then
        recognised here."""
        parent = extract_context(dict(msg.headers or {}))
        with _tracer.start_as_current_span(
            f"consume {msg.subject}", context=parent, kind=trace.SpanKind.CONSUMER
        ) as span:
            event = events_pb2.Event.FromString(msg.data)
            span.set_attribute("messaging.message.id", event.id)
            span.set_attribute("messaging.consumer.group.name", self._durable)
            async with self._store.transaction() as txn:
                applied = await txn.mark_applied(self._durable, event.id)
                if applied:
                    await self._handler(txn, event)
            return applied


# How many stored events one fetch reads when the stream is searched.
_SEARCH_BATCH = 256


async def remove_events(
    js: JetStreamContext, *, tenant_id: str, key: str, keep: Collection[str] = ()
) -> int:
    """Deletes from the stream every event of ``tenant_id`` about ``key`` (an erased client's
    id: the envelope's key, or named anywhere in the payload, as on a contract another client
    holds with it), except those of the subjects in ``keep``; how many it deleted.

    The stream is read whole by a throw-away consumer, up to the last event stored when the
    search began; each event found is deleted by its sequence number.
    """
    info = await js.stream_info(STREAM)
    last = info.state.last_seq
    if not info.state.messages:
        return 0
    sub = await js.pull_subscribe(
        SUBJECTS[0],
        stream=STREAM,
        config=ConsumerConfig(
            deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, inactive_threshold=60.0
        ),
    )
    removed = 0
    try:
        while True:
            try:
                batch = await sub.fetch(_SEARCH_BATCH, timeout=2.0)
            except (TimeoutError, nats.errors.TimeoutError):
                break
            for msg in batch:
                seq = msg.metadata.sequence.stream
                event = events_pb2.Event()
                with contextlib.suppress(ValueError):
                    event.ParseFromString(msg.data)
                about = event.key == key or key.encode() in event.payload.value
                if event.tenant_id == tenant_id and about and event.type not in keep:
                    await js.delete_msg(STREAM, seq)
                    removed += 1
            if batch and batch[-1].metadata.sequence.stream >= last:
                break
    finally:
        await sub.unsubscribe()
    return removed
