"""Equipment and worksites of a client: recorded and changed by the agency (not technicians),
each change with its event; and the check that an intervention names only its own client's
equipment and worksite."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from runtime.caller import Caller
from runtime.errors import FieldViolation
from runtime.ids import new_id
from runtime.kit.updates import created_stamps, edit, touched_stamps
from runtime.kit.validators import reject_invalid
from runtime.store import Transaction
from services.interventions import events, roles
from services.interventions.models import (
    EQUIPMENT,
    EQUIPMENT_FIELDS,
    WORKSITE_FIELDS,
    WORKSITES,
    Equipment,
    EquipmentInput,
    Intervention,
    Worksite,
    WorksiteInput,
)
from services.interventions.repository import InterventionsRepository
from services.interventions.validation import check_equipment, check_worksite


def _agency_only(caller: Caller, what: str) -> None:
    roles.require_agency(caller, what)


async def check_links(
    repo: InterventionsRepository, txn: Transaction, tenant_id: str, intervention: Intervention
) -> list[FieldViolation]:
    """The address, the equipment and the worksite an intervention names are its client's."""
    client_id = intervention.get("client_id", "")
    out: list[FieldViolation] = []
    wanted = intervention.get("equipment_ids", [])
    found = {e["id"]: e for e in await repo.records_for_update(txn, EQUIPMENT, tenant_id, wanted)}
    for i, equipment_id in enumerate(wanted):
        if found.get(equipment_id, {}).get("client_id") != client_id:
            out.append(FieldViolation(f"equipmentIds[{i}]", "not an equipment of this client"))
    address_id = intervention.get("address_id", "")
    if address_id:
        # Checked against the copy of identity's client when it has arrived; a client created
        # a moment ago (its event not applied yet) is taken at its word.
        client = await repo.clients.get(txn, tenant_id, client_id)
        if client is not None and address_id not in {
            a.get("id") for a in client.get("addresses", [])
        }:
            out.append(FieldViolation("addressId", "not an address of this client"))
    worksite_id = intervention.get("worksite_id", "")
    if worksite_id:
        worksite = await repo.get_record_for_update(txn, WORKSITES, tenant_id, worksite_id)
        if worksite is None or worksite.get("client_id") != client_id:
            out.append(FieldViolation("worksiteId", "not a worksite of this client"))
    return out


async def _create(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    collection: str,
    client_id: str,
    record: dict[str, Any],
    check: Callable[[Any], list[FieldViolation]],
) -> dict[str, Any]:
    violations = check(record)
    if not client_id.strip():
        violations.insert(0, FieldViolation("clientId", "required"))
    reject_invalid(violations)
    record.update({"id": new_id(), "client_id": client_id, "audit": created_stamps(caller.user_id)})
    async with repo.transaction() as txn:
        stored = await repo.insert_record(txn, collection, caller.tenant_id, record)
        if collection == EQUIPMENT:
            await events.equipment_changed(txn, caller, cast(Equipment, stored))
        else:
            await events.worksite_changed(txn, caller, cast(Worksite, stored))
    return stored


async def _update(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    collection: str,
    record_id: str,
    version: int,
    changes: dict[str, Any],
    paths: Sequence[str],
    writable: Sequence[str],
    check: Callable[[Any], list[FieldViolation]],
) -> dict[str, Any]:
    what = "equipment" if collection == EQUIPMENT else "worksite"
    async with repo.transaction() as txn:
        current = await repo.get_record_for_update(txn, collection, caller.tenant_id, record_id)
        change = edit(
            current,
            what=what,
            record_id=record_id,
            version=version,
            changes=changes,
            paths=paths,
            writable=writable,
            check=check,
        )
        if not change.changed:
            return change.record
        updated = {
            **change.record,
            "audit": touched_stamps(change.record.get("audit"), caller.user_id),
        }
        stored = await repo.replace_record(
            txn, collection, caller.tenant_id, updated, expected_version=version
        )
        if collection == EQUIPMENT:
            await events.equipment_changed(txn, caller, cast(Equipment, stored), change.changed)
        else:
            await events.worksite_changed(txn, caller, cast(Worksite, stored), change.changed)
    return stored


_EQUIPMENT_DEFAULTS: EquipmentInput = {
    "name": "",
    "address_id": "",
    "description": "",
    "brand": "",
    "model": "",
    "serial": "",
    "install_date": "",
}
_WORKSITE_DEFAULTS: WorksiteInput = {
    "name": "",
    "address_id": "",
    "status": "planned",
    "start_date": "",
    "end_date": "",
}


async def create_equipment(
    *, repo: InterventionsRepository, caller: Caller, client_id: str, data: EquipmentInput
) -> Equipment:
    _agency_only(caller, "record equipment")
    record = {**_EQUIPMENT_DEFAULTS, **data}
    stored = await _create(
        repo=repo,
        caller=caller,
        collection=EQUIPMENT,
        client_id=client_id,
        record=dict(record),
        check=check_equipment,
    )
    return cast(Equipment, stored)


async def update_equipment(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    equipment_id: str,
    version: int,
    changes: EquipmentInput,
    paths: Sequence[str],
) -> Equipment:
    _agency_only(caller, "change equipment")
    stored = await _update(
        repo=repo,
        caller=caller,
        collection=EQUIPMENT,
        record_id=equipment_id,
        version=version,
        changes=dict(changes),
        paths=paths,
        writable=EQUIPMENT_FIELDS,
        check=check_equipment,
    )
    return cast(Equipment, stored)


async def create_worksite(
    *, repo: InterventionsRepository, caller: Caller, client_id: str, data: WorksiteInput
) -> Worksite:
    _agency_only(caller, "record a worksite")
    record = {**_WORKSITE_DEFAULTS, **{k: v for k, v in data.items() if v != ""}}
    stored = await _create(
        repo=repo,
        caller=caller,
        collection=WORKSITES,
        client_id=client_id,
        record=dict(record),
        check=check_worksite,
    )
    return cast(Worksite, stored)


async def update_worksite(
    *,
    repo: InterventionsRepository,
    caller: Caller,
    worksite_id: str,
    version: int,
    changes: WorksiteInput,
    paths: Sequence[str],
) -> Worksite:
    _agency_only(caller, "change a worksite")
    stored = await _update(
        repo=repo,
        caller=caller,
        collection=WORKSITES,
        record_id=worksite_id,
        version=version,
        changes=dict(changes),
        paths=paths,
        writable=WORKSITE_FIELDS,
        check=check_worksite,
    )
    return cast(Worksite, stored)
