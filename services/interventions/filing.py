"""The images of equipment and reports: an equipment's photo set or removed by the agency, and
the files served back (GetFile) under the reads' rules.

The bytes go to the FileStore before the record naming them commits; a photo replaced or
removed takes its FILES record with it, so its old id answers NOT_FOUND.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass
from typing import Any, cast

from runtime.caller import Caller
from runtime.errors import FieldViolation, InvalidInput, NotFound
from runtime.ids import new_id
from runtime.kit.files import FileStore
from runtime.kit.updates import check_version, touched_stamps
from services.interventions import events, photos, roles
from services.interventions.models import EQUIPMENT, FILES, Equipment, Intervention
from services.interventions.repository import InterventionsRepository


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as the gateway received it: the uploader's name and the bytes."""

    name: str
    data: bytes


@dataclass(frozen=True, slots=True)
class FileContent:
    name: str
    media_type: str
    data: bytes


async def checked_images(
    uploads: list[tuple[Upload, str, int, str]],
) -> tuple[list[photos.CheckedImage], list[FieldViolation]]:
    """Each (upload, field, limit, default name) checked off the event loop; every
    violation at once."""
    return await asyncio.to_thread(
        photos.check_images, [(u.name, u.data, field, limit, dn) for u, field, limit, dn in uploads]
    )


async def stored_images(
    files: FileStore,
    tenant_id: str,
    images: list[photos.CheckedImage],
    *,
    client_id: str,
    holder: str,
    holder_id: str,
) -> list[dict[str, Any]]:
    """The images written durably (with their thumbnails); their FILES records, to insert
    in the transaction that names them."""
    records: list[dict[str, Any]] = []
    for image in images:
        _, thumbnail_key = await asyncio.to_thread(photos.store, files, tenant_id, image)
        records.append(
            photos.file_record(
                image,
                file_id=new_id(),
                client_id=client_id,
                holder=holder,
                holder_id=holder_id,
                thumbnail_key=thumbnail_key,
            )
        )
    return records


async def set_equipment_photo(
    *,
    repo: InterventionsRepository,
    files: FileStore,
    caller: Caller,
    equipment_id: str,
    version: int,
    photo: Upload | None,
) -> Equipment:
    """The equipment with ``photo`` as its photo (None removes it); the agency only."""
    roles.require_agency(caller, "change equipment")
    record: dict[str, Any] | None = None
    if photo is not None:
        images, violations = await checked_images(
            [(photo, "photo", photos.MAX_PHOTO_BYTES, "equipment-photo")]
        )
        if violations:
            raise InvalidInput(violations)
        current = await repo.get_record(EQUIPMENT, caller.tenant_id, equipment_id)
        if current is None:
            raise NotFound(f"equipment {equipment_id} not found")
        [record] = await stored_images(
            files,
            caller.tenant_id,
            images,
            client_id=current["client_id"],
            holder=photos.EQUIPMENT_PHOTO,
            holder_id=equipment_id,
        )
    async with repo.transaction() as txn:
        current = check_version(
            await repo.get_record_for_update(txn, EQUIPMENT, caller.tenant_id, equipment_id),
            version=version,
            what="equipment",
            record_id=equipment_id,
        )
        updated = copy.deepcopy(current)
        previous = updated.pop("photo", None)
        if previous is None and record is None:
            return cast(Equipment, current)
        if previous is not None:
            await repo.delete_record(txn, FILES, caller.tenant_id, previous["id"])
        if record is not None:
            await repo.insert_record(txn, FILES, caller.tenant_id, record)
            updated["photo"] = photos.file_info(record)
        updated["audit"] = touched_stamps(updated.get("audit"), caller.user_id)
        stored = await repo.replace_record(
            txn, EQUIPMENT, caller.tenant_id, updated, expected_version=version
        )
        await events.equipment_changed(txn, caller, cast(Equipment, stored), ["photo"])
    return cast(Equipment, stored)


async def _technician_may_see(
    repo: InterventionsRepository, caller: Caller, record: dict[str, Any]
) -> bool:
    """A technician sees the files of the interventions they are on, and the photos of the
    equipment those interventions name."""
    if record.get("holder") == photos.EQUIPMENT_PHOTO:
        theirs = await repo.find(
            caller.tenant_id,
            {"$and": [{"technician_ids": caller.user_id}, {"client_id": record["client_id"]}]},
        )
        return any(record["holder_id"] in i.get("equipment_ids", []) for i in theirs)
    found: Intervention | None = await repo.get(caller.tenant_id, record["holder_id"])
    return found is not None and caller.user_id in found.get("technician_ids", [])


async def get_file(
    *,
    repo: InterventionsRepository,
    files: FileStore,
    caller: Caller,
    file_id: str,
    variant: str,
) -> FileContent:
    """A file, or its thumbnail, for a caller who may read what holds it; another tenant's,
    or one out of a technician's scope, answers like a missing one."""
    if variant not in photos.VARIANTS:
        raise InvalidInput(FieldViolation("variant", 'empty (the file) or "thumbnail"'))
    roles.require_field_role(caller)
    record = await repo.get_record(FILES, caller.tenant_id, file_id)
    if record is None or (
        roles.is_technician(caller) and not await _technician_may_see(repo, caller, record)
    ):
        raise NotFound(f"file {file_id} not found")
    if variant == photos.THUMBNAIL:
        data = await asyncio.to_thread(files.get, caller.tenant_id, record["thumbnail_sha256"])
        return FileContent(photos.thumbnail_name(record["name"]), "image/jpeg", data)
    data = await asyncio.to_thread(files.get, caller.tenant_id, record["sha256"])
    return FileContent(record["name"], record["media_type"], data)
