"""Maintenance plans over time, in process on a real SQLite store: the periodic top-up that
keeps each plan's horizon full, a plan edited (its visits to come remade), ended and deleted,
with seed 001's colours on what is left."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from client360.events.v1 import events_pb2
from runtime.caller import Caller
from runtime.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from runtime.kit.jobs import QUEUE_TENANT
from runtime.store.sqlite import SqliteStore
from services.interventions import maintenance, service
from services.interventions.models import (
    COLLECTIONS,
    TOP_UPS,
    VISITS_JOB,
    Intervention,
    MaintenancePlan,
)
from services.interventions.repository import InterventionsRepository
from services.interventions.status import Today

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
TECH_TOM = Caller(TENANT, "tom", "technician")
OTHER_ADVISOR = Caller("agency-b", "bob", "advisor")
CLIENT = "client-1"
# A Monday; weekly visits fall on Mondays.
D0 = date(2027, 1, 4)


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


async def _plan(repo: InterventionsRepository, **data: Any) -> MaintenancePlan:
    return await maintenance.create_plan(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        data={
            "name": "Entretien PAC",
            "address_id": "a1",
            "rrule": "FREQ=WEEKLY",
            "start_date": D0.isoformat(),
            **data,  # type: ignore[typeddict-item]
        },
    )


async def _run_jobs(repo: InterventionsRepository, on: date) -> int:
    """Works every queued visits job as on day ``on``; how many ran."""
    runner = maintenance.visits_runner(repo, clock=lambda: on)
    queued = await repo.jobs.queued(VISITS_JOB, limit=100)
    for job in queued:
        await runner.run_job(job["tenant"], job["id"])
    return len(queued)


async def _due_dates(repo: InterventionsRepository, plan_id: str) -> list[str]:
    return [v["due_date"] for v in await repo.find_visits(TENANT, [plan_id])]


async def _get_plan(repo: InterventionsRepository, plan_id: str) -> MaintenancePlan:
    [plan] = [p for p in await repo.find_plans(TENANT, [CLIENT]) if p["id"] == plan_id]
    return plan


async def _event_types(store: SqliteStore) -> list[str]:
    return [events_pb2.Event.FromString(e.payload).type for e in await store.pending_events(1000)]


def _day(offset: int) -> str:
    return (D0 + timedelta(days=offset)).isoformat()


async def test_the_top_up_keeps_a_plans_horizon_full_as_days_pass(
    repo: InterventionsRepository,
) -> None:
    plan = await _plan(repo, horizon_days=14)
    assert await _run_jobs(repo, D0) == 1
    assert await _due_dates(repo, plan["id"]) == [_day(0), _day(7), _day(14)]
    # The next visit (day 21) enters the 14-day horizon on day 7, not before.
    assert await maintenance.top_up(repo, on=D0 + timedelta(days=6)) == []
    [job] = await maintenance.top_up(repo, on=D0 + timedelta(days=7))
    assert job["items"] == [plan["id"]]
    # Looked at again the same day (the job not run yet): not queued twice.
    assert await maintenance.top_up(repo, on=D0 + timedelta(days=7)) == []
    assert await _run_jobs(repo, D0 + timedelta(days=7)) == 1
    assert await _due_dates(repo, plan["id"]) == [_day(0), _day(7), _day(14), _day(21)]
    assert (await _get_plan(repo, plan["id"]))["generated_until"] == _day(21)
    # A week without a look: the next look catches up in one job.
    [late] = await maintenance.top_up(repo, on=D0 + timedelta(days=30))
    await _run_jobs(repo, D0 + timedelta(days=30))
    assert (await _due_dates(repo, plan["id"]))[-3:] == [_day(28), _day(35), _day(42)]
    assert late["items"] == [plan["id"]]


async def test_the_top_up_queues_one_job_per_tenant_and_none_for_an_ended_rule(
    repo: InterventionsRepository,
) -> None:
    ours = await _plan(repo, horizon_days=7)
    theirs = await maintenance.create_plan(
        repo=repo,
        caller=OTHER_ADVISOR,
        client_id=CLIENT,
        data={"name": "x", "address_id": "a", "rrule": "FREQ=WEEKLY", "start_date": _day(0)},
    )
    finite = await _plan(repo, rrule="FREQ=WEEKLY;COUNT=2", horizon_days=30)
    await _run_jobs(repo, D0)
    jobs = await maintenance.top_up(repo, on=D0 + timedelta(days=30))
    assert sorted((j["tenant_id"], j["items"]) for j in jobs) == [
        ("agency-a", [ours["id"]]),
        ("agency-b", [theirs["id"]]),
    ]
    # The two visits of COUNT=2 are made: nothing is left to top up.
    assert await _due_dates(repo, finite["id"]) == [_day(0), _day(7)]
    assert await repo.get_record(TOP_UPS, QUEUE_TENANT, finite["id"]) is None


async def test_a_new_rule_remakes_the_visits_nobody_has_planned_and_keeps_the_others(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    plan = await _plan(repo, horizon_days=40)
    await _run_jobs(repo, D0)
    first, _, third, *_ = await repo.find_visits(TENANT, [plan["id"]])
    assert len(await _due_dates(repo, plan["id"])) == 6
    await service.complete_intervention(
        repo=repo, caller=ADVISOR, intervention_id=first["id"], version=1, report="ok"
    )
    await service.schedule_intervention(
        repo=repo,
        caller=ADVISOR,
        intervention_id=third["id"],
        version=third["version"],
        start="2027-01-18T08:00:00.000000+00:00",
        end="2027-01-18T09:00:00.000000+00:00",
        technician_ids=["tom"],
    )
    updated = await maintenance.update_plan(
        repo=repo,
        caller=ADVISOR,
        plan_id=plan["id"],
        version=await _version(repo, plan["id"]),
        changes={"rrule": "FREQ=MONTHLY", "name": "ignored"},
        paths=["rrule"],
        on=D0 + timedelta(days=1),
    )
    assert (updated["rrule"], updated["name"]) == ("FREQ=MONTHLY", "Entretien PAC")
    await _run_jobs(repo, D0 + timedelta(days=1))
    # Done (day 0) and planned (day 14) stay; the monthly rule's next day is 4 February.
    assert await _due_dates(repo, plan["id"]) == [_day(0), _day(14), "2027-02-04"]
    [answer] = await service.list_interventions(
        repo=repo,
        caller=ADVISOR,
        client_ids=[CLIENT],
        wanted={},
        include_maintenance_plans=True,
        today=Today(),
    )
    [shown] = answer.plans
    assert [c for _, c in shown.visits] == ["done", "planned", "not_planned"]
    types = await _event_types(store)
    assert types.count("c360.interventions.maintenance_plan.updated") == 1
    assert types.count("c360.interventions.intervention.deleted") == 4


async def _version(repo: InterventionsRepository, plan_id: str) -> int:
    return (await _get_plan(repo, plan_id))["version"]


async def test_an_end_date_removes_later_visits_and_stops_the_top_up(
    repo: InterventionsRepository,
) -> None:
    plan = await _plan(repo, horizon_days=30)
    await _run_jobs(repo, D0)
    assert len(await _due_dates(repo, plan["id"])) == 5
    with pytest.raises(InvalidInput) as before_start:
        await maintenance.update_plan(
            repo=repo,
            caller=ADVISOR,
            plan_id=plan["id"],
            version=await _version(repo, plan["id"]),
            changes={"end_date": _day(-1)},
            paths=["end_date"],
        )
    assert [v.field for v in before_start.value.violations] == ["endDate"]
    ended = await maintenance.update_plan(
        repo=repo,
        caller=ADVISOR,
        plan_id=plan["id"],
        version=await _version(repo, plan["id"]),
        changes={"end_date": _day(10)},
        paths=["end_date"],
        on=D0,
    )
    assert ended["end_date"] == _day(10)
    await _run_jobs(repo, D0)
    assert await _due_dates(repo, plan["id"]) == [_day(0), _day(7)]
    assert await repo.get_record(TOP_UPS, QUEUE_TENANT, plan["id"]) is None
    assert await maintenance.top_up(repo, on=D0 + timedelta(days=60)) == []


async def test_deleting_a_plan_removes_its_unplanned_visits_and_keeps_the_rest(
    store: SqliteStore, repo: InterventionsRepository
) -> None:
    plan = await _plan(repo, horizon_days=20)
    await _run_jobs(repo, D0)
    first, second, _third = await repo.find_visits(TENANT, [plan["id"]])
    await service.complete_intervention(
        repo=repo, caller=ADVISOR, intervention_id=first["id"], version=1, report="ok"
    )
    version = await _version(repo, plan["id"])
    with pytest.raises(PermissionDenied):
        await maintenance.delete_plan(
            repo=repo, caller=TECH_TOM, plan_id=plan["id"], version=version
        )
    with pytest.raises(NotFound):
        await maintenance.delete_plan(
            repo=repo, caller=OTHER_ADVISOR, plan_id=plan["id"], version=version
        )
    with pytest.raises(Conflict):
        await maintenance.delete_plan(
            repo=repo, caller=ADVISOR, plan_id=plan["id"], version=version - 1
        )
    deleted = await maintenance.delete_plan(
        repo=repo, caller=ADVISOR, plan_id=plan["id"], version=version
    )
    assert deleted["id"] == plan["id"]
    assert await repo.find_plans(TENANT, [CLIENT]) == []
    kept: list[Intervention] = await repo.find_visits(TENANT, [plan["id"]])
    assert [v["id"] for v in kept] == [first["id"]]
    assert await repo.get(TENANT, second["id"]) is None
    assert await repo.get_record(TOP_UPS, QUEUE_TENANT, plan["id"]) is None
    assert "c360.interventions.maintenance_plan.deleted" in await _event_types(store)


async def test_plans_are_edited_by_the_agency_within_its_tenant_only(
    repo: InterventionsRepository,
) -> None:
    plan = await _plan(repo)
    for caller, error in ((TECH_TOM, PermissionDenied), (OTHER_ADVISOR, NotFound)):
        with pytest.raises(error):
            await maintenance.update_plan(
                repo=repo,
                caller=caller,
                plan_id=plan["id"],
                version=plan["version"],
                changes={"name": "x"},
                paths=["name"],
            )
    with pytest.raises(InvalidInput) as bad:
        await maintenance.update_plan(
            repo=repo,
            caller=ADVISOR,
            plan_id=plan["id"],
            version=plan["version"],
            changes={"rrule": "SOMETIMES", "horizon_days": 0, "name": ""},
            paths=["rrule", "horizon_days", "name"],
        )
    assert {v.field for v in bad.value.violations} == {"name", "horizonDays"}


async def test_the_top_up_picks_up_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "restart.sqlite3"
    first_store = SqliteStore(path)
    await first_store.open(COLLECTIONS)
    repo = InterventionsRepository(first_store)
    plan = await _plan(repo, horizon_days=14)
    await _run_jobs(repo, D0)
    await first_store.close()

    # Stopped for three weeks: the first look after the restart fills the horizon again.
    second_store = SqliteStore(path)
    await second_store.open(COLLECTIONS)
    try:
        restarted = InterventionsRepository(second_store)
        back_on = D0 + timedelta(days=21)
        [job] = await maintenance.top_up(restarted, on=back_on)
        assert job["items"] == [plan["id"]]
        await _run_jobs(restarted, back_on)
        assert await _due_dates(restarted, plan["id"]) == [_day(n) for n in range(0, 36, 7)]
    finally:
        await second_store.close()
