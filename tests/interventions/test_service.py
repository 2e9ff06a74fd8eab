"""The interventions domain in process, on a real SQLite store: numbers, the stage path, seed
001's filters alone and combined, statuses around midnight in Paris, paging within a client,
the technician's own interventions, validation, events and tenant isolation."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.interventions import consumers, maintenance, places, service, workshop
from services.interventions.models import COLLECTIONS, Intervention, InterventionFilter
from services.interventions.repository import InterventionsRepository
from services.interventions.status import Today

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
TECH_TOM = Caller(TENANT, "tom", "technician")
TECH_ANA = Caller(TENANT, "ana", "technician")
OTHER_ADVISOR = Caller("agency-b", "bob", "advisor")
CLIENT = "client-1"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "interventions.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> InterventionsRepository:
    return InterventionsRepository(store)


def utc(text: str) -> str:
    """A stored instant from a readable UTC time."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat(timespec="microseconds")


async def _create(
    repo: InterventionsRepository, client_id: str = CLIENT, caller: Caller = ADVISOR, **data: object
) -> Intervention:
    return await service.create_intervention(
        repo=repo,
        caller=caller,
        client_id=client_id,
        data={"title": "Entretien", **data},  # type: ignore[typeddict-item]
    )


async def _schedule(
    repo: InterventionsRepository,
    found: Intervention,
    start: str,
    end: str,
    technicians: tuple[str, ...] = (),
) -> Intervention:
    return await service.schedule_intervention(
        repo=repo,
        caller=ADVISOR,
        intervention_id=found["id"],
        version=found["version"],
        start=utc(start),
        end=utc(end),
        technician_ids=list(technicians),
    )


async def _titles(
    repo: InterventionsRepository,
    wanted: InterventionFilter,
    *,
    caller: Caller = ADVISOR,
    today: Today | None = None,
) -> list[str]:
    [answer] = await service.list_interventions(
        repo=repo, caller=caller, client_ids=[CLIENT], wanted=wanted, today=today
    )
    return sorted(i["title"] for i in answer.page.rows)


async def _events(store: SqliteStore) -> list[str]:
    return [events_pb2.Event.FromString(e.payload).type for e in await store.pending_events(1000)]


async def test_numbers_follow_each_other_per_tenant_without_gaps(
    repo: InterventionsRepository,
) -> None:
    first = await _create(repo)
    second = await _create(repo)
    other = await _create(repo, caller=OTHER_ADVISOR)
    assert [first["number"], second["number"], other["number"]] == [
        "INT-000001",
        "INT-000002",
        "INT-000001",
    ]
    with pytest.raises(InvalidInput):
        await _create(repo, title="")
    assert (await _create(repo))["number"] == "INT-000003"


async def test_the_priority_sets_the_latest_acceptable_date(repo: InterventionsRepository) -> None:
    urgent = await _create(repo, priority="urgent")
    low = await _create(repo, priority="low")
    day = Today().day
    assert urgent["latest_date"] == day.isoformat()
    assert low["latest_date"] > urgent["latest_date"]
    given = await _create(repo, priority="low", latest_date="2030-01-31")
    assert given["latest_date"] == "2030-01-31"
    raised = await service.update_intervention(
        repo=repo,
        caller=ADVISOR,
        intervention_id=low["id"],
        version=low["version"],
        changes={"priority": "urgent"},
        paths=["priority"],
    )
    assert raised["latest_date"] == day.isoformat()


async def test_a_bad_input_is_refused_whole_naming_every_field(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await _create(
            repo,
            title=" ",
            priority="soon",
            latest_date="31/12/2026",
            equipment_ids=["e1", "e1"],
            invoicing="maybe",
        )
    assert {v.field for v in refused.value.violations} == {
        "title",
        "priority",
        "latestDate",
        "equipmentIds[1]",
        "invoicing",
    }
    assert await _events(store) == []
    [answer] = await service.list_interventions(
        repo=repo, caller=ADVISOR, client_ids=[CLIENT], wanted={}
    )
    assert answer.page.total_count == 0


async def test_a_schedule_needs_a_start_before_its_end(repo: InterventionsRepository) -> None:
    found = await _create(repo)
    with pytest.raises(InvalidInput) as refused:
        await _schedule(repo, found, "2026-12-01T10:00", "2026-12-01T09:00")
    assert [v.field for v in refused.value.violations] == ["scheduledEnd"]
    with pytest.raises(InvalidInput) as half:
        await service.schedule_intervention(
            repo=repo,
            caller=ADVISOR,
            intervention_id=found["id"],
            version=found["version"],
            start=utc("2026-12-01T10:00"),
            end="",
            technician_ids=[],
        )
    assert [v.field for v in half.value.violations] == ["scheduledEnd"]


async def test_scheduling_moves_a_new_one_to_scheduled_then_assigned(
    repo: InterventionsRepository,
) -> None:
    found = await _create(repo)
    assert found["stage"] == "new"
    scheduled = await _schedule(repo, found, "2026-12-01T09:00", "2026-12-01T10:00")
    assert scheduled["stage"] == "scheduled"
    assigned = await _schedule(repo, scheduled, "2026-12-01T09:00", "2026-12-01T10:00", ("tom",))
    assert assigned["stage"] == "assigned"
    assert assigned["technician_ids"] == ["tom"]


async def test_done_is_reached_only_by_completing_with_a_report(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    found = await _create(repo)
    with pytest.raises(InvalidInput) as moved:
        await service.move_stage(
            repo=repo, caller=ADVISOR, intervention_id=found["id"], version=1, stage="done"
        )
    assert moved.value.violations[0].field == "stage"
    with pytest.raises(InvalidInput) as blank:
        await service.complete_intervention(
            repo=repo, caller=ADVISOR, intervention_id=found["id"], version=1, report="  "
        )
    assert [v.field for v in blank.value.violations] == ["report"]
    started = await service.move_stage(
        repo=repo, caller=ADVISOR, intervention_id=found["id"], version=1, stage="started"
    )
    assert started["actual_start"]
    done = await service.complete_intervention(
        repo=repo,
        caller=ADVISOR,
        intervention_id=found["id"],
        version=started["version"],
        report="Filtre changé, brûleur réglé.",
    )
    assert (done["stage"], done["report"]) == ("done", "Filtre changé, brûleur réglé.")
    assert done["actual_end"] >= done["actual_start"]
    with pytest.raises(InvalidInput):
        await service.move_stage(
            repo=repo,
            caller=ADVISOR,
            intervention_id=found["id"],
            version=done["version"],
            stage="new",
        )
    assert await _events(store) == [
        "c360.interventions.intervention.created",
        "c360.interventions.intervention.stage_changed",
        "c360.interventions.intervention.done",
    ]


async def test_an_intervention_is_deleted_only_while_new(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    kept = await _create(repo)
    confirmed = await service.move_stage(
        repo=repo, caller=ADVISOR, intervention_id=kept["id"], version=1, stage="confirmed"
    )
    with pytest.raises(InvalidInput):
        await service.delete_intervention(
            repo=repo, caller=ADVISOR, intervention_id=kept["id"], version=confirmed["version"]
        )
    fresh = await _create(repo)
    await service.delete_intervention(
        repo=repo, caller=ADVISOR, intervention_id=fresh["id"], version=1
    )
    with pytest.raises(NotFound):
        await service.get_intervention(repo=repo, caller=ADVISOR, intervention_id=fresh["id"])
    assert (await _events(store))[-1] == "c360.interventions.intervention.deleted"


async def test_a_stale_version_is_a_conflict_and_changes_nothing(
    repo: InterventionsRepository,
) -> None:
    found = await _create(repo)
    await service.update_intervention(
        repo=repo,
        caller=ADVISOR,
        intervention_id=found["id"],
        version=1,
        changes={"title": "A"},
        paths=["title"],
    )
    with pytest.raises(Conflict):
        await service.update_intervention(
            repo=repo,
            caller=ADVISOR,
            intervention_id=found["id"],
            version=1,
            changes={"title": "B"},
            paths=["title"],
        )
    current = await service.get_intervention(repo=repo, caller=ADVISOR, intervention_id=found["id"])
    assert current["title"] == "A"


# Seed 001's filters


async def _seed_filters(repo: InterventionsRepository) -> None:
    boiler = await _create(
        repo,
        title="Chaudière en panne",
        type="repair",
        address_id="addr-1",
        quote_id="Q1",
        appointment_confirmed=True,
        invoicing="to_invoice",
    )
    await _schedule(repo, boiler, "2026-11-20T08:00", "2026-11-20T09:00", ("tom",))
    clim = await _create(repo, title="Climatisation", type="maintenance", address_id="addr-2")
    await _schedule(repo, clim, "2026-12-10T08:00", "2026-12-10T09:00", ("ana",))
    done = await _create(repo, title="Pompe à chaleur", type="maintenance", invoicing="invoiced")
    await service.complete_intervention(
        repo=repo, caller=ADVISOR, intervention_id=done["id"], version=1, report="ok"
    )
    await _create(repo, title="Archivée", archived=True)
    await _create(repo, title="Ailleurs", client_id="client-2")


AT = Today(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("wanted", "expected"),
    [
        ({"search": "chaudiere"}, ["Chaudière en panne"]),
        ({"search": "CHAUD pan"}, ["Chaudière en panne"]),
        ({"search": "INT-000002"}, ["Climatisation"]),
        ({"search": "3"}, ["Pompe à chaleur"]),
        ({"types": ["maintenance"]}, ["Climatisation", "Pompe à chaleur"]),
        ({"address_ids": ["addr-2"]}, ["Climatisation"]),
        ({"technician_ids": ["tom", "ana"]}, ["Chaudière en panne", "Climatisation"]),
        ({"archived": True}, ["Archivée"]),
        ({"statuses": ["late"]}, ["Chaudière en panne"]),
        ({"statuses": ["upcoming"]}, ["Climatisation"]),
        ({"statuses": ["done"]}, ["Pompe à chaleur"]),
        ({"statuses": ["late", "done"]}, ["Chaudière en panne", "Pompe à chaleur"]),
        ({"has_appointment": True}, ["Chaudière en panne"]),
        ({"has_quote": True}, ["Chaudière en panne"]),
        ({"to_invoice": True}, ["Chaudière en panne"]),
        ({"scheduled_from": "2026-12-01", "scheduled_to": "2026-12-31"}, ["Climatisation"]),
        ({"scheduled_to": "2026-11-20"}, ["Chaudière en panne"]),
    ],
)
async def test_each_filter_of_seed_001_alone(
    repo: InterventionsRepository, wanted: InterventionFilter, expected: list[str]
) -> None:
    await _seed_filters(repo)
    assert await _titles(repo, wanted, today=AT) == expected


async def test_filters_combine_and_a_blank_filter_lists_everything(
    repo: InterventionsRepository,
) -> None:
    await _seed_filters(repo)
    assert await _titles(repo, {}, today=AT) == [
        "Archivée",
        "Chaudière en panne",
        "Climatisation",
        "Pompe à chaleur",
    ]
    assert await _titles(
        repo,
        {
            "types": ["maintenance"],
            "archived": False,
            "statuses": ["upcoming", "done"],
            "to_invoice": False,
        },
        today=AT,
    ) == ["Climatisation", "Pompe à chaleur"]
    assert await _titles(
        repo, {"types": ["maintenance"], "has_quote": False, "technician_ids": ["ana"]}, today=AT
    ) == ["Climatisation"]
    assert await _titles(repo, {"types": ["repair"], "statuses": ["upcoming"]}, today=AT) == []


async def test_bad_filters_are_named(repo: InterventionsRepository) -> None:
    with pytest.raises(InvalidInput) as refused:
        await _titles(
            repo,
            {"statuses": ["soon"], "scheduled_from": "2026-13-01", "types": ["t"] * 51},
        )
    assert {v.field for v in refused.value.violations} == {
        "filter.statuses[0]",
        "filter.scheduledFrom",
        "filter.types",
    }


# Statuses in Paris, around midnight (Paris is UTC+1 in November)


async def test_late_today_and_upcoming_follow_the_day_in_paris(
    repo: InterventionsRepository,
) -> None:
    evening = await _create(repo, title="Evening")  # 23:15-23:45 in Paris on 25 Nov
    await _schedule(repo, evening, "2026-11-25T22:15", "2026-11-25T22:45")
    night = await _create(repo, title="Night")  # 00:30-01:00 in Paris on 26 Nov
    await _schedule(repo, night, "2026-11-25T23:30", "2026-11-26T00:00")

    at_2300_paris = Today(datetime(2026, 11, 25, 22, 0, tzinfo=UTC))
    assert await _titles(repo, {"statuses": ["today"]}, today=at_2300_paris) == ["Evening"]
    # Still the 25th in UTC, already the 26th in Paris: not today.
    assert await _titles(repo, {"statuses": ["upcoming"]}, today=at_2300_paris) == ["Night"]

    at_2350_paris = Today(datetime(2026, 11, 25, 22, 50, tzinfo=UTC))
    assert await _titles(repo, {"statuses": ["late"]}, today=at_2350_paris) == ["Evening"]
    assert await _titles(repo, {"statuses": ["upcoming"]}, today=at_2350_paris) == ["Night"]

    after_midnight_paris = Today(datetime(2026, 11, 25, 23, 10, tzinfo=UTC))
    assert await _titles(repo, {"statuses": ["today"]}, today=after_midnight_paris) == ["Night"]
    [answer] = await service.list_interventions(
        repo=repo, caller=ADVISOR, client_ids=[CLIENT], wanted={}, today=after_midnight_paris
    )
    from services.interventions.status import status_of

    assert {i["title"]: status_of(i, after_midnight_paris) for i in answer.page.rows} == {
        "Evening": "late",
        "Night": "today",
    }


async def test_an_unscheduled_one_is_late_after_its_latest_acceptable_date(
    repo: InterventionsRepository,
) -> None:
    await _create(repo, title="Due", latest_date="2026-11-25")
    assert await _titles(
        repo, {"statuses": ["unscheduled"]}, today=Today(datetime(2026, 11, 25, 22, 59, tzinfo=UTC))
    ) == ["Due"]
    # 00:01 on the 26th in Paris.
    assert await _titles(
        repo, {"statuses": ["late"]}, today=Today(datetime(2026, 11, 25, 23, 1, tzinfo=UTC))
    ) == ["Due"]


# Paging and batches


async def test_a_batch_of_clients_is_answered_in_one_call_with_pages_per_client(
    repo: InterventionsRepository,
) -> None:
    for n in range(5):
        await _create(repo, title=f"A{n}")
    await _create(repo, client_id="client-2", title="B")
    answers = await service.list_interventions(
        repo=repo, caller=ADVISOR, client_ids=[CLIENT, "client-2", "client-3"], wanted={}, first=2
    )
    assert [(a.client_id, len(a.page.rows), a.page.total_count) for a in answers] == [
        (CLIENT, 2, 5),
        ("client-2", 1, 1),
        ("client-3", 0, 0),
    ]
    seen: list[str] = []
    after = ""
    while True:
        [page] = await service.list_interventions(
            repo=repo, caller=ADVISOR, client_ids=[CLIENT], wanted={}, first=2, after=after
        )
        seen += [i["title"] for i in page.page.rows]
        if not page.page.has_next_page:
            break
        after = page.page.end_cursor
    assert sorted(seen) == ["A0", "A1", "A2", "A3", "A4"]
    assert len(seen) == 5
    with pytest.raises(InvalidInput) as other_client:
        await service.list_interventions(
            repo=repo, caller=ADVISOR, client_ids=["client-2"], wanted={}, after=after or "x"
        )
    assert other_client.value.violations[0].field == "page.after"


# The technician


async def test_a_technician_sees_and_moves_only_their_own_interventions(
    repo: InterventionsRepository,
) -> None:
    toms = await _schedule(
        repo, await _create(repo, title="Tom's"), "2026-11-25T08:00", "2026-11-25T09:00", ("tom",)
    )
    anas = await _schedule(
        repo, await _create(repo, title="Ana's"), "2026-11-25T10:00", "2026-11-25T11:00", ("ana",)
    )
    assert await _titles(repo, {}, caller=TECH_TOM) == ["Tom's"]
    with pytest.raises(NotFound):
        await service.get_intervention(repo=repo, caller=TECH_TOM, intervention_id=anas["id"])
    with pytest.raises(NotFound):
        await service.complete_intervention(
            repo=repo,
            caller=TECH_TOM,
            intervention_id=anas["id"],
            version=anas["version"],
            report="r",
        )
    moved = await service.move_stage(
        repo=repo,
        caller=TECH_TOM,
        intervention_id=toms["id"],
        version=toms["version"],
        stage="en_route",
    )
    assert moved["stage"] == "en_route"
    with pytest.raises(PermissionDenied):
        await _create(repo, caller=TECH_TOM)
    day = await service.list_my_interventions(repo=repo, caller=TECH_ANA, day="2026-11-25")
    assert [visit.intervention["title"] for visit in day] == ["Ana's"]
    assert await service.list_my_interventions(repo=repo, caller=TECH_ANA, day="2026-11-26") == []


# Tenants


async def test_another_tenants_intervention_answers_like_a_missing_one(
    repo: InterventionsRepository,
) -> None:
    theirs = await _create(repo, caller=OTHER_ADVISOR)
    some_id, version = theirs["id"], theirs["version"]
    attempts = [
        service.get_intervention(repo=repo, caller=ADVISOR, intervention_id=some_id),
        service.update_intervention(
            repo=repo,
            caller=ADVISOR,
            intervention_id=some_id,
            version=version,
            changes={"title": "x"},
            paths=["title"],
        ),
        service.schedule_intervention(
            repo=repo,
            caller=ADVISOR,
            intervention_id=some_id,
            version=version,
            start="",
            end="",
            technician_ids=[],
        ),
        service.move_stage(
            repo=repo, caller=ADVISOR, intervention_id=some_id, version=version, stage="confirmed"
        ),
        service.complete_intervention(
            repo=repo, caller=ADVISOR, intervention_id=some_id, version=version, report="r"
        ),
        service.delete_intervention(
            repo=repo, caller=ADVISOR, intervention_id=some_id, version=version
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            await attempt
    [answer] = await service.list_interventions(
        repo=repo, caller=ADVISOR, client_ids=[CLIENT], wanted={}
    )
    assert answer.page.rows == []
    assert await service.list_my_interventions(repo=repo, caller=TECH_TOM) == []


# Equipment and worksites


async def test_equipment_and_worksites_are_listed_with_the_clients_interventions(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    boiler = await places.create_equipment(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        data={"name": "Chaudière", "brand": "De Dietrich", "serial": "SN-1", "address_id": "a1"},
    )
    site = await places.create_worksite(
        repo=repo, caller=ADVISOR, client_id=CLIENT, data={"name": "Rénovation", "address_id": "a1"}
    )
    assert site["status"] == "planned"
    linked = await _create(repo, equipment_ids=[boiler["id"]], worksite_id=site["id"])
    assert linked["equipment_ids"] == [boiler["id"]]
    moved = await places.update_worksite(
        repo=repo,
        caller=ADVISOR,
        worksite_id=site["id"],
        version=site["version"],
        changes={"status": "in_progress"},
        paths=["status"],
    )
    assert moved["status"] == "in_progress"
    [answer] = await service.list_interventions(
        repo=repo,
        caller=ADVISOR,
        client_ids=[CLIENT],
        wanted={},
        include_equipment=True,
        include_worksites=True,
    )
    assert [e["name"] for e in answer.equipment] == ["Chaudière"]
    assert [w["status"] for w in answer.worksites] == ["in_progress"]
    assert (await _events(store))[:2] == [
        "c360.interventions.equipment.created",
        "c360.interventions.worksite.created",
    ]
    assert (await _events(store))[-1] == "c360.interventions.worksite.updated"


async def test_an_intervention_names_only_its_own_clients_equipment_and_worksite(
    repo: InterventionsRepository,
) -> None:
    elsewhere = await places.create_equipment(
        repo=repo, caller=ADVISOR, client_id="client-2", data={"name": "Pompe"}
    )
    theirs = await places.create_worksite(
        repo=repo, caller=OTHER_ADVISOR, client_id=CLIENT, data={"name": "Autre agence"}
    )
    with pytest.raises(InvalidInput) as refused:
        await _create(repo, equipment_ids=[elsewhere["id"], "missing"], worksite_id=theirs["id"])
    assert {v.field for v in refused.value.violations} == {
        "equipmentIds[0]",
        "equipmentIds[1]",
        "worksiteId",
    }


async def test_bad_equipment_and_worksites_are_refused_naming_each_field(
    repo: InterventionsRepository,
) -> None:
    with pytest.raises(InvalidInput) as equipment:
        await places.create_equipment(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            data={"name": "", "install_date": "2999-01-01"},
        )
    assert {v.field for v in equipment.value.violations} == {"name", "installDate"}
    with pytest.raises(InvalidInput) as worksite:
        await places.create_worksite(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            data={"name": "S", "start_date": "2026-12-10", "end_date": "2026-12-01"},
        )
    assert [v.field for v in worksite.value.violations] == ["endDate"]
    with pytest.raises(PermissionDenied):
        await places.create_equipment(
            repo=repo, caller=TECH_TOM, client_id=CLIENT, data={"name": "x"}
        )


async def test_another_tenants_equipment_and_worksite_answer_like_missing_ones(
    repo: InterventionsRepository,
) -> None:
    equipment = await places.create_equipment(
        repo=repo, caller=OTHER_ADVISOR, client_id=CLIENT, data={"name": "Pompe"}
    )
    site = await places.create_worksite(
        repo=repo, caller=OTHER_ADVISOR, client_id=CLIENT, data={"name": "S"}
    )
    with pytest.raises(NotFound):
        await places.update_equipment(
            repo=repo,
            caller=ADVISOR,
            equipment_id=equipment["id"],
            version=1,
            changes={"name": "x"},
            paths=["name"],
        )
    with pytest.raises(NotFound):
        await places.update_worksite(
            repo=repo,
            caller=ADVISOR,
            worksite_id=site["id"],
            version=1,
            changes={"name": "x"},
            paths=["name"],
        )
    [answer] = await service.list_interventions(
        repo=repo,
        caller=ADVISOR,
        client_ids=[CLIENT],
        wanted={},
        include_equipment=True,
        include_worksites=True,
    )
    assert (answer.equipment, answer.worksites) == ([], [])


# The copy of identity's clients, and the demo data it feeds


def _client_event(payload_type: Any, version: int, memo: str, tenant: str = TENANT) -> Any:
    client = identity_pb2.Client(id=CLIENT, version=version, display_name="Paul Durand", memo=memo)
    client.addresses.add(id="a1", city="Lyon", primary=True)
    return new_event(payload_type(client=client), tenant_id=tenant, key=CLIENT, actor_id="x")


async def test_the_copy_of_a_client_follows_identitys_events_and_ignores_older_ones(
    repo: InterventionsRepository,
) -> None:
    handler = consumers.IdentityEventHandler(repo)
    for event in (
        _client_event(identity_pb2.ClientCreated, 1, "v1"),
        _client_event(identity_pb2.ClientUpdated, 3, "v3"),
        _client_event(identity_pb2.ClientUpdated, 2, "v2"),
    ):
        async with repo.transaction() as txn:
            await handler(txn, event)
    [copy] = await repo.client_copies(TENANT, [CLIENT])
    assert (copy["memo"], copy["addresses"][0]["city"]) == ("v3", "Lyon")
    assert await repo.client_copies(OTHER_ADVISOR.tenant_id, [CLIENT]) == []


async def test_demo_clients_get_field_work_once_and_other_tenants_none(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    handler = consumers.IdentityEventHandler(repo, demo_tenant=TENANT)
    seeded = 0
    colours: set[str] = set()
    for n in range(12):
        client = identity_pb2.Client(id=f"demo-{n}", version=1, display_name=f"C{n}")
        event = new_event(
            identity_pb2.ClientCreated(client=client), tenant_id=TENANT, key=client.id, actor_id=""
        )
        for _ in range(2):  # a redelivered creation adds nothing
            async with repo.transaction() as txn:
                await handler(txn, event)
        [answer] = await service.list_interventions(
            repo=repo,
            caller=ADVISOR,
            client_ids=[client.id],
            wanted={"archived": None},
            include_maintenance_plans=True,
        )
        seeded += answer.page.total_count
        colours |= {c for plan in answer.plans for _, c in plan.visits}
    assert seeded > 0
    # Seed 001's three colours of maintenance visits all show.
    assert colours == {"done", "planned", "not_planned"}
    [other] = await service.list_interventions(
        repo=repo, caller=OTHER_ADVISOR, client_ids=["demo-0"], wanted={"archived": None}
    )
    assert other.page.total_count == 0


# Maintenance plans


async def _plan(repo: InterventionsRepository, **data: Any) -> Any:
    return await maintenance.create_plan(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        data={"name": "Entretien PAC", "address_id": "a1", **data},  # type: ignore[typeddict-item]
    )


async def test_visits_are_generated_across_a_month_boundary(
    repo: InterventionsRepository,
) -> None:
    plan = await _plan(repo, rrule="FREQ=MONTHLY;BYMONTHDAY=-1", start_date="2026-10-31")
    async with repo.transaction() as txn:
        made = await maintenance.generate_visits(
            txn, repo, TENANT, plan["id"], until=date(2027, 1, 15)
        )
    assert made == 3
    async with repo.transaction() as txn:
        # Topping up later adds only the days after those already made.
        assert (
            await maintenance.generate_visits(
                txn, repo, TENANT, plan["id"], until=date(2027, 2, 28)
            )
            == 2
        )
    visits = await repo.find_visits(TENANT, [plan["id"]])
    assert [v["due_date"] for v in visits] == [
        "2026-10-31",
        "2026-11-30",
        "2026-12-31",
        "2027-01-31",
        "2027-02-28",
    ]
    assert {v["type"] for v in visits} == {"maintenance"}


async def test_visit_generation_resumes_after_a_restart_without_doubles(tmp_path: Path) -> None:
    path = tmp_path / "restart.sqlite3"
    first_store = SqliteStore(path)
    await first_store.open(COLLECTIONS)
    repo = InterventionsRepository(first_store)
    start = Today().day.isoformat()
    plans = [
        await _plan(repo, rrule="FREQ=DAILY;INTERVAL=7", start_date=start, horizon_days=30)
        for _ in range(2)
    ]
    job = await maintenance.regenerate_visits(
        repo=repo, tenant_id=TENANT, plan_ids=[p["id"] for p in plans], actor_id="alice"
    )
    # The two creations queued their own jobs too; this one is worked one plan per step.
    assert not await maintenance.visits_runner(repo).step(TENANT, job["id"])
    await first_store.close()

    second_store = SqliteStore(path)
    await second_store.open(COLLECTIONS)
    try:
        restarted = InterventionsRepository(second_store)
        await maintenance.visits_runner(restarted).run_job(TENANT, job["id"])
        visits = await restarted.find_visits(TENANT, [p["id"] for p in plans])
        assert sorted(Counter(v["plan_id"] for v in visits).values()) == [5, 5]
        assert len({(v["plan_id"], v["due_date"]) for v in visits}) == 10
    finally:
        await second_store.close()


async def test_visits_show_seed_001s_colours_and_the_next_due_date(
    repo: InterventionsRepository,
) -> None:
    start = Today().day
    plan = await _plan(
        repo, rrule="FREQ=WEEKLY", start_date=(start - timedelta(days=14)).isoformat()
    )
    async with repo.transaction() as txn:
        await maintenance.generate_visits(
            txn, repo, TENANT, plan["id"], until=start + timedelta(days=7)
        )
    first, second, third, _fourth = await repo.find_visits(TENANT, [plan["id"]])
    await service.complete_intervention(
        repo=repo, caller=ADVISOR, intervention_id=first["id"], version=1, report="ok"
    )
    await service.schedule_intervention(
        repo=repo,
        caller=ADVISOR,
        intervention_id=third["id"],
        version=1,
        start=utc("2030-01-01T08:00"),
        end=utc("2030-01-01T09:00"),
        technician_ids=[],
    )
    [answer] = await service.list_interventions(
        repo=repo, caller=ADVISOR, client_ids=[CLIENT], wanted={}, include_maintenance_plans=True
    )
    [shown] = answer.plans
    assert [c for _, c in shown.visits] == ["done", "not_planned", "planned", "not_planned"]
    assert shown.next_due_date == second["due_date"]


async def test_a_bad_plan_is_refused_naming_each_field(repo: InterventionsRepository) -> None:
    with pytest.raises(InvalidInput) as refused:
        await maintenance.create_plan(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            data={"name": "", "rrule": "", "start_date": "2026-02-30", "horizon_days": 5000},
        )
    assert {v.field for v in refused.value.violations} == {
        "name",
        "equipmentId",
        "rrule",
        "startDate",
        "horizonDays",
    }
    with pytest.raises(InvalidInput) as rule:
        await _plan(repo, rrule="EVERY=SOMETIMES", start_date="2026-01-01")
    assert [v.field for v in rule.value.violations] == ["rrule"]
    with pytest.raises(PermissionDenied):
        await maintenance.create_plan(
            repo=repo, caller=TECH_TOM, client_id=CLIENT, data={"name": "x"}
        )


# Offline apps


async def test_a_report_sent_twice_with_one_idempotency_key_applies_once(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    found = await _schedule(
        repo, await _create(repo), "2026-11-25T08:00", "2026-11-25T09:00", ("tom",)
    )
    sent = {
        "repo": repo,
        "caller": TECH_TOM,
        "intervention_id": found["id"],
        "version": found["version"],
        "report": "Fait hors ligne.",
        "idempotency_key": "phone-1:report-7",
    }
    first = await service.complete_intervention(**sent)  # type: ignore[arg-type]
    again = await service.complete_intervention(**sent)  # type: ignore[arg-type]
    assert again == first
    assert (await _events(store)).count("c360.interventions.intervention.done") == 1
    with pytest.raises(InvalidInput):
        await service.complete_intervention(
            **{**sent, "version": first["version"], "idempotency_key": "other"}  # type: ignore[arg-type]
        )


async def test_the_sync_cursor_returns_exactly_the_changes_since_it(
    repo: InterventionsRepository,
) -> None:
    kept = await _schedule(
        repo, await _create(repo, title="Kept"), "2026-11-25T08:00", "2026-11-25T09:00", ("tom",)
    )
    moved_away = await _schedule(
        repo, await _create(repo, title="Moved"), "2026-11-25T10:00", "2026-11-25T11:00", ("tom",)
    )
    await _schedule(
        repo, await _create(repo, title="Ana's"), "2026-11-25T10:00", "2026-11-25T11:00", ("ana",)
    )
    first = await service.changes_since(repo=repo, caller=TECH_TOM)
    assert sorted(i["title"] for i in first.changed) == ["Kept", "Moved"]
    assert first.removed_ids == []
    nothing = await service.changes_since(repo=repo, caller=TECH_TOM, since=first.cursor)
    assert (nothing.changed, nothing.removed_ids) == ([], [])

    await _schedule(repo, moved_away, "2026-11-25T10:00", "2026-11-25T11:00", ("ana",))
    started = await service.move_stage(
        repo=repo,
        caller=TECH_TOM,
        intervention_id=kept["id"],
        version=kept["version"],
        stage="started",
    )
    later = await service.changes_since(repo=repo, caller=TECH_TOM, since=first.cursor)
    assert [i["stage"] for i in later.changed] == ["started"]
    assert later.changed[0]["version"] == started["version"]
    assert later.removed_ids == [moved_away["id"]]
    with pytest.raises(InvalidInput) as foreign:
        await service.changes_since(repo=repo, caller=TECH_ANA, since=later.cursor)
    assert foreign.value.violations[0].field == "since"
    other_tenant = Caller("agency-b", "tom", "technician")
    assert (await service.changes_since(repo=repo, caller=other_tenant)).changed == []


async def test_an_intervention_is_at_one_of_its_clients_addresses(
    repo: InterventionsRepository,
) -> None:
    async with repo.transaction() as txn:
        await consumers.IdentityEventHandler(repo)(
            txn, _client_event(identity_pb2.ClientCreated, 1, "")
        )
    assert (await _create(repo, address_id="a1"))["address_id"] == "a1"
    with pytest.raises(InvalidInput) as refused:
        await _create(repo, address_id="elsewhere")
    assert [v.field for v in refused.value.violations] == ["addressId"]


# The workshop (seed 004)


async def test_a_vehicles_workshop_appointment_goes_from_booked_to_done(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    car = await workshop.create_vehicle(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        data={"registration": "ab-123-cd", "vin": "VF1RFB00X12345678", "make": "Renault"},
    )
    assert car["registration"] == "AB-123-CD"
    booked = await workshop.book_appointment(
        repo=repo,
        caller=ADVISOR,
        vehicle_id=car["id"],
        starts_at=utc("2026-12-01T08:00"),
        work_requested="Vidange et freins",
    )
    assert booked["status"] == "booked"
    with pytest.raises(InvalidInput):
        await workshop.set_appointment_status(
            repo=repo, caller=ADVISOR, appointment_id=booked["id"], version=1, status="done"
        )
    started = await workshop.set_appointment_status(
        repo=repo, caller=ADVISOR, appointment_id=booked["id"], version=1, status="in_progress"
    )
    await workshop.set_appointment_status(
        repo=repo,
        caller=ADVISOR,
        appointment_id=booked["id"],
        version=started["version"],
        status="done",
    )
    [answer] = await service.list_interventions(
        repo=repo, caller=ADVISOR, client_ids=[CLIENT], wanted={}, include_workshop=True
    )
    assert [v["registration"] for v in answer.vehicles] == ["AB-123-CD"]
    assert [a["status"] for a in answer.appointments] == ["done"]
    assert (await _events(store)).count("c360.interventions.workshop_appointment.changed") == 3
    assert (await _events(store))[0] == "c360.interventions.vehicle.created"


async def test_bad_vehicles_are_refused_and_other_tenants_vehicles_are_missing(
    repo: InterventionsRepository,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await workshop.create_vehicle(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            data={"registration": "nope", "vin": "IOQ", "mileage_km": -1},
        )
    assert {v.field for v in refused.value.violations} == {"registration", "vin", "mileageKm"}
    theirs = await workshop.create_vehicle(
        repo=repo, caller=OTHER_ADVISOR, client_id=CLIENT, data={"registration": "AA-001-AA"}
    )
    with pytest.raises(NotFound):
        await workshop.book_appointment(
            repo=repo,
            caller=ADVISOR,
            vehicle_id=theirs["id"],
            starts_at=utc("2026-12-01T08:00"),
            work_requested="x",
        )
    booked = await workshop.book_appointment(
        repo=repo,
        caller=OTHER_ADVISOR,
        vehicle_id=theirs["id"],
        starts_at=utc("2026-12-01T08:00"),
        work_requested="x",
    )
    with pytest.raises(NotFound):
        await workshop.set_appointment_status(
            repo=repo, caller=ADVISOR, appointment_id=booked["id"], version=1, status="cancelled"
        )
