"""Documents through the real gateway: uploaded in a multipart request, downloaded whole with
the bearer header and with the link the field gives; a file of a type not accepted or too big
refused on its field; another tenant's document not found; a partner sees and downloads only
the documents shared with it."""

from __future__ import annotations

from typing import Any

import httpx
import orjson

from tests.communication.conftest import DOCUMENT_LIMIT, as_role
from tests.communication.queries import ADD_NOTE
from tests.communication.test_documents import pdf, png
from tests.harness import GraphQLClient, new_tenant
from tests.identity.queries import CREATE, individual

UPLOAD = """
mutation($client: ID!, $kind: DocumentKind!, $file: Upload!, $shared: [String!]) {
  uploadDocument(clientId: $client, kind: $kind, file: $file, sharedWith: $shared,
                 contractId: "contract-1") {
    id kind name mediaType sizeBytes sha256 contractId sharedWith uploadedBy uploadedAt url
  }
}
"""

DOCUMENTS_OF = """
query($id: ID!) { client(id: $id) { communication {
  documents { id name kind url sharedWith }
  memo { text }
} } }
"""


async def upload(
    gql: GraphQLClient,
    client: str,
    content: bytes,
    *,
    name: str = "devis.pdf",
    kind: str = "QUOTE",
    shared: list[str] | None = None,
) -> dict[str, Any]:
    operations = {
        "query": UPLOAD,
        "variables": {"client": client, "kind": kind, "file": None, "shared": shared},
    }
    response = await gql.http.post(
        gql.system.graphql_url,
        headers=gql.headers,
        data={"operations": orjson.dumps(operations).decode(), "map": '{"0": ["variables.file"]}'},
        files={"0": (name, content, "application/octet-stream")},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def file_url(gql: GraphQLClient, path: str) -> str:
    return gql.system.graphql_url.replace("/graphql", path)


async def a_client(gql: GraphQLClient) -> str:
    body = await gql.data(CREATE, {"input": individual(last="Documents")})
    client_id: str = body["createClient"]["id"]
    return client_id


async def test_a_document_uploaded_is_downloaded_whole_by_bearer_and_by_link(
    cgql: GraphQLClient,
) -> None:
    client = await a_client(cgql)
    content = pdf()
    body = await upload(cgql, client, content)
    document = body["data"]["uploadDocument"]
    assert (document["kind"], document["name"], document["mediaType"]) == (
        "QUOTE",
        "devis.pdf",
        "application/pdf",
    )
    assert (document["sizeBytes"], document["contractId"]) == (len(content), "contract-1")
    by_bearer = await cgql.http.get(
        file_url(cgql, f"/files/communication/{document['id']}"), headers=cgql.headers
    )
    assert by_bearer.status_code == 200
    assert by_bearer.content == content
    assert by_bearer.headers["content-type"].startswith("application/pdf")
    # The link works without any header.
    async with httpx.AsyncClient() as anonymous:
        by_link = await anonymous.get(file_url(cgql, document["url"]))
    assert by_link.status_code == 200
    assert by_link.content == content
    shown = await cgql.data(DOCUMENTS_OF, {"id": client})
    assert [d["id"] for d in shown["client"]["communication"]["documents"]] == [document["id"]]


async def test_an_upload_of_a_type_not_accepted_or_too_big_is_refused_on_its_field(
    cgql: GraphQLClient,
) -> None:
    client = await a_client(cgql)
    script = await upload(cgql, client, b"#!/bin/sh\nrm -rf /\n", name="devis.pdf")
    [error] = script["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    [violation] = error["extensions"]["violations"]
    assert violation["field"] == "file"
    assert "accepted: application/pdf, image/jpeg, image/png, image/webp" in violation["rule"]
    too_big = await upload(cgql, client, pdf() + b"\0" * DOCUMENT_LIMIT)
    [violation] = too_big["errors"][0]["extensions"]["violations"]
    assert violation["field"] == "file"
    assert violation["rule"].endswith(f"at most {DOCUMENT_LIMIT} are accepted")
    shown = await cgql.data(DOCUMENTS_OF, {"id": client})
    assert shown["client"]["communication"]["documents"] == []


async def test_another_tenant_s_document_is_not_found(cgql: GraphQLClient) -> None:
    client = await a_client(cgql)
    document = (await upload(cgql, client, png(), name="photo.png", kind="CLAIM_PHOTO"))["data"][
        "uploadDocument"
    ]
    stranger = GraphQLClient(cgql.system, cgql.http, new_tenant())
    response = await cgql.http.get(
        file_url(cgql, f"/files/communication/{document['id']}"), headers=stranger.headers
    )
    assert response.status_code == 404


async def test_a_partner_sees_and_downloads_only_the_documents_shared_with_it(
    cgql: GraphQLClient,
) -> None:
    client = await a_client(cgql)
    shared = (await upload(cgql, client, pdf(), shared=["partner-axa"]))["data"]["uploadDocument"]
    kept = (await upload(cgql, client, png(), name="photo.png", kind="CLAIM_PHOTO"))["data"][
        "uploadDocument"
    ]
    await cgql.data(ADD_NOTE, {"client": client, "text": "Code 1234"})
    partner = as_role(cgql, "partner")
    partner.headers = {
        "Authorization": f"Bearer {cgql.system.token(cgql.tenant, 'partner', 'partner-axa')}"
    }
    seen = (await partner.data(DOCUMENTS_OF, {"id": client}))["client"]["communication"]
    assert [d["id"] for d in seen["documents"]] == [shared["id"]]
    assert seen["memo"] is None
    ok = await cgql.http.get(
        file_url(cgql, f"/files/communication/{shared['id']}"), headers=partner.headers
    )
    assert ok.status_code == 200
    assert ok.content == pdf()
    refused = await cgql.http.get(
        file_url(cgql, f"/files/communication/{kept['id']}"), headers=partner.headers
    )
    assert refused.status_code == 404
