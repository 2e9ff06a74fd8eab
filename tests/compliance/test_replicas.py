"""Several processes of the compliance service share one store: a register version loaded by
one is put in force by the others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from runtime.caller import Caller
from runtime.store.sqlite import SqliteStore
from services.compliance import service
from services.compliance.models import COLLECTIONS
from services.compliance.repository import ComplianceRepository
from services.compliance.service import ScreeningRegister
from tests.compliance.register_server import serving_register_files, small_register
from tests.waiting import until_true

SMALL_REGISTER = small_register(
    published="2026-11-22T09:00:00", entry_id=7, first="Boris", last="TESTOV"
)


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[ComplianceRepository]:
    store = SqliteStore(tmp_path / "compliance.sqlite3")
    await store.open(COLLECTIONS)
    yield ComplianceRepository(store)
    await store.close()


@pytest.fixture
def register_url() -> Iterator[str]:
    """The small register, published on a local web server."""
    with serving_register_files() as published:
        yield published.publish("/register.json", SMALL_REGISTER)


async def test_a_replica_puts_in_force_the_register_another_one_loaded(
    repo: ComplianceRepository, register_url: str
) -> None:
    first = ScreeningRegister(allowed_urls=(register_url,))
    second = ScreeningRegister(allowed_urls=(register_url,))
    await service.start_register(repo=repo, register=first)
    await service.start_register(repo=repo, register=second)
    assert first.info is not None
    assert second.info is not None
    assert second.info["entry_count"] == 302

    await service.reload_register(
        repo=repo, register=first, caller=Caller("*", "ops", "operator"), source=register_url
    )
    follower = asyncio.create_task(service.follow_register(repo=repo, register=second, every=0.05))
    try:
        await until_true(
            lambda: second.info is not None and second.info["entry_count"] == 1,
            what="the follower's register",
            timeout=10,
        )
    finally:
        follower.cancel()
        await asyncio.gather(follower, return_exceptions=True)
    assert second.info["register_version"] == first.info["register_version"]
    index = second.index
    assert index is not None
    assert [c.entry_id for c in index.screen("Boris Testov")] == ["7"]
