"""The gateway in several worker processes (C360_GATEWAY_WORKERS) sharing its port: each
worker feeds its own subscriptions from the broker, so every open screen hears of a change
whichever worker it landed on; queries are answered alike by each."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import websockets
from websockets.typing import Subprotocol

from tests.compliance.queries import CLIENT_EVENTS
from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual
from tests.waiting import eventually

MAX_SCREENS = 40
RENAME = """
mutation($id: ID!, $version: Int!, $name: String!) {
  updateClient(id: $id, version: $version, input: {lastName: $name}) { id version }
}
"""


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    system = System(
        Path(tmp_path_factory.mktemp("workers")),
        services=("identity",),
        settings={"C360_GATEWAY_WORKERS": "2"},
    )
    system.start()
    yield system
    system.stop()


def worker_pids(system: System) -> list[int]:
    process = system.gateway.process
    assert process is not None
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
    # Besides its workers, multiprocessing starts a resource tracker.
    return [
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def connections_per_worker(system: System) -> dict[int, int]:
    """How many WebSockets each worker holds: its sockets' inodes among the established
    connections to the gateway's port."""
    port = f"{system.gateway_port:04X}"
    established: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[1].endswith(f":{port}") and fields[3] == "01":
                established.add(fields[9])
    held: dict[int, int] = {}
    for pid in worker_pids(system):
        inodes = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = str(fd.readlink()) if fd.is_symlink() else ""
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
        held[pid] = len(inodes & established)
    return held


class Screen:
    """One open client screen: a subscription on its own WebSocket, counting its events."""

    def __init__(self, socket: Any) -> None:
        self.socket = socket
        self.events = 0

    async def read(self) -> None:
        async for raw in self.socket:
            if orjson.loads(raw).get("type") == "next":
                self.events += 1


async def open_screen(system: System, token: str, client_id: str) -> Screen:
    socket = await websockets.connect(
        f"ws://127.0.0.1:{system.gateway_port}/graphql",
        subprotocols=[Subprotocol("graphql-transport-ws")],
    )
    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await socket.send(orjson.dumps(init).decode())
    assert orjson.loads(await socket.recv())["type"] == "connection_ack"
    payload = {"query": CLIENT_EVENTS, "variables": {"id": client_id}}
    await socket.send(orjson.dumps({"id": "1", "type": "subscribe", "payload": payload}).decode())
    return Screen(socket)


@pytest.fixture
async def gql(workers: System, http: httpx.AsyncClient) -> GraphQLClient:
    await wait_serving(workers.address("identity"))
    return GraphQLClient(workers, http, new_tenant())


async def test_every_worker_feeds_its_own_open_screens(gql: GraphQLClient) -> None:
    system = gql.system
    assert len(worker_pids(system)) == 2
    created = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    client_id, version = created["id"], created["version"]
    # Screens are opened until each worker holds some (the kernel hands a new connection to
    # whichever worker accepts first).
    screens = [await open_screen(system, system.token(gql.tenant), client_id)]
    while len(screens) < MAX_SCREENS and not all(connections_per_worker(system).values()):
        screens.append(await open_screen(system, system.token(gql.tenant), client_id))
    assert all(connections_per_worker(system).values())
    readers = [asyncio.create_task(s.read()) for s in screens]
    try:
        renamed = 0

        async def rename_until_heard() -> list[int]:
            nonlocal version, renamed
            renamed += 1
            answer = await gql.data(
                RENAME, {"id": client_id, "version": version, "name": f"Nom{renamed}"}
            )
            version = answer["updateClient"]["version"]
            return [s.events for s in screens]

        heard = await eventually(
            rename_until_heard, lambda counts: all(counts), what="every screen hearing a change"
        )
        assert all(heard)
    finally:
        for reader in readers:
            reader.cancel()
        for screen in screens:
            await screen.socket.close()
        await asyncio.gather(*readers, return_exceptions=True)
