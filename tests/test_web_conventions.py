"""The gateway follows the web's conventions: CORS for configured origins only, queries over
GET (cacheable by URL) but never mutations, Apollo's automatic persisted queries, and, where
configured, only registered operations (trusted documents)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual

PORTAL = "https://portal.example.fr"
COUNT = "query Count { clients(first: 1) { totalCount } }"


def _sha(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def _persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": _sha(document)}}


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    system = System(
        Path(tmp_path_factory.mktemp("web")),
        services=("identity",),
        settings={"C360_CORS_ORIGINS": f"{PORTAL}, http://localhost:5173"},
    )
    system.start()
    yield system
    system.stop()


@pytest.fixture
async def portal(web: System, http: httpx.AsyncClient) -> GraphQLClient:
    await wait_serving(web.address("identity"))
    return GraphQLClient(web, http, new_tenant())


async def _count(gql: GraphQLClient) -> int:
    total: int = (await gql.data(COUNT))["clients"]["totalCount"]
    return total


async def test_a_preflight_from_an_allowed_origin_succeeds(portal: GraphQLClient) -> None:
    response = await portal.http.options(
        portal.system.graphql_url,
        headers={
            "Origin": PORTAL,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL
    assert "authorization" in response.headers["access-control-allow-headers"].lower()


async def test_a_preflight_from_another_origin_is_refused(portal: GraphQLClient) -> None:
    response = await portal.http.options(
        portal.system.graphql_url,
        headers={"Origin": "https://evil.example.com", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_an_allowed_origins_request_is_answered_with_its_origin(
    portal: GraphQLClient,
) -> None:
    response = await portal.http.post(
        portal.system.graphql_url,
        json={"query": COUNT},
        headers={**portal.headers, "Origin": PORTAL},
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == PORTAL


async def test_a_query_runs_over_get(portal: GraphQLClient) -> None:
    await portal.data(CREATE, {"input": individual()})
    response = await portal.http.get(
        portal.system.graphql_url, params={"query": COUNT}, headers=portal.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["clients"]["totalCount"] == 1


async def test_a_mutation_never_runs_over_get(portal: GraphQLClient) -> None:
    mutation = CREATE
    response = await portal.http.get(
        portal.system.graphql_url,
        params={"query": mutation, "variables": json.dumps({"input": individual()})},
        headers=portal.headers,
    )
    assert response.status_code != 200 or "errors" in response.json()
    assert await _count(portal) == 0


async def test_an_unknown_hash_asks_for_the_document_then_the_hash_alone_runs(
    portal: GraphQLClient,
) -> None:
    url = portal.system.graphql_url
    document = "query Persisted { clients(first: 2) { totalCount } }"
    unknown = await portal.http.post(
        url, json={"extensions": _persisted(document)}, headers=portal.headers
    )
    assert unknown.status_code == 200
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"

    registered = await portal.http.post(
        url, json={"query": document, "extensions": _persisted(document)}, headers=portal.headers
    )
    assert registered.json() == {"data": {"clients": {"totalCount": 0}}}

    by_hash = await portal.http.post(
        url, json={"extensions": _persisted(document)}, headers=portal.headers
    )
    assert by_hash.json() == {"data": {"clients": {"totalCount": 0}}}
    # And over GET, so that a CDN or browser can cache it by URL.
    by_get = await portal.http.get(
        url, params={"extensions": json.dumps(_persisted(document))}, headers=portal.headers
    )
    assert by_get.json() == {"data": {"clients": {"totalCount": 0}}}


async def test_a_hash_that_is_not_the_documents_is_refused(portal: GraphQLClient) -> None:
    response = await portal.http.post(
        portal.system.graphql_url,
        json={"query": COUNT, "extensions": _persisted("query Other { __typename }")},
        headers=portal.headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_a_malformed_persisted_query_extension_is_refused(portal: GraphQLClient) -> None:
    response = await portal.http.post(
        portal.system.graphql_url,
        json={"query": COUNT, "extensions": {"persistedQuery": {"version": 2}}},
        headers=portal.headers,
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


@pytest.fixture(scope="module")
def trusted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    directory = Path(tmp_path_factory.mktemp("trusted"))
    manifest = directory / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [
                    {"id": _sha(COUNT), "name": "Count", "type": "query", "body": COUNT}
                ],
            }
        )
    )
    system = System(
        directory, services=("identity",), settings={"C360_TRUSTED_DOCUMENTS": str(manifest)}
    )
    system.start()
    yield system
    system.stop()


async def test_with_trusted_documents_only_registered_operations_run(
    trusted: System, http: httpx.AsyncClient
) -> None:
    await wait_serving(trusted.address("identity"))
    gql = GraphQLClient(trusted, http, new_tenant())
    by_hash = await http.post(
        trusted.graphql_url, json={"extensions": _persisted(COUNT)}, headers=gql.headers
    )
    assert by_hash.json() == {"data": {"clients": {"totalCount": 0}}}
    # The registered document's text is accepted too; anything else is not, writes included.
    assert await _count(gql) == 0
    refused = await http.post(
        trusted.graphql_url,
        json={"query": CREATE, "variables": {"input": individual()}},
        headers=gql.headers,
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_IN_LIST"
    assert await _count(gql) == 0
