"""Duplicate suspects through the gateway, against running processes: a new file shows the
existing ones it resembles with the reasons, a later file is found from the earlier one, a
page asks identity once, and another tenant's look-alike is never shown."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient
from tests.identity.queries import VALID_IBAN, individual

CREATE = """
mutation($input: ClientInput!) {
  createClient(input: $input) {
    id reference
    duplicateSuspects { clientId reference displayName archived score reasons }
  }
}
"""
SUSPECTS = """
query($id: ID!, $limit: Int!) {
  duplicateSuspects(clientId: $id, limit: $limit) { clientId score reasons }
}
"""
PAGE = """
query { clients(first: 50) { nodes { id duplicateSuspects(limit: 3) { clientId } } } }
"""


async def create(gql: GraphQLClient, first: str, last: str, **extra: Any) -> dict[str, Any]:
    data = await gql.data(CREATE, {"input": individual(first=first, last=last, **extra)})
    client: dict[str, Any] = data["createClient"]
    return client


async def test_a_new_file_shows_the_files_it_resembles_and_why(gql: GraphQLClient) -> None:
    born = {"personal": {"birthDate": "1985-05-12"}}
    first = await create(
        gql,
        "Élodie",
        "Núñez-Dupont",
        phones=[{"number": "06 12 34 56 78"}],
        bankAccounts=[{"iban": VALID_IBAN}],
        **born,
    )
    assert first["duplicateSuspects"] == []
    await create(gql, "Paul", "Durand", phones=[{"number": "06 12 34 56 78"}])  # a household
    second = await create(
        gql,
        "ELODIE",
        "Nunez Dupond",
        phones=[{"number": "+33 6 12 34 56 78"}],
        bankAccounts=[{"iban": VALID_IBAN.lower()}],
        **born,
    )
    (suspect,) = second["duplicateSuspects"]
    assert suspect["clientId"] == first["id"]
    assert suspect["reference"] == first["reference"]
    assert suspect["displayName"] == "Élodie Núñez-Dupont"
    assert suspect["archived"] is False
    assert suspect["score"] > 0.95
    assert suspect["reasons"] == ["SIMILAR_NAME", "SAME_BIRTH_DATE", "SAME_IBAN", "SAME_PHONE"]

    # Later, the first file finds the second too: suspects are computed when asked.
    later = await gql.data(SUSPECTS, {"id": first["id"], "limit": 5})
    assert [s["clientId"] for s in later["duplicateSuspects"]] == [second["id"]]


async def test_a_namesake_born_decades_apart_is_no_suspect(gql: GraphQLClient) -> None:
    await create(gql, "Jean", "Martin", personal={"birthDate": "1950-03-01"})
    son = await create(gql, "Jean", "Martin", personal={"birthDate": "1982-07-14"})
    assert son["duplicateSuspects"] == []


async def test_another_tenants_look_alike_is_never_a_suspect(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    theirs = await create(other_gql, "Camille", "Rousseau", personal={"birthDate": "1990-01-02"})
    ours = await create(gql, "Camille", "Rousseau", personal={"birthDate": "1990-01-02"})
    assert ours["duplicateSuspects"] == []
    # Nor can one tenant ask about the other's client.
    errors = (await gql.execute(SUSPECTS, {"id": theirs["id"], "limit": 5}))["errors"]
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_limit_out_of_range_is_refused_on_its_field(gql: GraphQLClient) -> None:
    client = await create(gql, "Inès", "Mercier")
    errors = (await gql.execute(SUSPECTS, {"id": client["id"], "limit": 21}))["errors"]
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["extensions"]["field"] == "limit"


async def test_a_page_asks_identity_for_its_suspects_once(gql: GraphQLClient) -> None:
    for n in range(12):
        await create(gql, "Lucas", f"Garnier{'e' * (n % 3)}", personal={"birthDate": "1977-11-30"})
    trace_id, body = await traced(gql, PAGE)
    assert "errors" not in body, body
    nodes = body["data"]["clients"]["nodes"]
    assert len(nodes) == 12
    assert all(len(node["duplicateSuspects"]) == 3 for node in nodes)
    assert calls(gql, trace_id) == {
        "identity": Counter({"SearchClients": 1, "FindDuplicateSuspects": 1})
    }
