"""The outbox relay and the consumer helper against a real nats-server and a real SQLite file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest
from nats.aio.client import Client as Nats
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from client360.events.v1 import events_pb2
from runtime.bus import STREAM, EventConsumer, OutboxRelay, ensure_stream
from runtime.ids import new_id
from runtime.outbox import queue_event
from runtime.store import CollectionSpec, Transaction
from runtime.store.sqlite import SqliteStore
from tests.harness import NatsServer
from tests.waiting import eventually

EFFECTS = CollectionSpec("effects")


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    server = NatsServer(Path(tmp_path_factory.mktemp("nats")))
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def js(broker: NatsServer) -> AsyncIterator[JetStreamContext]:
    nc: Nats = await nats.connect(broker.url)
    context = nc.jetstream()
    await ensure_stream(context)
    yield context
    await nc.close()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "bus.sqlite3")
    await opened.open([EFFECTS])
    yield opened
    await opened.close()


async def _stream_events(js: JetStreamContext, subject: str) -> list[events_pb2.Event]:
    """Every event stored on the stream under ``subject``, read by a throw-away consumer."""
    sub = await js.pull_subscribe(
        subject, stream=STREAM, config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
    )
    found: list[events_pb2.Event] = []
    try:
        while True:
            batch = await sub.fetch(100, timeout=0.5)
            found.extend(events_pb2.Event.FromString(m.data) for m in batch)
    except (TimeoutError, nats.errors.TimeoutError):
        pass
    await sub.unsubscribe()
    return found


def _envelope(subject: str, key: str) -> events_pb2.Event:
    """An event under a subject of the test's own (the relay and consumers never read the
    payload), so that each test reads back only its own events."""
    return events_pb2.Event(id=new_id(), type=subject, tenant_id="t1", key=key, actor_id="tester")


async def _write_with_event(store: SqliteStore, subject: str, client_id: str) -> str:
    async with store.transaction() as txn:
        await txn.insert("effects", "t1", {"id": new_id(), "kind": "change"})
        event = _envelope(subject, client_id)
        await queue_event(txn, event)
    return event.id


async def test_the_relay_publishes_each_committed_event_once(
    js: JetStreamContext, store: SqliteStore
) -> None:
    subject = f"c360.test.{new_id().lower()}.created"
    ids = [await _write_with_event(store, subject, f"client-{i}") for i in range(3)]
    relay = OutboxRelay(store, js)
    assert await relay.publish_pending() == 3
    assert await relay.publish_pending() == 0
    assert await store.pending_events(10) == []
    assert [e.id for e in await _stream_events(js, subject)] == ids


async def test_a_republished_event_is_dropped_by_jetstream(js: JetStreamContext) -> None:
    # The relay may publish again when the broker stored an event but its answer was lost.
    subject = f"c360.test.{new_id().lower()}.created"
    event = _envelope(subject, "c1")
    for _ in range(2):
        ack = await js.publish(
            subject, event.SerializeToString(), headers={"Nats-Msg-Id": event.id}
        )
    assert ack.duplicate is True
    assert [e.id for e in await _stream_events(js, subject)] == [event.id]


async def test_a_rolled_back_write_emits_no_event(js: JetStreamContext, store: SqliteStore) -> None:
    subject = f"c360.test.{new_id().lower()}.created"
    with pytest.raises(RuntimeError):
        async with store.transaction() as txn:
            await queue_event(txn, _envelope(subject, "c1"))
            raise RuntimeError("the change failed")
    assert await OutboxRelay(store, js).publish_pending() == 0
    assert await _stream_events(js, subject) == []


async def test_a_redelivered_event_is_applied_once(
    js: JetStreamContext, store: SqliteStore
) -> None:
    subject = f"c360.test.{new_id().lower()}.created"
    await _write_with_event(store, subject, "client-1")
    await OutboxRelay(store, js).publish_pending()
    applied: list[str] = []

    async def record(txn: Transaction, event: events_pb2.Event) -> None:
        applied.append(event.id)
        await txn.insert("effects", "t1", {"id": f"effect-{event.id}", "kind": "applied"})

    durable = f"test-{new_id().lower()}"
    consumer = EventConsumer(
        js, store, durable=durable, subjects=[subject], handler=record, ack_wait=1.0
    )
    subscription = await consumer.subscribe()
    first = (await subscription.fetch(1, timeout=5))[0]
    # The effect is committed but the process dies before acking: the broker redelivers.
    assert await consumer.apply_once(first) is True
    redelivered = (await subscription.fetch(1, timeout=5))[0]
    assert redelivered.metadata.num_delivered == 2
    assert await consumer.apply(redelivered) is False
    assert len(applied) == 1
    assert len(await store.find("effects", "t1", {"kind": "applied"})) == 1
    info = await js.consumer_info(STREAM, durable)
    assert info.num_ack_pending == 0
    assert info.num_pending == 0


async def test_a_failing_handler_changes_nothing_and_the_event_comes_back(
    js: JetStreamContext, store: SqliteStore
) -> None:
    subject = f"c360.test.{new_id().lower()}.created"
    await _write_with_event(store, subject, "client-1")
    await OutboxRelay(store, js).publish_pending()
    attempts: list[int] = []

    async def flaky(txn: Transaction, event: events_pb2.Event) -> None:
        attempts.append(1)
        await txn.insert("effects", "t1", {"id": f"effect-{len(attempts)}", "kind": "flaky"})
        if len(attempts) == 1:
            raise RuntimeError("a downstream hiccup")

    # A short ack wait: should the nak'd redelivery be lost to a pull that just expired, the
    # broker still redelivers after it, and the test measures behaviour rather than timing.
    consumer = EventConsumer(
        js,
        store,
        durable=f"test-{new_id().lower()}",
        subjects=[subject],
        handler=flaky,
        ack_wait=3.0,
    )
    task = asyncio.create_task(consumer.run())
    try:
        await eventually(
            lambda: store.find("effects", "t1", {"kind": "flaky"}),
            what="the flaky handler's effect",
        )
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert len(attempts) == 2
    assert [d["id"] for d in await store.find("effects", "t1", {"kind": "flaky"})] == ["effect-2"]
