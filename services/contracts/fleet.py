"""The fleet tab (seed 000): the vehicles of a fleet contract (branch FLEET), each with the day it
came on the contract and the day it left. The tab exists only for a client taking part in a
fleet contract; whether a vehicle is covered today is computed when it is read.

Registrations are French SIV ones (AA-123-AA), written by callers with spaces, hyphens or
nothing between the groups and stored as on the plate; one registration is on a contract
once at a time.

Plain keyword-only functions over the repository, as service.py.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from typing import Final, cast

from runtime.caller import Caller
from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.paging import Page
from runtime.kit.updates import check_version, created_stamps, touched_stamps
from runtime.kit.validators import check_date, reject_invalid
from runtime.store import Transaction
from services.contracts import access, events
from services.contracts.models import FLEET, Contract, Vehicle, VehicleInput
from services.contracts.repository import ContractsRepository
from services.contracts.service import agency_day, page_of
from services.contracts.validation import check_vehicle, normalize_registration

VEHICLES_LISTING: Final = "contracts.vehicles"


def on_cover(vehicle: Vehicle, today: date) -> bool:
    """Entered, and not yet left (the exit day is the last day covered)."""
    entry, exit_ = vehicle.get("entry_date", ""), vehicle.get("exit_date", "")
    day = today.isoformat()
    return entry <= day and (not exit_ or day <= exit_)


@dataclass(frozen=True, slots=True)
class VehicleView:
    vehicle: Vehicle
    on_cover: bool


@dataclass(frozen=True, slots=True)
class FleetView:
    """A client's fleet tab: its fleet contracts and one page of their vehicles."""

    contract_ids: list[str]
    vehicles: Page[VehicleView]
    on_cover: int


def _keys(view: VehicleView) -> tuple[str, str]:
    return (view.vehicle.get("entry_date", ""), view.vehicle.get("id", ""))


def vehicles_page(
    views: list[VehicleView], *, first: int, after: tuple[str, str] | None
) -> Page[VehicleView]:
    return page_of(
        views, keys=_keys, newest_first=False, first=first, after=after, listing=VEHICLES_LISTING
    )


def is_fleet(contract: Contract) -> bool:
    return contract.get("branch") == FLEET


async def _fleet_contract(
    txn: Transaction, repo: ContractsRepository, tenant_id: str, contract_id: str
) -> Contract:
    contract = await repo.get_contract_for_update(txn, tenant_id, contract_id)
    if contract is None:
        raise NotFound(f"contract {contract_id} not found")
    if not is_fleet(contract):
        raise InvalidInput(FieldViolation("contractId", "not a fleet contract (branch FLEET)"))
    return contract


def _normalized(data: VehicleInput) -> Vehicle:
    vehicle = cast(Vehicle, copy.deepcopy(dict(data)))
    vehicle["registration"] = normalize_registration(vehicle.get("registration", ""))
    vehicle["vin"] = vehicle.get("vin", "").replace(" ", "").upper()
    return vehicle


async def add_vehicle(
    *, repo: ContractsRepository, caller: Caller, data: VehicleInput
) -> tuple[Vehicle, date]:
    """A vehicle on a fleet contract, from its entry date (not before the contract took
    effect, not after it ended); announced to the contract's files."""
    access.require_writer(caller)
    vehicle = _normalized(data)
    reject_invalid(check_vehicle(vehicle))
    day = agency_day(await repo.get_settings(caller.tenant_id))
    async with repo.transaction() as txn:
        contract = await _fleet_contract(txn, repo, caller.tenant_id, vehicle["contract_id"])
        stored = await add_vehicle_in(
            txn, repo=repo, caller=caller, vehicle=vehicle, contract=contract
        )
    return stored, day.today


async def add_vehicle_in(
    txn: Transaction,
    *,
    repo: ContractsRepository,
    caller: Caller,
    vehicle: Vehicle,
    contract: Contract,
) -> Vehicle:
    violations: list[FieldViolation] = []
    entry = vehicle["entry_date"]
    if entry < contract.get("effective_date", ""):
        violations.append(
            FieldViolation(
                "entryDate", f"before the contract took effect, {contract['effective_date']}"
            )
        )
    ends = contract.get("termination_date", "")
    if ends and entry > ends:
        violations.append(FieldViolation("entryDate", f"after the contract ended, {ends}"))
    for other in await repo.vehicles_of_contract_in(txn, caller.tenant_id, contract["id"]):
        if other["registration"] == vehicle["registration"] and (
            not other.get("exit_date") or other["exit_date"] >= entry
        ):
            violations.append(
                FieldViolation("registration", "already on this contract over those days")
            )
            break
    reject_invalid(violations)
    vehicle["id"] = new_id()
    vehicle["exit_date"] = ""
    for name in ("vin", "model", "first_registration_date", "usage", "driver_client_id"):
        vehicle.setdefault(name, "")  # type: ignore[misc]
    vehicle["audit"] = created_stamps(caller.user_id)
    stored = await repo.insert_vehicle(txn, caller.tenant_id, vehicle)
    await events.vehicle_changed(txn, events.VEHICLE_ADDED, caller, stored, contract)
    return stored


async def remove_vehicle(
    *,
    repo: ContractsRepository,
    caller: Caller,
    vehicle_id: str,
    version: int,
    exit_date: str = "",
) -> tuple[Vehicle, date]:
    """The vehicle leaves the contract: covered until its exit date, kept on the tab."""
    access.require_writer(caller)
    reject_invalid(check_date(exit_date, "exitDate"))
    day = agency_day(await repo.get_settings(caller.tenant_id))
    leaves = exit_date or day.today.isoformat()
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_vehicle_for_update(txn, caller.tenant_id, vehicle_id),
            version=version,
            what="vehicle",
            record_id=vehicle_id,
        )
        if current.get("exit_date"):
            raise InvalidInput(
                FieldViolation("id", f"the vehicle already left on {current['exit_date']}")
            )
        if leaves < current["entry_date"]:
            raise InvalidInput(
                FieldViolation("exitDate", f"must not be before entryDate, {current['entry_date']}")
            )
        contract = await _fleet_contract(txn, repo, caller.tenant_id, current["contract_id"])
        updated: Vehicle = {**copy.deepcopy(current), "exit_date": leaves}
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_vehicle(
            txn, caller.tenant_id, updated, expected_version=version
        )
        await events.vehicle_changed(
            txn, events.VEHICLE_REMOVED, caller, stored, contract, ["exit_date"]
        )
    return stored, day.today
