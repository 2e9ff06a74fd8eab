"""What a query's selection asks of the backends, read through Strawberry's selection API:
the identity fields a read fills (its read mask), the history depth of compliance and the
contacts' includeHistorical, through fragments, inline fragments, aliases, variables,
@skip/@include and the clients a relation leads to."""

from __future__ import annotations

from graphql import OperationDefinitionNode, parse

from gateway.planner import Planner
from gateway.sections import SECTIONS
from gateway.selection import variables_below
from tests.gateway.recording import RecordingClients, data, record


def _clients() -> RecordingClients:
    return RecordingClients(
        [
            record("child", parent="parent", associated=["friend"]),
            record("parent"),
            record("friend"),
        ]
    )


async def test_a_client_is_read_with_the_identity_fields_the_query_shows() -> None:
    clients = _clients()
    await data(
        clients,
        """{ client(id: "child") { displayName identity {
             lastName phones { number } primaryAddress { city } reference __typename } } }""",
    )
    # primaryAddress is read from the addresses; the reference always comes.
    assert clients.only("BatchGetClients").asked == ("addresses", "last_name", "phones")


async def test_a_query_showing_no_identity_field_reads_the_least_there_is() -> None:
    clients = _clients()
    await data(clients, '{ client(id: "child") { id displayName } }')
    assert clients.only("BatchGetClients").asked == ("display_name",)


async def test_fields_in_fragments_and_inline_fragments_are_read() -> None:
    clients = _clients()
    await data(
        clients,
        """
        query { client(id: "child") { ...Names ... on Client { identity { memo } } } }
        fragment Names on Client { identity { firstName ... { lastName } } }
        """,
    )
    assert clients.only("BatchGetClients").asked == ("first_name", "last_name", "memo")


async def test_related_clients_are_read_with_the_fields_shown_of_them() -> None:
    clients = _clients()
    shown = await data(
        clients,
        """{ client(id: "child") { identity { lastName }
             relations { parent { identity { personal { birthDate } } } } } }""",
    )
    reads = [call.asked for call in clients.calls if call.method == "BatchGetClients"]
    # The child and its parent are read with the same mask: what the whole query shows.
    assert reads == [("last_name", "parent_client_id", "personal")] * 2
    assert shown["client"]["relations"]["parent"] == {"identity": {"personal": {"birthDate": None}}}


async def test_the_history_depth_comes_from_the_selection_and_its_variables() -> None:
    clients = _clients()
    query = """
    query($depth: Int!) { client(id: "child") {
      compliance { banner short: history(limit: 2) { id } long: history(limit: $depth) { id } }
    } }
    """
    shown = await data(clients, query, {"depth": 5})
    # One call, deep enough for the deepest of the two.
    assert clients.only("BatchGetCompliance").asked == 5
    assert len(shown["client"]["compliance"]["short"]) == 2
    assert len(shown["client"]["compliance"]["long"]) == 5


async def test_a_section_without_history_asks_for_none_and_history_alone_for_twenty() -> None:
    clients = _clients()
    await data(clients, '{ client(id: "child") { compliance { assetFreezeStatus } } }')
    await data(clients, '{ client(id: "child") { compliance { history { id } } } }')
    assert [c.asked for c in clients.calls if c.method == "BatchGetCompliance"] == [0, 20]


async def test_a_section_selected_twice_under_one_key_is_asked_for_once_with_both_selections() -> (
    None
):
    clients = _clients()
    shown = await data(
        clients,
        """
        query { client(id: "child") { compliance { banner } ...Deep } }
        fragment Deep on Client { compliance { history(limit: 3) { id } } }
        """,
    )
    assert clients.only("BatchGetCompliance").asked == 3
    assert len(shown["client"]["compliance"]["history"]) == 3


async def test_aliases_asking_different_contacts_get_each_their_own() -> None:
    clients = _clients()
    shown = await data(
        clients,
        """{ client(id: "child") {
             current: contacts { validTo }
             all: contacts(includeHistorical: true) { validTo } } }""",
    )
    assert sorted(c.asked for c in clients.calls if c.method == "ListContacts") == [False, True]
    assert shown["client"]["current"] == [{"validTo": None}]
    assert shown["client"]["all"] == [{"validTo": "2020-01-01"}]


async def test_a_skipped_section_is_not_fetched_and_an_included_one_is() -> None:
    clients = _clients()
    query = """
    query($show: Boolean!) { client(id: "child") {
      compliance @include(if: $show) { banner }
      contacts @skip(if: $show) { lastName }
    } }
    """
    shown = await data(clients, query, {"show": True})
    assert clients.count("BatchGetCompliance") == 1
    assert clients.count("ListContacts") == 0
    assert shown["client"] == {"compliance": {"banner": None}}


async def test_the_plan_kept_for_an_operation_follows_its_variables() -> None:
    clients = _clients()
    planner = Planner(SECTIONS)
    query = """
    query($depth: Int!) { client(id: "child") { compliance { history(limit: $depth) { id } } } }
    """
    for depth in (1, 1, 4):
        await data(clients, query, {"depth": depth}, planner=planner)
    assert [c.asked for c in clients.calls if c.method == "BatchGetCompliance"] == [1, 1, 4]


async def test_a_plan_kept_for_one_client_serves_every_client() -> None:
    clients = _clients()
    planner = Planner(SECTIONS)
    query = "query($id: ID!) { client(id: $id) { displayName compliance { banner } } }"
    shown = [
        (await data(clients, query, {"id": client_id}, planner=planner))["client"]["displayName"]
        for client_id in ("child", "parent")
    ]
    assert shown == ["Client child", "Client parent"]
    assert [c.ids for c in clients.calls if c.method == "BatchGetCompliance"] == [
        ("child",),
        ("parent",),
    ]


async def test_clients_nested_in_a_page_are_planned_at_edges_and_at_nodes() -> None:
    clients = _clients()
    shown = await data(
        clients,
        """{ clients(first: 3) {
             edges { node { id compliance { history(limit: 1) { id } } } }
             nodes { id contacts { lastName } } } }""",
    )
    assert clients.only("BatchGetCompliance").asked == 1
    assert clients.only("ListContacts").ids == ("child", "parent", "friend")
    page = shown["clients"]
    assert [e["node"]["compliance"]["history"] for e in page["edges"]] == [
        [{"id": "child-0"}],
        [{"id": "parent-0"}],
        [{"id": "friend-0"}],
    ]
    assert [n["contacts"] for n in page["nodes"]] == [[{"lastName": "Contact"}]] * 3


def _operation(document: str) -> OperationDefinitionNode:
    (operation,) = (
        d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)
    )
    return operation


def test_a_plan_depends_on_the_variables_used_below_its_field_only() -> None:
    operation = _operation(
        """query($id: ID!, $depth: Int!, $show: Boolean!, $other: ID!) {
             client(id: $id) { compliance @include(if: $show) { history(limit: $depth) { id } } }
             another: client(id: $other) { id } }"""
    )
    assert variables_below(operation, "client") == frozenset({"depth", "show"})
    assert variables_below(operation, "another") == frozenset()


def test_a_fragment_spread_hides_what_a_plan_depends_on() -> None:
    operation = _operation(
        """query($id: ID!) { client(id: $id) { ...File } }
           fragment File on Client { compliance { banner } }"""
    )
    assert variables_below(operation, "client") is None
