"""Real processes for the integration tests: nats-server, services and the gateway, each on
a free port with its own SQLite files. Nothing here is mocked."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
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

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        deadline = time.monotonic() + START_TIMEOUT
        while not _port_open(self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("nats-server did not start")
            time.sleep(0.05)

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
        deadline = time.monotonic() + START_TIMEOUT
        while not _port_open(self.port):
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start; see {self.log_path}")
            time.sleep(0.05)

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
        services: tuple[str, ...] = ("identity", "compliance"),
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

    def start(self) -> None:
        self.nats.start()
        for service in self.services.values():
            service.start()
        self.gateway.start()
        for service in self.services.values():
            service.wait_ready()
        self.gateway.wait_ready()

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
    deadline = time.monotonic() + START_TIMEOUT
    async with grpc.aio.insecure_channel(address) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while True:
            try:
                reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{address} not serving")
            await asyncio.sleep(0.1)


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


class Subscription:
    """A graphql-transport-ws subscription over a real WebSocket to the gateway."""

    def __init__(self, system: System, token: str, query: str, variables: Mapping[str, Any]):
        self._url = f"ws://127.0.0.1:{system.gateway_port}/graphql"
        self._token = token
        self._query = query
        self._variables = dict(variables)
        self._socket: Any = None

    async def __aenter__(self) -> Subscription:
        import websockets

        self._socket = await websockets.connect(self._url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        await self._send(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {self._token}"}}
        )
        ack = await self._receive(5.0)
        assert ack["type"] == "connection_ack", ack
        await self._send(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": self._query, "variables": self._variables},
            }
        )
        # The server registers the subscription as soon as it receives it; give it that time.
        await asyncio.sleep(0.3)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._socket.close()

    async def _send(self, message: dict[str, Any]) -> None:
        import orjson

        await self._socket.send(orjson.dumps(message).decode())

    async def _receive(self, timeout: float) -> dict[str, Any]:
        import orjson

        async with asyncio.timeout(timeout):
            raw = await self._socket.recv()
        message: dict[str, Any] = orjson.loads(raw)
        return message

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message of the subscription (``next`` or ``error``)."""
        while True:
            message = await self._receive(timeout)
            if message["type"] == "ping":
                await self._send({"type": "pong"})
                continue
            return message
