"""The life of a service process: store, gRPC server with health and reflection, broker
connection with the outbox relay and the event consumers, and a graceful stop (NOT_SERVING,
stop with grace, NATS drain, store closed).

The server opens its port without waiting for the broker: writes commit their events to the
outbox, which the relay drains once the broker answers; consumers start then too."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from nats.aio.client import Client as Nats
from nats.js import JetStreamContext

from runtime.bus import EventConsumer, EventHandler, OutboxRelay, connect_nats, ensure_stream
from runtime.config import Settings, load_settings
from runtime.logs import configure_logging
from runtime.rpc import MESSAGE_SIZE_OPTIONS, ServiceInterceptor
from runtime.store import CollectionSpec, DocumentStore, open_store
from runtime.telemetry import configure_telemetry

log = logging.getLogger(__name__)

BrokerWork = Callable[[JetStreamContext], Coroutine[Any, Any, None]]

STOP_GRACE_SECONDS = 5.0


@dataclass
class ServiceContext:
    """What a service's wiring gets to register its servicers and background work."""

    name: str
    settings: Settings
    store: DocumentStore
    server: grpc.aio.Server
    service_names: list[str] = field(default_factory=list)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    consumers: list[tuple[str, tuple[str, ...], EventHandler]] = field(default_factory=list)
    broker_work: list[tuple[str, BrokerWork]] = field(default_factory=list)

    def add_servicer(
        self, add: Callable[[Any, grpc.aio.Server], None], servicer: Any, name: str
    ) -> None:
        add(servicer, self.server)
        self.service_names.append(name)

    def consume(self, *, durable: str, subjects: Sequence[str], handler: EventHandler) -> None:
        """Apply the events of ``subjects`` with ``handler`` through the durable consumer
        ``durable``, from the moment the broker answers."""
        self.consumers.append((durable, tuple(subjects), handler))

    def with_broker(self, work: BrokerWork, name: str) -> None:
        """Run ``work(js)`` in the background once the broker answers (work on the event
        stream itself, such as removing an erased client's events)."""
        self.broker_work.append((name, work))

    def background(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        task.add_done_callback(_log_task_end)
        self.tasks.append(task)


def _log_task_end(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error(
            "background task failed", exc_info=task.exception(), extra={"task": task.get_name()}
        )


Wiring = Callable[[ServiceContext], Awaitable[None]]


async def run_service(
    name: str,
    collections: Sequence[CollectionSpec],
    wire: Wiring,
    *,
    settings: Settings | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    settings = settings or load_settings()
    configure_logging(name, settings.log_level)
    provider = configure_telemetry(name, settings)
    store = await open_store(settings, name, collections)
    server = grpc.aio.server(
        interceptors=[ServiceInterceptor(name)], options=list(MESSAGE_SIZE_OPTIONS)
    )
    health_servicer = health.aio.HealthServicer()  # type: ignore[attr-defined]
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    ctx = ServiceContext(name, settings, store, server)
    await wire(ctx)
    broker: list[Nats] = []
    ctx.background(_events(ctx, broker), "events")
    reflection.enable_server_reflection(
        [*ctx.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    address = settings.service_addr(name)
    server.add_insecure_port(address)
    await server.start()
    for service_name in ("", *ctx.service_names):
        await health_servicer.set(service_name, health_pb2.HealthCheckResponse.SERVING)
    log.info("service started", extra={"address": address})

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    await stop.wait()

    log.info("service stopping")
    await health_servicer.enter_graceful_shutdown()
    await server.stop(STOP_GRACE_SECONDS)
    for task in ctx.tasks:
        task.cancel()
    await asyncio.gather(*ctx.tasks, return_exceptions=True)
    for nc in broker:
        with contextlib.suppress(Exception):
            async with asyncio.timeout(STOP_GRACE_SECONDS):
                await nc.drain()
    await store.close()
    provider.shutdown()
    log.info("service stopped")


async def _events(ctx: ServiceContext, broker: list[Nats]) -> None:
    """Reach the broker (however long it takes), then relay the outbox and run the
    consumers; ``broker`` receives the connection so that the stop can drain it."""
    nc = await connect_nats(ctx.settings.nats_url, ctx.name)
    broker.append(nc)
    js = nc.jetstream()
    await ensure_stream(js)
    ctx.background(OutboxRelay(ctx.store, js).run(), "outbox-relay")
    for durable, subjects, handler in ctx.consumers:
        consumer = EventConsumer(js, ctx.store, durable=durable, subjects=subjects, handler=handler)
        ctx.background(consumer.run(), f"consumer {durable}")
    for name, work in ctx.broker_work:
        ctx.background(work(js), name)
    log.info("broker reached: relaying events")


def main(name: str, collections: Sequence[CollectionSpec], wire: Wiring) -> None:
    """Entry point of ``python -m services.<name>``."""
    import uvloop

    uvloop.run(run_service(name, collections, wire))
