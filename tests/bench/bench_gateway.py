"""The gateway against its floor, on the demo agency with every service (issue 14's table).

For four requests — (a) one client with every section, (b) a page of 50 with the header of
every section, (c) ``clients(first: 50)`` with identity and compliance, (d) a search — it
measures, at concurrency 1 and 16: requests per second, p50 and p99; the CPU the gateway and
the services spent per request (from /proc, in ms); the backend calls per request (counted
from the services' server spans); and the floor: the same reads made straight over gRPC with
the gateway's own clients, in parallel where they can be, and decoded. It prints one table
and writes it as JSON to ``var/bench/gateway.json``. A benchmark, not a test: its only
assertions are generous budgets.
"""

from __future__ import annotations

import asyncio
import functools
import os
import statistics
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from client360.contracts.v1 import contracts_pb2
from gateway.clients import ServiceClients
from runtime.caller import Caller
from tests.bench import timing
from tests.bench.bench_full_file import FULL, HEADER
from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient, System, wait_consumed

DEMO = "agency-demo"
PAGE = """
query {
  clients(first: 50) {
    nodes {
      id displayName identity { lastName phones { number } primaryAddress { city } }
      compliance { assetFreezeStatus banner }
    }
  }
}
"""
SEARCH = '{ clients(search: "mar", first: 20) { totalCount nodes { id displayName } } }'
REQUESTS = {1: 200, 16: 800}
TICKS = os.sysconf("SC_CLK_TCK")
RESULTS = Path(__file__).resolve().parents[2] / "var" / "bench" / "gateway.json"


@pytest.fixture(scope="module")
def quiet_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """The demo agency with every service; spans are written, to count the backend calls."""
    with timing.quiet_system(
        tmp_path_factory, "gateway-floor", settings={"C360_DEMO_DATA": "true"}, spans=True
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def gql(quiet_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    client = await timing.serving(quiet_system, http, DEMO)
    for durable in ("contracts-identity", "communication-identity", "interventions-identity"):
        await wait_consumed(quiet_system.nats.url, durable)
    return client


def _cpu_ms(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICKS


def _pids(system: System) -> dict[str, int]:
    pids = {"gateway": system.gateway.process.pid} if system.gateway.process else {}
    for name, service in system.services.items():
        if service.process is not None:
            pids[name] = service.process.pid
    return pids


async def _load(
    call: Callable[[], Awaitable[Any]], concurrency: int, count: int
) -> tuple[float, list[float]]:
    """``count`` calls by ``concurrency`` workers: requests per second and each latency."""
    latencies: list[float] = []
    left = count

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            start = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started), latencies


def _ms(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


async def _floor_call(
    clients: ServiceClients, caller: Caller, scenario: str, ids: list[str]
) -> Callable[[], Awaitable[Any]]:
    """The scenario's reads made straight over gRPC with the gateway's clients."""
    identity = clients.identity

    async def sections(page: list[str]) -> None:
        await asyncio.gather(
            identity.list_contacts(caller, page, include_historical=False),
            clients.compliance.batch_get_compliance(caller, page, history_limit=1),
            clients.contracts.batch_get_client_contracts(
                caller, contracts_pb2.BatchGetClientContractsRequest(client_ids=page)
            ),
            clients.billing.batch_get_accounts(caller, page, entries_limit=0, invoices_limit=5),
            clients.communication.batch_get_communication(
                caller, page, activity_limit=0, sms_limit=0, email_limit=3
            ),
        )

    async def one() -> None:
        await identity.batch_get_clients(caller, ids[:1])
        await sections(ids[:1])

    async def header() -> None:
        found = await identity.search_clients(
            caller, query="", first=50, after="", include_archived=False
        )
        await sections([c.id for c in found.clients])

    async def page() -> None:
        found = await identity.search_clients(
            caller, query="", first=50, after="", include_archived=False
        )
        await clients.compliance.batch_get_compliance(
            caller, [c.id for c in found.clients], history_limit=0
        )

    async def search() -> None:
        await identity.search_clients(
            caller, query="mar", first=20, after="", include_archived=False
        )

    return {"a": one, "b": header, "c": page, "d": search}[scenario]


async def test_the_gateway_against_its_floor(gql: GraphQLClient, quiet_system: System) -> None:
    first = await gql.data("{ clients(first: 50) { nodes { id } } }")
    ids = [n["id"] for n in first["clients"]["nodes"]]
    scenarios: dict[str, tuple[str, str, dict[str, Any]]] = {
        "a": ("one client, every section", FULL, {"id": ids[20]}),
        "b": ("page of 50, header of every section", HEADER, {}),
        "c": ("clients(first: 50), identity and compliance", PAGE, {}),
        "d": ("search, first 20", SEARCH, {}),
    }
    caller = Caller(DEMO, "bench", "advisor")
    clients = ServiceClients(quiet_system.settings)
    rows: list[dict[str, Any]] = []
    try:
        for key, (what, query, variables) in scenarios.items():
            _, body = await traced(gql, query, variables)
            assert "errors" not in body, body
            trace_id, _ = await traced(gql, query, variables)
            backend = {s: sum(c.values()) for s, c in calls(gql, trace_id).items()}
            floor = await _floor_call(clients, caller, key, ids)
            for _ in range(20):
                await floor()
                await gql.data(query, variables)
            _, floor_latencies = await _load(floor, 1, 200)
            for concurrency, count in REQUESTS.items():
                pids = _pids(quiet_system)
                before = {name: _cpu_ms(pid) for name, pid in pids.items()}
                rps, latencies = await _load(
                    functools.partial(gql.data, query, variables), concurrency, count
                )
                spent = {name: _cpu_ms(pid) - before[name] for name, pid in pids.items()}
                services_cpu = sum(v for name, v in spent.items() if name != "gateway")
                rows.append(
                    {
                        "scenario": key,
                        "what": what,
                        "concurrency": concurrency,
                        "requests_per_second": round(rps, 1),
                        "p50_ms": round(_ms(latencies, 0.5), 2),
                        "p99_ms": round(_ms(latencies, 0.99), 2),
                        "gateway_cpu_ms_per_request": round(spent["gateway"] / count, 2),
                        "services_cpu_ms_per_request": round(services_cpu / count, 2),
                        "backend_calls": backend,
                        "floor_p50_ms": round(statistics.median(floor_latencies) * 1000, 2),
                    }
                )
    finally:
        await clients.close()
    print()
    header = (
        f"{'':3}{'request':<44}{'c':>3}{'req/s':>8}{'p50':>8}{'p99':>8}"
        f"{'gw cpu':>8}{'svc cpu':>8}{'floor':>8}  calls"
    )
    print(header)
    for r in rows:
        print(
            f"({r['scenario']}) {r['what']:<42}{r['concurrency']:>3}{r['requests_per_second']:>8}"
            f"{r['p50_ms']:>8}{r['p99_ms']:>8}{r['gateway_cpu_ms_per_request']:>8}"
            f"{r['services_cpu_ms_per_request']:>8}{r['floor_p50_ms']:>8}  "
            f"{dict(Counter(r['backend_calls']))}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_bytes(orjson.dumps(rows, option=orjson.OPT_INDENT_2))
    print(f"written to {RESULTS}")
    assert all(r["p50_ms"] < 2000 for r in rows)
