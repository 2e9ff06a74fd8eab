"""The identity section through the gateway over HTTP, against running processes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import grpc
import httpx
import jwt
import pytest

from client360.identity.v1 import identity_pb2, identity_pb2_grpc
from gateway.auth import issue_token
from runtime.caller import Caller
from runtime.rpc import caller_metadata
from tests.harness import GraphQLClient, System
from tests.identity.queries import (
    ADD_CONTACT,
    ARCHIVE,
    ASSOCIATE,
    CONTACTS,
    CREATE,
    END_CONTACT,
    GET,
    SEARCH,
    SET_PARENT,
    UPDATE,
    UPDATE_CONTACT,
    VALID_BIC,
    VALID_IBAN,
    VALID_NIR,
    VALID_SIREN,
    VALID_SIRET,
    individual,
)


async def create(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = await gql.data(CREATE, {"input": individual(**fields)})
    client: dict[str, Any] = data["createClient"]
    return client


async def test_a_created_client_is_read_back_whole(gql: GraphQLClient) -> None:
    created = await create(
        gql,
        first="Élodie",
        last="Núñez-Dupont",
        civility="MRS",
        phones=[{"number": "06 12 34 56 78", "kind": "MOBILE"}],
        emails=[{"address": "elodie@exemple.fr"}],
        addresses=[
            {"line1": "1 rue Pasteur", "city": "Lyon", "postalCode": "69003", "latitude": 45.76},
            {
                "line1": "2 quai de la Loire",
                "city": "Nantes",
                "postalCode": "44000",
                "primary": True,
            },
        ],
        personal={"birthDate": "1984-05-17", "socialSecurityNumber": VALID_NIR},
        bankAccounts=[{"iban": "FR76 3000 6000 0112 3456 7890 189", "bic": VALID_BIC}],
        management={"accountManager": "advisor-claire", "origin": "salon de courtage"},
        flags={"preferredChannel": "SMS"},
        importantNotes="VIP",
    )
    assert created["reference"].startswith("CL")
    assert created["displayName"] == "Élodie Núñez-Dupont"
    assert created["kind"] == "INDIVIDUAL"
    assert created["version"] == 1
    identity = created["identity"]
    assert identity["civility"] == "MRS"
    assert identity["flags"]["preferredChannel"] == "SMS"
    assert identity["phones"] == [{"number": "+33612345678", "kind": "MOBILE", "primary": True}]
    assert identity["primaryAddress"] == {"city": "Nantes"}
    assert identity["addresses"][0]["latitude"] == 45.76
    assert identity["addresses"][1]["latitude"] is None
    assert identity["personal"]["socialSecurityNumber"] == VALID_NIR
    assert identity["bankAccounts"] == [{"iban": VALID_IBAN, "bic": VALID_BIC}]
    assert identity["audit"]["createdBy"] == "tester"
    assert identity["flags"]["archived"] is False

    fetched = await gql.data(GET, {"id": created["id"]})
    assert fetched["client"] == created


async def test_a_partner_sees_social_security_numbers_and_ibans_masked(gql: GraphQLClient) -> None:
    created = await create(
        gql,
        personal={"socialSecurityNumber": VALID_NIR},
        bankAccounts=[{"iban": VALID_IBAN}],
    )
    partner = GraphQLClient(gql.system, gql.http, gql.tenant, role="partner")
    seen = (await partner.data(GET, {"id": created["id"]}))["client"]["identity"]
    assert seen["personal"]["socialSecurityNumber"] == "1************25"
    assert seen["bankAccounts"][0]["iban"] == "FR76*******************0189"


async def test_update_changes_only_the_given_fields_and_bumps_the_version(
    gql: GraphQLClient,
) -> None:
    created = await create(gql, personal={"birthDate": "1990-01-02", "profession": "Infirmière"})
    updated = (
        await gql.data(
            UPDATE,
            {"id": created["id"], "version": 1, "input": {"personal": {"profession": "Médecin"}}},
        )
    )["updateClient"]
    assert updated["version"] == 2
    assert updated["identity"]["personal"]["profession"] == "Médecin"
    assert updated["identity"]["personal"]["birthDate"] == "1990-01-02"
    assert updated["identity"]["lastName"] == created["identity"]["lastName"]


async def test_a_stale_version_is_a_conflict_and_changes_nothing(gql: GraphQLClient) -> None:
    created = await create(gql)
    await gql.data(UPDATE, {"id": created["id"], "version": 1, "input": {"memo": "first"}})
    body = await gql.execute(
        UPDATE, {"id": created["id"], "version": 1, "input": {"memo": "second"}}
    )
    assert body["data"]["updateClient"] is None
    assert body["errors"][0]["extensions"]["code"] == "CONFLICT"
    current = (await gql.data(GET, {"id": created["id"]}))["client"]
    assert current["identity"]["memo"] == "first"
    assert current["version"] == 2


async def test_converting_an_individual_into_a_professional(gql: GraphQLClient) -> None:
    created = await create(gql, last="Roux")
    converted = (
        await gql.data(
            UPDATE,
            {
                "id": created["id"],
                "version": 1,
                "input": {
                    "kind": "PROFESSIONAL",
                    "professional": {
                        "legalName": "Roux Conseil SARL",
                        "siren": VALID_SIREN,
                        "siret": VALID_SIRET,
                    },
                },
            },
        )
    )["updateClient"]
    assert converted["kind"] == "PROFESSIONAL"
    assert converted["displayName"] == "Roux Conseil SARL"
    assert converted["reference"] == created["reference"]


async def test_archiving_hides_a_client_from_the_list_unless_asked(gql: GraphQLClient) -> None:
    created = await create(gql, last="Archivable")
    archived = (await gql.data(ARCHIVE, {"id": created["id"]}))["archiveClient"]
    assert archived["identity"]["flags"]["archived"] is True
    hidden = await gql.data(SEARCH, {"search": "archivable", "first": 10})
    assert hidden["clients"]["totalCount"] == 0
    shown = await gql.data(SEARCH, {"search": "archivable", "first": 10, "archived": True})
    assert [e["node"]["id"] for e in shown["clients"]["edges"]] == [created["id"]]


async def test_contacts_are_listed_in_display_order_and_ended_ones_only_in_history(
    gql: GraphQLClient,
) -> None:
    client = await create(
        gql,
        addresses=[{"line1": "3 rue des Écoles", "city": "Rennes"}],
        phones=[{"number": "0299001122"}],
    )
    second = (
        await gql.data(
            ADD_CONTACT,
            {
                "clientId": client["id"],
                "input": {
                    "lastName": "Morel",
                    "function": "Comptable",
                    "displayOrder": 2,
                    "validFrom": "2019-01-01",
                },
            },
        )
    )["addContact"]
    first = (
        await gql.data(
            ADD_CONTACT,
            {
                "clientId": client["id"],
                "input": {
                    "lastName": "Blanc",
                    "function": "Gérant",
                    "displayOrder": 1,
                    "copyClientAddress": True,
                    "consents": {"eSignature": True, "commercialEmails": True},
                    "recipientRoles": {"dueNotices": True, "claimSettlements": True},
                },
            },
        )
    )["addContact"]
    assert first["address"] == {"line1": "3 rue des Écoles", "city": "Rennes"}
    assert first["phones"] == [{"number": "+33299001122"}]
    assert first["consents"] == {
        "eSignature": True,
        "commercialEmails": True,
        "partnerEmails": False,
    }
    assert first["recipientRoles"]["dueNotices"]
    assert first["recipientRoles"]["claimSettlements"]

    listed = (await gql.data(CONTACTS, {"id": client["id"], "historical": False}))["client"]
    assert [c["lastName"] for c in listed["contacts"]] == ["Blanc", "Morel"]

    renamed = (
        await gql.data(
            UPDATE_CONTACT,
            {"id": second["id"], "version": 1, "input": {"function": "Expert-comptable"}},
        )
    )["updateContact"]
    assert renamed["function"] == "Expert-comptable"
    assert renamed["version"] == 2

    ended = await gql.data(END_CONTACT, {"id": second["id"], "validTo": "2020-01-01"})
    assert ended["endContact"]["validTo"] == "2020-01-01"
    current = (await gql.data(CONTACTS, {"id": client["id"], "historical": False}))["client"]
    assert [c["lastName"] for c in current["contacts"]] == ["Blanc"]
    history = (await gql.data(CONTACTS, {"id": client["id"], "historical": True}))["client"]
    assert [c["lastName"] for c in history["contacts"]] == ["Blanc", "Morel"]


async def test_a_client_has_one_parent_and_cannot_be_its_own_ancestor(gql: GraphQLClient) -> None:
    group = await create(gql, last="Groupe")
    subsidiary = await create(gql, last="Filiale")
    shop = await create(gql, last="Magasin")
    await gql.data(SET_PARENT, {"id": subsidiary["id"], "parent": group["id"]})
    linked = await gql.data(SET_PARENT, {"id": shop["id"], "parent": subsidiary["id"]})
    assert linked["setParentClient"]["relations"]["parent"]["id"] == subsidiary["id"]

    cycle = await gql.execute(SET_PARENT, {"id": group["id"], "parent": shop["id"]})
    assert cycle["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert cycle["errors"][0]["extensions"]["field"] == "parentClientId"
    assert "ancestor" in cycle["errors"][0]["extensions"]["rule"]
    itself = await gql.execute(SET_PARENT, {"id": group["id"], "parent": group["id"]})
    assert itself["errors"][0]["extensions"]["field"] == "parentClientId"
    unchanged = (await gql.data(GET, {"id": group["id"]}))["client"]
    assert unchanged["relations"]["parentId"] is None

    # A new parent replaces the old one: one parent at most.
    moved = await gql.data(SET_PARENT, {"id": shop["id"], "parent": group["id"]})
    assert moved["setParentClient"]["relations"]["parentId"] == group["id"]
    removed = await gql.data(SET_PARENT, {"id": shop["id"], "parent": None})
    assert removed["setParentClient"]["relations"]["parent"] is None


async def test_associated_clients_are_linked_both_ways(gql: GraphQLClient) -> None:
    left, right, third = [await create(gql, last=name) for name in ("Gauche", "Droite", "Tiers")]
    await gql.data(ASSOCIATE, {"id": left["id"], "other": right["id"]})
    both = await gql.data(ASSOCIATE, {"id": left["id"], "other": third["id"]})
    assert {c["id"] for c in both["associateClients"]["relations"]["associated"]} == {
        right["id"],
        third["id"],
    }
    back = (await gql.data(GET, {"id": right["id"]}))["client"]
    assert back["relations"]["associated"] == [{"id": left["id"]}]
    await gql.data(ASSOCIATE, {"id": right["id"], "other": left["id"], "associated": False})
    after = (await gql.data(GET, {"id": left["id"]}))["client"]
    assert after["relations"]["associated"] == [{"id": third["id"]}]


async def test_a_request_without_a_valid_token_gets_401(
    system: System, http: httpx.AsyncClient
) -> None:
    query = {"query": "{ clients(first: 1) { totalCount } }"}
    missing = await http.post(system.graphql_url, json=query)
    assert missing.status_code == 401
    forged = await http.post(
        system.graphql_url, json=query, headers={"Authorization": "Bearer not.a.token"}
    )
    assert forged.status_code == 401
    expired = issue_token(
        system.settings, tenant_id="t", user_id="u", role="advisor", ttl=timedelta(seconds=-5)
    )
    late = await http.post(
        system.graphql_url, json=query, headers={"Authorization": f"Bearer {expired}"}
    )
    assert late.status_code == 401
    other_audience = jwt.encode(
        {
            "sub": "u",
            "tenant": "t",
            "role": "advisor",
            "iss": "client360",
            "aud": "elsewhere",
            "exp": 2_000_000_000,
        },
        system.settings.jwt_secret.reveal(),
        algorithm="HS256",
    )
    wrong = await http.post(
        system.graphql_url, json=query, headers={"Authorization": f"Bearer {other_audience}"}
    )
    assert wrong.status_code == 401
    unsigned = jwt.encode(
        {
            "sub": "u",
            "tenant": "t",
            "role": "advisor",
            "iss": "client360",
            "aud": "client360-gateway",
            "exp": 2_000_000_000,
        },
        key="",
        algorithm="none",
    )
    none_alg = await http.post(
        system.graphql_url, json=query, headers={"Authorization": f"Bearer {unsigned}"}
    )
    assert none_alg.status_code == 401


async def test_graphiql_and_health_endpoints_answer(
    system: System, http: httpx.AsyncClient
) -> None:
    page = await http.get(system.graphql_url, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    base = system.graphql_url.removesuffix("/graphql")
    assert (await http.get(f"{base}/healthz")).json() == {"status": "ok"}
    ready = await http.get(f"{base}/readyz")
    assert ready.status_code == 200
    assert ready.json()["services"]["identity"] == "SERVING"


@pytest.mark.parametrize("role", ["advisor", "manager", "technician", "partner", "admin"])
async def test_every_role_reads_and_writes_its_own_tenant(gql: GraphQLClient, role: str) -> None:
    as_role = GraphQLClient(gql.system, gql.http, gql.tenant, role=role)
    created = (await as_role.data(CREATE, {"input": individual(last=f"Role {role}")}))[
        "createClient"
    ]
    assert (await as_role.data(GET, {"id": created["id"]}))["client"]["id"] == created["id"]


NESTED = """
query($id: ID!) {
  client(id: $id) {
    identity { lastName }
    relations { parent { displayName identity { personal { birthDate } phones { number } } } }
  }
}
"""


async def test_a_client_reads_what_the_whole_query_shows_of_every_client(
    gql: GraphQLClient,
) -> None:
    # The query reads the parent's birth date and phones through the same batched identity
    # read as the child's last name: the read asks for the fields of both.
    parent = await create(
        gql, last="Parent", personal={"birthDate": "1970-01-02"}, phones=[{"number": "0611111111"}]
    )
    child = await create(gql, last="Enfant")
    await gql.data(SET_PARENT, {"id": child["id"], "parent": parent["id"]})
    shown = (await gql.data(NESTED, {"id": child["id"]}))["client"]
    assert shown["identity"] == {"lastName": "Enfant"}
    assert shown["relations"]["parent"] == {
        "displayName": "Camille Parent",
        "identity": {
            "personal": {"birthDate": "1970-01-02"},
            "phones": [{"number": "+33611111111"}],
        },
    }


async def test_the_service_fills_only_the_fields_of_a_read_mask(gql: GraphQLClient) -> None:
    created = await create(
        gql,
        phones=[{"number": "0611111111"}],
        personal={"socialSecurityNumber": VALID_NIR},
        bankAccounts=[{"iban": VALID_IBAN}],
    )
    async with grpc.aio.insecure_channel(gql.system.address("identity")) as channel:
        stub = identity_pb2_grpc.IdentityServiceStub(channel)
        metadata = caller_metadata(Caller(gql.tenant, "u", "advisor"))
        request = identity_pb2.BatchGetClientsRequest(ids=[created["id"]])
        request.read_mask.paths.extend(["last_name", "phones"])
        (client,) = (await stub.BatchGetClients(request, metadata=metadata)).clients
        assert client.last_name == "Martin"
        assert [p.number for p in client.phones] == ["+33611111111"]
        assert client.display_name == "Camille Martin"
        assert client.reference == created["reference"]
        assert not client.HasField("personal")
        assert list(client.bank_accounts) == []
        request.read_mask.paths.append("nickname")
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.BatchGetClients(request, metadata=metadata)
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "readMask" in (refused.value.details() or "")
