"""A real system of this package's own (NATS, identity, communication, gateway): the session's
shared system starts only the services it was written for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.communication.mailcatcher import start_catcher
from tests.harness import GraphQLClient, System, free_port, new_tenant, wait_serving

SERVICES = ("identity", "communication")
# Documents accepted by the test system, in bytes (8 MB by default).
DOCUMENT_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class MailCatcher:
    """The development mail catcher, a real SMTP server, serving on ``port``."""

    port: int
    directory: Path
    controller: Any


@pytest.fixture(scope="package")
def mail_catcher(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailCatcher]:
    port = free_port()
    directory = Path(tmp_path_factory.mktemp("mail"))
    controller = start_catcher(directory, port=port)
    try:
        yield MailCatcher(port, directory, controller)
    finally:
        controller.stop()


@pytest.fixture(scope="package")
def communication_system(
    tmp_path_factory: pytest.TempPathFactory, mail_catcher: MailCatcher
) -> Iterator[System]:
    smtp = {
        "C360_SMTP_HOST": "127.0.0.1",
        "C360_SMTP_PORT": str(mail_catcher.port),
        "C360_MAIL_INBOX_POLL": "0.2",
        "C360_DOCUMENT_MAX_BYTES": str(DOCUMENT_LIMIT),
    }
    running = System(
        Path(tmp_path_factory.mktemp("communication")), services=SERVICES, settings=smtp
    )
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
async def cgql(communication_system: System, http: httpx.AsyncClient) -> GraphQLClient:
    """An advisor of a tenant of its own."""
    for name in communication_system.services:
        await wait_serving(communication_system.address(name))
    return GraphQLClient(communication_system, http, new_tenant())


def as_role(gql: GraphQLClient, role: str) -> GraphQLClient:
    """A user of the same tenant with another role."""
    return GraphQLClient(gql.system, gql.http, gql.tenant, role=role)
