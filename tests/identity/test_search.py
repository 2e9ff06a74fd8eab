"""Finding clients: accents and case ignored, name prefixes, exact references first, phones in
any format, emails, and cursor paging that never repeats or skips a client."""

from __future__ import annotations

from typing import Any

from services.identity.search import query_filter, search_keys, words
from tests.harness import GraphQLClient
from tests.identity.queries import CREATE, SEARCH, individual


async def _create(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    client: dict[str, Any] = (await gql.data(CREATE, {"input": individual(**fields)}))[
        "createClient"
    ]
    return client


async def _names(gql: GraphQLClient, search: str, first: int = 20) -> list[str]:
    page = await gql.data(SEARCH, {"search": search, "first": first})
    return [edge["node"]["displayName"] for edge in page["clients"]["edges"]]


async def test_accents_and_case_are_ignored(gql: GraphQLClient) -> None:
    await _create(gql, first="Élodie", last="Núñez-Dupont")
    await _create(gql, first="Elodie", last="Martin")
    assert await _names(gql, "elodie nunez") == ["Élodie Núñez-Dupont"]
    assert await _names(gql, "NUÑEZ") == ["Élodie Núñez-Dupont"]
    assert await _names(gql, "dupont élodie") == ["Élodie Núñez-Dupont"]


async def test_prefixes_of_names_match(gql: GraphQLClient) -> None:
    await _create(gql, first="François", last="Lefèvre")
    await _create(gql, first="Frédéric", last="Lefort")
    assert await _names(gql, "lef") == ["François Lefèvre", "Frédéric Lefort"]
    assert await _names(gql, "fr lefe") == ["François Lefèvre"]


async def test_a_phone_typed_in_any_format_finds_the_client(gql: GraphQLClient) -> None:
    await _create(gql, first="Élodie", last="Núñez-Dupont", phones=[{"number": "+33612345678"}])
    for typed in ("06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "06.12.34.56.78"):
        assert await _names(gql, typed) == ["Élodie Núñez-Dupont"], typed


async def test_an_email_finds_the_client(gql: GraphQLClient) -> None:
    await _create(
        gql, first="Jean", last="Courriel", emails=[{"address": "Jean.Courriel@Exemple.fr"}]
    )
    assert await _names(gql, "jean.courriel@exemple.fr") == ["Jean Courriel"]
    assert await _names(gql, "jean.courriel@") == ["Jean Courriel"]


async def test_an_exact_reference_ranks_first(gql: GraphQLClient) -> None:
    # "Abel" sorts before "Zorro", but the client whose reference is typed comes first.
    await _create(gql, first="Ref", last="Abel")
    target = await _create(gql, last="Zorro", reference="REF-42")
    await _create(gql, first="Refik", last="Bernard")
    names = await _names(gql, "ref-42")
    assert names[0] == target["displayName"]
    by_dms = await _create(gql, last="Atelier", dmsNumber="DMS-777")
    assert (await _names(gql, "dms-777")) == [by_dms["displayName"]]


async def test_paging_with_a_cursor_returns_every_client_once(gql: GraphQLClient) -> None:
    created = {(await _create(gql, last=f"Pagé {i:02d}"))["id"] for i in range(23)}
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await gql.data(SEARCH, {"search": "page", "first": 10, "after": after}))["clients"]
        assert page["totalCount"] == 23
        seen.extend(edge["node"]["id"] for edge in page["edges"])
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 3
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == created


async def test_exact_hits_on_the_first_page_are_not_repeated_later(gql: GraphQLClient) -> None:
    for i in range(5):
        await _create(gql, last=f"Ref{i}")
    exact = await _create(gql, last="Ref9", reference="REF9")
    first = (await gql.data(SEARCH, {"search": "ref9", "first": 2}))["clients"]
    ids = [e["node"]["id"] for e in first["edges"]]
    assert ids[0] == exact["id"]
    second = (
        await gql.data(
            SEARCH, {"search": "ref9", "first": 10, "after": first["pageInfo"]["endCursor"]}
        )
    )["clients"]
    assert exact["id"] not in [e["node"]["id"] for e in second["edges"]]


async def test_a_bad_cursor_is_bad_input(gql: GraphQLClient) -> None:
    body = await gql.execute(SEARCH, {"search": "", "first": 5, "after": "not-a-cursor"})
    assert body["errors"][0]["extensions"]["field"] == "after"


def test_search_keys_fold_names_and_normalize_contact_points() -> None:
    keys = search_keys(
        {
            "first_name": "Élodie",
            "last_name": "Núñez-Dupont",
            "reference": "CL-000001",
            "phones": [{"number": "+33612345678"}],
            "emails": [{"address": "E@X.FR"}],
        }
    )
    assert keys == [
        "e:e@x.fr",
        "n:dupont",
        "n:elodie",
        "n:nunez",
        "p:+33612345678",
        "r:cl000001",
    ]
    assert words("L'Hôpital-Saint Jean") == ["l", "hopital", "saint", "jean"]


def test_a_blank_query_has_no_filter() -> None:
    assert query_filter("   ") is None
