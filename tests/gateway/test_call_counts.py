"""One call per section and relation depth, whatever the size of the page: counted from the
spans the real services write, for pages of 1, 50 and 200 clients."""

from __future__ import annotations

import asyncio
from collections import Counter

from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient

CREATE = "mutation($input: ClientInput!) { createClient(input: $input) { id } }"
SET_PARENT = """
mutation($id: ID!, $parent: ID) { setParentClient(clientId: $id, parentClientId: $parent) { id } }
"""
ASSOCIATE = """
mutation($id: ID!, $other: ID!) { associateClients(clientId: $id, otherClientId: $other) { id } }
"""

PAGE = """
query($first: Int!) { clients(first: $first) { totalCount edges { node {
  id displayName
  identity { lastName phones { number } }
  contacts { lastName function }
  compliance { assetFreezeStatus banner }
  relations {
    parentId
    parent { displayName compliance { assetFreezeStatus } }
    associated { displayName }
  }
} } } }
"""

ONE = """
query($id: ID!) { client(id: $id) {
  id displayName
  contacts { lastName }
  compliance { assetFreezeStatus }
  relations { parent { displayName compliance { assetFreezeStatus } } associated { id } }
} }
"""


async def _agency_of_201(gql: GraphQLClient) -> list[str]:
    """200 members and their group: every member's parent is the group, which is listed last
    (clients are listed by name) and associated with the first member. Any page has parents
    to follow."""

    async def create(name: str) -> str:
        body = await gql.data(
            CREATE, {"input": {"kind": "INDIVIDUAL", "firstName": "Léa", "lastName": name}}
        )
        created: str = body["createClient"]["id"]
        return created

    group = await create("Zgroupe")
    members: list[str] = []
    for start in range(0, 200, 25):
        members += await asyncio.gather(
            *(create(f"Membre {n:03}") for n in range(start, start + 25))
        )
        await asyncio.gather(
            *(
                gql.data(SET_PARENT, {"id": member, "parent": group})
                for member in members[start : start + 25]
            )
        )
    await gql.data(ASSOCIATE, {"id": group, "other": members[0]})
    return [*members, group]


async def test_a_page_of_200_costs_the_same_calls_as_a_page_of_1(gql: GraphQLClient) -> None:
    ids = await _agency_of_201(gql)
    expected = {
        # The page, its contacts, then the parents and associated clients of the whole page.
        "identity": Counter({"SearchClients": 1, "ListContacts": 1, "BatchGetClients": 1}),
        # The page's sections, then the parents' sections.
        "compliance": Counter({"BatchGetCompliance": 2}),
    }
    for size in (1, 50, 200):
        trace_id, body = await traced(gql, PAGE, {"first": size})
        assert "errors" not in body, body["errors"]
        edges = body["data"]["clients"]["edges"]
        assert len(edges) == size
        assert all(e["node"]["relations"]["parent"] for e in edges)
        assert calls(gql, trace_id) == expected, size

    trace_id, body = await traced(gql, ONE, {"id": ids[7]})
    assert body["data"]["client"]["relations"]["parent"]["displayName"]
    assert calls(gql, trace_id) == {
        # The client with its contacts, then its relations.
        "identity": Counter({"BatchGetClients": 2, "ListContacts": 1}),
        "compliance": Counter({"BatchGetCompliance": 2}),
    }
