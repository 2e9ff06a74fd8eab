"""Real processes for the integration tests: nats-server, services and the gateway, each on
a free port with its own SQLite files. Nothing here is mocked."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gateway.auth import issue_token
from runtime.config import load_settings
from runtime.ids import new_id
from runtime.natsd import nats_server_command
from runtime.services import SERVICE_NAMES
from tests.waiting import eventually, until_true, wait_until

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0


# Ports handed out in this test process: the kernel may give a port just released by one
# call to the next, and a system needs eight at once.
_HANDED_OUT: set[int] = set()


def free_port() -> int:
    """A port free now and never handed out before in this process."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class NatsServer:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            nats_server_command(
                self.port, self.directory / "js", log_file=self.directory / "nats.log"
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        process = self.process

        def listening() -> bool:
            if process.poll() is not None:
                raise RuntimeError("nats-server exited while starting")
            return _port_open(self.port)

        wait_until(listening, what="nats-server to listen", timeout=START_TIMEOUT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(10)
        self.process = None


@dataclass
class ServiceProcess:
    """``python -m <module>`` with a given environment; output goes to a log file."""

    name: str
    module: str
    env: dict[str, str]
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    def start(self) -> None:
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module],
            env={**os.environ, **self.env},
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        def listening() -> bool:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            return _port_open(self.port)

        wait_until(
            listening, what=f"{self.name} to listen (see {self.log_path})", timeout=START_TIMEOUT
        )

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self._log:
            self._log.close()
            self._log = None

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


class System:
    """NATS, the services and the gateway of one test session, in one temporary folder."""

    def __init__(
        self,
        directory: Path,
        services: tuple[str, ...] = SERVICE_NAMES,
        settings: Mapping[str, str] | None = None,
    ) -> None:
        self.directory = directory
        self.nats = NatsServer(directory / "nats")
        self.trace_file = directory / "spans.jsonl"
        self.ports = {name: free_port() for name in services}
        self.gateway_port = free_port()
        self.env = {
            "C360_DATA_DIR": str(directory / "data"),
            "C360_NATS_URL": self.nats.url,
            "C360_GATEWAY_PORT": str(self.gateway_port),
            "C360_TRACE_FILE": str(self.trace_file),
            "C360_DEMO_DATA": "false",
            "C360_LOG_LEVEL": "WARNING",
            # Tests and benches send requests as fast as they can: no rate limit but where a
            # test sets one (tests/gateway/test_rate_limits.py).
            "C360_RATE_PER_SECOND": "1000000",
            "C360_RATE_BURST": "1000000",
            **{
                f"C360_{name.upper()}_ADDR": f"127.0.0.1:{port}"
                for name, port in self.ports.items()
            },
            **(settings or {}),
        }
        self.services = {
            name: ServiceProcess(
                name, f"services.{name}", self.env, port, directory / f"{name}.log"
            )
            for name, port in self.ports.items()
        }
        self.gateway = ServiceProcess(
            "gateway", "gateway", self.env, self.gateway_port, directory / "gateway.log"
        )
        self.settings = load_settings(self.env)

    @property
    def graphql_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}/graphql"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}/metrics"

    def start(self) -> None:
        """Start everything; if any part fails to come up, stop what did (a fixture that
        fails in its set-up never reaches its tear-down)."""
        try:
            self.nats.start()
            for service in self.services.values():
                service.start()
            self.gateway.start()
            for service in self.services.values():
                service.wait_ready()
            self.gateway.wait_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.gateway.stop()
        for service in self.services.values():
            service.stop()
        self.nats.stop()

    def token(self, tenant: str, role: str = "advisor", user: str = "tester") -> str:
        return issue_token(self.settings, tenant_id=tenant, user_id=user, role=role)

    def address(self, service: str) -> str:
        return f"127.0.0.1:{self.ports[service]}"


async def wait_serving(address: str) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)

        async def serving() -> bool:
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
            except grpc.aio.AioRpcError:
                return False
            return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)

        await eventually(serving, what=f"{address} serving", timeout=START_TIMEOUT)


class GraphQLClient:
    """Sends GraphQL over HTTP to the gateway as one tenant's user."""

    def __init__(
        self, system: System, http: httpx.AsyncClient, tenant: str, role: str = "advisor"
    ) -> None:
        self.system = system
        self.http = http
        self.tenant = tenant
        self.headers = {"Authorization": f"Bearer {system.token(tenant, role)}"}

    async def execute(
        self, query: str, variables: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        response = await self.http.post(
            self.system.graphql_url,
            json={"query": query, "variables": dict(variables or {})},
            headers=self.headers,
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        body = await self.execute(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


def new_tenant() -> str:
    return f"tenant-{new_id().lower()}"


async def stream_events(nats_url: str, subject: str) -> list[Any]:
    """Every event stored on the stream under ``subject``, read by a throw-away consumer."""
    import nats
    from nats.js.api import ConsumerConfig, DeliverPolicy

    from client360.events.v1 import events_pb2
    from runtime.bus import STREAM

    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(
            subject, stream=STREAM, config=ConsumerConfig(deliver_policy=DeliverPolicy.ALL)
        )
        found: list[Any] = []
        try:
            while True:
                batch = await sub.fetch(200, timeout=0.5)
                found.extend(events_pb2.Event.FromString(m.data) for m in batch)
        except (TimeoutError, nats.errors.TimeoutError):
            pass
        await sub.unsubscribe()
        return found
    finally:
        await nc.drain()


def unpublished_events(system: System, service: str) -> int:
    """Events that ``service`` committed to its outbox and JetStream has not yet confirmed
    (read from the service's SQLite file)."""
    path = system.settings.data_dir / f"{service}.sqlite3"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        (count,) = db.execute("SELECT count(*) FROM _outbox WHERE published_at IS NULL").fetchone()
    return int(count)


async def wait_outbox_published(system: System, service: str) -> None:
    """Until every event ``service`` committed is on the stream: no copy of them comes later."""
    await until_true(
        lambda: not unpublished_events(system, service),
        what=f"{service}'s outbox published",
        timeout=START_TIMEOUT,
    )


async def wait_consumed(nats_url: str, durable: str) -> None:
    """Until the durable consumer has applied and acknowledged every event stored so far on
    its subjects."""
    import nats

    from runtime.bus import STREAM

    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        await eventually(
            lambda: js.consumer_info(STREAM, durable),
            lambda info: info.num_pending == 0 and info.num_ack_pending == 0,
            what=f"{durable} caught up",
            timeout=START_TIMEOUT,
        )
    finally:
        await nc.drain()


class Subscription:
    """A graphql-transport-ws subscription over a real WebSocket to the gateway.

    Entering it returns once the gateway has registered the subscription (its
    ``c360_gateway_subscriptions`` gauge rose) or has already answered it (an error ends a
    subscription at once): events caused after that reach it. Leaving it waits until the
    gateway has let it go, so that the next subscription of the session counts from a settled
    gauge."""

    def __init__(self, system: System, token: str, query: str, variables: Mapping[str, Any]):
        self._url = f"ws://127.0.0.1:{system.gateway_port}/graphql"
        self._metrics_url = system.metrics_url
        self._token = token
        self._query = query
        self._variables = dict(variables)
        self._socket: Any = None
        self._http = httpx.AsyncClient(timeout=5.0)
        self._reader: asyncio.Task[None] | None = None
        self._messages: asyncio.Queue[dict[str, Any] | BaseException] = asyncio.Queue()
        self._open_before = 0

    async def __aenter__(self) -> Subscription:
        import websockets

        self._open_before = await self._open_subscriptions()
        self._socket = await websockets.connect(self._url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        await self._send(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {self._token}"}}
        )
        async with asyncio.timeout(5.0):
            ack = await self._receive()
        assert ack["type"] == "connection_ack", ack
        self._reader = asyncio.create_task(self._read(), name="subscription-reader")
        await self._send(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": self._query, "variables": self._variables},
            }
        )
        await self._registered()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        try:
            released = await self._released()
        finally:
            await self._http.aclose()
        if not released and exc_type is None:
            raise AssertionError("the gateway kept the subscription after its socket closed")

    async def _open_subscriptions(self) -> int:
        """The gateway's ``c360_gateway_subscriptions`` gauge, read from its /metrics page."""
        response = await self._http.get(self._metrics_url)
        response.raise_for_status()
        for line in response.text.splitlines():
            name, _, value = line.partition(" ")
            if name == "c360_gateway_subscriptions":
                return int(float(value))
        raise AssertionError(f"no c360_gateway_subscriptions in {response.text!r}")

    async def _registered(self) -> None:
        # The lowest count seen is the baseline: a subscription that another test closed may
        # be let go while this one is being registered.
        lowest = self._open_before

        async def registered() -> bool:
            nonlocal lowest
            if not self._messages.empty():
                return True  # already answered (a refused subscription never registers)
            count = await self._open_subscriptions()
            if count > lowest:
                return True
            lowest = min(lowest, count)
            return False

        await eventually(
            registered, what="the gateway registering the subscription", timeout=START_TIMEOUT
        )

    async def _released(self) -> bool:
        async def released() -> bool:
            try:
                count = await self._open_subscriptions()
            except httpx.TransportError:
                return True  # the gateway is gone, and its subscriptions with it
            return count <= self._open_before

        try:
            await eventually(released, what="the subscription released", timeout=START_TIMEOUT)
        except TimeoutError:
            return False
        return True

    async def _read(self) -> None:
        """Answers the server's pings; queues every other message, then the reason it ended."""
        try:
            while True:
                message = await self._receive()
                if message["type"] == "ping":
                    await self._send({"type": "pong"})
                else:
                    self._messages.put_nowait(message)
        except Exception as exc:  # noqa: BLE001 - whatever ended the socket, next() reports it
            self._messages.put_nowait(exc)

    async def _send(self, message: dict[str, Any]) -> None:
        import orjson

        await self._socket.send(orjson.dumps(message).decode())

    async def _receive(self) -> dict[str, Any]:
        import orjson

        message: dict[str, Any] = orjson.loads(await self._socket.recv())
        return message

    async def next(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next message of the subscription (``next``, ``error`` or ``complete``)."""
        async with asyncio.timeout(timeout):
            message = await self._messages.get()
        if isinstance(message, BaseException):
            raise message
        return message
