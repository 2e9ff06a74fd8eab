"""One trace follows a request from the gateway through gRPC into the identity service and
through NATS to an event consumer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import nats
import orjson
import pytest

from client360.events.v1 import events_pb2
from runtime.bus import EventConsumer
from runtime.config import load_settings
from runtime.ids import new_id
from runtime.store import Transaction
from runtime.store.sqlite import SqliteStore
from runtime.telemetry import configure_telemetry
from tests.harness import GraphQLClient, System
from tests.identity.queries import CREATE, individual
from tests.waiting import eventually, until_true

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@pytest.fixture
async def consumer_store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(tmp_path / "consumer.sqlite3")
    await store.open([])
    yield store
    await store.close()


async def test_one_trace_spans_gateway_service_and_consumer(
    system: System, gql: GraphQLClient, consumer_store: SqliteStore
) -> None:
    # This test process plays the consumer; its spans go to the same file as the processes'.
    configure_telemetry("test-consumer", load_settings({"C360_TRACE_FILE": str(system.trace_file)}))
    gql.headers["traceparent"] = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]

    consumed: list[str] = []

    async def record(txn: Transaction, event: events_pb2.Event) -> None:
        if event.key == created["id"]:
            consumed.append(event.id)

    nc = await nats.connect(system.nats.url)
    consumer = EventConsumer(
        nc.jetstream(),
        consumer_store,
        durable=f"trace-test-{new_id().lower()}",
        subjects=["c360.identity.client.created"],
        handler=record,
    )
    task = asyncio.create_task(consumer.run())
    try:
        await until_true(lambda: consumed, what="the event consumed", timeout=15)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await nc.drain()

    async def written() -> list[dict[str, Any]]:
        spans = [orjson.loads(line) for line in system.trace_file.read_bytes().splitlines()]
        return [s for s in spans if s["trace_id"] == TRACE_ID]

    ours = await eventually(
        written,
        lambda found: {"gateway", "identity", "test-consumer"} <= {s["service"] for s in found},
        what="every process's span of the trace",
        timeout=5,
    )
    by_service = {s["service"]: s for s in ours}
    assert by_service["identity"]["name"] == "/client360.identity.v1.IdentityService/CreateClient"
    assert by_service["test-consumer"]["name"] == "consume c360.identity.client.created"
    assert by_service["test-consumer"]["kind"] == "CONSUMER"
    # The consumer's span is a child of the service span that wrote the event.
    assert by_service["test-consumer"]["parent_id"] == by_service["identity"]["span_id"]
