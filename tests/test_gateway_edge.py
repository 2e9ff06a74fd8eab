"""The gateway's edge holds under abuse: limits refused early with a clear code, errors that
say what happened, 400 for malformed bodies, a GraphQL-shaped 401, a WebSocket with a bad
header closed cleanly, and logs without tokens or a document's values."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.harness import GraphQLClient, System, new_tenant, wait_serving
from tests.identity.queries import CREATE, individual

ASSOCIATE = """
mutation($a: ID!, $b: ID!) { associateClients(clientId: $a, otherClientId: $b) { id } }
"""
NIR = "1 85 05 78 006 048 22"
IBAN = "FR7630006000011234567890189"


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    system = System(
        Path(tmp_path_factory.mktemp("edge")),
        services=("identity",),
        settings={"C360_LOG_LEVEL": "INFO"},
    )
    system.start()
    yield system
    system.stop()


@pytest.fixture
async def gql(edge: System, http: httpx.AsyncClient) -> GraphQLClient:
    await wait_serving(edge.address("identity"))
    return GraphQLClient(edge, http, new_tenant())


async def _post(gql: GraphQLClient, body: Any, **headers: str) -> httpx.Response:
    content = body if isinstance(body, bytes) else orjson.dumps(body)
    return await gql.http.post(
        gql.system.graphql_url,
        content=content,
        headers={**gql.headers, "Content-Type": "application/json", **headers},
    )


def _code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def _associated_ring(gql: GraphQLClient, size: int) -> str:
    ids = [
        (await gql.data(CREATE, {"input": individual()}))["createClient"]["id"] for _ in range(size)
    ]
    for i, one in enumerate(ids):
        for other in ids[i + 1 :]:
            await gql.data(ASSOCIATE, {"a": one, "b": other})
    return str(ids[0])


async def test_a_ten_level_fan_out_is_refused_at_once_and_others_are_served(
    gql: GraphQLClient,
) -> None:
    first = await _associated_ring(gql, 5)
    nested = "id"
    for _ in range(10):
        nested = f"id relations {{ associated {{ {nested} }} }}"
    refused = await _post(gql, {"query": f'{{ client(id: "{first}") {{ {nested} }} }}'})
    assert refused.status_code == 200
    assert _code(refused) in {"GRAPHQL_VALIDATION_FAILED", "QUERY_TOO_COMPLEX"}
    assert "data" not in refused.json() or refused.json()["data"] is None
    # Refused before any backend call (it used to take over a minute and 2.4 GiB).
    other = GraphQLClient(gql.system, gql.http, new_tenant())
    assert (await other.data("{ clients(first: 1) { totalCount } }"))["clients"]["totalCount"] == 0


async def test_a_thousand_aliases_are_refused(gql: GraphQLClient) -> None:
    aliases = " ".join(f"a{i}: clients(first: 200) {{ totalCount }}" for i in range(1000))
    response = await _post(gql, {"query": f"{{ {aliases} }}"})
    # Over the token limit even before the alias limit.
    assert _code(response) == "GRAPHQL_PARSE_FAILED"
    fewer = " ".join(f"a{i}: clients(first: 200) {{ totalCount }}" for i in range(100))
    response = await _post(gql, {"query": f"{{ {fewer} }}"})
    assert _code(response) == "GRAPHQL_VALIDATION_FAILED"
    assert "alias" in response.json()["errors"][0]["message"].lower()


async def test_a_page_too_costly_for_the_budget_is_refused_with_its_cost(
    gql: GraphQLClient,
) -> None:
    # Shallow enough, but 200 clients x associated x associated x contacts x phones.
    query = """query($n: Int!) { clients(first: $n) { nodes {
        relations { associated { relations { associated {
            contacts { phones { number } emails { address } }
        } } } }
    } } }"""
    response = await _post(gql, {"query": query, "variables": {"n": 200}})
    assert _code(response) == "QUERY_TOO_COMPLEX"
    extensions = response.json()["errors"][0]["extensions"]
    assert extensions["cost"] > extensions["limit"]
    small = await _post(gql, {"query": query, "variables": {"n": 1}})
    assert "errors" not in small.json(), small.json()


async def test_ten_thousand_tokens_are_a_parse_failure(gql: GraphQLClient) -> None:
    fields = " ".join("__typename" for _ in range(10_000))
    response = await _post(gql, {"query": f"{{ {fields} }}"})
    assert _code(response) == "GRAPHQL_PARSE_FAILED"


@pytest.mark.parametrize(
    ("query", "code", "says"),
    [
        ("{ clients(first: 1) { totalCuont } }", "GRAPHQL_VALIDATION_FAILED", "totalCuont"),
        ("{ clients(first: 1) { totalCount }", "GRAPHQL_PARSE_FAILED", "Syntax Error"),
        ("{ clients(first: 2147483648) { totalCount } }", "BAD_USER_INPUT", "2147483648"),
        ("{ clients(search: 0) { totalCount } }", "BAD_USER_INPUT", "String cannot represent"),
    ],
)
async def test_parse_and_validation_errors_keep_their_message_and_location(
    gql: GraphQLClient, query: str, code: str, says: str
) -> None:
    response = await _post(gql, {"query": query})
    assert response.status_code == 200
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == code
    assert says in error["message"]
    assert error["locations"]


async def test_a_subscription_sent_over_http_is_told_to_use_the_websocket(
    gql: GraphQLClient,
) -> None:
    response = await _post(gql, {"query": "subscription { notifications { message } }"})
    assert response.status_code == 405
    assert _code(response) == "METHOD_NOT_ALLOWED"
    assert "WebSocket" in response.json()["errors"][0]["message"]


async def test_a_variable_of_the_wrong_type_is_bad_user_input(gql: GraphQLClient) -> None:
    response = await _post(
        gql,
        {"query": "query($n: Int!) { clients(first: $n) { totalCount } }", "variables": {"n": "x"}},
    )
    assert _code(response) == "BAD_USER_INPUT"
    assert "$n" in response.json()["errors"][0]["message"]


async def test_invalid_utf8_is_a_400(gql: GraphQLClient) -> None:
    response = await _post(gql, b'{"query": "{ clients { totalCount } }\xff\xfe"}')
    assert response.status_code == 400
    assert _code(response) == "BAD_REQUEST"


async def test_deeply_nested_variables_are_a_400(gql: GraphQLClient) -> None:
    body = (
        b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    )
    response = await _post(gql, body)
    assert response.status_code in (400, 413)
    assert _code(response) in {"BAD_REQUEST", "REQUEST_TOO_LARGE"}
    shallow = b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 20 + b"]" * 20 + b"}}"
    response = await _post(gql, shallow)
    assert response.status_code == 400
    assert "nest deeper" in response.json()["errors"][0]["message"]


async def test_a_ten_megabyte_body_is_refused_unread(gql: GraphQLClient) -> None:
    body = orjson.dumps({"query": "{ __typename }", "variables": {"x": "a" * 10_000_000}})
    response = await _post(gql, body)
    assert response.status_code == 413
    assert _code(response) == "REQUEST_TOO_LARGE"


def _multipart(file_bytes: int) -> dict[str, Any]:
    operations = {"query": "{ __typename }", "variables": {"f": None}}
    return {
        "data": {"operations": orjson.dumps(operations).decode(), "map": '{"0": ["variables.f"]}'},
        "files": {"0": ("photo.jpg", b"\xff" * file_bytes, "image/jpeg")},
    }


async def test_a_file_upload_has_its_own_larger_limit(gql: GraphQLClient) -> None:
    # Two megabytes: over the 1 MB of a JSON body, within the 10 MB of a multipart request.
    accepted = await gql.http.post(
        gql.system.graphql_url, headers=gql.headers, **_multipart(2_000_000)
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["data"] == {"__typename": "Query"}
    refused = await gql.http.post(
        gql.system.graphql_url, headers=gql.headers, **_multipart(11_000_000)
    )
    assert refused.status_code == 413
    assert _code(refused) == "REQUEST_TOO_LARGE"


async def test_files_of_a_service_that_keeps_none_are_not_found(gql: GraphQLClient) -> None:
    url = gql.system.graphql_url.replace("/graphql", "/files/identity/01HX")
    response = await gql.http.get(url, headers=gql.headers)
    assert response.status_code == 404
    assert _code(response) == "NOT_FOUND"
    anonymous = await gql.http.get(
        gql.system.graphql_url.replace("/graphql", "/files/nowhere/01HX")
    )
    assert anonymous.status_code == 404


async def test_oversized_headers_are_refused(gql: GraphQLClient) -> None:
    response = await _post(gql, {"query": "{ __typename }"}, **{"X-Padding": "a" * 20_000})
    assert response.status_code == 431


async def test_a_request_without_a_valid_token_gets_a_graphql_shaped_401(
    gql: GraphQLClient,
) -> None:
    response = await gql.http.post(
        gql.system.graphql_url,
        json={"query": "{ __typename }"},
        headers={"Authorization": "Bearer forged"},
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert _code(response) == "UNAUTHENTICATED"


async def test_a_websocket_with_a_bad_authorization_header_is_closed_cleanly(
    gql: GraphQLClient,
) -> None:
    import websockets

    url = f"ws://127.0.0.1:{gql.system.gateway_port}/graphql"
    async with websockets.connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"Authorization": "Bearer forged"},
    ) as socket:
        await socket.send(orjson.dumps({"type": "connection_init", "payload": {}}).decode())
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(5):
                await socket.recv()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code in (4401, 4403)


async def test_logs_hold_no_token_and_no_values_of_a_refused_document(
    gql: GraphQLClient,
) -> None:
    inline = (
        'mutation { createClient(input: { kind: INDIVIDUAL, lastName: "Log", '
        f'personal: {{ socialSecurityNumber: "{NIR}", birthDate: 12 }}, '
        f'bankAccounts: [{{ iban: "{IBAN}" }}] }}) {{ id }} }}'
    )
    await _post(gql, {"query": inline})
    await _post(gql, {"query": f'{{ client(id: "{"0" * 26}") {{ id }} }}'})
    token = gql.headers["Authorization"].removeprefix("Bearer ")
    import websockets

    with pytest.raises(Exception):  # noqa: B017,PT011 - any refusal will do
        async with websockets.connect(
            f"ws://127.0.0.1:{gql.system.gateway_port}/graphql?token={token}",
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        ) as socket:
            await socket.send(orjson.dumps({"type": "connection_init"}).decode())
            async with asyncio.timeout(5):
                await socket.recv()
                await socket.recv()
    logs = (gql.system.directory / "gateway.log").read_text()
    assert "request refused" in logs
    assert NIR not in logs
    assert IBAN not in logs
    assert token not in logs
    assert "Traceback" not in logs


async def test_readiness_is_the_gateways_own_and_reports_services_beside(
    gql: GraphQLClient,
) -> None:
    # This system runs identity only: compliance is down, the gateway still serves.
    base = gql.system.graphql_url.removesuffix("/graphql")
    ready = await gql.http.get(f"{base}/readyz")
    assert ready.status_code == 200
    assert ready.json()["ready"] is True
    assert ready.json()["services"]["identity"] == "SERVING"
    assert ready.json()["services"]["compliance"] == "UNAVAILABLE"


async def test_eighty_bad_emails_and_phones_are_bad_input_not_an_outage(
    gql: GraphQLClient,
) -> None:
    emails = [{"address": f"not-an-email-{i}"} for i in range(40)]
    phones = [{"number": f"12{i}"} for i in range(40)]
    body = await gql.execute(CREATE, {"input": individual(emails=emails, phones=phones)})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    fields = {v["field"] for v in error["extensions"]["violations"]}
    assert {f"emails[{i}].address" for i in range(40)} <= fields
    assert {f"phones[{i}].number" for i in range(40)} <= fields
    assert body["data"]["createClient"] is None
    assert (await gql.data("{ clients(first: 1) { totalCount } }"))["clients"]["totalCount"] == 0
