"""Demo data for `make run`: as identity announces each demo client (the agency-demo tenant,
only when C360_DEMO_DATA is on), about two clients in three get their field work: equipment,
sometimes a worksite, and interventions spread from three weeks ago to three weeks ahead, so
that every status shows (late, today, upcoming, done, unscheduled). Written in the consumer's
transaction with their events, so a redelivered creation adds nothing twice. Three
technicians share the visits: tokens for USER=tech-julien, tech-sofia or tech-marc (ROLE=
technician) show their day."""

from __future__ import annotations

import functools
import io
import random
from datetime import date, datetime, time, timedelta
from typing import cast

from PIL import Image, ImageDraw

from client360.identity.v1 import identity_pb2
from runtime.caller import Caller
from runtime.clock import AGENCY_TIMEZONE, today
from runtime.ids import new_id
from runtime.kit.files import FileStore
from runtime.kit.updates import created_stamps
from runtime.store import Transaction
from services.interventions import events, maintenance, photos
from services.interventions.models import (
    ASSIGNED,
    DONE,
    EQUIPMENT,
    FILES,
    INTERVENTIONS,
    MAINTENANCE_PLANS,
    NEW,
    SCHEDULED,
    STARTED,
    WORKSITES,
    FileInfo,
    Intervention,
)
from services.interventions.repository import InterventionsRepository
from services.interventions.search import search_keys
from services.interventions.status import instant

TECHNICIANS = ("tech-julien", "tech-sofia", "tech-marc")
DEMO_ACTOR = "demo"
_EQUIPMENT = (
    ("Chaudière gaz", "Viessmann", "Vitodens 100-W"),
    ("Chaudière gaz", "De Dietrich", "Naneo"),
    ("Pompe à chaleur", "Daikin", "Altherma 3"),
    ("Climatisation", "Mitsubishi", "MSZ-LN"),
    ("Ballon d'eau chaude", "Atlantic", "Chauffeo"),
)
_WORK = (
    ("Entretien annuel", "Entretien", "normal"),
    ("Dépannage : plus d'eau chaude", "Dépannage", "urgent"),
    ("Contrôle d'étanchéité", "Contrôle", "low"),
    ("Remplacement du circulateur", "Dépannage", "high"),
    ("Mise en service", "Installation", "normal"),
)


async def seed_client(
    txn: Transaction,
    repo: InterventionsRepository,
    tenant_id: str,
    client: identity_pb2.Client,
    *,
    files: FileStore | None = None,
) -> int:
    """The demo field work of one client; how many interventions it got. With ``files``,
    most equipment gets a photo and some done interventions a signed report with a photo."""
    rng = random.Random(client.id)
    if rng.random() > 0.65:
        return 0
    caller = Caller(tenant_id, DEMO_ACTOR, "admin")
    address_id = next((a.id for a in client.addresses if a.primary), "")
    equipment_ids: list[str] = []
    for _ in range(rng.randint(0, 2)):
        kind = rng.randrange(len(_EQUIPMENT))
        name, brand, model = _EQUIPMENT[kind]
        installed = today() - timedelta(days=rng.randint(200, 3000))
        equipment_id = new_id()
        record: dict[str, object] = {
            "id": equipment_id,
            "client_id": client.id,
            "name": name,
            "address_id": address_id,
            "description": "",
            "brand": brand,
            "model": model,
            "serial": f"SN{rng.randint(100000, 999999)}",
            "install_date": installed.isoformat(),
            "audit": created_stamps(DEMO_ACTOR),
        }
        if files is not None and rng.random() < 0.7:
            record["photo"] = await _image(
                txn,
                repo,
                files,
                tenant_id,
                _equipment_photo(kind),
                client_id=client.id,
                holder=photos.EQUIPMENT_PHOTO,
                holder_id=equipment_id,
            )
        equipment = await repo.insert_record(txn, EQUIPMENT, tenant_id, record)
        equipment_ids.append(equipment["id"])
        await events.equipment_changed(txn, caller, equipment)  # type: ignore[arg-type]
    worksite_id = ""
    if rng.random() < 0.15:
        site = await repo.insert_record(
            txn,
            WORKSITES,
            tenant_id,
            {
                "id": new_id(),
                "client_id": client.id,
                "name": "Rénovation du chauffage",
                "address_id": address_id,
                "status": rng.choice(("planned", "in_progress", "done")),
                "start_date": (today() - timedelta(days=10)).isoformat(),
                "end_date": (today() + timedelta(days=20)).isoformat(),
                "audit": created_stamps(DEMO_ACTOR),
            },
        )
        worksite_id = site["id"]
        await events.worksite_changed(txn, caller, site)  # type: ignore[arg-type]
    if equipment_ids and rng.random() < 0.4:
        await _maintenance_plan(txn, repo, caller, rng, client.id, equipment_ids[0])
    count = rng.randint(1, 4)
    for _ in range(count):
        await _intervention(
            txn, repo, caller, rng, client.id, address_id, equipment_ids, worksite_id, files
        )
    return count


_PALETTE = ((196, 64, 48), (48, 96, 176), (64, 150, 90), (200, 150, 40), (120, 80, 160))


@functools.cache
def _equipment_photo(kind: int) -> photos.CheckedImage:
    """A drawn stand-in for a photo of equipment of ``kind`` (the same bytes each time, so
    the file store keeps it once per tenant)."""
    name, brand, model = _EQUIPMENT[kind]
    image = Image.new("RGB", (800, 600), (235, 235, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((250, 80, 550, 520), fill=_PALETTE[kind], outline=(40, 40, 40), width=6)
    draw.rectangle((300, 140, 500, 240), fill=(250, 250, 250))
    draw.text((310, 170), f"{brand}\n{model}", fill=(20, 20, 20))
    draw.text((40, 550), name, fill=(60, 60, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return photos.check_image(
        f"{brand}-{model}.jpg".replace(" ", "-").lower(),
        out.getvalue(),
        field="photo",
        limit=photos.MAX_PHOTO_BYTES,
        default_name="photo",
    )


@functools.cache
def _signature() -> photos.CheckedImage:
    image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
    ImageDraw.Draw(image).line(
        [(20, 110), (80, 40), (120, 100), (170, 30), (220, 110), (300, 60), (380, 90)],
        fill=(20, 30, 90, 255),
        width=5,
    )
    out = io.BytesIO()
    image.save(out, "PNG")
    return photos.check_image(
        "signature.png",
        out.getvalue(),
        field="signature",
        limit=photos.MAX_SIGNATURE_BYTES,
        default_name="signature",
    )


async def _image(
    txn: Transaction,
    repo: InterventionsRepository,
    files: FileStore,
    tenant_id: str,
    image: photos.CheckedImage,
    *,
    client_id: str,
    holder: str,
    holder_id: str,
) -> FileInfo:
    """The image stored with its thumbnail and its FILES record; what its holder shows."""
    _, thumbnail_key = photos.store(files, tenant_id, image)
    record = photos.file_record(
        image,
        file_id=new_id(),
        client_id=client_id,
        holder=holder,
        holder_id=holder_id,
        thumbnail_key=thumbnail_key,
    )
    await repo.insert_record(txn, FILES, tenant_id, record)
    return cast(FileInfo, photos.file_info(record))


async def _intervention(
    txn: Transaction,
    repo: InterventionsRepository,
    caller: Caller,
    rng: random.Random,
    client_id: str,
    address_id: str,
    equipment_ids: list[str],
    worksite_id: str,
    files: FileStore | None,
) -> None:
    title, kind, priority = rng.choice(_WORK)
    offset = rng.randint(-21, 21)
    day = today() + timedelta(days=offset)
    start_at = datetime.combine(day, time(rng.randint(8, 16)), AGENCY_TIMEZONE)
    scheduled = rng.random() < 0.85
    stage = NEW
    start = end = actual_start = actual_end = report = ""
    technicians: list[str] = []
    if scheduled:
        start, end = instant(start_at), instant(start_at + timedelta(hours=rng.choice((1, 2))))
        technicians = [rng.choice(TECHNICIANS)]
        stage = rng.choice((SCHEDULED, ASSIGNED)) if offset > 0 else ASSIGNED
        if offset < 0 and rng.random() < 0.75:
            stage, actual_start, actual_end = DONE, start, end
            report = "Intervention réalisée, installation vérifiée et fonctionnelle."
        elif offset == 0 and rng.random() < 0.5:
            stage, actual_start = STARTED, start
    created = created_stamps(DEMO_ACTOR)
    intervention: Intervention = {
        "id": new_id(),
        "client_id": client_id,
        "number": await repo.next_number(txn, caller.tenant_id),
        "title": title,
        "type": kind,
        "description": "",
        "address_id": address_id,
        "equipment_ids": equipment_ids[:1],
        "technician_ids": technicians,
        "scheduled_start": start,
        "scheduled_end": end,
        "actual_start": actual_start,
        "actual_end": actual_end,
        "priority": priority,
        "latest_date": (day + timedelta(days=7)).isoformat(),
        "appointment_confirmed": scheduled and rng.random() < 0.7,
        "quote_id": f"DEV-{rng.randint(1000, 9999)}" if rng.random() < 0.3 else "",
        "invoicing": rng.choice(("to_invoice", "invoiced", "not_billable"))
        if stage == DONE
        else "",
        "archived": offset < -14 and rng.random() < 0.3,
        "worksite_id": worksite_id if rng.random() < 0.5 else "",
        "stage": stage,
        "report": report,
        "audit": created,
    }
    intervention["search_keys"] = search_keys(title, intervention["number"])
    if files is not None and stage == DONE and rng.random() < 0.4:
        # A report signed on site, with a photo of the equipment worked on.
        owner = {"client_id": client_id, "holder_id": intervention["id"]}
        intervention["signature"] = await _image(
            txn, repo, files, caller.tenant_id, _signature(), holder=photos.SIGNATURE, **owner
        )
        shot = _equipment_photo(rng.randrange(len(_EQUIPMENT)))
        intervention["report_photos"] = [
            await _image(
                txn, repo, files, caller.tenant_id, shot, holder=photos.REPORT_PHOTO, **owner
            )
        ]
    stored = await repo.insert(txn, caller.tenant_id, intervention)
    await events.intervention_event(txn, events.CREATED, caller, stored)


async def _maintenance_plan(
    txn: Transaction,
    repo: InterventionsRepository,
    caller: Caller,
    rng: random.Random,
    client_id: str,
    equipment_id: str,
) -> None:
    """A plan every three months since half a year ago: some past visits done, some left
    unscheduled, the next ones partly planned, so that the three colours show."""
    plan = await repo.insert_record(
        txn,
        MAINTENANCE_PLANS,
        caller.tenant_id,
        {
            "id": new_id(),
            "client_id": client_id,
            "name": "Entretien périodique",
            "equipment_id": equipment_id,
            "address_id": "",
            "rrule": "FREQ=MONTHLY;INTERVAL=3",
            "start_date": (today() - timedelta(days=rng.randint(150, 200))).isoformat(),
            "horizon_days": 120,
            "generated_until": "",
            "audit": created_stamps(DEMO_ACTOR),
        },
    )
    await maintenance.generate_visits(txn, repo, caller.tenant_id, plan["id"])
    day = today().isoformat()
    visits = await txn.find(INTERVENTIONS, caller.tenant_id, {"plan_id": plan["id"]})
    for visit in visits:
        due = visit["due_date"]
        moment = datetime.combine(date.fromisoformat(due), time(9), AGENCY_TIMEZONE)
        slot = {
            "scheduled_start": instant(moment),
            "scheduled_end": instant(moment + timedelta(hours=1)),
        }
        changes: dict[str, object]
        if due < day and rng.random() < 0.7:
            changes = {
                **slot,
                "stage": DONE,
                "report": "Entretien effectué.",
                "actual_start": slot["scheduled_start"],
                "actual_end": slot["scheduled_end"],
            }
        elif due >= day and rng.random() < 0.6:
            changes = {**slot, "stage": ASSIGNED, "technician_ids": [rng.choice(TECHNICIANS)]}
        else:
            continue
        await txn.replace(
            INTERVENTIONS,
            caller.tenant_id,
            {**visit, **changes},
            expected_version=visit["version"],
        )
