"""Equipment photos and report images in process, on a real SQLite store and a real file store:
the checks an image passes (type from the content, Pillow can read it, size and pixel limits),
the thumbnail made once, the files served under the reads' rules, the events, and nothing
written when an image is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from client360.events.v1 import events_pb2
from client360.identity.v1 import identity_pb2
from client360.interventions.v1 import interventions_pb2 as pb
from runtime.caller import Caller
from runtime.errors import InvalidInput, NotFound, PermissionDenied
from runtime.kit.files import FileStore
from runtime.outbox import new_event
from runtime.store.sqlite import SqliteStore
from services.interventions import consumers, filing, photos, places, service
from services.interventions.filing import Upload
from services.interventions.models import COLLECTIONS, FILES, Equipment, Intervention
from services.interventions.repository import InterventionsRepository
from tests.interventions import images

TENANT = "agency-a"
ADVISOR = Caller(TENANT, "alice", "advisor")
TECH_TOM = Caller(TENANT, "tom", "technician")
TECH_ANA = Caller(TENANT, "ana", "technician")
OTHER_ADVISOR = Caller("agency-b", "bob", "advisor")
CLIENT = "client-1"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = SqliteStore(tmp_path / "interventions.sqlite3")
    await opened.open(COLLECTIONS)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def repo(store: SqliteStore) -> InterventionsRepository:
    return InterventionsRepository(store)


@pytest.fixture
def files(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "interventions-files")


async def _equipment(repo: InterventionsRepository, client_id: str = CLIENT) -> Equipment:
    return await places.create_equipment(
        repo=repo, caller=ADVISOR, client_id=client_id, data={"name": "Chaudière"}
    )


async def _set_photo(
    repo: InterventionsRepository,
    files: FileStore,
    equipment: Equipment,
    photo: Upload | None,
    caller: Caller = ADVISOR,
) -> Equipment:
    return await filing.set_equipment_photo(
        repo=repo,
        files=files,
        caller=caller,
        equipment_id=equipment["id"],
        version=equipment["version"],
        photo=photo,
    )


async def _get(
    repo: InterventionsRepository,
    files: FileStore,
    file_id: str,
    caller: Caller = ADVISOR,
    variant: str = "",
) -> filing.FileContent:
    return await filing.get_file(
        repo=repo, files=files, caller=caller, file_id=file_id, variant=variant
    )


async def _visit(
    repo: InterventionsRepository, technicians: tuple[str, ...], **data: Any
) -> Intervention:
    created = await service.create_intervention(
        repo=repo,
        caller=ADVISOR,
        client_id=CLIENT,
        data={"title": "Visite", **data},  # type: ignore[typeddict-item]
    )
    return await service.schedule_intervention(
        repo=repo,
        caller=ADVISOR,
        intervention_id=created["id"],
        version=created["version"],
        start="2026-11-25T08:00:00.000000+00:00",
        end="2026-11-25T09:00:00.000000+00:00",
        technician_ids=list(technicians),
    )


async def test_an_equipment_photo_is_stored_with_an_upright_thumbnail_and_served_back(
    repo: InterventionsRepository, files: FileStore
) -> None:
    boiler = await _equipment(repo)
    # A landscape sensor image that a viewer must turn a quarter clockwise (EXIF 6).
    sent = images.jpeg(1200, 900, orientation=6)
    updated = await _set_photo(repo, files, boiler, Upload("C:\\photos\\chaudière.jpg", sent))
    photo = updated["photo"]
    assert (photo["name"], photo["media_type"], photo["size_bytes"]) == (
        "chaudière.jpg",
        "image/jpeg",
        len(sent),
    )
    assert updated["version"] == boiler["version"] + 1
    original = await _get(repo, files, photo["id"])
    assert (original.data, original.media_type, original.name) == (
        sent,
        "image/jpeg",
        "chaudière.jpg",
    )
    thumbnail = await _get(repo, files, photo["id"], variant="thumbnail")
    assert thumbnail.media_type == "image/jpeg"
    assert thumbnail.name == "chaudière-thumbnail.jpg"
    # Upright (portrait) and at most 320 px a side.
    assert images.size_of(thumbnail.data) == (240, 320)
    with pytest.raises(InvalidInput) as variant:
        await _get(repo, files, photo["id"], variant="huge")
    assert [v.field for v in variant.value.violations] == ["variant"]


async def test_png_and_webp_are_accepted_and_transparency_goes_on_white(
    repo: InterventionsRepository, files: FileStore
) -> None:
    boiler = await _equipment(repo)
    with_png = await _set_photo(repo, files, boiler, Upload("", images.png()))
    assert (with_png["photo"]["name"], with_png["photo"]["media_type"]) == (
        "equipment-photo.png",
        "image/png",
    )
    thumbnail = await _get(repo, files, with_png["photo"]["id"], variant="thumbnail")
    assert images.size_of(thumbnail.data) == (300, 120)
    with_webp = await _set_photo(repo, files, with_png, Upload("pac.webp", images.webp()))
    assert with_webp["photo"]["media_type"] == "image/webp"
    assert images.size_of(
        (await _get(repo, files, with_webp["photo"]["id"], variant="thumbnail")).data
    ) == (320, 240)
    # The replaced photo is gone with its record.
    with pytest.raises(NotFound):
        await _get(repo, files, with_png["photo"]["id"])


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (images.PDF, "the content is a file of type application/pdf"),
        (b"just some text, no image at all", "not a file type we recognise"),
        (images.jpeg()[:600], "damaged or truncated"),
        (images.bomb(), "at most 40000000 pixels"),
        (b"\xff\xd8\xff\xe0" + b"\0" * (8 * 1024 * 1024), "at most 8388608 are accepted"),
        (b"", "the file is empty"),
    ],
    ids=["pdf", "text", "truncated", "decompression-bomb", "oversized", "empty"],
)
async def test_a_bad_photo_is_refused_on_its_field_and_nothing_changes(
    repo: InterventionsRepository, files: FileStore, content: bytes, rule: str
) -> None:
    boiler = await _equipment(repo)
    with pytest.raises(InvalidInput) as refused:
        await _set_photo(repo, files, boiler, Upload("x.jpg", content))
    [violation] = refused.value.violations
    assert violation.field == "photo"
    assert rule in violation.rule
    [still] = await repo.find_equipment(TENANT, [CLIENT])
    assert still["version"] == boiler["version"]
    assert "photo" not in still
    assert await repo.get_record(FILES, TENANT, "x") is None
    assert not (files.root / TENANT).exists()


async def test_a_photo_removed_answers_not_found_and_technicians_may_not_set_one(
    store: SqliteStore, repo: InterventionsRepository, files: FileStore
) -> None:
    boiler = await _equipment(repo)
    with pytest.raises(PermissionDenied):
        await _set_photo(repo, files, boiler, Upload("a.jpg", images.jpeg()), caller=TECH_TOM)
    with_photo = await _set_photo(repo, files, boiler, Upload("a.jpg", images.jpeg()))
    removed = await _set_photo(repo, files, with_photo, None)
    assert "photo" not in removed
    with pytest.raises(NotFound):
        await _get(repo, files, with_photo["photo"]["id"])
    kinds = []
    for pending in await store.pending_events(100):
        event = events_pb2.Event.FromString(pending.payload)
        if event.type == "c360.interventions.equipment.updated":
            payload = pb.EquipmentUpdated.FromString(event.payload.value)
            kinds.append((list(payload.changed_fields), payload.equipment.HasField("photo")))
    assert kinds == [(["photo"], True), (["photo"], False)]


async def test_another_tenants_file_answers_like_a_missing_one(
    repo: InterventionsRepository, files: FileStore
) -> None:
    boiler = await _set_photo(repo, files, await _equipment(repo), Upload("a.jpg", images.jpeg()))
    with pytest.raises(NotFound):
        await _get(repo, files, boiler["photo"]["id"], caller=OTHER_ADVISOR)
    with pytest.raises(NotFound):
        await _get(repo, files, "01NOSUCHFILE")
    with pytest.raises(NotFound):
        await filing.set_equipment_photo(
            repo=repo,
            files=files,
            caller=OTHER_ADVISOR,
            equipment_id=boiler["id"],
            version=boiler["version"],
            photo=Upload("a.jpg", images.jpeg()),
        )


async def test_a_report_keeps_its_signature_and_photos_once_however_often_it_is_sent(
    repo: InterventionsRepository, files: FileStore
) -> None:
    found = await _visit(repo, ("tom",))
    sent: dict[str, Any] = {
        "repo": repo,
        "files": files,
        "caller": TECH_TOM,
        "intervention_id": found["id"],
        "version": found["version"],
        "report": "Brûleur nettoyé.",
        "idempotency_key": "phone-1:12",
        "signature": Upload("signature.png", images.png()),
        "report_photos": [Upload("avant.jpg", images.jpeg()), Upload("apres.webp", images.webp())],
    }
    done = await service.complete_intervention(**sent)
    again = await service.complete_intervention(**sent)
    assert again == done
    assert done["signature"]["media_type"] == "image/png"
    assert [p["name"] for p in done["report_photos"]] == ["avant.jpg", "apres.webp"]
    stored = await repo.find_records(FILES, TENANT, {"holder_id": found["id"]})
    assert len(stored) == 3
    for shown in (done["signature"], *done["report_photos"]):
        assert (await _get(repo, files, shown["id"], caller=TECH_TOM)).data
        with pytest.raises(NotFound):
            await _get(repo, files, shown["id"], caller=TECH_ANA)


async def test_a_report_with_a_bad_image_is_refused_whole_naming_each_field(
    repo: InterventionsRepository, files: FileStore
) -> None:
    found = await _visit(repo, ("tom",))
    with pytest.raises(InvalidInput) as refused:
        await service.complete_intervention(
            repo=repo,
            files=files,
            caller=TECH_TOM,
            intervention_id=found["id"],
            version=found["version"],
            report="",
            signature=Upload("s.pdf", images.PDF),
            report_photos=[Upload("ok.jpg", images.jpeg()), Upload("bad.jpg", b"nope")],
        )
    assert [v.field for v in refused.value.violations] == ["report", "signature", "photos[1]"]
    with pytest.raises(InvalidInput) as too_many:
        await service.complete_intervention(
            repo=repo,
            files=files,
            caller=TECH_TOM,
            intervention_id=found["id"],
            version=found["version"],
            report="ok",
            report_photos=[Upload("a.webp", images.webp())] * (photos.MAX_REPORT_PHOTOS + 1),
        )
    assert [v.field for v in too_many.value.violations] == ["photos"]
    unchanged = await repo.get(TENANT, found["id"])
    assert unchanged is not None
    assert (unchanged["stage"], unchanged["version"]) == (found["stage"], found["version"])
    assert await repo.find_records(FILES, TENANT, {}) == []


async def test_a_technician_gets_the_photos_of_equipment_on_their_interventions_only(
    repo: InterventionsRepository, files: FileStore
) -> None:
    theirs = await _set_photo(repo, files, await _equipment(repo), Upload("", images.jpeg()))
    other = await _set_photo(repo, files, await _equipment(repo), Upload("", images.webp()))
    await _visit(repo, ("tom",), equipment_ids=[theirs["id"]])
    await _visit(repo, ("ana",), equipment_ids=[other["id"]])
    assert (await _get(repo, files, theirs["photo"]["id"], caller=TECH_TOM)).data
    for caller, file_id in (
        (TECH_TOM, other["photo"]["id"]),
        (TECH_ANA, theirs["photo"]["id"]),
    ):
        with pytest.raises(NotFound):
            await _get(repo, files, file_id, caller=caller)
        with pytest.raises(NotFound):
            await _get(repo, files, file_id, caller=caller, variant="thumbnail")


async def test_demo_field_work_shows_equipment_photos_and_signed_reports(
    repo: InterventionsRepository, files: FileStore
) -> None:
    handler = consumers.IdentityEventHandler(repo, demo_tenant=TENANT, files=files)
    for n in range(30):
        client = identity_pb2.Client(id=f"demo-{n}", version=1, display_name=f"C{n}")
        event = new_event(
            identity_pb2.ClientCreated(client=client), tenant_id=TENANT, key=client.id, actor_id=""
        )
        async with repo.transaction() as txn:
            await handler(txn, event)
    ids = [f"demo-{n}" for n in range(30)]
    shown = [e["photo"] for e in await repo.find_equipment(TENANT, ids) if "photo" in e]
    signed = await repo.find(TENANT, {"stage": "done"})
    signatures = [i["signature"] for i in signed if "signature" in i]
    assert shown
    assert signatures
    for info in (shown[0], signatures[0]):
        content = await _get(repo, files, info["id"])
        assert content.media_type == info["media_type"]
        assert len(content.data) == info["size_bytes"]
        thumbnail = await _get(repo, files, info["id"], variant="thumbnail")
        assert max(images.size_of(thumbnail.data)) == photos.THUMBNAIL_EDGE
