"""Waiting on a condition, the one way the tests wait: ask again, with a short pause that grows,
until the answer is the one awaited or the time is up (a TimeoutError naming what was
awaited). No test sleeps for a fixed time instead."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

TIMEOUT = 30.0
_FIRST_PAUSE = 0.005
_LONGEST_PAUSE = 0.2


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], object] = bool,
    *,
    what: str,
    timeout: float = TIMEOUT,
) -> T:
    """The first answer of ``probe()`` that ``until`` accepts."""
    pause = _FIRST_PAUSE
    deadline = time.monotonic() + timeout
    while True:
        answer = await probe()
        if until(answer):
            return answer
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        await asyncio.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)


async def until_true(
    condition: Callable[[], object], *, what: str, timeout: float = TIMEOUT
) -> None:
    """Until ``condition()`` holds (a check that needs no await)."""

    async def check() -> object:
        return condition()

    await eventually(check, what=what, timeout=timeout)


def wait_until(condition: Callable[[], object], *, what: str, timeout: float = TIMEOUT) -> None:
    """``until_true`` for code outside an event loop."""
    pause = _FIRST_PAUSE
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:g} s")
        time.sleep(pause)
        pause = min(pause * 2, _LONGEST_PAUSE)
