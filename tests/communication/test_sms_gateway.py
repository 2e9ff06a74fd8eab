"""Text messages through the real gateway and processes: the service learns of the client's
communication block from identity's events and refuses the message; an allowed one reaches the
development provider and shows as sent on the file."""

from __future__ import annotations

from typing import Any

import orjson

from tests.communication.queries import (
    CAMPAIGN,
    CREATE_LIST,
    SEND_SMS,
    SET_SUBSCRIPTION,
    SMS_OF,
    START_CAMPAIGN,
)
from tests.harness import GraphQLClient
from tests.identity.queries import CREATE, individual
from tests.waiting import eventually

MOBILE = {"number": "06 12 34 56 78", "kind": "MOBILE"}


async def created(gql: GraphQLClient, **extra: object) -> str:
    body = await gql.data(CREATE, {"input": {**individual(last="Texto"), **extra}})
    client_id: str = body["createClient"]["id"]
    return client_id


async def send_once_known(gql: GraphQLClient, variables: dict[str, Any]) -> dict[str, Any]:
    """The answer to sendSms once the service has the client's copy (identity's event is
    applied a moment after the creation answered)."""

    def known(body: dict[str, Any]) -> bool:
        errors = body.get("errors") or []
        return not errors or errors[0]["extensions"]["code"] != "NOT_FOUND"

    return await eventually(
        lambda: gql.execute(SEND_SMS, variables), known, what="the client known", timeout=10
    )


async def test_a_text_to_a_client_whose_communication_is_blocked_is_refused(
    cgql: GraphQLClient,
) -> None:
    client = await created(cgql, phones=[MOBILE], flags={"communicationBlocked": True})
    body = await send_once_known(cgql, {"client": client, "text": "Hello"})
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["violations"] == [
        {"field": "clientId", "rule": "communication with this client is blocked"}
    ]
    shown = await cgql.data(SMS_OF, {"id": client})
    assert shown["client"]["communication"]["sms"] == []


async def test_a_text_reaches_the_development_provider_and_shows_as_sent(
    cgql: GraphQLClient,
) -> None:
    client = await created(cgql, phones=[MOBILE])
    body = await send_once_known(cgql, {"client": client, "text": "Rendez-vous jeudi"})
    sms = body["data"]["sendSms"]
    assert (sms["number"], sms["status"]) == ("+33612345678", "QUEUED")
    found = await eventually(
        lambda: cgql.data(SMS_OF, {"id": client}),
        lambda page: page["client"]["communication"]["sms"][0]["status"] == "SENT",
        what="the text sent",
        timeout=10,
    )
    [shown] = found["client"]["communication"]["sms"]
    assert shown["sentAt"]
    record = cgql.system.directory / "data" / "communication-sms.jsonl"
    lines = [orjson.loads(line) for line in record.read_bytes().splitlines()]
    assert {"id": sms["id"], "to": "+33612345678", "text": "Rendez-vous jeudi"} in [
        {k: line[k] for k in ("id", "to", "text")} for line in lines
    ]


async def test_a_campaign_texts_the_list_s_subscribers_and_skips_a_blocked_one(
    cgql: GraphQLClient,
) -> None:
    reachable = await created(cgql, phones=[MOBILE])
    blocked = await created(cgql, phones=[MOBILE], flags={"communicationBlocked": True})
    # Both copies have reached the service once a text to each is answered.
    await send_once_known(cgql, {"client": reachable, "text": "Bienvenue"})
    await send_once_known(cgql, {"client": blocked, "text": "Bienvenue"})
    offers = (await cgql.data(CREATE_LIST, {"name": "Offres"}))["createMailingList"]
    for client in (reachable, blocked):
        await cgql.data(SET_SUBSCRIPTION, {"list": offers["id"], "client": client, "on": True})
    started = await cgql.data(
        START_CAMPAIGN, {"list": offers["id"], "name": "Printemps", "text": "-10 %"}
    )
    campaign_id = started["startSmsCampaign"]["id"]
    found = await eventually(
        lambda: cgql.data(CAMPAIGN, {"id": campaign_id}),
        lambda page: page["smsCampaign"]["state"] == "SUCCEEDED",
        what="the campaign's end",
        timeout=10,
    )
    campaign = found["smsCampaign"]
    assert (campaign["total"], campaign["queued"], campaign["skipped"]) == (2, 1, 1)
    assert campaign["finishedAt"]
