"""The Associations tab (seed 000) through the gateway, against running processes: platform
users with a role and products with an end date, added, changed and removed by id, checked
field by field, and never seen by another tenant."""

from __future__ import annotations

from typing import Any

from tests.harness import GraphQLClient
from tests.identity.queries import individual

CREATE = "mutation($input: ClientInput!) { createClient(input: $input) { id version } }"
FIELDS = """
id version
relations {
  users { id userId role }
  products { id product availableUntil available }
}
"""
ADD_USER = f"""
mutation($id: ID!, $v: Int!, $input: UserAssociationInput!) {{
  addUserAssociation(clientId: $id, version: $v, input: $input) {{ {FIELDS} }}
}}
"""
UPDATE_USER = f"""
mutation($id: ID!, $v: Int!, $item: ID!, $input: UserAssociationUpdateInput!) {{
  updateUserAssociation(clientId: $id, version: $v, associationId: $item, input: $input) {{
    {FIELDS}
  }}
}}
"""
ADD_PRODUCT = f"""
mutation($id: ID!, $v: Int!, $input: ProductAssociationInput!) {{
  addProductAssociation(clientId: $id, version: $v, input: $input) {{ {FIELDS} }}
}}
"""
REMOVE = f"""
mutation($id: ID!, $v: Int!, $item: ID!) {{
  removeClientItem(clientId: $id, version: $v, itemId: $item) {{ {FIELDS} }}
}}
"""
GET = f"query($id: ID!) {{ client(id: $id) {{ {FIELDS} }} }}"


async def create(gql: GraphQLClient) -> dict[str, Any]:
    created: dict[str, Any] = (await gql.data(CREATE, {"input": individual()}))["createClient"]
    return created


async def test_users_and_products_are_associated_changed_and_removed(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client = await create(gql)
    added = (
        await gql.data(
            ADD_USER,
            {
                "id": client["id"],
                "v": client["version"],
                "input": {"userId": "alice", "role": "Gestionnaire sinistres"},
            },
        )
    )["addUserAssociation"]
    (user,) = added["relations"]["users"]
    assert (user["userId"], user["role"]) == ("alice", "Gestionnaire sinistres")
    changed = (
        await gql.data(
            UPDATE_USER,
            {
                "id": client["id"],
                "v": added["version"],
                "item": user["id"],
                "input": {"role": "Chargée de clientèle"},
            },
        )
    )["updateUserAssociation"]
    assert changed["relations"]["users"] == [
        {"id": user["id"], "userId": "alice", "role": "Chargée de clientèle"}
    ]
    with_products = changed
    for product, until in (("AUTO-PRO", "2099-12-31"), ("MRH-ECO", "2020-01-31"), ("RC-PRO", "")):
        with_products = (
            await gql.data(
                ADD_PRODUCT,
                {
                    "id": client["id"],
                    "v": with_products["version"],
                    "input": {"product": product, "availableUntil": until},
                },
            )
        )["addProductAssociation"]
    products = with_products["relations"]["products"]
    assert [(p["product"], p["availableUntil"], p["available"]) for p in products] == [
        ("AUTO-PRO", "2099-12-31", True),
        ("MRH-ECO", "2020-01-31", False),
        ("RC-PRO", None, True),
    ]
    removed = (
        await gql.data(
            REMOVE, {"id": client["id"], "v": with_products["version"], "item": user["id"]}
        )
    )["removeClientItem"]
    assert removed["relations"]["users"] == []
    assert len(removed["relations"]["products"]) == 3
    # Another tenant sees none of it.
    body = await other_gql.execute(GET, {"id": client["id"]})
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_bad_association_is_refused_field_by_field_and_changes_nothing(
    gql: GraphQLClient,
) -> None:
    client = await create(gql)
    body = await gql.execute(
        ADD_USER, {"id": client["id"], "v": client["version"], "input": {"userId": " ", "role": ""}}
    )
    violations = body["errors"][0]["extensions"]["violations"]
    assert {v["field"] for v in violations} == {
        "associatedUsers[0].userId",
        "associatedUsers[0].role",
    }
    body = await gql.execute(
        ADD_PRODUCT,
        {
            "id": client["id"],
            "v": client["version"],
            "input": {"product": "AUTO", "availableUntil": "31/12/2030"},
        },
    )
    assert body["errors"][0]["extensions"]["field"] == "associatedProducts[0].availableUntil"
    once = (
        await gql.data(
            ADD_PRODUCT,
            {"id": client["id"], "v": client["version"], "input": {"product": "AUTO"}},
        )
    )["addProductAssociation"]
    body = await gql.execute(
        ADD_PRODUCT, {"id": client["id"], "v": once["version"], "input": {"product": "auto"}}
    )
    assert body["errors"][0]["extensions"]["field"] == "associatedProducts[1].product"
    assert "already associated" in body["errors"][0]["extensions"]["rule"]
    unchanged = (await gql.data(GET, {"id": client["id"]}))["client"]
    assert unchanged["version"] == once["version"]
    assert [p["product"] for p in unchanged["relations"]["products"]] == ["AUTO"]
