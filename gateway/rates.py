"""Rate limits: each caller (a user of a tenant) may send ``C360_RATE_PER_SECOND`` requests a
second on average, in bursts of up to ``C360_RATE_BURST``; a partner organisation (the ``org``
claim of its users' tokens) shares ``C360_PARTNER_RATE_PER_SECOND`` among all its users. Over
the limit a request is answered 429 with ``Retry-After`` before anything runs.

A token bucket per key, refilled continuously; the buckets live in the gateway process (each
worker keeps its own, so N workers allow up to N times the rate), and the least recently used
are dropped past ``MAX_BUCKETS``.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from runtime.caller import Caller

MAX_BUCKETS = 100_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimits:
    def __init__(
        self,
        *,
        per_second: float,
        burst: int,
        partner_per_second: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rates = {
            "caller": (per_second, float(burst)),
            "organisation": (partner_per_second, float(burst) * 4),
        }
        self._clock = clock
        self._buckets: OrderedDict[tuple[str, ...], _Bucket] = OrderedDict()

    def _take(self, kind: str, key: tuple[str, ...]) -> float:
        """0 when a request may go now (and it is counted), else the seconds to wait."""
        rate, capacity = self._rates[kind]
        now = self._clock()
        bucket = self._buckets.pop(key, None) or _Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        self._buckets[key] = bucket
        if len(self._buckets) > MAX_BUCKETS:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0.0
        return (1.0 - bucket.tokens) / rate

    def wait(self, caller: Caller) -> int:
        """0 when ``caller`` may send a request now, else the whole seconds to wait."""
        waits = [self._take("caller", ("caller", caller.tenant_id, caller.user_id))]
        if caller.role == "partner" and caller.organisation:
            key = ("organisation", caller.tenant_id, caller.organisation)
            waits.append(self._take("organisation", key))
        longest = max(waits)
        return math.ceil(longest) if longest > 0 else 0
