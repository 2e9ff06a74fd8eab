"""A call that fails nulls only the part of the file it fills, with an error whose path is
that field and whose extensions name the service; the rest of the page is answered. Real
processes, with identity answering ListContacts UNAVAILABLE (C360_FAULT_METHODS) while its
other reads work."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from runtime.config import SettingsError
from runtime.rpc import injected_faults
from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient, System, new_tenant, wait_serving

CREATE = "mutation($input: ClientInput!) { createClient(input: $input) { id } }"
SET_PARENT = """
mutation($id: ID!, $parent: ID) { setParentClient(clientId: $id, parentClientId: $parent) { id } }
"""
PAGE = """
{ clients(first: 10) { edges { node {
  id identity { lastName }
  contacts { lastName }
  compliance { assetFreezeStatus }
  relations { parentId parent { id } }
} } } }
"""
UNAVAILABLE = {"code": "SERVICE_UNAVAILABLE", "service": "identity"}


@pytest.fixture(scope="module")
def faulty_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    running = System(
        Path(tmp_path_factory.mktemp("faulty")),
        settings={"C360_FAULT_METHODS": "ListContacts"},
    )
    running.start()
    yield running
    running.stop()


@dataclass
class FirstPage:
    gql: GraphQLClient
    trace_id: str
    body: dict[str, Any]


@pytest.fixture(scope="module")
async def first_page(faulty_system: System, http: httpx.AsyncClient) -> FirstPage:
    """Two clients, one the other's parent, and the page that shows them: the first request
    of the gateway, before any failure could slow its retries down."""
    for name in faulty_system.services:
        await wait_serving(faulty_system.address(name))
    gql = GraphQLClient(faulty_system, http, new_tenant())
    ids = []
    for name in ("Alpha", "Beta"):
        created = await gql.data(
            CREATE, {"input": {"kind": "INDIVIDUAL", "firstName": "Léa", "lastName": name}}
        )
        ids.append(created["createClient"]["id"])
    await gql.data(SET_PARENT, {"id": ids[0], "parent": ids[1]})
    trace_id, body = await traced(gql, PAGE)
    return FirstPage(gql, trace_id, body)


async def test_a_page_is_answered_when_its_contacts_cannot_be_read(first_page: FirstPage) -> None:
    nodes = [edge["node"] for edge in first_page.body["data"]["clients"]["edges"]]
    assert [n["identity"]["lastName"] for n in nodes] == ["Alpha", "Beta"]
    assert [n["contacts"] for n in nodes] == [None, None]
    assert [n["compliance"] is not None for n in nodes] == [True, True]
    assert nodes[0]["relations"] == {"parentId": nodes[1]["id"], "parent": {"id": nodes[1]["id"]}}
    errors = [(e["path"], e["extensions"]) for e in first_page.body["errors"]]
    assert errors == [
        (["clients", "edges", 0, "node", "contacts"], UNAVAILABLE),
        (["clients", "edges", 1, "node", "contacts"], UNAVAILABLE),
    ]


async def test_a_failed_read_is_retried_inside_one_client_call(first_page: FirstPage) -> None:
    gateway = calls(first_page.gql, first_page.trace_id, kind="CLIENT")
    served = calls(first_page.gql, first_page.trace_id)
    # One call of the gateway each (one client span); gRPC tried the failing one twice.
    assert gateway["identity"] == Counter(
        {"SearchClients": 1, "ListContacts": 1, "BatchGetClients": 1}
    )
    assert served["identity"] == Counter(
        {"SearchClients": 1, "ListContacts": 2, "BatchGetClients": 1}
    )


async def test_one_clients_file_is_answered_when_its_contacts_cannot_be_read(
    first_page: FirstPage,
) -> None:
    alpha = first_page.body["data"]["clients"]["edges"][0]["node"]["id"]
    body = await first_page.gql.execute(
        """query($id: ID!) { client(id: $id) {
             identity { lastName } contacts { lastName } compliance { assetFreezeStatus } } }""",
        {"id": alpha},
    )
    client = body["data"]["client"]
    assert client["identity"] == {"lastName": "Alpha"}
    assert client["contacts"] is None
    assert client["compliance"] is not None
    assert [(e["path"], e["extensions"]) for e in body["errors"]] == [
        (["client", "contacts"], UNAVAILABLE)
    ]


def test_faults_are_method_names_and_are_refused_in_production() -> None:
    assert injected_faults({}) == frozenset()
    assert injected_faults({"C360_FAULT_METHODS": " ListContacts, ,BatchGetClients "}) == {
        "ListContacts",
        "BatchGetClients",
    }
    with pytest.raises(SettingsError, match="C360_FAULT_METHODS"):
        injected_faults({"C360_FAULT_METHODS": "ListContacts", "C360_ENV": "production"})
    assert injected_faults({"C360_ENV": "production"}) == frozenset()
