"""The real system these tests need: NATS, identity, interventions and the gateway."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import System

SERVICES = ("identity", "interventions")


@pytest.fixture(scope="session")
def system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(Path(tmp_path_factory.mktemp("interventions")), services=SERVICES)
    running.start()
    try:
        yield running
    finally:
        running.stop()
