"""The query planner over an in-memory clients layer: how many calls a page costs whatever its
size, relations read in one call per depth with their own sections planned alike, and a
failing call that nulls only its own part of the file."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gateway.recording import RecordingClients, data, execute, record
from tests.waiting import until_true

PAGE = """
query($first: Int!) { clients(first: $first) { edges { node {
  id
  identity { lastName }
  contacts { lastName }
  compliance { assetFreezeStatus }
  relations {
    parent { displayName compliance { assetFreezeStatus } contacts { lastName } }
    associated { displayName }
  }
} } } }
"""


def _agency(size: int) -> RecordingClients:
    """``size`` clients, each with a parent and an associated client of its own."""
    records = []
    for n in range(size):
        records += [
            record(f"c{n}", parent=f"p{n}", associated=[f"a{n}"]),
            record(f"p{n}"),
            record(f"a{n}"),
        ]
    # The page lists the clients first, then their relations.
    records.sort(key=lambda r: r.id[0] != "c")
    return RecordingClients(records)


def _calls(clients: RecordingClients) -> dict[str, int]:
    counted: dict[str, int] = {}
    for call in clients.calls:
        counted[call.method] = counted.get(call.method, 0) + 1
    return counted


async def test_a_page_of_200_costs_the_same_calls_as_a_page_of_1() -> None:
    costs = []
    for size in (1, 50, 200):
        clients = _agency(size)
        shown = await data(clients, PAGE, {"first": size})
        assert len(shown["clients"]["edges"]) == size
        costs.append(_calls(clients))
    # Per depth, one call per section: the page's contacts and compliance, then its relations
    # read at once, then the relations' own compliance and contacts.
    assert (
        costs
        == [{"SearchClients": 1, "ListContacts": 2, "BatchGetCompliance": 2, "BatchGetClients": 1}]
        * 3
    )


async def test_the_clients_relations_lead_to_are_read_in_one_call() -> None:
    clients = _agency(3)
    shown = await data(clients, PAGE, {"first": 3})
    (read,) = [c for c in clients.calls if c.method == "BatchGetClients"]
    assert sorted(read.ids) == ["a0", "a1", "a2", "p0", "p1", "p2"]
    # The relations' own sections are asked for the parents only: associated shows none.
    deeper = [c for c in clients.calls if c.method == "ListContacts"]
    assert [sorted(c.ids) for c in deeper] == [["c0", "c1", "c2"], ["p0", "p1", "p2"]]
    relations = shown["clients"]["edges"][1]["node"]["relations"]
    assert relations == {
        "parent": {
            "displayName": "Client p1",
            "compliance": {"assetFreezeStatus": "NO"},
            "contacts": [{"lastName": "Contact"}],
        },
        "associated": [{"displayName": "Client a1"}],
    }


async def test_one_clients_sections_are_asked_for_alongside_its_record() -> None:
    clients = _agency(1)
    read = clients.identity.batch_get_clients

    async def read_once_the_sections_are_asked(*args: Any, **kwargs: Any) -> Any:
        # Would never return if the sections waited for the record.
        await until_true(
            lambda: clients.count("ListContacts") + clients.count("BatchGetCompliance") >= 2,
            what="the sections asked for before the record is answered",
            timeout=1,
        )
        return await read(*args, **kwargs)

    clients.identity.batch_get_clients = read_once_the_sections_are_asked  # type: ignore[method-assign]
    shown = await data(
        clients,
        """{ client(id: "c0") {
             identity { lastName } contacts { lastName } compliance { banner } } }""",
    )
    assert shown["client"]["identity"] == {"lastName": "C0"}


async def test_relations_showing_only_ids_cost_no_call() -> None:
    clients = _agency(2)
    shown = await data(clients, '{ client(id: "c1") { relations { parentId } } }')
    assert shown["client"]["relations"] == {"parentId": "p1"}
    assert _calls(clients) == {"BatchGetClients": 1}


async def test_a_failing_call_nulls_only_its_section_with_the_services_error() -> None:
    clients = _agency(2)
    clients.failing.add("ListContacts")
    result = await execute(clients, PAGE, {"first": 2})
    assert result.data is not None
    nodes = [edge["node"] for edge in result.data["clients"]["edges"]]
    assert [n["contacts"] for n in nodes] == [None, None]
    assert [n["compliance"] for n in nodes] == [{"assetFreezeStatus": "NO"}] * 2
    assert [n["identity"]["lastName"] for n in nodes] == ["C0", "C1"]
    errors = sorted((tuple(e.path or ()), e.extensions) for e in result.errors or ())
    unavailable = {"code": "SERVICE_UNAVAILABLE", "service": "identity"}
    # The parents' contacts are one more call, which fails as well.
    assert errors == sorted(
        [((*where, "contacts"), unavailable) for where in _nodes(2)]
        + [((*where, "relations", "parent", "contacts"), unavailable) for where in _nodes(2)]
    )


async def test_a_failing_read_of_related_clients_nulls_parent_and_associated() -> None:
    clients = _agency(1)
    clients.failing.add("BatchGetClients")
    result = await execute(clients, PAGE, {"first": 1})
    assert result.data is not None
    node = result.data["clients"]["edges"][0]["node"]
    assert node["relations"] == {"parent": None, "associated": None}
    assert node["compliance"] == {"assetFreezeStatus": "NO"}
    paths = sorted(tuple(e.path or ()) for e in result.errors or ())
    assert paths == [
        (*_nodes(1)[0], "relations", "associated"),
        (*_nodes(1)[0], "relations", "parent"),
    ]


async def test_a_bug_in_a_section_blanks_it_as_an_internal_error_of_its_service() -> None:
    clients = _agency(1)
    clients.broken.add("BatchGetCompliance")
    result = await execute(clients, '{ client(id: "c0") { displayName compliance { banner } } }')
    assert result.data == {"client": {"displayName": "Client c0", "compliance": None}}
    [error] = result.errors or []
    assert error.extensions == {"code": "INTERNAL_SERVER_ERROR", "service": "compliance"}


async def test_a_client_the_caller_may_not_see_is_not_found_whatever_its_sections() -> None:
    clients = _agency(1)
    result = await execute(clients, '{ client(id: "elsewhere") { compliance { banner } } }')
    assert result.data == {"client": None}
    assert [e.extensions for e in result.errors or []] == [{"code": "NOT_FOUND"}]


async def test_a_mutation_returns_its_client_with_the_sections_it_shows() -> None:
    clients = _agency(1)
    shown = await data(
        clients,
        """mutation { createClient(input: {kind: INDIVIDUAL, lastName: "New"}) {
             id compliance { assetFreezeStatus } relations { parent { id } } } }""",
    )
    assert shown["createClient"] == {
        "id": "new",
        "compliance": {"assetFreezeStatus": "NO"},
        "relations": {"parent": {"id": "c0"}},
    }


@pytest.mark.parametrize("depth", [1, 2, 3])
async def test_each_relation_depth_costs_one_more_read(depth: int) -> None:
    clients = RecordingClients([record(f"g{n}", parent=f"g{n + 1}") for n in range(5)])
    nested = "displayName"
    for _ in range(depth):
        nested = f"relations {{ parent {{ {nested} }} }}"
    shown: Any = (await data(clients, f'{{ client(id: "g0") {{ {nested} }} }}'))["client"]
    assert clients.count("BatchGetClients") == 1 + depth
    for _ in range(depth):
        shown = shown["relations"]["parent"]
    assert shown == {"displayName": f"Client g{depth}"}


def _nodes(size: int) -> list[tuple[str | int, ...]]:
    return [("clients", "edges", n, "node") for n in range(size)]
