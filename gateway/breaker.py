"""A circuit breaker per backend service: after repeated outages (deadline exceeded,
unavailable) the gateway stops waiting for the service and answers its sections as
unavailable at once; after a pause it lets one call through as a probe, and closes again when
that call succeeds.

Closed: calls go through; CONSECUTIVE failures open it. Open: calls are refused without
touching the network until `open_seconds` have passed. Half-open: one probe call goes
through (others are still refused); its success closes the breaker, its failure reopens it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from enum import Enum

log = logging.getLogger(__name__)


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        service: str,
        *,
        failures_to_open: int = 5,
        open_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.service = service
        self._failures_to_open = failures_to_open
        self._open_seconds = open_seconds
        self._clock = clock
        self._failures = 0
        self._state = BreakerState.CLOSED
        self._opened_at = 0.0
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._state is BreakerState.OPEN and self._pause_over():
            return BreakerState.HALF_OPEN
        return self._state

    def _pause_over(self) -> bool:
        return self._clock() - self._opened_at >= self._open_seconds

    def allow(self) -> bool:
        """Whether a call may go out now; in half-open, only the one probe may."""
        if self._state is BreakerState.CLOSED:
            return True
        if self._state is BreakerState.OPEN and self._pause_over():
            self._state = BreakerState.HALF_OPEN
            self._probing = False
        if self._state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return True
        return False

    def succeeded(self) -> None:
        if self._state is not BreakerState.CLOSED:
            log.info("service back: circuit closed", extra={"service": self.service})
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._probing = False

    def failed(self) -> None:
        """An outage of the service (not a refusal of bad input, which is a success here)."""
        self._failures += 1
        if self._state is BreakerState.HALF_OPEN or (
            self._state is BreakerState.CLOSED and self._failures >= self._failures_to_open
        ):
            if self._state is BreakerState.CLOSED:
                log.warning("service failing: circuit opened", extra={"service": self.service})
            self._state = BreakerState.OPEN
            self._opened_at = self._clock()
            self._probing = False

    def released(self) -> None:
        """A call that neither succeeded nor failed (cancelled): a probe may be tried again."""
        self._probing = False
