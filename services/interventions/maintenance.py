"""Maintenance plans: a recurrence (RFC 5545 RRULE, read with python-dateutil) of visits to an
equipment or an address. Visits are interventions generated ahead over the plan's horizon by
the runtime's durable job runner, one plan per chunk, so that generation resumes after a
restart without a visit made twice. Seed 001's colours and the next due date are computed at
read time.

The horizon stays full: each generation records in TOP_UPS (under the runner's queue
tenant, so one look finds every tenant's plans) the day the plan's next visit enters its
horizon; a periodic top-up (``top_up_loop``, at start and then hourly) queues a job for the
plans whose day has come. A plan edited anew remakes its visits to come that are not done and
not yet scheduled; an end date removes those after it; a deleted plan takes them with it."""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Final, cast

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

from runtime.caller import Caller
from runtime.clock import today
from runtime.errors import FieldViolation
from runtime.ids import new_id
from runtime.kit.jobs import QUEUE_TENANT, Job, JobRunner
from runtime.kit.updates import check_version, created_stamps, edit, touched_stamps
from runtime.kit.validators import check_date, reject_invalid
from runtime.store import Transaction
from services.interventions import events, roles
from services.interventions.models import (
    CANCELLED,
    CONFIRMED,
    DONE,
    INTERVENTIONS,
    MAINTENANCE_PLANS,
    NEW,
    TOP_UPS,
    VISITS_JOB,
    Intervention,
    MaintenancePlan,
    MaintenancePlanInput,
)
from services.interventions.repository import InterventionsRepository
from services.interventions.search import search_keys

DEFAULT_HORIZON = 90
MAX_HORIZON = 730
# A rule that would make more visits than this over its horizon is refused.
MAX_VISITS = 400
# How often the top-up looks for plans whose horizon has a new visit to take.
TOP_UP_SECONDS: Final = 3600.0
# Changes that reshape the visits to come.
RESHAPING: Final = ("rrule", "start_date")
PLAN_FIELDS: Final = tuple(MaintenancePlanInput.__annotations__)
# Far enough to find a yearly rule's next day.
LOOK_AHEAD: Final = timedelta(days=3660)

log = logging.getLogger(__name__)


def occurrences(rule: str, start: date, after: date | None, until: date) -> list[date]:
    """The rule's days from ``start`` (after ``after`` when given) up to ``until``."""
    recurrence = rrulestr(rule, dtstart=datetime.combine(start, datetime.min.time()))
    begin = datetime.combine(after + timedelta(days=1) if after else start, datetime.min.time())
    end = datetime.combine(until, datetime.max.time())
    return [moment.date() for moment in recurrence.between(begin, end, inc=True)]


def check_plan(plan: MaintenancePlanInput) -> list[FieldViolation]:
    out: list[FieldViolation] = []
    if not plan.get("name", "").strip():
        out.append(FieldViolation("name", "required"))
    if not plan.get("equipment_id") and not plan.get("address_id"):
        out.append(FieldViolation("equipmentId", "an equipment or an address is required"))
    start = plan.get("start_date", "")
    out += check_date(start, "startDate") or (
        [FieldViolation("startDate", "required")] if not start else []
    )
    horizon = plan.get("horizon_days", DEFAULT_HORIZON)
    if not 1 <= horizon <= MAX_HORIZON:
        out.append(FieldViolation("horizonDays", f"must be between 1 and {MAX_HORIZON}"))
    end = plan.get("end_date", "")
    out += check_date(end, "endDate")
    if end and start and not out and end < start:
        out.append(FieldViolation("endDate", "must not be before startDate"))
    rule = plan.get("rrule", "")
    if not rule.strip():
        out.append(FieldViolation("rrule", "required"))
    elif not out:
        try:
            first = date.fromisoformat(start)
            many = occurrences(rule, first, None, first + timedelta(days=horizon))
        except (ValueError, TypeError):
            out.append(FieldViolation("rrule", "not an RFC 5545 RRULE (e.g. FREQ=MONTHLY)"))
        else:
            if len(many) > MAX_VISITS:
                out.append(
                    FieldViolation("rrule", f"more than {MAX_VISITS} visits over the horizon")
                )
    return out


async def create_plan(
    *, repo: InterventionsRepository, caller: Caller, client_id: str, data: MaintenancePlanInput
) -> MaintenancePlan:
    """The plan, and a job that generates its visits (the caller wakes the runner)."""
    roles.require_agency(caller, "plan maintenance")
    plan: MaintenancePlan = {
        "name": "",
        "equipment_id": "",
        "address_id": "",
        "rrule": "",
        "start_date": "",
        "end_date": "",
        **data,  # type: ignore[typeddict-item]
    }
    plan["horizon_days"] = plan.get("horizon_days") or DEFAULT_HORIZON
    violations = check_plan(plan)
    if not client_id.strip():
        violations.insert(0, FieldViolation("clientId", "required"))
    reject_invalid(violations)
    plan.update(
        {
            "id": new_id(),
            "client_id": client_id,
            "generated_until": "",
            "audit": created_stamps(caller.user_id),
        }
    )
    async with repo.transaction() as txn:
        stored = await repo.insert_record(txn, MAINTENANCE_PLANS, caller.tenant_id, dict(plan))
        await events.plan_created(txn, caller, stored)  # type: ignore[arg-type]
        await repo.jobs.submit(
            txn,
            caller.tenant_id,
            kind=VISITS_JOB,
            items=[stored["id"]],
            requested_by=caller.user_id,
        )
    return stored  # type: ignore[return-value]


async def regenerate_visits(
    *, repo: InterventionsRepository, tenant_id: str, plan_ids: Sequence[str], actor_id: str
) -> Job:
    """A job topping up the visits of ``plan_ids`` to their horizons from today."""
    async with repo.transaction() as txn:
        return await repo.jobs.submit(
            txn, tenant_id, kind=VISITS_JOB, items=list(plan_ids), requested_by=actor_id
        )


async def generate_visits(
    txn: Transaction,
    repo: InterventionsRepository,
    tenant_id: str,
    plan_id: str,
    *,
    until: date | None = None,
    on: date | None = None,
) -> int:
    """The plan's visits from where it stopped up to its horizon (from ``on``, today by
    default) or ``until``, in ``txn``; then the day its next visit enters the horizon."""
    found = await repo.get_record_for_update(txn, MAINTENANCE_PLANS, tenant_id, plan_id)
    if found is None:
        return 0
    plan: MaintenancePlan = found  # type: ignore[assignment]
    horizon = timedelta(days=plan.get("horizon_days", DEFAULT_HORIZON))
    horizon_end = until or (on or today()) + horizon
    if plan.get("end_date"):
        horizon_end = min(horizon_end, date.fromisoformat(plan["end_date"]))
    done_until = plan.get("generated_until", "")
    days = occurrences(
        plan["rrule"],
        date.fromisoformat(plan["start_date"]),
        date.fromisoformat(done_until) if done_until else None,
        horizon_end,
    )
    caller = Caller(tenant_id, plan.get("audit", {}).get("created_by", ""), "admin")
    for day in days:
        number = await repo.next_number(txn, tenant_id)
        visit: Intervention = {
            "id": new_id(),
            "client_id": plan["client_id"],
            "number": number,
            "title": plan["name"],
            "type": "maintenance",
            "description": "",
            "address_id": plan.get("address_id", ""),
            "equipment_ids": [plan["equipment_id"]] if plan.get("equipment_id") else [],
            "technician_ids": [],
            "scheduled_start": "",
            "scheduled_end": "",
            "actual_start": "",
            "actual_end": "",
            "priority": "normal",
            "latest_date": day.isoformat(),
            "appointment_confirmed": False,
            "quote_id": "",
            "invoicing": "",
            "archived": False,
            "worksite_id": "",
            "stage": NEW,
            "report": "",
            "plan_id": plan_id,
            "due_date": day.isoformat(),
            "search_keys": search_keys(plan["name"], number),
            "audit": created_stamps(caller.user_id),
        }
        stored = await repo.insert(txn, tenant_id, visit)
        await events.intervention_event(txn, events.CREATED, caller, stored)
    if horizon_end.isoformat() > done_until:
        plan = cast(
            MaintenancePlan,
            await repo.replace_record(
                txn,
                MAINTENANCE_PLANS,
                tenant_id,
                {**plan, "generated_until": horizon_end.isoformat()},
                expected_version=plan["version"],
            ),
        )
    await _schedule_top_up(txn, tenant_id, plan, horizon)
    return len(days)


async def _schedule_top_up(
    txn: Transaction, tenant_id: str, plan: MaintenancePlan, horizon: timedelta
) -> None:
    """Records the day the plan's next visit enters its horizon (none: the rule has ended)."""
    done_until = plan.get("generated_until", "")
    after = date.fromisoformat(done_until) if done_until else None
    start = date.fromisoformat(plan["start_date"])
    limit = (after or start) + LOOK_AHEAD
    if plan.get("end_date"):
        limit = min(limit, date.fromisoformat(plan["end_date"]))
    following = occurrences(plan["rrule"], start, after, limit)[:1] if limit >= start else []
    current = await txn.get(TOP_UPS, QUEUE_TENANT, plan["id"])
    if not following:
        if current is not None:
            await txn.delete(TOP_UPS, QUEUE_TENANT, plan["id"])
        return
    entry = {
        "id": plan["id"],
        "tenant": tenant_id,
        "due_on": (following[0] - horizon).isoformat(),
    }
    if current is None:
        await txn.insert(TOP_UPS, QUEUE_TENANT, entry)
    elif current.get("due_on") != entry["due_on"]:
        await txn.replace(TOP_UPS, QUEUE_TENANT, entry, expected_version=current["version"])


async def top_up(repo: InterventionsRepository, on: date | None = None) -> list[Job]:
    """Queues, per tenant, a job topping up the plans whose next visit has entered their
    horizon by ``on`` (today); each is marked for the next day meanwhile, so that the next
    look does not queue it again before its job has run (the job sets its true day)."""
    day = on or today()
    jobs: list[Job] = []
    async with repo.transaction() as txn:
        due = await txn.find(
            TOP_UPS, QUEUE_TENANT, {"due_on": {"$lte": day.isoformat()}}, sort=(("id", 1),)
        )
        by_tenant: dict[str, list[str]] = {}
        for entry in due:
            by_tenant.setdefault(entry["tenant"], []).append(entry["id"])
            await txn.replace(
                TOP_UPS,
                QUEUE_TENANT,
                {**entry, "due_on": (day + timedelta(days=1)).isoformat()},
                expected_version=entry["version"],
            )
        for tenant_id, plan_ids in sorted(by_tenant.items()):
            jobs.append(
                await repo.jobs.submit(
                    txn, tenant_id, kind=VISITS_JOB, items=plan_ids, requested_by="top-up"
                )
            )
    return jobs


async def top_up_loop(repo: InterventionsRepository, runner: JobRunner) -> None:
    """The periodic top-up, at start (catching up after a stop) and every TOP_UP_SECONDS."""
    while True:
        try:
            if await top_up(repo):
                runner.wake()
        except Exception:
            log.exception("maintenance top-up failed, retrying at the next tick")
        await asyncio.sleep(TOP_UP_SECONDS)


def visits_runner(repo: InterventionsRepository, *, clock: Callable[[], date] = today) -> JobRunner:
    """The runner of the visits jobs; ``clock`` gives the day horizons count from."""

    async def work(
        txn: Transaction, tenant_id: str, job: Job, plan_ids: Sequence[str]
    ) -> Mapping[str, int]:
        made = 0
        for plan_id in plan_ids:
            made += await generate_visits(txn, repo, tenant_id, plan_id, on=clock())
        return {"visits": made}

    return JobRunner(
        repo.jobs,
        kind=VISITS_JOB,
        work=work,
        chunk=1,
        failure_message="the maintenance visits could not be generated",
    )


def colour(visit: Intervention) -> str:
    """Seed 001's colour: done (green), planned (blue), not planned (red); "" if cancelled."""
    stage = visit.get("stage", "")
    if stage == DONE:
        return "done"
    if stage == CANCELLED:
        return ""
    return "planned" if visit.get("scheduled_start") else "not_planned"


def next_due_date(plan: MaintenancePlan, visits: Sequence[Intervention], on: date) -> str:
    """The earliest visit not done (overdue when past), else the rule's next day from ``on``."""
    open_days = sorted(
        v.get("due_date", "") for v in visits if v.get("stage") not in (DONE, CANCELLED)
    )
    if open_days:
        return open_days[0]
    upcoming = occurrences(
        plan["rrule"],
        date.fromisoformat(plan["start_date"]),
        on - timedelta(days=1),
        on + timedelta(days=3660),
    )
    return upcoming[0].isoformat() if upcoming else ""


# Editing and deleting a plan


def _not_yet_planned(visit: Intervention) -> bool:
    """A visit nobody has planned or done: it may be remade or removed."""
    return (
        visit.get("stage") in (NEW, CONFIRMED)
        and not visit.get("scheduled_start")
        and not visit.get("technician_ids")
    )


async def _remove_visits(
    txn: Transaction,
    repo: InterventionsRepository,
    caller: Caller,
    plan_id: str,
    *,
    from_day: str,
) -> int:
    """Deletes the plan's visits due from ``from_day`` on that nobody has planned yet."""
    removed = 0
    for found in await txn.find(INTERVENTIONS, caller.tenant_id, {"plan_id": plan_id}):
        visit = cast(Intervention, found)
        if visit.get("due_date", "") >= from_day and _not_yet_planned(visit):
            await repo.delete(txn, caller.tenant_id, visit["id"])
            await events.intervention_event(txn, events.DELETED, caller, visit)
            await repo.log_change(txn, caller.tenant_id, visit, visit, deleted=True)
            removed += 1
    return removed


async def update_plan(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    plan_id: str,
    version: int,
    changes: MaintenancePlanInput,
    paths: Sequence[str],
    on: date | None = None,
) -> MaintenancePlan:
    """The fields ``paths`` names take their values from ``changes``. A new rule or start
    remakes the visits from today (``on``) that nobody has planned; an end date removes those
    after it; a job then generates what the plan now asks (the caller wakes the runner)."""
    roles.require_agency(caller, "change a maintenance plan")
    day = on or today()
    async with repo.transaction() as txn:
        current = await repo.get_record_for_update(
            txn, MAINTENANCE_PLANS, caller.tenant_id, plan_id
        )
        change = edit(
            current,
            what="maintenance plan",
            record_id=plan_id,
            version=version,
            changes=cast(Mapping[str, Any], changes),
            paths=paths,
            writable=PLAN_FIELDS,
            check=lambda plan: check_plan(cast(MaintenancePlanInput, plan)),
        )
        if not change.changed:
            return cast(MaintenancePlan, change.record)
        plan = copy.deepcopy(change.record)
        if any(field in change.changed for field in RESHAPING):
            await _remove_visits(txn, repo, caller, plan_id, from_day=day.isoformat())
            # Made again from today by the new rule; the days before stay as they were.
            made_until = plan.get("generated_until", "")
            yesterday = (day - timedelta(days=1)).isoformat()
            plan["generated_until"] = min(made_until, yesterday) if made_until else ""
        if plan.get("end_date"):
            after_end = date.fromisoformat(plan["end_date"]) + timedelta(days=1)
            await _remove_visits(txn, repo, caller, plan_id, from_day=after_end.isoformat())
            if plan.get("generated_until", "") > plan["end_date"]:
                plan["generated_until"] = plan["end_date"]
        plan["audit"] = touched_stamps(plan.get("audit"), caller.user_id)
        stored = await repo.replace_record(
            txn, MAINTENANCE_PLANS, caller.tenant_id, plan, expected_version=version
        )
        await events.plan_changed(txn, caller, cast(MaintenancePlan, stored), change.changed)
        await repo.jobs.submit(
            txn, caller.tenant_id, kind=VISITS_JOB, items=[plan_id], requested_by=caller.user_id
        )
    return cast(MaintenancePlan, stored)


async def delete_plan(
    *, repo: InterventionsRepository, caller: Caller, plan_id: str, version: int
) -> MaintenancePlan:
    """The plan deleted with its visits nobody has planned; its planned and done visits stay
    (as interventions); returns it as it was."""
    roles.require_agency(caller, "delete a maintenance plan")
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_record_for_update(txn, MAINTENANCE_PLANS, caller.tenant_id, plan_id),
            version=version,
            what="maintenance plan",
            record_id=plan_id,
        )
        await _remove_visits(txn, repo, caller, plan_id, from_day="")
        await repo.delete_record(txn, MAINTENANCE_PLANS, caller.tenant_id, plan_id)
        if await txn.get(TOP_UPS, QUEUE_TENANT, plan_id) is not None:
            await txn.delete(TOP_UPS, QUEUE_TENANT, plan_id)
        await events.plan_deleted(txn, caller, cast(MaintenancePlan, current))
    return cast(MaintenancePlan, current)
