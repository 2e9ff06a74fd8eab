"""The interventions domain: record, plan, move along the stage path, complete with a report,
delete while new, and list with seed 001's filters.

Plain keyword-only functions over the repository; no gRPC here. Every function works inside
the caller's tenant only, and a technician sees and touches only the interventions they are
on: another one answers exactly like a missing one. Each write validates everything first,
then writes the change and its event in one transaction.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from runtime.caller import Caller
from runtime.clock import AGENCY_TIMEZONE
from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.common import Address
from runtime.kit.files import FileStore
from runtime.kit.paging import Page, cursor_of, decode_cursor, encode_cursor, page_size
from runtime.kit.paging import after as rows_after
from runtime.kit.updates import check_version, created_stamps, edit, touched_stamps
from runtime.kit.validators import check_date, reject_invalid
from services.interventions import (
    events,
    filing,
    maintenance,
    photos,
    places,
    roles,
    workshop,
)
from services.interventions.models import (
    ASSIGNED,
    CANCELLED,
    CONFIRMED,
    DONE,
    FILES,
    INPUT_FIELDS,
    NEW,
    OPEN_STAGES,
    PRIORITY_DELAYS,
    SCHEDULED,
    STAGES,
    STARTED,
    STATUSES,
    TO_INVOICE,
    ClientCopy,
    FileInfo,
    Intervention,
    InterventionFilter,
    InterventionInput,
    MaintenancePlan,
    Vehicle,
    WorkshopAppointment,
    Worksite,
)
from services.interventions.models import Equipment as EquipmentRecord
from services.interventions.repository import InterventionsRepository
from services.interventions.search import search_filter, search_keys
from services.interventions.status import Today, day_start, instant, status_filter
from services.interventions.validation import check_intervention, check_report, check_schedule

DEFAULT_PAGE = 20
MAX_PAGE = 200
MAX_CLIENTS = 500
MAX_FILTER_ITEMS = 50
MAX_DAY = 200
# Newest schedule first, unscheduled last; the id makes each row's place unique.
ORDER = (("scheduled_start", -1), ("number", -1), ("id", -1))
DAY_ORDER = (("scheduled_start", 1), ("id", 1))


def _listing(client_id: str) -> str:
    # A cursor moves within one client's list only.
    return f"interventions:{client_id}"


def _scope(caller: Caller) -> dict[str, Any]:
    """What the caller may see: a technician, their own interventions only."""
    if roles.is_technician(caller):
        return {"technician_ids": caller.user_id}
    return {}


def _visible(caller: Caller, found: Intervention | None) -> Intervention | None:
    """``found`` when the caller may see it (roles.py); None as for a missing one."""
    roles.require_field_role(caller)
    if found is None:
        return None
    if roles.is_technician(caller) and caller.user_id not in found.get("technician_ids", []):
        return None
    return found


def _not_technician(caller: Caller, what: str) -> None:
    roles.require_agency(caller, what)


def _latest_date(priority: str, created_at: str) -> str:
    """The last acceptable day for ``priority``, counted from the creation day in Paris."""
    created = datetime.fromisoformat(created_at).astimezone(AGENCY_TIMEZONE).date()
    return (created + timedelta(days=PRIORITY_DELAYS.get(priority, 7))).isoformat()


def _derive(intervention: Intervention) -> Intervention:
    intervention["search_keys"] = search_keys(
        intervention.get("title", ""), intervention.get("number", "")
    )
    return intervention


# Reads


@dataclass(frozen=True, slots=True)
class ClientInterventions:
    client_id: str
    page: Page[Intervention]
    equipment: list[EquipmentRecord]
    worksites: list[Worksite]
    plans: list[PlanWithVisits]
    vehicles: list[Vehicle]
    appointments: list[WorkshopAppointment]


@dataclass(frozen=True, slots=True)
class PlanWithVisits:
    plan: MaintenancePlan
    visits: list[tuple[Intervention, str]]  # each visit with its colour
    next_due_date: str


def _filter_where(wanted: InterventionFilter, today: Today) -> list[dict[str, Any]]:
    """The store conditions of seed 001's filters; every bad value is named at once."""
    violations: list[FieldViolation] = []
    where: list[dict[str, Any]] = []
    for name, field in (
        ("types", "type"),
        ("address_ids", "address_id"),
        ("technician_ids", "technician_ids"),
    ):
        values: list[str] = wanted.get(name, [])  # type: ignore[assignment]
        if len(values) > MAX_FILTER_ITEMS:
            camel = "".join(p.title() if i else p for i, p in enumerate(name.split("_")))
            violations.append(FieldViolation(f"filter.{camel}", f"at most {MAX_FILTER_ITEMS}"))
        if values:
            where.append({field: {"$in": list(values)}})
    if (query := search_filter(wanted.get("search", ""))) is not None:
        where.append(query)
    if (archived := wanted.get("archived")) is not None:
        where.append({"archived": archived})
    statuses = wanted.get("statuses", [])
    for i, status in enumerate(statuses):
        violations += STATUSES.check(status, f"filter.statuses[{i}]") or (
            [FieldViolation(f"filter.statuses[{i}]", "required")] if not status else []
        )
    if (appointment := wanted.get("has_appointment")) is not None:
        where.append({"appointment_confirmed": appointment})
    if (quote := wanted.get("has_quote")) is not None:
        where.append({"quote_id": {"$ne": ""}} if quote else {"quote_id": ""})
    if (to_invoice := wanted.get("to_invoice")) is not None:
        where.append(
            {"invoicing": TO_INVOICE} if to_invoice else {"invoicing": {"$ne": TO_INVOICE}}
        )
    first_day, last_day = wanted.get("scheduled_from", ""), wanted.get("scheduled_to", "")
    violations += check_date(first_day, "filter.scheduledFrom")
    violations += check_date(last_day, "filter.scheduledTo")
    reject_invalid(violations)
    if statuses:
        where.append({"$or": [status_filter(s, today) for s in dict.fromkeys(statuses)]})
    if first_day and last_day and last_day < first_day:
        reject_invalid([FieldViolation("filter.scheduledTo", "must not be before scheduledFrom")])
    if first_day:
        where.append({"scheduled_end": {"$gte": day_start(date.fromisoformat(first_day))}})
    if last_day:
        end = day_start(date.fromisoformat(last_day) + timedelta(days=1))
        where.append(
            {"$and": [{"scheduled_start": {"$ne": ""}}, {"scheduled_start": {"$lt": end}}]}
        )
    return where


async def list_interventions(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    client_ids: Sequence[str],
    wanted: InterventionFilter,
    first: int = 0,
    after: str = "",
    today: Today | None = None,
    include_equipment: bool = False,
    include_worksites: bool = False,
    include_maintenance_plans: bool = False,
    include_workshop: bool = False,
) -> list[ClientInterventions]:
    """A page of each client's interventions matching ``wanted``, with their cursors and
    counts (``after`` pages within one client only), and when asked each client's equipment
    and worksites. A technician gets their own interventions and, of the rest, only what
    those name (roles.py)."""
    roles.require_field_role(caller)
    technician = roles.is_technician(caller)
    today = today or Today()
    size = page_size(first, default=DEFAULT_PAGE, maximum=MAX_PAGE, field="page.first")
    ids = list(dict.fromkeys(client_ids))
    if len(ids) > MAX_CLIENTS:
        raise InvalidInput(FieldViolation("clientIds", f"at most {MAX_CLIENTS}"))
    if after and len(ids) != 1:
        raise InvalidInput(FieldViolation("page.after", "pages within one client: give one id"))
    base = [*_filter_where(wanted, today), *([_scope(caller)] if _scope(caller) else [])]
    # What a technician's own interventions name: the equipment and worksites they see.
    named: set[str] = set()
    if technician and (include_equipment or include_worksites):
        for own in await repo.find(
            caller.tenant_id, {"$and": [{"client_id": {"$in": ids}}, _scope(caller)]}
        ):
            named.update(own.get("equipment_ids", []))
            named.add(own.get("worksite_id", ""))
    equipment: dict[str, list[EquipmentRecord]] = {}
    worksites: dict[str, list[Worksite]] = {}
    if include_equipment:
        for item in await repo.find_equipment(caller.tenant_id, ids):
            if not technician or item["id"] in named:
                equipment.setdefault(item["client_id"], []).append(item)
    if include_worksites:
        for site in await repo.find_worksites(caller.tenant_id, ids):
            if not technician or site["id"] in named:
                worksites.setdefault(site["client_id"], []).append(site)
    plans: dict[str, list[PlanWithVisits]] = {}
    if include_maintenance_plans:
        for plan in await maintenance_plans(repo, caller, ids, today):
            if not technician or plan.visits:
                plans.setdefault(plan.plan["client_id"], []).append(plan)
    vehicles: dict[str, list[Vehicle]] = {}
    appointments: dict[str, list[WorkshopAppointment]] = {}
    # The workshop is the agency's, not a technician's.
    if include_workshop and not technician:
        found_vehicles, found_appointments = await workshop.for_clients(repo, caller.tenant_id, ids)
        for vehicle in found_vehicles:
            vehicles.setdefault(vehicle["client_id"], []).append(vehicle)
        for appointment in found_appointments:
            appointments.setdefault(appointment["client_id"], []).append(appointment)
    answers: list[ClientInterventions] = []
    for client_id in ids:
        listing = _listing(client_id)
        where: dict[str, Any] = {"$and": [{"client_id": client_id}, *base]}
        rows_where = where
        if after:
            keys = decode_cursor(after, listing=listing, arity=len(ORDER), field="page.after")
            rows_where = {"$and": [where, rows_after(ORDER, keys)]}
        rows = await repo.find(caller.tenant_id, rows_where, sort=ORDER, limit=size + 1)
        shown = rows[:size]
        total = await repo.count(caller.tenant_id, where)
        page = Page(
            rows=shown,
            cursors=[cursor_of(r, ORDER, listing=listing) for r in shown],
            has_next_page=len(rows) > size,
            total_count=total,
        )
        answers.append(
            ClientInterventions(
                client_id,
                page,
                equipment.get(client_id, []),
                worksites.get(client_id, []),
                plans.get(client_id, []),
                vehicles.get(client_id, []),
                appointments.get(client_id, []),
            )
        )
    return answers


@dataclass(frozen=True, slots=True)
class TechnicianVisit:
    """One stop of a technician's day, with what they need on site."""

    intervention: Intervention
    client: ClientCopy | None
    address: Address | None
    equipment: list[EquipmentRecord]


async def maintenance_plans(
    repo: InterventionsRepository, caller: Caller, client_ids: Sequence[str], today: Today
) -> list[PlanWithVisits]:
    """The clients' plans, each with its visits coloured and its next due date (a technician
    sees the visits they are on only)."""
    found = await repo.find_plans(caller.tenant_id, client_ids)
    visits: dict[str, list[Intervention]] = {}
    for visit in await repo.find_visits(caller.tenant_id, [p["id"] for p in found]):
        if _visible(caller, visit) is not None:
            visits.setdefault(visit.get("plan_id", ""), []).append(visit)
    out: list[PlanWithVisits] = []
    for plan in found:
        mine = visits.get(plan["id"], [])
        coloured = [(v, c) for v in mine if (c := maintenance.colour(v))]
        out.append(PlanWithVisits(plan, coloured, maintenance.next_due_date(plan, mine, today.day)))
    return out


async def list_my_interventions(
    *, repo: InterventionsRepository, caller: Caller, day: str = ""
) -> list[TechnicianVisit]:
    """The caller's own interventions scheduled on ``day`` (Paris; today when blank), in the
    order of the day, each with its client's name, memo and address (the copy of identity's)
    and its equipment."""
    roles.require_field_role(caller)
    reject_invalid(check_date(day, "date"))
    wanted = date.fromisoformat(day) if day else Today().day
    where = {
        "$and": [
            {"technician_ids": caller.user_id},
            {"scheduled_end": {"$gte": day_start(wanted)}},
            {"scheduled_start": {"$ne": ""}},
            {"scheduled_start": {"$lt": day_start(wanted + timedelta(days=1))}},
        ]
    }
    found = await repo.find(caller.tenant_id, where, sort=DAY_ORDER, limit=MAX_DAY)
    clients = {
        c["id"]: c
        for c in await repo.client_copies(caller.tenant_id, list({i["client_id"] for i in found}))
    }
    equipment = {
        e["id"]: e
        for e in await repo.find_equipment_ids(
            caller.tenant_id, list({e for i in found for e in i.get("equipment_ids", [])})
        )
    }
    visits: list[TechnicianVisit] = []
    for intervention in found:
        client = clients.get(intervention["client_id"])
        address_id = intervention.get("address_id", "")
        address = next(
            (
                a
                for a in (client or {}).get("addresses", [])
                if address_id and a.get("id") == address_id
            ),
            None,
        )
        visits.append(
            TechnicianVisit(
                intervention,
                client,
                address,
                [equipment[e] for e in intervention.get("equipment_ids", []) if e in equipment],
            )
        )
    return visits


async def get_intervention(
    *, repo: InterventionsRepository, caller: Caller, intervention_id: str
) -> Intervention:
    found = _visible(caller, await repo.get(caller.tenant_id, intervention_id))
    if found is None:
        raise NotFound(f"intervention {intervention_id} not found")
    return found


# Writes


async def create_intervention(
    *, repo: InterventionsRepository, caller: Caller, client_id: str, data: InterventionInput
) -> Intervention:
    _not_technician(caller, "create an intervention")
    audit = created_stamps(caller.user_id)
    intervention: Intervention = {
        "title": "",
        "type": "",
        "description": "",
        "address_id": "",
        "equipment_ids": [],
        "latest_date": "",
        "appointment_confirmed": False,
        "quote_id": "",
        "invoicing": "",
        "archived": False,
        "worksite_id": "",
        **copy.deepcopy(data),  # type: ignore[typeddict-item]
    }
    intervention["priority"] = intervention.get("priority") or "normal"
    violations = check_intervention(intervention)
    if not client_id.strip():
        violations.insert(0, FieldViolation("clientId", "required"))
    reject_invalid(violations)
    if not intervention.get("latest_date"):
        intervention["latest_date"] = _latest_date(intervention["priority"], audit["created_at"])
    intervention.update(
        {
            "id": new_id(),
            "client_id": client_id,
            "technician_ids": [],
            "scheduled_start": "",
            "scheduled_end": "",
            "actual_start": "",
            "actual_end": "",
            "stage": NEW,
            "report": "",
            "audit": audit,
        }
    )
    async with repo.transaction() as txn:
        reject_invalid(await places.check_links(repo, txn, caller.tenant_id, intervention))
        intervention["number"] = await repo.next_number(txn, caller.tenant_id)
        stored = await repo.insert(txn, caller.tenant_id, _derive(intervention))
        await events.intervention_event(txn, events.CREATED, caller, stored)
        await repo.log_change(txn, caller.tenant_id, None, stored)
    return stored


async def update_intervention(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    intervention_id: str,
    version: int,
    changes: InterventionInput,
    paths: Sequence[str],
) -> Intervention:
    """The fields ``paths`` names take their values from ``changes``; a new priority moves the
    latest acceptable date unless the same change gives one."""
    _not_technician(caller, "change an intervention's details")
    async with repo.transaction() as txn:
        current = await repo.get_for_update(txn, caller.tenant_id, intervention_id)
        change = edit(
            current,
            what="intervention",
            record_id=intervention_id,
            version=version,
            changes=changes,
            paths=paths,
            writable=INPUT_FIELDS,
            check=check_intervention,
        )
        updated, changed = change.record, list(change.changed)
        if not changed:
            return updated
        reject_invalid(await places.check_links(repo, txn, caller.tenant_id, updated))
        if "priority" in changed and "latest_date" not in paths:
            created_at = (
                updated.get("audit", {}).get("created_at")
                or touched_stamps(None, caller.user_id)["updated_at"]
            )
            updated["latest_date"] = _latest_date(updated.get("priority", ""), created_at)
            if current is not None and updated["latest_date"] != current.get("latest_date"):
                changed.append("latest_date")
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace(
            txn, caller.tenant_id, _derive(updated), expected_version=version
        )
        await events.intervention_updated(txn, caller, stored, changed)
        await repo.log_change(txn, caller.tenant_id, current, stored)
    return stored


async def schedule_intervention(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    intervention_id: str,
    version: int,
    start: str,
    end: str,
    technician_ids: Sequence[str],
) -> Intervention:
    """A start, an end and technicians (or neither, out of the planning): a new or confirmed
    one becomes scheduled, assigned once it has technicians."""
    _not_technician(caller, "plan an intervention")
    reject_invalid(check_schedule(start, end, technician_ids))
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_for_update(txn, caller.tenant_id, intervention_id),
            version=version,
            what="intervention",
            record_id=intervention_id,
        )
        stage = current.get("stage", NEW)
        if stage not in OPEN_STAGES:
            raise InvalidInput(FieldViolation("id", f"a {stage} intervention is no longer planned"))
        updated = copy.deepcopy(current)
        updated.update(
            {"scheduled_start": start, "scheduled_end": end, "technician_ids": list(technician_ids)}
        )
        if start and stage in (NEW, CONFIRMED, SCHEDULED, ASSIGNED):
            updated["stage"] = ASSIGNED if technician_ids else SCHEDULED
        elif not start and stage in (SCHEDULED, ASSIGNED):
            updated["stage"] = CONFIRMED
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace(txn, caller.tenant_id, updated, expected_version=version)
        await events.intervention_event(txn, events.SCHEDULED, caller, stored)
        await repo.log_change(txn, caller.tenant_id, current, stored)
    return stored


async def move_stage(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    intervention_id: str,
    version: int,
    stage: str,
) -> Intervention:
    """Along the stage path: any stage but DONE (completeIntervention, with its report);
    nothing leaves DONE; CANCELLED goes back to NEW only. STARTED records the actual start."""
    reject_invalid(
        STAGES.check(stage, "stage") or ([FieldViolation("stage", "required")] if not stage else [])
    )
    if stage == DONE:
        raise InvalidInput(
            FieldViolation("stage", "DONE is reached only by completing it with a report")
        )
    async with repo.transaction() as txn:
        current = check_version(
            _visible(caller, await repo.get_for_update(txn, caller.tenant_id, intervention_id)),
            version=version,
            what="intervention",
            record_id=intervention_id,
        )
        previous = current.get("stage", NEW)
        if previous == stage:
            return current
        if previous == DONE:
            raise InvalidInput(FieldViolation("stage", "a done intervention keeps its stage"))
        if previous == CANCELLED and stage != NEW:
            raise InvalidInput(
                FieldViolation("stage", "a cancelled intervention goes back to NEW only")
            )
        updated = copy.deepcopy(current)
        updated["stage"] = stage
        if stage == STARTED and not updated.get("actual_start"):
            updated["actual_start"] = instant(datetime.now(AGENCY_TIMEZONE))
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace(txn, caller.tenant_id, updated, expected_version=version)
        await events.stage_changed(txn, caller, stored, previous)
        await repo.log_change(txn, caller.tenant_id, current, stored)
    return stored


async def complete_intervention(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    intervention_id: str,
    version: int,
    report: str,
    idempotency_key: str = "",
    signature: filing.Upload | None = None,
    report_photos: Sequence[filing.Upload] = (),
    files: FileStore | None = None,
) -> Intervention:
    """DONE with its report (text, and optionally a signature and photos, checked and stored
    with their thumbnails); the actual end is now unless recorded before. A report sent again
    with the key it was applied with answers the intervention as it is (an offline app
    resending it), whatever the version: its images are not added twice."""
    violations = check_report(report)
    if len(report_photos) > photos.MAX_REPORT_PHOTOS:
        violations.append(FieldViolation("photos", f"at most {photos.MAX_REPORT_PHOTOS}"))
    uploads = [
        *([(signature, "signature", photos.MAX_SIGNATURE_BYTES, "signature")] if signature else []),
        *(
            (upload, f"photos[{i}]", photos.MAX_PHOTO_BYTES, f"photo-{i + 1}")
            for i, upload in enumerate(report_photos[: photos.MAX_REPORT_PHOTOS])
        ),
    ]
    images, refused = await filing.checked_images(uploads) if uploads else ([], [])
    reject_invalid([*violations, *refused])
    records: list[dict[str, Any]] = []
    if images:
        if files is None:
            raise InvalidInput(FieldViolation("photos", "this service keeps no files"))
        current = _visible(caller, await repo.get(caller.tenant_id, intervention_id))
        if current is None:
            raise NotFound(f"intervention {intervention_id} not found")
        records = await filing.stored_images(
            files,
            caller.tenant_id,
            images,
            client_id=current["client_id"],
            holder=photos.REPORT_PHOTO,
            holder_id=intervention_id,
        )
        if signature is not None:
            records[0]["holder"] = photos.SIGNATURE
    async with repo.transaction() as txn:
        found = _visible(caller, await repo.get_for_update(txn, caller.tenant_id, intervention_id))
        if found is not None and idempotency_key and found.get("report_key") == idempotency_key:
            return found
        current = check_version(
            found, version=version, what="intervention", record_id=intervention_id
        )
        if current.get("stage") not in OPEN_STAGES:
            raise InvalidInput(
                FieldViolation("id", f"a {current.get('stage')} intervention cannot be completed")
            )
        now = instant(datetime.now(AGENCY_TIMEZONE))
        updated = copy.deepcopy(current)
        updated.update(
            {
                "stage": DONE,
                "report": report,
                "report_key": idempotency_key,
                "actual_start": updated.get("actual_start") or now,
                "actual_end": updated.get("actual_end") or now,
            }
        )
        for record in records:
            await repo.insert_record(txn, FILES, caller.tenant_id, record)
        if signature is not None:
            updated["signature"] = cast(FileInfo, photos.file_info(records[0]))
        shots = records[1:] if signature is not None else records
        if shots:
            updated["report_photos"] = [cast(FileInfo, photos.file_info(r)) for r in shots]
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace(txn, caller.tenant_id, updated, expected_version=version)
        await events.intervention_event(txn, events.DONE, caller, stored)
        await repo.log_change(txn, caller.tenant_id, current, stored)
    return stored


async def delete_intervention(
    *, repo: InterventionsRepository, caller: Caller, intervention_id: str, version: int
) -> Intervention:
    """Deleted for good, only while NEW (later, it is cancelled); returns it as it was."""
    _not_technician(caller, "delete an intervention")
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_for_update(txn, caller.tenant_id, intervention_id),
            version=version,
            what="intervention",
            record_id=intervention_id,
        )
        if current.get("stage") != NEW:
            raise InvalidInput(
                FieldViolation("id", "only a NEW intervention may be deleted; cancel it instead")
            )
        await repo.delete(txn, caller.tenant_id, intervention_id)
        await events.intervention_event(txn, events.DELETED, caller, current)
        await repo.log_change(txn, caller.tenant_id, current, current, deleted=True)
    return current


# The offline apps' sync

MAX_CHANGES = 500


def _changes_listing(caller: Caller) -> str:
    # A cursor is the caller's own: another user's is refused.
    return f"interventions.changes:{caller.user_id}"


@dataclass(frozen=True, slots=True)
class Changes:
    changed: list[Intervention]
    removed_ids: list[str]
    cursor: str
    has_more: bool


async def changes_since(
    *, repo: InterventionsRepository, caller: Caller, since: str = ""
) -> Changes:
    """What changed for the caller since ``since``: the interventions they are on as they are
    now, and those they must drop (deleted, or no longer theirs), with the next cursor."""
    roles.require_field_role(caller)
    listing = _changes_listing(caller)
    seq = 0
    if since:
        [key] = decode_cursor(since, listing=listing, arity=1, field="since")
        seq = int(key or 0)
    entries = await repo.changes_since(caller.tenant_id, caller.user_id, seq, MAX_CHANGES + 1)
    shown = entries[:MAX_CHANGES]
    latest: dict[str, dict[str, Any]] = {}
    for entry in shown:
        latest.pop(entry["intervention_id"], None)
        latest[entry["intervention_id"]] = entry
    kept = [i for i, e in latest.items() if caller.user_id in e.get("holders", [])]
    found = {i["id"]: i for i in await repo.get_many(caller.tenant_id, kept)}
    changed = [found[i] for i in kept if i in found and _visible(caller, found[i])]
    removed = [i for i in latest if i not in {c["id"] for c in changed}]
    last = shown[-1]["seq"] if shown else seq
    return Changes(
        changed=changed,
        removed_ids=removed,
        cursor=encode_cursor([last], listing=listing),
        has_more=len(entries) > MAX_CHANGES,
    )
