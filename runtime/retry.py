"""Retrying work that must eventually succeed (reaching the broker, publishing the outbox,
fetching a consumer's messages), with tenacity: exponential waits, a warning per failure, and
no retry of a cancellation (asyncio.CancelledError is not an Exception)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, wait_exponential

log = logging.getLogger(__name__)

T = TypeVar("T")


def _warn(what: str, extra: Mapping[str, object]) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        log.warning(
            f"{what} failed, retrying",
            extra={**extra, "attempt": state.attempt_number, "error": repr(error)},
        )

    return before_sleep


async def until_it_succeeds(
    work: Callable[[], Awaitable[T]],
    *,
    what: str,
    first_wait: float,
    max_wait: float = 5.0,
    extra: Mapping[str, object] | None = None,
) -> T:
    """Await ``work()`` until it returns, waiting ``first_wait`` seconds after the first
    failure, doubling up to ``max_wait``; every failure is logged as a warning."""
    retrying = AsyncRetrying(
        wait=wait_exponential(multiplier=first_wait, min=first_wait, max=max_wait),
        retry=retry_if_exception_type(Exception),
        before_sleep=_warn(what, extra or {}),
        reraise=True,
    )
    return await retrying(work)
