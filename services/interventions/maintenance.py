"""Maintenance plans: a recurrence (RFC 5545 RRULE, read with python-dateutil) of visits to an
equipment or an address. Visits are interventions generated ahead over the plan's horizon by
the runtime's durable job runner, one plan per chunk, so that generation resumes after a
restart without a visit made twice. Seed 001's colours and the next due date are computed at
read time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

from runtime.caller import Caller
from runtime.clock import today
from runtime.errors import FieldViolation, PermissionDenied
from runtime.ids import new_id
from runtime.kit.jobs import Job, JobRunner
from runtime.kit.updates import created_stamps
from runtime.kit.validators import check_date, reject_invalid
from runtime.store import Transaction
from services.interventions import events
from services.interventions.models import (
    CANCELLED,
    DONE,
    MAINTENANCE_PLANS,
    NEW,
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
TECHNICIAN = "technician"


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
    if caller.role == TECHNICIAN:
        raise PermissionDenied("a technician may not plan maintenance")
    plan: MaintenancePlan = {
        "name": "",
        "equipment_id": "",
        "address_id": "",
        "rrule": "",
        "start_date": "",
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
) -> int:
    """The plan's visits from where it stopped up to its horizon, in ``txn``."""
    found = await repo.get_record_for_update(txn, MAINTENANCE_PLANS, tenant_id, plan_id)
    if found is None:
        return 0
    plan: MaintenancePlan = found  # type: ignore[assignment]
    horizon_end = until or today() + timedelta(days=plan.get("horizon_days", DEFAULT_HORIZON))
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
        await repo.replace_record(
            txn,
            MAINTENANCE_PLANS,
            tenant_id,
            {**plan, "generated_until": horizon_end.isoformat()},
            expected_version=plan["version"],
        )
    return len(days)


def visits_runner(repo: InterventionsRepository) -> JobRunner:
    async def work(
        txn: Transaction, tenant_id: str, job: Job, plan_ids: Sequence[str]
    ) -> Mapping[str, int]:
        made = 0
        for plan_id in plan_ids:
            made += await generate_visits(txn, repo, tenant_id, plan_id)
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
