"""Live events for subscriptions, against a real nats-server: each tenant's subscribers get
that tenant's events only, decoded once, and a subscriber that falls too far behind is told
and dropped instead of growing the gateway's memory."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import nats
import pytest

from client360.identity.v1 import identity_pb2
from gateway.live import QUEUE_LIMIT, LiveEvent, LiveEvents, SubscriberTooSlow
from runtime.contracts import payload_types
from runtime.outbox import new_event
from tests.harness import NatsServer
from tests.waiting import until_true

PAYLOADS = payload_types(identity_pb2.ClientUpdated)


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NatsServer]:
    server = NatsServer(Path(tmp_path_factory.mktemp("live")) / "nats")
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def live(broker: NatsServer) -> AsyncIterator[LiveEvents]:
    events = LiveEvents(broker.url, PAYLOADS)
    events.start()
    async with asyncio.timeout(10):
        await events.connected.wait()
    yield events
    await events.stop()


async def _publish(broker: NatsServer, tenant: str, count: int) -> None:
    nc = await nats.connect(broker.url)
    try:
        for n in range(count):
            payload = identity_pb2.ClientUpdated(changed_fields=[f"field{n}"])
            event = new_event(payload, tenant_id=tenant, key="c1", actor_id="alice")
            await nc.publish(event.type, event.SerializeToString())
        await nc.flush()
    finally:
        await nc.drain()


async def _wait_for_subscribers(live: LiveEvents, count: int) -> None:
    await until_true(
        lambda: live.subscriber_count() == count, what=f"{count} subscribers", timeout=5
    )


async def test_a_subscriber_gets_its_tenants_events_decoded_and_no_other(
    live: LiveEvents, broker: NatsServer
) -> None:
    async with live.listen("tenant-a") as mine, live.listen("tenant-b") as theirs:
        await _publish(broker, "tenant-a", 2)
        received: list[LiveEvent] = []
        async with asyncio.timeout(5):
            while len(received) < 2:
                item = await mine.get()
                assert item is not None
                received.append(item)
        assert [e.type for e in received] == ["c360.identity.client.updated"] * 2
        assert all(isinstance(e.payload, identity_pb2.ClientUpdated) for e in received)
        changed = [
            list(e.payload.changed_fields)
            for e in received
            if isinstance(e.payload, identity_pb2.ClientUpdated)
        ]
        assert changed == [["field0"], ["field1"]]
        assert received[0].occurred_at is not None
        assert theirs.empty()


async def test_a_subscriber_that_falls_behind_is_told_and_dropped(
    live: LiveEvents, broker: NatsServer
) -> None:
    stream = live.events("tenant-slow")

    async def first_event() -> LiveEvent:
        return await anext(stream)

    first = asyncio.create_task(first_event())
    await _wait_for_subscribers(live, 1)

    # More events than the subscriber's queue holds, while it reads none after the first.
    await _publish(broker, "tenant-slow", QUEUE_LIMIT + 2)
    assert isinstance(await first, LiveEvent)
    await _wait_for_subscribers(live, 0)

    read = 0
    with pytest.raises(SubscriberTooSlow):
        async with asyncio.timeout(5):
            async for _ in stream:
                read += 1
    assert 0 < read < QUEUE_LIMIT
