"""The unpaid path of a premium notice (article L113-3 of the Insurance Code): still open 10
days after its due date it is overdue and the formal notice is sent; cover is suspended 30 days
after the notice and the contract terminable 10 days later; paid in full, the path ends and
cover resumes. Each step is an event that the contracts service's status follows.

The steps are taken by runs of the durable job runner (``run_unpaid_path`` queues one over the
tenant's notices; a run resumes after a restart), each as far as the agency's today allows. A
step is taken once, so a run may be repeated. No request is needed: ``daily_trigger`` queues
one run per tenant with premium notices each day, noting the day in the same transaction as
the job, so that a restart or a second replica never queues the day's run twice."""

from __future__ import annotations

import asyncio
import datetime
import logging
from collections.abc import Callable, Mapping, Sequence

from runtime.caller import Caller
from runtime.clock import today
from runtime.errors import Conflict
from runtime.kit.jobs import Job, JobRunner
from runtime.store import Transaction
from services.billing import events
from services.billing.models import (
    FORMAL_NOTICE_SENT,
    OVERDUE,
    PREMIUM_NOTICE,
    REINSTATED,
    SUSPENDED,
    SUSPENDED_AFTER_DAYS,
    TERMINABLE,
    TERMINABLE_AFTER_DAYS,
    UNPAID_AFTER_DAYS,
    UNPAID_PATH_JOB,
    Entry,
    Notice,
    StepTaken,
)
from services.billing.repository import BillingRepository
from services.billing.roles import require_account_role

log = logging.getLogger(__name__)

# Who the steps are recorded as: the path runs on its own.
PATH_ACTOR = "unpaid-path"
CHUNK = 100
# How often the daily trigger looks whether today's runs are queued.
DAILY_POLL_SECONDS = 600.0


def _day(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _plus(day: datetime.date, days: int) -> datetime.date:
    return day + datetime.timedelta(days=days)


def steps_due(notice: Notice, still_open: int, on: datetime.date) -> list[StepTaken]:
    """The steps ``notice`` takes on day ``on``, in order, each with the day it takes effect."""
    taken = notice.get("unpaid_steps", [])
    current = notice.get("unpaid_step", "")
    if current == REINSTATED:
        return []
    if still_open <= 0:
        return [{"step": REINSTATED, "date": on.isoformat()}] if current else []
    out: list[StepTaken] = []
    if not current:
        overdue_on = _plus(_day(notice["due_date"]), UNPAID_AFTER_DAYS)
        if on < overdue_on:
            return []
        # The formal notice goes out the day the path finds the notice overdue: its 30 days
        # count from then, not from a day it could have been sent.
        out += [
            {"step": OVERDUE, "date": overdue_on.isoformat()},
            {"step": FORMAL_NOTICE_SENT, "date": on.isoformat()},
        ]
        current, formal = FORMAL_NOTICE_SENT, on
    else:
        formal = _day(next(t["date"] for t in taken if t["step"] == FORMAL_NOTICE_SENT))
    suspended_on = _plus(formal, SUSPENDED_AFTER_DAYS)
    if current == FORMAL_NOTICE_SENT and on >= suspended_on:
        out.append({"step": SUSPENDED, "date": suspended_on.isoformat()})
        current = SUSPENDED
    terminable_on = _plus(suspended_on, TERMINABLE_AFTER_DAYS)
    if current == SUSPENDED and on >= terminable_on:
        out.append({"step": TERMINABLE, "date": terminable_on.isoformat()})
    return out


async def run_unpaid_path(*, repo: BillingRepository, caller: Caller) -> Job:
    """Queue a run over every notice of the caller's tenant that may have a step to take."""
    require_account_role(caller)
    candidates = await repo.unpaid_path_candidates(
        caller.tenant_id, overdue_before=_plus(today(), -UNPAID_AFTER_DAYS).isoformat()
    )
    async with repo.transaction() as txn:
        return await repo.jobs.submit(
            txn,
            caller.tenant_id,
            kind=UNPAID_PATH_JOB,
            items=[n["id"] for n in candidates],
            requested_by=caller.user_id,
        )


async def take_steps(
    txn: Transaction,
    repo: BillingRepository,
    caller: Caller,
    notice: Notice,
    entry: Entry | None,
    on: datetime.date,
) -> bool:
    """Take the steps due on ``on`` in ``txn``, each with its event; whether any was."""
    still_open = entry["open_minor"] if entry else notice["total_minor"]
    steps = steps_due(notice, still_open, on)
    if not steps:
        return False
    moved: Notice = {
        **notice,
        "unpaid_step": steps[-1]["step"],
        "unpaid_steps": [*notice.get("unpaid_steps", []), *steps],
    }
    stored = await repo.replace_notice(txn, caller.tenant_id, moved)
    for step in steps:
        await events.notice_unpaid_step(txn, caller, stored, entry, step, on)
    return True


async def reinstate_if_paid(
    txn: Transaction, repo: BillingRepository, caller: Caller, entry: Entry
) -> None:
    """A premium notice on the unpaid path that a payment just settled in full is reinstated
    at once, in the payment's transaction, rather than at the next run."""
    if entry["kind"] != PREMIUM_NOTICE or entry["open_minor"] > 0:
        return
    notice = await repo.find_notice_of_entry(txn, caller.tenant_id, entry["id"])
    if notice is not None and notice.get("unpaid_step"):
        await take_steps(txn, repo, caller, notice, entry, today())


async def start_daily_runs(repo: BillingRepository, *, on: datetime.date) -> list[tuple[str, Job]]:
    """Queue the run of day ``on`` of every tenant with premium notices that has none yet;
    the (tenant, job) pairs queued."""
    queued: list[tuple[str, Job]] = []
    overdue_before = _plus(on, -UNPAID_AFTER_DAYS).isoformat()
    for tenant_id in await repo.notice_tenants():
        candidates = await repo.unpaid_path_candidates(tenant_id, overdue_before=overdue_before)
        try:
            async with repo.transaction() as txn:
                if await repo.daily_run_started(txn, tenant_id, on.isoformat()):
                    continue
                job = await repo.jobs.submit(
                    txn,
                    tenant_id,
                    kind=UNPAID_PATH_JOB,
                    items=[n["id"] for n in candidates],
                    requested_by=PATH_ACTOR,
                )
        except Conflict:
            continue  # another replica queued the day's run first
        queued.append((tenant_id, job))
    return queued


async def daily_trigger(
    repo: BillingRepository,
    runner: JobRunner,
    *,
    every: float = DAILY_POLL_SECONDS,
    clock: Callable[[], datetime.date] = today,
) -> None:
    """Queue each day's runs as the agency's day begins (looked at every ``every`` seconds),
    and wake the runner."""
    while True:
        try:
            if await start_daily_runs(repo, on=clock()):
                runner.wake()
        except Exception:
            log.exception("the daily run of the unpaid path could not be queued; retrying")
        await asyncio.sleep(every)


def unpaid_path_runner(
    repo: BillingRepository, *, clock: Callable[[], datetime.date] = today
) -> JobRunner:
    async def work(
        txn: Transaction, tenant_id: str, job: Job, notice_ids: Sequence[str]
    ) -> Mapping[str, int]:
        on = clock()
        caller = Caller(tenant_id, job["requested_by"] or PATH_ACTOR, "admin")
        advanced = 0
        for notice_id in notice_ids:
            notice = await repo.get_notice_for_update(txn, tenant_id, notice_id)
            if notice is None:
                continue
            entry = await repo.get_entry_for_update(txn, tenant_id, notice["entry_id"])
            if await take_steps(txn, repo, caller, notice, entry, on):
                advanced += 1
        return {"advanced": advanced}

    return JobRunner(
        repo.jobs,
        kind=UNPAID_PATH_JOB,
        work=work,
        chunk=CHUNK,
        failure_message="the unpaid path could not run; it is retried at the next run",
    )
