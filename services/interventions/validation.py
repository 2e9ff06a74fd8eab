"""The rules an intervention's input obeys; each check returns every violation it finds, named
by the input field as callers write it (camelCase), so that a bad input is refused whole."""

from __future__ import annotations

from collections.abc import Sequence

from runtime.errors import FieldViolation
from runtime.kit.validators import check_date
from services.interventions.models import (
    INVOICING,
    PRIORITIES,
    WORKSITE_STATUSES,
    Equipment,
    Intervention,
    Worksite,
)

MAX_TITLE = 200
MAX_TYPE = 80
MAX_DESCRIPTION = 5_000
MAX_REPORT = 20_000
MAX_EQUIPMENT = 50
MAX_TECHNICIANS = 20
MAX_ID = 64


def _text(value: str, field: str, maximum: int, *, required: bool = False) -> list[FieldViolation]:
    if required and not value.strip():
        return [FieldViolation(field, "required")]
    if len(value) > maximum:
        return [FieldViolation(field, f"at most {maximum} characters")]
    return []


def check_ids(ids: Sequence[str], field: str, maximum: int) -> list[FieldViolation]:
    """Ids given once each, none blank, at most ``maximum``."""
    out: list[FieldViolation] = []
    if len(ids) > maximum:
        out.append(FieldViolation(field, f"at most {maximum} items"))
    seen: set[str] = set()
    for i, some_id in enumerate(ids):
        if not some_id.strip() or len(some_id) > MAX_ID:
            out.append(FieldViolation(f"{field}[{i}]", f"an id of 1 to {MAX_ID} characters"))
        elif some_id in seen:
            out.append(FieldViolation(f"{field}[{i}]", "given twice"))
        seen.add(some_id)
    return out


def check_intervention(intervention: Intervention) -> list[FieldViolation]:
    """The whole record as it would be written (after a create's input or an update's mask)."""
    return [
        *_text(intervention.get("title", ""), "title", MAX_TITLE, required=True),
        *_text(intervention.get("type", ""), "type", MAX_TYPE),
        *_text(intervention.get("description", ""), "description", MAX_DESCRIPTION),
        *_text(intervention.get("address_id", ""), "addressId", MAX_ID),
        *_text(intervention.get("quote_id", ""), "quoteId", MAX_ID),
        *check_ids(intervention.get("equipment_ids", []), "equipmentIds", MAX_EQUIPMENT),
        *PRIORITIES.check(intervention.get("priority", ""), "priority"),
        *INVOICING.check(intervention.get("invoicing", ""), "invoicing"),
        *check_date(intervention.get("latest_date", ""), "latestDate"),
    ]


def check_schedule(start: str, end: str, technician_ids: Sequence[str]) -> list[FieldViolation]:
    """A start and an end, the end after the start, or neither (out of the planning)."""
    out = check_ids(technician_ids, "technicianIds", MAX_TECHNICIANS)
    if bool(start) != bool(end):
        missing = "scheduledEnd" if start else "scheduledStart"
        out.append(FieldViolation(missing, "a schedule needs both a start and an end"))
    elif start and end <= start:
        out.append(FieldViolation("scheduledEnd", "must be after scheduledStart"))
    return out


def check_report(report: str) -> list[FieldViolation]:
    return _text(report, "report", MAX_REPORT, required=True)


MAX_NAME = 200


def check_equipment(equipment: Equipment) -> list[FieldViolation]:
    return [
        *_text(equipment.get("name", ""), "name", MAX_NAME, required=True),
        *_text(equipment.get("address_id", ""), "addressId", MAX_ID),
        *_text(equipment.get("description", ""), "description", MAX_DESCRIPTION),
        *_text(equipment.get("brand", ""), "brand", MAX_TYPE),
        *_text(equipment.get("model", ""), "model", MAX_TYPE),
        *_text(equipment.get("serial", ""), "serial", MAX_TYPE),
        *check_date(equipment.get("install_date", ""), "installDate", past=True),
    ]


def check_worksite(worksite: Worksite) -> list[FieldViolation]:
    out = [
        *_text(worksite.get("name", ""), "name", MAX_NAME, required=True),
        *_text(worksite.get("address_id", ""), "addressId", MAX_ID),
        *WORKSITE_STATUSES.check(worksite.get("status", ""), "status"),
        *check_date(worksite.get("start_date", ""), "startDate"),
        *check_date(worksite.get("end_date", ""), "endDate"),
    ]
    start, end = worksite.get("start_date", ""), worksite.get("end_date", "")
    if not out and start and end and end < start:
        out.append(FieldViolation("endDate", "must not be before startDate"))
    return out
