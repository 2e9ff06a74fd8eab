"""The communication section through the real gateway: the follow-up of a client as the file
shows it, mutations and their errors, roles, tenant isolation, live events, and one call to
the service for a whole page of clients."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

from runtime.clock import today
from tests.communication.conftest import as_role
from tests.communication.queries import (
    ADD_NOTE,
    CLIENT,
    CLIENT_EVENTS,
    CREATE_ACTION,
    CREATE_TASK,
    DASHBOARD,
    EDIT_NOTE,
    LOG_ACTIVITY,
    OPEN_TICKET,
    PAGE,
    SET_ACTION_STATUS,
    SET_TASK_STATUS,
    SET_TICKET_STATUS,
    TECHNICIAN_EVENTS,
)
from tests.gateway.traces import calls, traced
from tests.harness import GraphQLClient, Subscription, new_tenant
from tests.identity.queries import CREATE, individual


async def new_client(gql: GraphQLClient, last: str = "Martin") -> str:
    created: str = (await gql.data(CREATE, {"input": individual(last=last)}))["createClient"]["id"]
    return created


async def section(gql: GraphQLClient, client_id: str, activities: int = 20) -> dict[str, Any]:
    data = await gql.data(CLIENT, {"id": client_id, "activities": activities})
    found: dict[str, Any] = data["client"]["communication"]
    return found


def violations(body: dict[str, Any]) -> list[dict[str, str]]:
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    found: list[dict[str, str]] = error["extensions"]["violations"]
    return found


async def test_the_follow_up_of_a_client_shows_on_its_file(cgql: GraphQLClient) -> None:
    client = await new_client(cgql)
    for summary, at in (("Asked for a quote", "2026-01-05T09:00:00Z"), ("Sent it", None)):
        await cgql.data(
            LOG_ACTIVITY,
            {
                "input": {
                    "clientId": client,
                    "kind": "CALL",
                    "direction": "OUTBOUND",
                    "summary": summary,
                    **({"occurredAt": at} if at else {}),
                }
            },
        )
    note = (await cgql.data(ADD_NOTE, {"client": client, "text": "Gate code 1234"}))["addMemoNote"]
    await cgql.data(EDIT_NOTE, {"id": note["id"], "version": note["version"], "text": "4321"})
    tomorrow = (today() + timedelta(days=1)).isoformat()
    await cgql.data(
        CREATE_TASK,
        {
            "input": {
                "clientId": client,
                "title": "Call back",
                "assigneeId": "alice",
                "deadline": tomorrow,
            }
        },
    )
    action = (await cgql.data(CREATE_ACTION, {"client": client, "name": "Renewal"}))["createAction"]
    await cgql.data(CREATE_ACTION, {"client": client, "name": "RIB"})
    await cgql.data(
        SET_ACTION_STATUS, {"id": action["id"], "version": action["version"], "status": "DONE"}
    )
    ticket = (await cgql.data(OPEN_TICKET, {"client": client, "subject": "Wrong address"}))[
        "openTicket"
    ]
    closed = await cgql.data(
        SET_TICKET_STATUS, {"id": ticket["id"], "version": ticket["version"], "status": "CLOSED"}
    )
    assert closed["setTicketStatus"]["closedAt"]

    shown = await section(cgql, client, activities=1)
    assert [a["summary"] for a in shown["activities"]] == ["Sent it"]
    assert shown["activities"][0]["loggedBy"] == "tester"
    [memo] = shown["memo"]
    assert (memo["text"], memo["history"]) == ("4321", [{"text": "Gate code 1234", "by": "tester"}])
    [task] = shown["tasks"]
    assert (task["status"], task["colour"]) == ("OPEN", "NEAR")
    assert [(a["name"], a["status"]) for a in shown["actions"]] == [
        ("Renewal", "DONE"),
        ("RIB", "TO_DO"),
    ]
    assert shown["actionsLeft"] == 1
    assert [t["status"] for t in shown["tickets"]] == ["CLOSED"]


async def test_a_stale_version_is_a_conflict_and_bad_input_names_every_field(
    cgql: GraphQLClient,
) -> None:
    client = await new_client(cgql)
    note = (await cgql.data(ADD_NOTE, {"client": client, "text": "v1"}))["addMemoNote"]
    await cgql.data(EDIT_NOTE, {"id": note["id"], "version": note["version"], "text": "v2"})
    stale = await cgql.execute(
        EDIT_NOTE, {"id": note["id"], "version": note["version"], "text": "v3"}
    )
    assert stale["errors"][0]["extensions"]["code"] == "CONFLICT"

    refused = await cgql.execute(
        CREATE_TASK,
        {
            "input": {
                "clientId": client,
                "title": "",
                "assigneeId": "alice",
                "deadline": "2026-02-30",
                "assigneeTimezone": "Mars/Olympus",
            }
        },
    )
    assert violations(refused) == [
        {"field": "title", "rule": "required"},
        {"field": "assigneeTimezone", "rule": "not an IANA timezone (Europe/Paris...)"},
        {"field": "deadline", "rule": "not a date in the form YYYY-MM-DD"},
    ]
    assert (await section(cgql, client))["tasks"] == []


async def test_a_technician_sees_the_memo_and_nothing_else_and_a_partner_nothing(
    cgql: GraphQLClient,
) -> None:
    client = await new_client(cgql)
    await cgql.data(ADD_NOTE, {"client": client, "text": "Dog in the garden"})
    await cgql.data(CREATE_ACTION, {"client": client, "name": "Renewal"})
    technician = as_role(cgql, "technician")
    body = await technician.execute(CLIENT, {"id": client})
    assert "errors" not in body
    shown = body["data"]["client"]["communication"]
    assert [n["text"] for n in shown["memo"]] == ["Dog in the garden"]
    assert {k: v for k, v in shown.items() if k != "memo"} == {
        "activities": None,
        "tasks": None,
        "actions": None,
        "actionsLeft": None,
        "tickets": None,
    }
    refused = await technician.execute(CREATE_ACTION, {"client": client, "name": "x"})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    partner = await as_role(cgql, "partner").execute(CLIENT, {"id": client})
    assert set(partner["data"]["client"]["communication"].values()) == {None}


async def test_another_tenant_cannot_reach_our_records(cgql: GraphQLClient) -> None:
    client = await new_client(cgql)
    note = (await cgql.data(ADD_NOTE, {"client": client, "text": "Private"}))["addMemoNote"]
    action = (await cgql.data(CREATE_ACTION, {"client": client, "name": "A"}))["createAction"]
    ticket = (await cgql.data(OPEN_TICKET, {"client": client, "subject": "S"}))["openTicket"]
    task = (
        await cgql.data(
            CREATE_TASK,
            {
                "input": {
                    "clientId": client,
                    "title": "t",
                    "assigneeId": "a",
                    "deadline": "2026-01-01",
                }
            },
        )
    )["createTask"]
    other = GraphQLClient(cgql.system, cgql.http, new_tenant())
    for query, variables in (
        (EDIT_NOTE, {"id": note["id"], "version": 1, "text": "x"}),
        (SET_ACTION_STATUS, {"id": action["id"], "version": 1, "status": "DONE"}),
        (SET_TICKET_STATUS, {"id": ticket["id"], "version": 1, "status": "CLOSED"}),
        (SET_TASK_STATUS, {"id": task["id"], "version": 1, "status": "DONE"}),
    ):
        body = await other.execute(query, variables)
        assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND"}, query
    # What they write under our client's id stays in their tenant.
    await other.data(ADD_NOTE, {"client": client, "text": "Theirs"})
    await other.data(CREATE_ACTION, {"client": client, "name": "Theirs"})
    shown = await section(cgql, client)
    assert [n["text"] for n in shown["memo"]] == ["Private"]
    assert shown["actionsLeft"] == 1
    theirs = (await other.data(DASHBOARD))["actionsDashboard"]
    assert (theirs["left"], theirs["clientsWithActionsLeft"]) == (1, 1)


async def test_the_dashboard_counts_the_agency_s_actions_across_clients(
    cgql: GraphQLClient,
) -> None:
    yesterday = (today() - timedelta(days=2)).isoformat()
    first, second = await new_client(cgql, "Un"), await new_client(cgql, "Deux")
    await cgql.data(CREATE_ACTION, {"client": first, "name": "late", "due": yesterday})
    done = (await cgql.data(CREATE_ACTION, {"client": second, "name": "x"}))["createAction"]
    await cgql.data(CREATE_ACTION, {"client": second, "name": "y"})
    await cgql.data(
        SET_ACTION_STATUS, {"id": done["id"], "version": done["version"], "status": "DONE"}
    )
    board = (await cgql.data(DASHBOARD))["actionsDashboard"]
    assert board == {
        "toDo": 2,
        "inProgress": 0,
        "done": 1,
        "cancelled": 0,
        "left": 2,
        "overdue": 1,
        "dueToday": 0,
        "clientsWithActionsLeft": 2,
    }


async def test_an_action_change_reaches_the_open_client_screen_with_the_counter(
    cgql: GraphQLClient,
) -> None:
    client = await new_client(cgql)
    system = cgql.system
    async with Subscription(
        system, system.token(cgql.tenant), CLIENT_EVENTS, {"id": client}
    ) as screen:
        await cgql.data(CREATE_ACTION, {"client": client, "name": "Renewal"})
        async with asyncio.timeout(10):
            while True:
                event = (await screen.next())["payload"]["data"]["clientEvents"]
                if event["type"] == "c360.communication.action.saved":
                    break
    assert event["clientId"] == client
    assert event["actionsLeft"] == 1
    assert event["followUpAction"] == {"name": "Renewal", "status": "TO_DO"}


async def test_a_page_of_clients_costs_one_call_to_the_communication_service(
    cgql: GraphQLClient,
) -> None:
    clients = await asyncio.gather(*(new_client(cgql, f"Page {n:02}") for n in range(12)))
    await asyncio.gather(
        *(cgql.data(CREATE_ACTION, {"client": c, "name": "Renewal"}) for c in clients)
    )
    for size in (1, 12):
        trace_id, body = await traced(cgql, PAGE, {"first": size})
        assert "errors" not in body, body["errors"]
        edges = body["data"]["clients"]["edges"]
        assert len(edges) == size
        assert all(e["node"]["communication"]["actionsLeft"] == 1 for e in edges)
        assert calls(cgql, trace_id)["communication"] == Counter({"BatchGetCommunication": 1})


async def test_a_technician_s_open_screen_hears_of_the_memo_and_nothing_else_of_the_section(
    cgql: GraphQLClient,
) -> None:
    client = await new_client(cgql)
    system = cgql.system
    token = system.token(cgql.tenant, role="technician")
    heard: dict[str, dict[str, Any]] = {}
    async with Subscription(system, token, TECHNICIAN_EVENTS, {"id": client}) as screen:
        await cgql.data(CREATE_ACTION, {"client": client, "name": "Renewal"})
        await cgql.data(ADD_NOTE, {"client": client, "text": "Dog in the garden"})
        async with asyncio.timeout(10):
            while len(heard) < 2:
                event = (await screen.next())["payload"]["data"]["clientEvents"]
                if event["type"].startswith("c360.communication."):
                    heard[event["type"]] = event
    assert heard["c360.communication.memo.saved"]["memoNote"] == {"text": "Dog in the garden"}
    action = heard["c360.communication.action.saved"]
    assert (action["followUpAction"], action["actionsLeft"]) == (None, None)
