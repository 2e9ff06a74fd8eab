"""The circuit breaker of one service: repeated outages open it, an open breaker refuses
without waiting, one probe goes through after the pause, and its outcome closes or reopens."""

from __future__ import annotations

from gateway.breaker import BreakerState, CircuitBreaker


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
