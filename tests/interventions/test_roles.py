"""What each role gets of field work (services/interventions/roles.py), in process: the agency
everything, a technician their own interventions and only what those name, a partner
nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from runtime.caller import Caller
from runtime.errors import PermissionDenied
from runtime.kit.files import FileStore
from runtime.store.sqlite import SqliteStore
from services.interventions import filing, maintenance, places, service, workshop
from services.interventions.models import COLLECTIONS
from services.interventions.repository import InterventionsRepository
from tests.interventions import images

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
MANAGER = Caller(TENANT, "max", "manager")
TECH_TOM = Caller(TENANT, "tom", "technician")
PARTNER = Caller(TENANT, "insurer-1", "partner")
CLIENT = "client-1"


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[InterventionsRepository]:
    store = SqliteStore(tmp_path / "interventions.sqlite3")
    await store.open(COLLECTIONS)
    try:
        yield InterventionsRepository(store)
    finally:
        await store.close()


async def _field_work(repo: InterventionsRepository) -> dict[str, str]:
    """Two of everything: one named by Tom's intervention, one by Ana's."""
    made: dict[str, str] = {}
    for who in ("tom", "ana"):
        equipment = await places.create_equipment(
            repo=repo, caller=ADVISOR, client_id=CLIENT, data={"name": f"Chaudière {who}"}
        )
        site = await places.create_worksite(
            repo=repo, caller=ADVISOR, client_id=CLIENT, data={"name": f"Chantier {who}"}
        )
        created = await service.create_intervention(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            data={
                "title": f"Visite {who}",
                "equipment_ids": [equipment["id"]],
                "worksite_id": site["id"],
            },
        )
        await service.schedule_intervention(
            repo=repo,
            caller=ADVISOR,
            intervention_id=created["id"],
            version=created["version"],
            start="2026-11-25T08:00:00.000000+00:00",
            end="2026-11-25T09:00:00.000000+00:00",
            technician_ids=[who],
        )
        made[who] = created["id"]
    await workshop.create_vehicle(
        repo=repo, caller=ADVISOR, client_id=CLIENT, data={"registration": "AB-123-CD"}
    )
    return made


async def _everything(repo: InterventionsRepository, caller: Caller) -> service.ClientInterventions:
    [answer] = await service.list_interventions(
        repo=repo,
        caller=caller,
        client_ids=[CLIENT],
        wanted={},
        include_equipment=True,
        include_worksites=True,
        include_maintenance_plans=True,
        include_workshop=True,
    )
    return answer


async def test_the_agency_sees_all_of_a_clients_field_work(repo: InterventionsRepository) -> None:
    await _field_work(repo)
    for caller in (ADVISOR, MANAGER):
        answer = await _everything(repo, caller)
        assert sorted(i["title"] for i in answer.page.rows) == ["Visite ana", "Visite tom"]
        assert len(answer.equipment) == len(answer.worksites) == 2
        assert [v["registration"] for v in answer.vehicles] == ["AB-123-CD"]


async def test_a_technician_sees_only_what_their_own_interventions_name(
    repo: InterventionsRepository,
) -> None:
    await _field_work(repo)
    answer = await _everything(repo, TECH_TOM)
    assert [i["title"] for i in answer.page.rows] == ["Visite tom"]
    assert [e["name"] for e in answer.equipment] == ["Chaudière tom"]
    assert [w["name"] for w in answer.worksites] == ["Chantier tom"]
    assert (answer.vehicles, answer.appointments) == ([], [])


async def test_a_technician_sees_a_plan_only_through_a_visit_they_are_on(
    repo: InterventionsRepository,
) -> None:
    plans = []
    for name in ("Tom's", "Ana's"):
        plan = await maintenance.create_plan(
            repo=repo,
            caller=ADVISOR,
            client_id=CLIENT,
            data={
                "name": name,
                "address_id": "a",
                "rrule": "FREQ=WEEKLY",
                "start_date": "2027-01-04",
            },
        )
        async with repo.transaction() as txn:
            await maintenance.generate_visits(txn, repo, TENANT, plan["id"], until=date(2027, 1, 4))
        plans.append(plan)
    [toms_visit] = await repo.find_visits(TENANT, [plans[0]["id"]])
    await service.schedule_intervention(
        repo=repo,
        caller=ADVISOR,
        intervention_id=toms_visit["id"],
        version=toms_visit["version"],
        start="2027-01-04T08:00:00.000000+00:00",
        end="2027-01-04T09:00:00.000000+00:00",
        technician_ids=["tom"],
    )
    shown = (await _everything(repo, TECH_TOM)).plans
    assert [(p.plan["name"], [v["id"] for v, _ in p.visits]) for p in shown] == [
        ("Tom's", [toms_visit["id"]])
    ]
    assert len((await _everything(repo, ADVISOR)).plans) == 2


async def test_a_partner_gets_nothing_of_field_work(
    repo: InterventionsRepository, tmp_path: Path
) -> None:
    made = await _field_work(repo)
    files = FileStore(tmp_path / "files")
    [equipment] = [e for e in (await _everything(repo, ADVISOR)).equipment if "tom" in e["name"]]
    with_photo = await filing.set_equipment_photo(
        repo=repo,
        files=files,
        caller=ADVISOR,
        equipment_id=equipment["id"],
        version=equipment["version"],
        photo=filing.Upload("a.jpg", images.jpeg()),
    )
    refused = [
        _everything(repo, PARTNER),
        service.get_intervention(repo=repo, caller=PARTNER, intervention_id=made["tom"]),
        service.list_my_interventions(repo=repo, caller=PARTNER),
        service.changes_since(repo=repo, caller=PARTNER),
        service.create_intervention(
            repo=repo, caller=PARTNER, client_id=CLIENT, data={"title": "x"}
        ),
        service.move_stage(
            repo=repo, caller=PARTNER, intervention_id=made["tom"], version=2, stage="started"
        ),
        service.complete_intervention(
            repo=repo, caller=PARTNER, intervention_id=made["tom"], version=2, report="x"
        ),
        places.create_equipment(repo=repo, caller=PARTNER, client_id=CLIENT, data={"name": "x"}),
        filing.get_file(
            repo=repo, files=files, caller=PARTNER, file_id=with_photo["photo"]["id"], variant=""
        ),
        workshop.create_vehicle(
            repo=repo, caller=PARTNER, client_id=CLIENT, data={"registration": "AB-123-CD"}
        ),
    ]
    for attempt in refused:
        with pytest.raises(PermissionDenied):
            await attempt
