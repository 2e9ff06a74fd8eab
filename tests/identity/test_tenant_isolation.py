"""One tenant never sees or changes another's data: every query and mutation tried with
another tenant's ids answers NOT_FOUND and changes nothing, in the gateway and in the service."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from runtime.caller import Caller
from runtime.rpc import caller_metadata
from tests.harness import GraphQLClient
from tests.identity.queries import (
    ADD_CONTACT,
    ADD_PHONE,
    ARCHIVE,
    ASSOCIATE,
    CONTACTS,
    CREATE,
    DELETE_CONTACT,
    END_CONTACT,
    GET,
    ITEM_FIELDS,
    REMOVE_ITEM,
    RESTORE,
    SEARCH,
    SET_PARENT,
    SET_PRIMARY_ADDRESS,
    UPDATE,
    UPDATE_CONTACT,
    UPDATE_PHONE,
    individual,
)


async def _owned(gql: GraphQLClient) -> tuple[dict[str, Any], dict[str, Any]]:
    client = (
        await gql.data(
            CREATE,
            {"input": individual(first="Secret", last="Owner", phones=[{"number": "0611223344"}])},
        )
    )["createClient"]
    contact = (
        await gql.data(
            ADD_CONTACT,
            {"clientId": client["id"], "input": {"lastName": "Hidden", "function": "DAF"}},
        )
    )["addContact"]
    return client, contact


def _not_found(body: dict[str, Any], field: str) -> None:
    assert body["data"][field] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
    # No hint that the record exists elsewhere.
    assert body["errors"][0]["message"] == "not found"


async def test_every_query_and_mutation_on_another_tenants_ids_is_not_found(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client, contact = await _owned(gql)
    intruder = other_gql
    own = (await intruder.data(CREATE, {"input": individual(last="Intruder")}))["createClient"]

    _not_found(await intruder.execute(GET, {"id": client["id"]}), "client")
    _not_found(await intruder.execute(CONTACTS, {"id": client["id"], "historical": True}), "client")
    _not_found(
        await intruder.execute(UPDATE, {"id": client["id"], "version": 1, "input": {"memo": "x"}}),
        "updateClient",
    )
    _not_found(await intruder.execute(ARCHIVE, {"id": client["id"]}), "archiveClient")
    _not_found(
        await intruder.execute(
            ADD_CONTACT, {"clientId": client["id"], "input": {"lastName": "X", "function": "Y"}}
        ),
        "addContact",
    )
    _not_found(
        await intruder.execute(
            UPDATE_CONTACT, {"id": contact["id"], "version": 1, "input": {"function": "Z"}}
        ),
        "updateContact",
    )
    _not_found(await intruder.execute(END_CONTACT, {"id": contact["id"]}), "endContact")
    _not_found(
        await intruder.execute(SET_PARENT, {"id": own["id"], "parent": client["id"]}),
        "setParentClient",
    )
    _not_found(
        await intruder.execute(SET_PARENT, {"id": client["id"], "parent": own["id"]}),
        "setParentClient",
    )
    _not_found(
        await intruder.execute(ASSOCIATE, {"id": own["id"], "other": client["id"]}),
        "associateClients",
    )
    # The commands on one item, the primary address, restore and delete.
    items = await gql.data(
        ITEM_FIELDS + "query($id: ID!) { client(id: $id) { ...ItemFields } }", {"id": client["id"]}
    )
    phone_id = items["client"]["identity"]["phones"][0]["id"]
    on_client = {"clientId": client["id"], "version": 1}
    for document, field, variables in (
        (ADD_PHONE, "addPhone", {"input": {"number": "0699887766"}}),
        (UPDATE_PHONE, "updatePhone", {"phoneId": phone_id, "input": {"kind": "WORK"}}),
        (REMOVE_ITEM, "removeClientItem", {"itemId": phone_id}),
        (SET_PRIMARY_ADDRESS, "setPrimaryAddress", {"addressId": phone_id}),
    ):
        _not_found(await intruder.execute(document, {**on_client, **variables}), field)
    _not_found(await intruder.execute(RESTORE, {"id": client["id"], "version": 1}), "restoreClient")
    _not_found(
        await intruder.execute(DELETE_CONTACT, {"id": contact["id"], "version": 1}),
        "deleteContact",
    )
    for search in ("secret owner", "06 11 22 33 44", client["reference"], ""):
        page = await intruder.data(SEARCH, {"search": search, "first": 50})
        assert client["id"] not in [e["node"]["id"] for e in page["clients"]["edges"]]

    # Nothing changed for the owner.
    after = (await gql.data(GET, {"id": client["id"]}))["client"]
    assert after == client
    contacts = (await gql.data(CONTACTS, {"id": client["id"], "historical": True}))["client"]
    assert [c["id"] for c in contacts["contacts"]] == [contact["id"]]
    assert contacts["contacts"][0]["version"] == 1
    assert contacts["contacts"][0]["validTo"] is None


async def test_the_service_itself_scopes_every_call_by_tenant(gql: GraphQLClient) -> None:
    client, contact = await _owned(gql)
    async with grpc.aio.insecure_channel(gql.system.address("identity")) as channel:
        stub = identity_pb2_grpc.IdentityServiceStub(channel)
        other = caller_metadata(Caller("another-tenant", "u", "admin"))
        batch = await stub.BatchGetClients(
            identity_pb2.BatchGetClientsRequest(ids=[client["id"]]), metadata=other
        )
        assert list(batch.clients) == []
        listed = await stub.ListContacts(
            identity_pb2.ListContactsRequest(client_ids=[client["id"]], include_historical=True),
            metadata=other,
        )
        assert list(listed.contacts) == []
        with pytest.raises(grpc.aio.AioRpcError) as other_tenant:
            await stub.GetClient(identity_pb2.GetClientRequest(id=client["id"]), metadata=other)
        assert other_tenant.value.code() == grpc.StatusCode.NOT_FOUND
        with pytest.raises(grpc.aio.AioRpcError) as no_tenant:
            await stub.GetClient(identity_pb2.GetClientRequest(id=client["id"]))
        assert no_tenant.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert contact["clientId"] == client["id"]
