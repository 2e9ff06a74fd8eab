"""What may be sold to a client (seed 000's Associations), through the gateway against running
processes: products associated with a file restrict the contracts and quotes of that client
and of the clients attached to it; an association past its end restricts nothing."""

from __future__ import annotations

from typing import Any

from tests.contracts.queries import contract, participant
from tests.harness import GraphQLClient, wait_consumed, wait_outbox_published
from tests.identity.queries import individual

CREATE = "mutation($input: ClientInput!) { createClient(input: $input) { id reference version } }"
ADD_PRODUCT = """
mutation($id: ID!, $v: Int!, $input: ProductAssociationInput!) {
  addProductAssociation(clientId: $id, version: $v, input: $input) { id version }
}
"""
SET_PARENT = """
mutation($id: ID!, $parent: ID) { setParentClient(clientId: $id, parentClientId: $parent) { id } }
"""
CONTRACT = "mutation($input: ContractInput!) { createContract(input: $input) { id product } }"
QUOTE = """
mutation($input: InsuranceQuoteInput!) { createInsuranceQuote(input: $input) { id } }
"""


async def create(gql: GraphQLClient, last: str) -> dict[str, Any]:
    created: dict[str, Any] = (await gql.data(CREATE, {"input": individual(last=last)}))[
        "createClient"
    ]
    return created


async def associate(gql: GraphQLClient, client: dict[str, Any], product: str, until: str) -> None:
    await gql.data(
        ADD_PRODUCT,
        {
            "id": client["id"],
            "v": client["version"],
            "input": {"product": product, "availableUntil": until},
        },
    )


async def copied(gql: GraphQLClient) -> None:
    await wait_outbox_published(gql.system, "identity")
    await wait_consumed(gql.system.nats.url, "contracts-identity")


async def test_the_products_of_a_group_restrict_what_its_members_are_sold(
    gql: GraphQLClient,
) -> None:
    group = await create(gql, "Groupe")
    member = await create(gql, "Filiale")
    await associate(gql, group, "RC Pro", "")
    await gql.data(SET_PARENT, {"id": member["id"], "parent": group["id"]})
    await copied(gql)
    for client in (group, member):
        refused = await gql.execute(CONTRACT, {"input": contract(participant(client["id"]))})
        (error,) = refused["errors"]
        assert error["extensions"]["field"] == "product"
        assert group["reference"] in error["extensions"]["rule"]
        assert "RC Pro" in error["extensions"]["rule"]
        sold = await gql.data(
            CONTRACT, {"input": contract(participant(client["id"]), product="rc pro")}
        )
        assert sold["createContract"]["product"] == "rc pro"
    quote = {
        "insurer": "MAAF",
        "product": "Habitation Confort",
        "branch": "HOME",
        "validUntil": "2099-01-01",
        "participants": [participant(member["id"])],
    }
    refused = await gql.execute(QUOTE, {"input": quote})
    assert refused["errors"][0]["extensions"]["field"] == "product"
    # Only a policyholder is held to the list: an insured child is not.
    other = await create(gql, "Autre")
    await gql.data(
        CONTRACT,
        {"input": contract(participant(other["id"]), participant(member["id"], "INSURED"))},
    )


async def test_an_association_past_its_end_restricts_nothing(gql: GraphQLClient) -> None:
    client = await create(gql, "Ancien")
    await associate(gql, client, "RC Pro", "2020-01-31")
    await copied(gql)
    await gql.data(CONTRACT, {"input": contract(participant(client["id"]))})
