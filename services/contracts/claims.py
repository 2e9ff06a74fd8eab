"""Claims: declared on a contract, moved along their status path, and counted. Each claim shows
on the files of its contract's policyholders and of its own participants; every file keeps a
count of its claims not closed (the open-claims counter of seed 000), and every contract one
of its own (its open-claim marker), both moved in the transaction that opens, closes or
reopens a claim, never summed on read.

Plain keyword-only functions over the repository, as service.py.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date
from typing import Final, cast

from runtime import clock
from runtime.caller import Caller
from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.updates import (
    apply_mask,
    changed_fields,
    check_version,
    created_stamps,
    touched_stamps,
)
from runtime.kit.validators import reject_invalid
from runtime.store import Transaction
from services.contracts import access, events
from services.contracts.models import (
    CLAIM_INPUT_FIELDS,
    CLAIM_STATUSES,
    CLOSED,
    DECLARED,
    PAID,
    POLICYHOLDER,
    REOPENED,
    Claim,
    ClaimInput,
    Contract,
    tally_id,
)
from services.contracts.repository import ContractsRepository
from services.contracts.service import agency_day
from services.contracts.validation import check_claim

# The status path: where each status may lead.
_HANDLING: Final = frozenset({"expert_appointed", "offer_made", "refused", CLOSED})
NEXT_STATUSES: Final[dict[str, frozenset[str]]] = {
    DECLARED: frozenset({"opened", "refused", CLOSED}),
    "opened": _HANDLING,
    "expert_appointed": frozenset({"offer_made", "refused", CLOSED}),
    "offer_made": frozenset({"agreed", "disputed", CLOSED}),
    "agreed": frozenset({PAID}),
    "disputed": frozenset({"offer_made", "agreed", "refused", CLOSED}),
    PAID: frozenset({CLOSED}),
    "refused": frozenset({CLOSED, REOPENED}),
    CLOSED: frozenset({REOPENED}),
    REOPENED: _HANDLING,
}


def is_open(claim: Claim) -> bool:
    """The rule of the open-claims counter: every claim not closed."""
    return claim.get("status") != CLOSED


def _files(claim: Claim, contract: Contract) -> list[str]:
    """The client files a claim shows on: its contract's policyholders, its participants."""
    holders = [
        p.get("client_id", "")
        for p in contract.get("participants", [])
        if POLICYHOLDER in p.get("roles", [])
    ]
    return list(
        dict.fromkeys([*holders, *(p.get("client_id", "") for p in claim.get("participants", []))])
    )


def _tallies(claim: Claim, client_ids: Sequence[str] | None = None) -> list[str]:
    ids = claim.get("client_ids", []) if client_ids is None else client_ids
    return [*(tally_id("client", c) for c in ids), tally_id("contract", claim["contract_id"])]


def _against_contract(claim: ClaimInput, contract: Contract) -> list[FieldViolation]:
    """A loss is covered from the day the contract took effect until the day it ends."""
    loss = claim.get("loss_date", "")
    if loss and loss < contract.get("effective_date", ""):
        return [
            FieldViolation(
                "lossDate", f"before the contract took effect, on {contract['effective_date']}"
            )
        ]
    ends = contract.get("termination_date", "")
    if loss and ends and loss >= ends:
        return [FieldViolation("lossDate", f"after the contract ended, on {ends}")]
    return []


async def _contract(
    txn: Transaction, repo: ContractsRepository, tenant_id: str, contract_id: str
) -> Contract:
    contract = await repo.get_contract_for_update(txn, tenant_id, contract_id)
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    return contract


async def get_claim(
    *, repo: ContractsRepository, caller: Caller, claim_id: str
) -> tuple[Claim, dict[str, str]]:
    partner = access.partner_scope(caller)
    claim = await repo.get_claim(caller.tenant_id, claim_id, partner_id=partner)
    if claim is None:
        raise NotFound(f"claim {claim_id} not found")
    ids = [p.get("client_id", "") for p in claim.get("participants", [])]
    return claim, await repo.client_names(caller.tenant_id, ids)


async def declare_claim(*, repo: ContractsRepository, caller: Caller, data: ClaimInput) -> Claim:
    """A new claim, DECLARED: open, so counted on its files and its contract."""
    access.require_writer(caller)
    claim = cast(Claim, copy.deepcopy(dict(data)))
    if not claim.get("reported_date"):
        day = agency_day(await repo.get_settings(caller.tenant_id))
        claim["reported_date"] = day.today.isoformat()
    reject_invalid(check_claim(claim))
    async with repo.transaction() as txn:
        contract = await _contract(txn, repo, caller.tenant_id, claim["contract_id"])
        reject_invalid(_against_contract(claim, contract))
        return await declare_claim_in(txn, repo=repo, caller=caller, claim=claim, contract=contract)


async def declare_claim_in(
    txn: Transaction,
    *,
    repo: ContractsRepository,
    caller: Caller,
    claim: Claim,
    contract: Contract,
) -> Claim:
    """A checked claim on ``contract`` written in ``txn``, counted, announced."""
    audit = created_stamps(caller.user_id)
    claim["id"] = new_id()
    claim["reference"] = await repo.next_claim_reference(txn, caller.tenant_id)
    claim["status"] = DECLARED
    claim["history"] = [
        {"status": DECLARED, "at": audit["created_at"], "by": caller.user_id, "note": ""}
    ]
    claim["client_ids"] = _files(claim, contract)
    claim["partner_ids"] = list(contract.get("partner_ids", []))
    claim["audit"] = audit
    stored = await repo.insert_claim(txn, caller.tenant_id, claim)
    await repo.adjust_open_claims(txn, caller.tenant_id, _tallies(stored), +1)
    await events.claim_changed(txn, events.CLAIM_OPENED, caller, stored)
    return stored


async def update_claim(
    *,
    repo: ContractsRepository,
    caller: Caller,
    claim_id: str,
    version: int,
    changes: ClaimInput,
    paths: Sequence[str],
) -> Claim:
    """The fields ``paths`` names take their values from ``changes``; a claim stays on its
    contract. New participants bring the claim (and, while it is open, its count) to their
    files; participants removed take it off theirs."""
    access.require_writer(caller)
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_claim_for_update(txn, caller.tenant_id, claim_id),
            version=version,
            what="claim",
            record_id=claim_id,
        )
        updated = apply_mask(current, changes, paths, CLAIM_INPUT_FIELDS)
        contract = await _contract(txn, repo, caller.tenant_id, current["contract_id"])
        reject_invalid([*check_claim(updated), *_against_contract(updated, contract)])
        changed = changed_fields(current, updated, CLAIM_INPUT_FIELDS)
        if not changed:
            return current
        updated["client_ids"] = _files(updated, contract)
        before, after = set(current.get("client_ids", [])), set(updated["client_ids"])
        if is_open(current) and before != after:
            await repo.adjust_open_claims(
                txn, caller.tenant_id, [tally_id("client", c) for c in sorted(before - after)], -1
            )
            await repo.adjust_open_claims(
                txn, caller.tenant_id, [tally_id("client", c) for c in sorted(after - before)], +1
            )
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_claim(txn, caller.tenant_id, updated, expected_version=version)
        await events.claim_changed(
            txn, events.CLAIM_UPDATED, caller, stored, changed, also=sorted(before - after)
        )
    return stored


async def change_claim_status(
    *,
    repo: ContractsRepository,
    caller: Caller,
    claim_id: str,
    version: int,
    status: str,
    note: str = "",
) -> Claim:
    """One step along the status path. Closing takes the claim out of the open counts,
    reopening puts it back."""
    access.require_writer(caller)
    violations = CLAIM_STATUSES.check(status, "status")
    if not status:
        violations.append(FieldViolation("status", "required"))
    reject_invalid(violations)
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_claim_for_update(txn, caller.tenant_id, claim_id),
            version=version,
            what="claim",
            record_id=claim_id,
        )
        return await change_claim_status_in(
            txn, repo=repo, caller=caller, claim=current, status=status, note=note
        )


async def change_claim_status_in(
    txn: Transaction,
    *,
    repo: ContractsRepository,
    caller: Caller,
    claim: Claim,
    status: str,
    note: str = "",
    at: str | None = None,
) -> Claim:
    previous = claim.get("status", "")
    allowed = NEXT_STATUSES.get(previous, frozenset())
    if status not in allowed:
        names = ", ".join(sorted(s.upper() for s in allowed)) or "nothing"
        raise InvalidInput(
            FieldViolation(
                "status", f"a {previous.upper()} claim moves to {names}, not {status.upper()}"
            )
        )
    if status == PAID and claim.get("paid_amount") is None:
        raise InvalidInput(FieldViolation("status", "PAID needs the paidAmount first"))
    updated: Claim = copy.deepcopy(claim)
    updated["status"] = status
    change_at = at or clock.now_iso()
    updated["history"] = [
        *claim.get("history", []),
        {"status": status, "at": change_at, "by": caller.user_id, "note": note.strip()},
    ]
    updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
    stored = await repo.replace_claim(
        txn, caller.tenant_id, updated, expected_version=claim["version"]
    )
    delta = int(is_open(stored)) - int(is_open(claim))
    if delta:
        await repo.adjust_open_claims(txn, caller.tenant_id, _tallies(stored), delta)
    event: events.ClaimEvent
    if status == CLOSED:
        event = events.CLAIM_CLOSED
    elif status == REOPENED:
        event = events.CLAIM_REOPENED
    else:
        event = events.CLAIM_UPDATED
    await events.claim_changed(txn, event, caller, stored, ["status", "history"])
    return stored


def loss_covered(contract: Contract, loss: date) -> bool:
    """Whether a loss on that day falls within the contract's cover (used by the demo)."""
    return not _against_contract({"loss_date": loss.isoformat()}, contract)
