"""Mailing lists through the real gateway: subscribe and unsubscribe a client, the agency's
lists with their counts."""

from __future__ import annotations

from tests.communication.queries import CREATE_LIST, LISTS, LISTS_OF, SET_SUBSCRIPTION
from tests.harness import GraphQLClient, new_tenant
from tests.identity.queries import CREATE, individual


async def test_a_client_subscribes_and_unsubscribes_and_the_list_counts_it(
    cgql: GraphQLClient,
) -> None:
    client = (await cgql.data(CREATE, {"input": individual()}))["createClient"]["id"]
    newsletter = (await cgql.data(CREATE_LIST, {"name": "Newsletter"}))["createMailingList"]
    subscribed = await cgql.data(
        SET_SUBSCRIPTION, {"list": newsletter["id"], "client": client, "on": True}
    )
    assert subscribed["setMailingListSubscription"]["subscribed"] is True
    assert (await cgql.data(LISTS))["mailingLists"] == [
        {"name": "Newsletter", "subscriberCount": 1}
    ]
    await cgql.data(SET_SUBSCRIPTION, {"list": newsletter["id"], "client": client, "on": False})
    shown = (await cgql.data(LISTS_OF, {"id": client}))["client"]["communication"]
    assert shown["mailingLists"] == [{"listName": "Newsletter", "subscribed": False}]
    assert (await cgql.data(LISTS))["mailingLists"][0]["subscriberCount"] == 0

    other = GraphQLClient(cgql.system, cgql.http, new_tenant())
    theirs = await other.execute(
        SET_SUBSCRIPTION, {"list": newsletter["id"], "client": client, "on": True}
    )
    assert theirs["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
    assert (await other.data(LISTS))["mailingLists"] == []
