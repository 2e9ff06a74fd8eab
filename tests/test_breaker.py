"""The circuit breaker of one service: repeated outages open it, an open breaker refuses
without waiting, one probe goes through after the pause, and its outcome closes or reopens."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gateway.breaker import BreakerState, CircuitBreaker
from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual
from tests.waiting import eventually


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _breaker(clock: Clock) -> CircuitBreaker:
    return CircuitBreaker("compliance", failures_to_open=3, open_seconds=5.0, clock=clock)


def test_calls_go_through_while_failures_stay_below_the_threshold() -> None:
    breaker = _breaker(Clock())
    for _ in range(2):
        assert breaker.allow()
        breaker.failed()
    assert breaker.state is BreakerState.CLOSED
    breaker.succeeded()
    breaker.failed()
    breaker.failed()
    assert breaker.allow()


def test_repeated_outages_open_it_and_it_refuses_at_once() -> None:
    breaker = _breaker(Clock())
    for _ in range(3):
        breaker.failed()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()
    assert not breaker.allow()


def test_after_the_pause_one_probe_goes_through_and_its_success_closes_it() -> None:
    clock = Clock()
    breaker = _breaker(clock)
    for _ in range(3):
        breaker.failed()
    clock.now += 5.0
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # only one probe at a time
    breaker.succeeded()
    assert breaker.state.value == "closed"
    assert breaker.allow()


def test_a_failed_probe_reopens_it_for_another_pause() -> None:
    clock = Clock()
    breaker = _breaker(clock)
    for _ in range(3):
        breaker.failed()
    clock.now += 5.0
    assert breaker.allow()
    breaker.failed()
    assert breaker.state is BreakerState.OPEN
    clock.now += 4.9
    assert not breaker.allow()
    clock.now += 0.1
    assert breaker.allow()


def test_a_cancelled_probe_lets_another_probe_through() -> None:
    clock = Clock()
    breaker = _breaker(clock)
    for _ in range(3):
        breaker.failed()
    clock.now += 5.0
    assert breaker.allow()
    breaker.released()
    assert breaker.allow()


# Against real processes: a hung service, then the same service back.

ONE = """
query($id: ID!) {
  client(id: $id) { id identity { lastName } compliance { assetFreezeStatus } }
}
"""


@pytest.fixture(scope="module")
def breaking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    system = System(
        Path(tmp_path_factory.mktemp("breaker")),
        settings={
            "C360_SERVICE_DEADLINE": "0.5",
            "C360_BREAKER_FAILURES": "2",
            "C360_BREAKER_PAUSE": "1",
        },
    )
    system.start()
    yield system
    system.stop()


async def test_a_hung_service_opens_its_circuit_and_a_probe_closes_it_when_back(
    breaking: System, http: httpx.AsyncClient
) -> None:
    for name in breaking.services:
        await wait_serving(breaking.address(name))
    gql = GraphQLClient(breaking, http, new_tenant())
    client = (await gql.data(CREATE, {"input": individual(last="Patient")}))["createClient"]
    process = breaking.services["compliance"].process
    assert process is not None

    os.kill(process.pid, signal.SIGSTOP)
    try:
        messages = []
        for _ in range(4):
            body = await gql.execute(ONE, {"id": client["id"]})
            assert body["data"]["client"]["identity"] == {"lastName": "Patient"}
            assert body["data"]["client"]["compliance"] is None
            [error] = body["errors"]
            assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "service": "compliance"}
            messages.append(error["message"])
        # Two deadlines, then the circuit is open: answered without calling the service.
        assert "circuit open" not in messages[0]
        assert "circuit open" in messages[-1]
    finally:
        os.kill(process.pid, signal.SIGCONT)

    # After the pause one call goes through as a probe; the service answers, the circuit closes.
    body = await eventually(
        lambda: gql.execute(ONE, {"id": client["id"]}),
        lambda found: found["data"]["client"]["compliance"] is not None,
        what="compliance back in the file",
        timeout=15,
    )
    assert "errors" not in body
