"""Several processes of the compliance service share one store: a register version loaded by
one is put in force by the others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runtime.caller import Caller
from runtime.store.sqlite import SqliteStore
from services.compliance import service
from services.compliance.models import COLLECTIONS
from services.compliance.repository import ComplianceRepository
from services.compliance.service import ScreeningRegister

SMALL_REGISTER = (
    '{"Publications": {"DatePublication": "2026-11-22T09:00:00", "PublicationDetail": ['
    '{"IdRegistre": 7, "Nature": "Personne physique", "Nom": "TESTOV", "RegistreDetail": ['
    '{"TypeChamp": "PRENOM", "Valeur": [{"Prenom": "Boris"}]}]}]}}'
)


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[ComplianceRepository]:
    store = SqliteStore(tmp_path / "compliance.sqlite3")
    await store.open(COLLECTIONS)
    yield ComplianceRepository(store)
    await store.close()


async def test_a_replica_puts_in_force_the_register_another_one_loaded(
    repo: ComplianceRepository, tmp_path: Path
) -> None:
    first, second = ScreeningRegister(), ScreeningRegister()
    await service.start_register(repo=repo, register=first)
    await service.start_register(repo=repo, register=second)
    assert first.info is not None
    assert second.info is not None
    assert second.info["entry_count"] == 302

    source = tmp_path / "register.json"
    source.write_text(SMALL_REGISTER, encoding="utf-8")
    await service.reload_register(
        repo=repo, register=first, caller=Caller("*", "admin-user", "admin"), source=str(source)
    )
    follower = asyncio.create_task(service.follow_register(repo=repo, register=second, every=0.05))
    try:
        async with asyncio.timeout(10):
            while second.info["entry_count"] != 1:
                await asyncio.sleep(0.05)
    finally:
        follower.cancel()
        await asyncio.gather(follower, return_exceptions=True)
    assert second.info["register_version"] == first.info["register_version"]
    index = second.index
    assert index is not None
    assert [c.entry_id for c in index.screen("Boris Testov")] == ["7"]
