"""When a client may end a contract, and under which French rule, for a notice received on a
given day (pure functions: the service passes today's date or the day asked for).

- L113-12 (annual): at a due date at least one year after the contract took effect, with a
  notice received at least 2 months before that due date. Not for life insurance.
- L113-15-1 (Chatel), a consumer's contract renewed by tacit agreement: the renewal notice
  states the last day to refuse renewal (2 months before the due date). Sent less than 15 days
  before that day, or after it, the client has 20 days from its sending to refuse renewal (the
  contract ends at the due date, or the day after the client's notice once the due date has
  passed); never sent, the client may end the contract at any time after the renewal, the day
  after the notice.
- L113-15-2 (Hamon), a consumer's motor, home, affinity or health contract renewed by tacit
  agreement: any time after one year from the first subscription, effective one month after
  the insurer receives the notice.

Where the texts leave room (Chatel's end date once the due date has passed, life insurance
left out of L113-12 and Chatel) the choice is written in the README.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from services.contracts.dates import add_months, add_years, parse
from services.contracts.models import ANNUAL, CHATEL, HAMON, TERMINATED, Contract

RULE_NAMES: Final = {
    ANNUAL: "L113-12 (annual)",
    CHATEL: "L113-15-1 (Chatel)",
    HAMON: "L113-15-2 (Hamon)",
}
NOTICE_MONTHS: Final = 2
CHATEL_ON_TIME_DAYS: Final = 15
CHATEL_WINDOW_DAYS: Final = 20
HAMON_AFTER_YEARS: Final = 1
HAMON_DELAY_MONTHS: Final = 1
HAMON_BRANCHES: Final = frozenset({"motor", "home", "affinity", "health"})
# Life insurance is surrendered or bought back under its own rules (L132-*), not these.
OUTSIDE_RULES_BRANCHES: Final = frozenset({"life"})
_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Right:
    """What one rule allows for a notice received on the day asked for."""

    rule: str  # a word of models.TERMINATION_RULES
    explanation: str
    available: bool = False
    available_from: date | None = None
    # The last day a notice may be received to end the contract on earliest_end.
    available_until: date | None = None
    earliest_end: date | None = None

    @property
    def name(self) -> str:
        return RULE_NAMES[self.rule]


@dataclass(frozen=True, slots=True)
class Rights:
    received_on: date
    rules: tuple[Right, ...]

    @property
    def best(self) -> Right | None:
        """The available rule that ends the contract soonest (the first in rule order on a
        tie)."""
        available = [r for r in self.rules if r.available and r.earliest_end is not None]
        if not available:
            return None
        return min(available, key=lambda r: r.earliest_end or date.max)

    def of(self, rule: str) -> Right:
        return next(r for r in self.rules if r.rule == rule)


def termination_rights(contract: Contract, received_on: date) -> Rights:
    ends = parse(contract.get("termination_date", ""))
    if ends is not None or contract.get("status") == TERMINATED:
        reason = f"the contract already ends on {ends}" if ends else "the contract is terminated"
        return Rights(received_on, tuple(Right(rule, reason) for rule in (ANNUAL, CHATEL, HAMON)))
    return Rights(
        received_on,
        (
            annual(contract, received_on),
            chatel(contract, received_on),
            hamon(contract, received_on),
        ),
    )


def _dates(contract: Contract) -> tuple[date, date]:
    effective = parse(contract.get("effective_date", ""))
    due = parse(contract.get("due_date", ""))
    if effective is None or due is None:
        raise ValueError("a contract has an effective date and a due date")
    return effective, due


def annual(contract: Contract, received_on: date) -> Right:
    if contract.get("branch") in OUTSIDE_RULES_BRANCHES:
        return Right(ANNUAL, "L113-12 does not apply to life insurance")
    effective, due = _dates(contract)
    first_year = add_years(effective, 1)
    # The first due date, year after year, at least one year after the start and whose notice
    # deadline has not passed.
    years = 0
    end = due
    while end < first_year or add_months(end, -NOTICE_MONTHS) < received_on:
        years += 1
        end = add_years(due, years)
    deadline = add_months(end, -NOTICE_MONTHS)
    return Right(
        ANNUAL,
        f"a notice received by {deadline}, 2 months before the due date, ends the contract "
        f"on {end}",
        available=True,
        available_from=effective,
        available_until=deadline,
        earliest_end=end,
    )


def chatel(contract: Contract, received_on: date) -> Right:
    if not contract.get("consumer"):
        return Right(CHATEL, "Chatel protects consumers only: not this policyholder")
    if not contract.get("tacit_renewal"):
        return Right(CHATEL, "Chatel applies to contracts renewed by tacit agreement only")
    if contract.get("branch") in OUTSIDE_RULES_BRANCHES:
        return Right(CHATEL, "Chatel does not apply to life insurance")
    _, due = _dates(contract)
    upcoming = _chatel_cycle(due, parse(contract.get("renewal_notice_sent_on", "")), received_on)
    if due <= received_on:
        # The due date has passed without a renewal recorded: that renewal is the last one.
        return upcoming
    last = parse(contract.get("last_renewed_on", ""))
    cycles = [upcoming]
    if last is not None:
        notice = parse(contract.get("last_renewal_notice_sent_on", ""))
        cycles.append(_chatel_cycle(last, notice, received_on))
    return _soonest(cycles)


def _chatel_cycle(renewal: date, notice: date | None, received_on: date) -> Right:
    """Chatel's right around one renewal (a due date), given when its notice was sent."""
    deadline = add_months(renewal, -NOTICE_MONTHS)
    if notice is None:
        if received_on >= renewal:
            return Right(
                CHATEL,
                f"no renewal notice was sent before the renewal of {renewal}: the client may "
                "end the contract at any time since, the day after the notice",
                available=True,
                available_from=renewal,
                earliest_end=received_on + _DAY,
            )
        return Right(
            CHATEL,
            f"no renewal notice is recorded for the due date of {renewal}: if none is sent, "
            f"the client may end the contract at any time from {renewal}",
            available_from=renewal,
            earliest_end=renewal + _DAY,
        )
    if notice <= deadline - timedelta(days=CHATEL_ON_TIME_DAYS):
        return Right(
            CHATEL,
            f"the renewal notice was sent on {notice}, at least {CHATEL_ON_TIME_DAYS} days "
            f"before the last day to refuse renewal ({deadline}): L113-12 applies",
        )
    until = notice + timedelta(days=CHATEL_WINDOW_DAYS)
    late = (
        f"the renewal notice was sent on {notice}, less than {CHATEL_ON_TIME_DAYS} days before "
        f"the last day to refuse renewal ({deadline}) or after it"
    )
    if received_on < notice:
        return Right(
            CHATEL,
            f"{late}: the client may refuse renewal from {notice} until {until}",
            available_from=notice,
            available_until=until,
            earliest_end=max(renewal, notice + _DAY),
        )
    if received_on > until:
        return Right(
            CHATEL,
            f"{late}: the client's {CHATEL_WINDOW_DAYS} days to refuse renewal ended on {until}",
            available_from=notice,
            available_until=until,
        )
    return Right(
        CHATEL,
        f"{late}: the client may refuse renewal until {until}",
        available=True,
        available_from=notice,
        available_until=until,
        earliest_end=renewal if received_on < renewal else received_on + _DAY,
    )


def _soonest(rights: Sequence[Right]) -> Right:
    """The available right ending soonest; else the first (the upcoming renewal's)."""
    available = [r for r in rights if r.available and r.earliest_end is not None]
    if available:
        return min(available, key=lambda r: r.earliest_end or date.max)
    return rights[0]


def hamon(contract: Contract, received_on: date) -> Right:
    if not contract.get("consumer"):
        return Right(HAMON, "Hamon protects consumers only: not this policyholder")
    if contract.get("branch") not in HAMON_BRANCHES:
        return Right(HAMON, "Hamon applies to motor, home, affinity and health contracts only")
    if not contract.get("tacit_renewal"):
        return Right(HAMON, "Hamon applies to contracts renewed by tacit agreement only")
    effective, _ = _dates(contract)
    start = add_years(effective, HAMON_AFTER_YEARS)
    if received_on < start:
        return Right(
            HAMON,
            f"the contract took effect on {effective}: one year of cover is reached on {start}",
            available_from=start,
            earliest_end=add_months(start, HAMON_DELAY_MONTHS),
        )
    end = add_months(received_on, HAMON_DELAY_MONTHS)
    return Right(
        HAMON,
        f"after one year of cover, the contract ends one month after the notice is received: "
        f"on {end}",
        available=True,
        available_from=start,
        earliest_end=end,
    )


def refusal(right: Right, received_on: date) -> str:
    """Why a notice received on ``received_on`` may not use ``right``'s rule, and from when
    it may."""
    when = (
        f" (allowed from {right.available_from})"
        if right.available_from is not None and right.available_from > received_on
        else ""
    )
    return f"{right.name}: not allowed for a notice received on {received_on}{when}: " + (
        right.explanation
    )
