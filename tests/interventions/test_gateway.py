"""The interventions section through the real gateway: the commands of the stage path, seed
001's filters as arguments, paging within a client, one call for a page of clients, the
technician's own interventions, tenant isolation, and the section nulled alone when the
service is down."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.gateway.traces import calls, traced
from tests.harness import (
    GraphQLClient,
    Subscription,
    System,
    new_tenant,
    wait_consumed,
    wait_outbox_published,
    wait_serving,
)
from tests.interventions.conftest import SERVICES
from tests.interventions.queries import (
    COMPLETE,
    CREATE,
    CREATE_CLIENT,
    DELETE,
    GET,
    MINE,
    MOVE,
    SCHEDULE,
    SECTION,
    UPDATE,
)
from tests.waiting import eventually


async def _client(gql: GraphQLClient, last_name: str = "Martin") -> str:
    body = await gql.data(
        CREATE_CLIENT, {"input": {"kind": "INDIVIDUAL", "firstName": "Léa", "lastName": last_name}}
    )
    created: str = body["createClient"]["id"]
    return created


async def _intervention(gql: GraphQLClient, client_id: str, **fields: Any) -> dict[str, Any]:
    body = await gql.data(
        CREATE, {"clientId": client_id, "input": {"title": "Entretien chaudière", **fields}}
    )
    created: dict[str, Any] = body["createIntervention"]
    return created


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


async def _schedule(
    gql: GraphQLClient, found: dict[str, Any], start: datetime, technicians: list[str]
) -> dict[str, Any]:
    body = await gql.data(
        SCHEDULE,
        {
            "id": found["id"],
            "version": found["version"],
            "start": _iso(start),
            "end": _iso(start + timedelta(hours=1)),
            "technicians": technicians,
        },
    )
    scheduled: dict[str, Any] = body["scheduleIntervention"]
    return scheduled


def _code(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_an_intervention_goes_from_new_to_done_with_its_report(gql: GraphQLClient) -> None:
    client_id = await _client(gql)
    created = await _intervention(gql, client_id, priority="URGENT", invoicing="TO_INVOICE")
    assert created["number"] == "INT-000001"
    assert (created["stage"], created["status"], created["priority"]) == (
        "NEW",
        "UNSCHEDULED",
        "URGENT",
    )
    assert created["latestDate"]
    assert created["quoteId"] is None
    assert created["report"] is None
    start = datetime.now(UTC) + timedelta(days=3)
    scheduled = await _schedule(gql, created, start, ["tom"])
    assert (scheduled["stage"], scheduled["status"]) == ("ASSIGNED", "UPCOMING")
    refused = await gql.execute(
        MOVE, {"id": created["id"], "version": scheduled["version"], "stage": "DONE"}
    )
    assert _code(refused) == "BAD_USER_INPUT"
    blank = await gql.execute(
        COMPLETE, {"id": created["id"], "version": scheduled["version"], "report": ""}
    )
    assert _code(blank) == "BAD_USER_INPUT"
    done = (
        await gql.data(
            COMPLETE, {"id": created["id"], "version": scheduled["version"], "report": "Fait."}
        )
    )["completeIntervention"]
    assert (done["stage"], done["status"], done["report"]) == ("DONE", "DONE", "Fait.")
    assert done["actualEnd"]
    deleting = await gql.execute(DELETE, {"id": created["id"], "version": done["version"]})
    assert _code(deleting) == "BAD_USER_INPUT"


async def test_only_the_fields_given_change_and_a_stale_version_is_a_conflict(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    created = await _intervention(gql, client_id, type="repair")
    updated = (
        await gql.data(UPDATE, {"id": created["id"], "version": 1, "input": {"quoteId": "Q-1"}})
    )["updateIntervention"]
    assert (updated["quoteId"], updated["type"], updated["version"]) == ("Q-1", "repair", 2)
    stale = await gql.execute(UPDATE, {"id": created["id"], "version": 1, "input": {"title": "x"}})
    assert _code(stale) == "CONFLICT"


async def test_the_filters_combine_in_the_client_file_and_archived_ones_are_hidden_by_default(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    late = await _intervention(gql, client_id, title="Fuite", type="repair", quoteId="Q1")
    await _schedule(gql, late, datetime.now(UTC) - timedelta(days=2), ["tom"])
    upcoming = await _intervention(
        gql, client_id, title="Ramonage", type="maintenance", invoicing="TO_INVOICE"
    )
    await _schedule(gql, upcoming, datetime.now(UTC) + timedelta(days=2), ["ana"])
    await _intervention(gql, client_id, title="Vieille", archived=True)

    async def titles(**variables: Any) -> list[str]:
        body = await gql.data(SECTION, {"id": client_id, **variables})
        return sorted(i["title"] for i in body["client"]["interventions"]["items"])

    assert await titles() == ["Fuite", "Ramonage"]
    assert await titles(archived=None) == ["Fuite", "Ramonage", "Vieille"]
    assert await titles(statuses=["LATE"]) == ["Fuite"]
    assert await titles(statuses=["LATE", "UPCOMING"], toInvoice=True) == ["Ramonage"]
    assert await titles(types=["repair"], hasQuote=True, technicianIds=["tom"]) == ["Fuite"]
    assert await titles(search="ramo") == ["Ramonage"]
    assert await titles(hasAppointment=True) == []
    bad = await gql.execute(SECTION, {"id": client_id, "from": "demain"})
    assert bad["data"]["client"]["interventions"] is None
    assert _code(bad) == "BAD_USER_INPUT"


async def test_pages_of_a_clients_interventions_follow_each_other(gql: GraphQLClient) -> None:
    client_id = await _client(gql)
    for n in range(5):
        await _intervention(gql, client_id, title=f"Visite {n}")
    seen: list[str] = []
    after = None
    while True:
        body = await gql.data(SECTION, {"id": client_id, "first": 2, "after": after})
        section = body["client"]["interventions"]
        assert section["totalCount"] == 5
        seen += [i["number"] for i in section["items"]]
        if not section["pageInfo"]["hasNextPage"]:
            break
        after = section["pageInfo"]["endCursor"]
    assert sorted(seen) == [f"INT-00000{n}" for n in range(1, 6)]


PAGE = """
query($first: Int!) { clients(first: $first) { edges { node {
  id displayName interventions(first: 3) { totalCount items { number status } }
} } } }
"""


async def test_a_page_of_clients_costs_one_interventions_call_whatever_its_size(
    gql: GraphQLClient,
) -> None:
    for n in range(30):
        client_id = await _client(gql, f"Client {n:02}")
        if n % 3 == 0:
            await _intervention(gql, client_id)
    for size in (1, 30):
        trace_id, body = await traced(gql, PAGE, {"first": size})
        assert "errors" not in body, body["errors"]
        edges = body["data"]["clients"]["edges"]
        assert len(edges) == size
        assert calls(gql, trace_id) == {
            "identity": Counter({"SearchClients": 1}),
            "interventions": Counter({"BatchListInterventions": 1}),
        }
    counts = [e["node"]["interventions"]["totalCount"] for e in edges]
    assert sum(counts) == 10


async def test_a_technician_sees_only_their_own_interventions(gql: GraphQLClient) -> None:
    client_id = await _client(gql)
    today_noon = datetime.now(UTC).replace(hour=11, minute=0, second=0, microsecond=0)
    toms = await _schedule(
        gql, await _intervention(gql, client_id, title="Tom"), today_noon, ["tom"]
    )
    anas = await _schedule(
        gql, await _intervention(gql, client_id, title="Ana"), today_noon, ["ana"]
    )
    tom = GraphQLClient(gql.system, gql.http, gql.tenant, role="technician")
    tom.headers = {"Authorization": f"Bearer {gql.system.token(gql.tenant, 'technician', 'tom')}"}
    day = today_noon.astimezone(UTC).date().isoformat()
    mine = (await tom.data(MINE, {"date": day}))["myInterventions"]
    assert [visit["intervention"]["title"] for visit in mine] == ["Tom"]
    other = await tom.execute(GET, {"id": anas["id"]})
    assert other["data"]["intervention"] is None
    assert _code(other) == "NOT_FOUND"
    moving = await tom.execute(
        MOVE, {"id": anas["id"], "version": anas["version"], "stage": "STARTED"}
    )
    assert _code(moving) == "NOT_FOUND"
    started = (
        await tom.data(MOVE, {"id": toms["id"], "version": toms["version"], "stage": "STARTED"})
    )["moveInterventionStage"]
    assert started["stage"] == "STARTED"
    assert started["actualStart"]
    section = await tom.data(SECTION, {"id": client_id})
    assert [i["title"] for i in section["client"]["interventions"]["items"]] == ["Tom"]
    creating = await tom.execute(CREATE, {"clientId": client_id, "input": {"title": "x"}})
    assert _code(creating) == "FORBIDDEN"


async def test_another_tenants_intervention_answers_like_a_missing_one(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client_id = await _client(other_gql)
    theirs = await _intervention(other_gql, client_id)
    ref = {"id": theirs["id"], "version": theirs["version"]}
    assert _code(await gql.execute(GET, {"id": theirs["id"]})) == "NOT_FOUND"
    for query, variables in (
        (UPDATE, {**ref, "input": {"title": "x"}}),
        (SCHEDULE, {**ref, "start": None, "end": None, "technicians": []}),
        (MOVE, {**ref, "stage": "CONFIRMED"}),
        (COMPLETE, {**ref, "report": "r"}),
        (DELETE, ref),
    ):
        assert _code(await gql.execute(query, variables)) == "NOT_FOUND", query
    assert _code(await gql.execute(SECTION, {"id": client_id})) == "NOT_FOUND"
    assert (await gql.data(MINE, {}))["myInterventions"] == []


ROLE_VIEW = """
query($id: ID!) { client(id: $id) { id interventions {
  items { title } equipment { name } worksites { name } vehicles { registration }
  workshopAppointments { id } maintenancePlans { name }
} } }
"""
ROLE_EVENTS = """
subscription($id: ID!) { clientEvents(clientId: $id) {
  type intervention { title } equipment { name } worksite { name }
} }
"""


def _as(gql: GraphQLClient, role: str, user: str) -> GraphQLClient:
    client = GraphQLClient(gql.system, gql.http, gql.tenant, role=role)
    client.headers = {"Authorization": f"Bearer {gql.system.token(gql.tenant, role, user)}"}
    return client


async def test_what_each_role_sees_of_the_section_and_of_its_live_events(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    system = gql.system
    async with Subscription(
        system, system.token(gql.tenant, "technician", "tom"), ROLE_EVENTS, {"id": client_id}
    ) as toms_screen:
        start = datetime.now(UTC) + timedelta(days=1)
        for who in ("ana", "tom"):
            equipment = (
                await gql.data(
                    CREATE_EQUIPMENT, {"clientId": client_id, "input": {"name": f"PAC {who}"}}
                )
            )["createEquipment"]
            site = (
                await gql.data(
                    CREATE_WORKSITE, {"clientId": client_id, "input": {"name": f"Site {who}"}}
                )
            )["createWorksite"]
            found = await _intervention(
                gql,
                client_id,
                title=f"Visite {who}",
                equipmentIds=[equipment["id"]],
                worksiteId=site["id"],
            )
            await _schedule(gql, found, start, [who])
        await gql.data(WORKSHOP, {"clientId": client_id})
        heard: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while not heard or heard[-1]["type"] != "c360.interventions.vehicle.created":
                event = (await toms_screen.next())["payload"]["data"]["clientEvents"]
                if event["type"].startswith("c360.interventions."):
                    heard.append(event)
    # Tom hears every event of the file, but sees only his own intervention in them.
    shown = [
        (e["type"].removeprefix("c360.interventions."), e["intervention"], e["equipment"])
        for e in heard
        if e["intervention"] or e["equipment"] or e["worksite"]
    ]
    assert shown == [("intervention.scheduled", {"title": "Visite tom"}, None)]
    everything = (await gql.data(ROLE_VIEW, {"id": client_id}))["client"]["interventions"]
    assert len(everything["items"]) == len(everything["equipment"]) == 2
    assert everything["vehicles"] == [{"registration": "AB-123-CD"}]
    toms = (await _as(gql, "technician", "tom").data(ROLE_VIEW, {"id": client_id}))["client"]
    assert toms["interventions"] == {
        "items": [{"title": "Visite tom"}],
        "equipment": [{"name": "PAC tom"}],
        "worksites": [{"name": "Site tom"}],
        "vehicles": [],
        "workshopAppointments": [],
        "maintenancePlans": [],
    }
    partner = await _as(gql, "partner", "insurer-1").execute(ROLE_VIEW, {"id": client_id})
    assert "errors" not in partner, partner["errors"]
    assert partner["data"]["client"] == {"id": client_id, "interventions": None}


# The section alone nulled when the service is down


@pytest.fixture(scope="module")
def own_system(tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """A system of its own: this module stops its interventions service."""
    running = System(Path(tmp_path_factory.mktemp("interventions-down")), services=SERVICES)
    running.start()
    yield running
    running.stop()


async def test_the_service_down_nulls_only_its_section(
    own_system: System, http: httpx.AsyncClient
) -> None:
    for name in own_system.services:
        await wait_serving(own_system.address(name))
    gql = GraphQLClient(own_system, http, new_tenant())
    client_id = await _client(gql)
    await _intervention(gql, client_id)
    own_system.services["interventions"].stop()
    body = await gql.execute(
        "query($id: ID!) { client(id: $id) { displayName interventions { totalCount } } }",
        {"id": client_id},
    )
    assert body["data"]["client"] == {"displayName": "Léa Martin", "interventions": None}
    [error] = body["errors"]
    assert error["path"] == ["client", "interventions"]
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["service"] == "interventions"


CREATE_EQUIPMENT = """
mutation($clientId: ID!, $input: EquipmentInput!) {
  createEquipment(clientId: $clientId, input: $input) { id name brand serial version }
}
"""
CREATE_WORKSITE = """
mutation($clientId: ID!, $input: WorksiteInput!) {
  createWorksite(clientId: $clientId, input: $input) { id name status version }
}
"""
UPDATE_WORKSITE = """
mutation($id: ID!, $version: Int!, $input: WorksiteInput!) {
  updateWorksite(id: $id, version: $version, input: $input) { id status version }
}
"""
PLACES = """
query($id: ID!) { client(id: $id) { interventions {
  totalCount items { title equipmentIds worksiteId }
  equipment { name brand serial installDate } worksites { name status }
} } }
"""


async def test_equipment_and_worksites_show_in_the_section_and_interventions_name_them(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    boiler = (
        await gql.data(
            CREATE_EQUIPMENT,
            {"clientId": client_id, "input": {"name": "Chaudière", "brand": "Viessmann"}},
        )
    )["createEquipment"]
    site = (
        await gql.data(CREATE_WORKSITE, {"clientId": client_id, "input": {"name": "Rénovation"}})
    )["createWorksite"]
    assert site["status"] == "PLANNED"
    await gql.data(
        UPDATE_WORKSITE,
        {"id": site["id"], "version": site["version"], "input": {"status": "IN_PROGRESS"}},
    )
    await _intervention(gql, client_id, equipmentIds=[boiler["id"]], worksiteId=site["id"])
    section = (await gql.data(PLACES, {"id": client_id}))["client"]["interventions"]
    assert section["equipment"] == [
        {"name": "Chaudière", "brand": "Viessmann", "serial": None, "installDate": None}
    ]
    assert section["worksites"] == [{"name": "Rénovation", "status": "IN_PROGRESS"}]
    assert section["items"] == [
        {"title": "Entretien chaudière", "equipmentIds": [boiler["id"]], "worksiteId": site["id"]}
    ]
    other = await _client(gql, "Autre")
    refused = await gql.execute(
        CREATE, {"clientId": other, "input": {"title": "x", "equipmentIds": [boiler["id"]]}}
    )
    assert _code(refused) == "BAD_USER_INPUT"


CLIENT_EVENTS = """
subscription($id: ID!) { clientEvents(clientId: $id) {
  type clientId intervention { number stage report }
} }
"""


async def test_the_interventions_events_reach_the_clients_open_screen(gql: GraphQLClient) -> None:
    client_id = await _client(gql)
    system = gql.system
    async with Subscription(
        system, system.token(gql.tenant), CLIENT_EVENTS, {"id": client_id}
    ) as screen:
        created = await _intervention(gql, client_id)
        await gql.data(COMPLETE, {"id": created["id"], "version": 1, "report": "Fait."})
        heard: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while len(heard) < 2:
                event = (await screen.next())["payload"]["data"]["clientEvents"]
                if event["type"].startswith("c360.interventions."):
                    heard.append(event)
    assert heard == [
        {
            "type": "c360.interventions.intervention.created",
            "clientId": client_id,
            "intervention": {"number": "INT-000001", "stage": "NEW", "report": None},
        },
        {
            "type": "c360.interventions.intervention.done",
            "clientId": client_id,
            "intervention": {"number": "INT-000001", "stage": "DONE", "report": "Fait."},
        },
    ]


CLIENT_WITH_ADDRESS = """
mutation($input: ClientInput!) { createClient(input: $input) { id identity { addresses { id } } } }
"""


async def test_the_technicians_day_shows_the_clients_name_memo_address_and_equipment(
    gql: GraphQLClient,
) -> None:
    created = (
        await gql.data(
            CLIENT_WITH_ADDRESS,
            {
                "input": {
                    "kind": "INDIVIDUAL",
                    "firstName": "Paul",
                    "lastName": "Durand",
                    "memo": "Code portail 1234",
                    "addresses": [{"line1": "3 rue des Lilas", "city": "Lyon"}],
                }
            },
        )
    )["createClient"]
    client_id, address_id = created["id"], created["identity"]["addresses"][0]["id"]
    boiler = (
        await gql.data(CREATE_EQUIPMENT, {"clientId": client_id, "input": {"name": "Chaudière"}})
    )["createEquipment"]
    found = await _intervention(gql, client_id, addressId=address_id, equipmentIds=[boiler["id"]])
    start = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0)
    await _schedule(gql, found, start, ["tom"])
    await wait_outbox_published(gql.system, "identity")
    await wait_consumed(gql.system.nats.url, "interventions-identity")
    tom = GraphQLClient(gql.system, gql.http, gql.tenant, role="technician")
    tom.headers = {"Authorization": f"Bearer {gql.system.token(gql.tenant, 'technician', 'tom')}"}
    [visit] = (await tom.data(MINE, {"date": start.date().isoformat()}))["myInterventions"]
    assert visit["clientName"] == "Paul Durand"
    assert visit["clientMemo"] == "Code portail 1234"
    assert visit["address"] == {"id": address_id, "city": "Lyon"}
    assert visit["equipment"] == [{"name": "Chaudière"}]


CREATE_PLAN = """
mutation($clientId: ID!, $input: MaintenancePlanInput!) {
  createMaintenancePlan(clientId: $clientId, input: $input) { id name rrule horizonDays }
}
"""
PLANS = """
query($id: ID!) { client(id: $id) { interventions { maintenancePlans {
  name nextDueDate generatedUntil visits { number dueDate colour }
} } } }
"""


async def test_a_maintenance_plans_visits_are_generated_in_the_background(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    start = datetime.now(UTC).date()
    plan = (
        await gql.data(
            CREATE_PLAN,
            {
                "clientId": client_id,
                "input": {
                    "name": "Entretien PAC",
                    "rrule": "FREQ=WEEKLY",
                    "startDate": start.isoformat(),
                    "addressId": "a1",
                    "horizonDays": 20,
                },
            },
        )
    )["createMaintenancePlan"]
    assert plan["horizonDays"] == 20
    body = await eventually(
        lambda: gql.data(PLANS, {"id": client_id}),
        lambda found: found["client"]["interventions"]["maintenancePlans"][0]["generatedUntil"],
        what="the plan's visits generated",
    )
    [shown] = body["client"]["interventions"]["maintenancePlans"]
    assert len(shown["visits"]) == 3
    assert {v["colour"] for v in shown["visits"]} == {"NOT_PLANNED"}
    assert shown["nextDueDate"] == shown["visits"][0]["dueDate"]
    refused = await gql.execute(
        CREATE_PLAN,
        {
            "clientId": client_id,
            "input": {"name": "x", "rrule": "NOPE", "startDate": "2026-01-01", "addressId": "a"},
        },
    )
    assert _code(refused) == "BAD_USER_INPUT"


UPDATE_PLAN = """
mutation($id: ID!, $version: Int!, $input: MaintenancePlanUpdateInput!) {
  updateMaintenancePlan(id: $id, version: $version, input: $input) {
    id rrule endDate version
  }
}
"""
DELETE_PLAN = """
mutation($id: ID!, $version: Int!) { deleteMaintenancePlan(id: $id, version: $version) { id } }
"""
PLAN_VERSIONS = """
query($id: ID!) { client(id: $id) { interventions(archived: null) {
  totalCount maintenancePlans { id version generatedUntil visits { dueDate } }
} } }
"""


async def test_a_maintenance_plan_is_changed_then_deleted_through_the_gateway(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    client_id = await _client(gql)
    start = datetime.now(UTC).date()
    await gql.data(
        CREATE_PLAN,
        {
            "clientId": client_id,
            "input": {
                "name": "Ramonage",
                "rrule": "FREQ=WEEKLY",
                "startDate": start.isoformat(),
                "addressId": "a1",
                "horizonDays": 20,
            },
        },
    )
    body = await eventually(
        lambda: gql.data(PLAN_VERSIONS, {"id": client_id}),
        lambda found: found["client"]["interventions"]["maintenancePlans"][0]["generatedUntil"],
        what="the plan's visits generated",
    )
    [plan] = body["client"]["interventions"]["maintenancePlans"]
    assert len(plan["visits"]) == 3
    ref = {"id": plan["id"], "version": plan["version"]}
    end = (start + timedelta(days=8)).isoformat()
    assert _code(await other_gql.execute(UPDATE_PLAN, {**ref, "input": {"endDate": end}})) == (
        "NOT_FOUND"
    )
    ended = (await gql.data(UPDATE_PLAN, {**ref, "input": {"endDate": end}}))[
        "updateMaintenancePlan"
    ]
    assert (ended["endDate"], ended["rrule"]) == (end, "FREQ=WEEKLY")
    shown = (await gql.data(PLAN_VERSIONS, {"id": client_id}))["client"]["interventions"]
    assert len(shown["maintenancePlans"][0]["visits"]) == 2
    stale = await gql.execute(DELETE_PLAN, ref)
    assert _code(stale) == "CONFLICT"
    await gql.data(DELETE_PLAN, {"id": plan["id"], "version": ended["version"]})
    gone = (await gql.data(PLAN_VERSIONS, {"id": client_id}))["client"]["interventions"]
    assert gone == {"totalCount": 0, "maintenancePlans": []}


CHANGES = """
query($since: String) { interventionChanges(since: $since) {
  changed { id title stage } removedIds cursor hasMore
} }
"""
COMPLETE_ONCE = """
mutation($id: ID!, $version: Int!, $key: String) {
  completeIntervention(id: $id, version: $version, report: "Fait hors ligne.",
                       idempotencyKey: $key) { stage version report }
}
"""


async def test_a_technicians_app_catches_up_and_sends_its_offline_report_once(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    start = datetime.now(UTC) + timedelta(days=1)
    found = await _schedule(
        gql, await _intervention(gql, client_id, title="Visite"), start, ["tom"]
    )
    tom = GraphQLClient(gql.system, gql.http, gql.tenant, role="technician")
    tom.headers = {"Authorization": f"Bearer {gql.system.token(gql.tenant, 'technician', 'tom')}"}
    first = (await tom.data(CHANGES, {}))["interventionChanges"]
    assert [c["title"] for c in first["changed"]] == ["Visite"]
    assert first["hasMore"] is False
    sent = {"id": found["id"], "version": found["version"], "key": "phone-1:7"}
    done = (await tom.data(COMPLETE_ONCE, sent))["completeIntervention"]
    again = (await tom.data(COMPLETE_ONCE, sent))["completeIntervention"]
    assert again == done
    assert done["stage"] == "DONE"
    later = (await tom.data(CHANGES, {"since": first["cursor"]}))["interventionChanges"]
    assert [c["stage"] for c in later["changed"]] == ["DONE"]
    assert later["removedIds"] == []
    assert _code(await gql.execute(CHANGES, {"since": "forged"})) == "BAD_USER_INPUT"


WORKSHOP = """
mutation($clientId: ID!) {
  createVehicle(clientId: $clientId, input: {registration: "ab-123-cd", make: "Peugeot"}) {
    id registration
  }
}
"""
BOOK = """
mutation($vehicleId: ID!, $at: DateTime!) {
  bookWorkshopAppointment(vehicleId: $vehicleId, startsAt: $at, workRequested: "Vidange") {
    id status version
  }
}
"""
MOVE_APPOINTMENT = """
mutation($id: ID!, $version: Int!) {
  setWorkshopAppointmentStatus(id: $id, version: $version, status: IN_PROGRESS) { status }
}
"""
GARAGE = """
query($id: ID!) { client(id: $id) { interventions {
  vehicles { registration make } workshopAppointments { workRequested status startsAt }
} } }
"""


async def test_the_workshop_shows_the_clients_vehicles_and_appointments(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    at = _iso(datetime.now(UTC) + timedelta(days=2))
    car = (await gql.data(WORKSHOP, {"clientId": client_id}))["createVehicle"]
    assert car["registration"] == "AB-123-CD"
    booked = (await gql.data(BOOK, {"vehicleId": car["id"], "at": at}))["bookWorkshopAppointment"]
    assert booked["status"] == "BOOKED"
    await gql.data(MOVE_APPOINTMENT, {"id": booked["id"], "version": booked["version"]})
    garage = (await gql.data(GARAGE, {"id": client_id}))["client"]["interventions"]
    assert garage["vehicles"] == [{"registration": "AB-123-CD", "make": "Peugeot"}]
    assert [(a["workRequested"], a["status"]) for a in garage["workshopAppointments"]] == [
        ("Vidange", "IN_PROGRESS")
    ]
