"""Work that must eventually succeed is retried with growing waits, each failure logged; a
cancellation stops it at once."""

from __future__ import annotations

import asyncio
import logging

import pytest

from runtime.retry import until_it_succeeds


async def test_work_is_retried_until_it_succeeds_and_each_failure_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    attempts = 0

    async def flaky() -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            raise ConnectionError("broker away")
        return "done"

    with caplog.at_level(logging.WARNING, logger="runtime.retry"):
        result = await until_it_succeeds(flaky, what="reaching the broker", first_wait=0.001)

    assert (result, attempts) == ("done", 3)
    warnings = [r for r in caplog.records if r.name == "runtime.retry"]
    assert [r.getMessage() for r in warnings] == ["reaching the broker failed, retrying"] * 2
    assert [getattr(r, "attempt", None) for r in warnings] == [1, 2]
    assert "broker away" in str(getattr(warnings[0], "error", ""))


async def test_a_cancellation_is_not_retried() -> None:
    started = asyncio.Event()
    attempts = 0

    async def forever() -> None:
        nonlocal attempts
        attempts += 1
        started.set()
        await asyncio.Event().wait()

    task = asyncio.create_task(until_it_succeeds(forever, what="waiting", first_wait=0.001))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert attempts == 1
