"""What every bench shares: a system as in production (no span file written on every call),
a client of it once every service answers, and p50/p95 timings of a call, printed alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from runtime.services import SERVICE_NAMES
from tests.harness import GraphQLClient, System, new_tenant, wait_serving

SAMPLES = 200
WARM_UP = 20


@contextmanager
def quiet_system(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    services: tuple[str, ...] = SERVICE_NAMES,
    settings: Mapping[str, str] | None = None,
    *,
    spans: bool = False,
) -> Iterator[System]:
    """A running system of ``services``, stopped on leaving; it writes no spans unless
    ``spans`` (to count a request's backend calls)."""
    quiet = {} if spans else {"C360_TRACE_FILE": ""}
    running = System(
        Path(tmp_path_factory.mktemp(name)),
        services=services,
        settings={**quiet, **(settings or {})},
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


async def serving(system: System, http: httpx.AsyncClient, tenant: str = "") -> GraphQLClient:
    """A client of ``tenant`` (a new one by default) once every service of ``system`` answers."""
    for name in system.services:
        await wait_serving(system.address(name))
    return GraphQLClient(system, http, tenant or new_tenant())


def percentiles(timings: list[float]) -> tuple[float, float]:
    """p50 and p95, in milliseconds, of timings in seconds."""
    ordered = sorted(t * 1000 for t in timings)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95)]


async def timed(call: Callable[[], Awaitable[Any]], samples: int = SAMPLES) -> tuple[float, float]:
    """p50 and p95 of ``call`` after a warm-up (connections, caches)."""
    for _ in range(WARM_UP):
        await call()
    timings = []
    for _ in range(samples):
        start = time.perf_counter()
        await call()
        timings.append(time.perf_counter() - start)
    return percentiles(timings)


def report(what: str, p50: float, p95: float) -> None:
    print(f"{what:<58} p50 {p50:8.2f} ms   p95 {p95:8.2f} ms")
