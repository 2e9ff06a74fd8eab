"""Photos and signatures through the real gateway: uploads as GraphQL multipart requests, the
files back over GET /files/interventions/<id> with the signed link a field gives and with the
bearer header, thumbnails, refusals, another tenant's file and a technician's scope."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.harness import GraphQLClient, Subscription, wait_consumed, wait_outbox_published
from tests.interventions import images
from tests.interventions.day import DAY, TECHNICIAN_DAY, VISITS, plan_day, upload
from tests.interventions.queries import CREATE_CLIENT

CREATE_EQUIPMENT = """
mutation($clientId: ID!) {
  createEquipment(clientId: $clientId, input: {name: "Chaudière", brand: "Viessmann"}) {
    id version
  }
}
"""
IMAGE = "id name mediaType sizeBytes sha256 url thumbnailUrl"
SET_PHOTO = f"""
mutation($id: ID!, $version: Int!, $photo: Upload) {{
  setEquipmentPhoto(id: $id, version: $version, photo: $photo) {{
    id version photo {{ {IMAGE} }}
  }}
}}
"""
CREATE = """
mutation($clientId: ID!, $equipmentIds: [ID!]) {
  createIntervention(clientId: $clientId,
                     input: {title: "Entretien", equipmentIds: $equipmentIds}) { id version }
}
"""
SCHEDULE = """
mutation($id: ID!, $version: Int!, $start: DateTime, $end: DateTime, $technicians: [String!]) {
  scheduleIntervention(id: $id, version: $version, scheduledStart: $start,
                       scheduledEnd: $end, technicianIds: $technicians) { id version }
}
"""
COMPLETE = f"""
mutation($id: ID!, $version: Int!, $key: String, $signature: Upload, $photos: [Upload!]) {{
  completeIntervention(id: $id, version: $version, report: "Brûleur nettoyé.",
                       idempotencyKey: $key, signature: $signature, photos: $photos) {{
    stage version signature {{ {IMAGE} }} reportPhotos {{ {IMAGE} }}
  }}
}}
"""
SECTION = f"""
query($id: ID!) {{ client(id: $id) {{ interventions {{
  equipment {{ name photo {{ {IMAGE} }} }}
}} }} }}
"""


def _base(gql: GraphQLClient) -> str:
    return gql.system.graphql_url.removesuffix("/graphql")


def _violations(body: dict[str, Any]) -> list[dict[str, str]]:
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    found: list[dict[str, str]] = error["extensions"]["violations"]
    return found


async def _client(gql: GraphQLClient) -> str:
    body = await gql.data(
        CREATE_CLIENT, {"input": {"kind": "INDIVIDUAL", "firstName": "Léa", "lastName": "Roux"}}
    )
    client_id: str = body["createClient"]["id"]
    return client_id


async def _equipment_with_photo(gql: GraphQLClient, client_id: str, data: bytes) -> dict[str, Any]:
    boiler = (await gql.data(CREATE_EQUIPMENT, {"clientId": client_id}))["createEquipment"]
    body = await upload(
        gql,
        SET_PHOTO,
        {"id": boiler["id"], "version": boiler["version"], "photo": None},
        {"photo": ("chaudière.jpg", data)},
    )
    assert "errors" not in body, body["errors"]
    updated: dict[str, Any] = body["data"]["setEquipmentPhoto"]
    return updated


async def _technician_on(
    gql: GraphQLClient, client_id: str, technician: str, equipment_ids: list[str]
) -> dict[str, Any]:
    created = (await gql.data(CREATE, {"clientId": client_id, "equipmentIds": equipment_ids}))[
        "createIntervention"
    ]
    start = datetime.now(UTC) + timedelta(hours=1)
    scheduled: dict[str, Any] = (
        await gql.data(
            SCHEDULE,
            {
                "id": created["id"],
                "version": created["version"],
                "start": start.isoformat(),
                "end": (start + timedelta(hours=1)).isoformat(),
                "technicians": [technician],
            },
        )
    )["scheduleIntervention"]
    return scheduled


def _technician(gql: GraphQLClient, user: str) -> GraphQLClient:
    client = GraphQLClient(gql.system, gql.http, gql.tenant, role="technician")
    client.headers = {"Authorization": f"Bearer {gql.system.token(gql.tenant, 'technician', user)}"}
    return client


async def _download(gql: GraphQLClient, path: str, *, bearer: bool = False) -> httpx.Response:
    headers = gql.headers if bearer else {}
    return await gql.http.get(_base(gql) + path, headers=headers)


async def test_an_equipment_photo_makes_the_round_trip_with_its_thumbnail(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    sent = images.jpeg(1200, 900, orientation=6)
    updated = await _equipment_with_photo(gql, client_id, sent)
    photo = updated["photo"]
    assert (photo["name"], photo["mediaType"], photo["sizeBytes"]) == (
        "chaudière.jpg",
        "image/jpeg",
        len(sent),
    )
    # The signed link alone (an <img src>), then the bearer route without the link.
    by_link = await _download(gql, photo["url"])
    assert by_link.status_code == 200, by_link.text
    assert by_link.content == sent
    assert by_link.headers["content-type"] == "image/jpeg"
    by_bearer = await _download(gql, f"/files/interventions/{photo['id']}", bearer=True)
    assert by_bearer.content == sent
    thumbnail = await _download(gql, photo["thumbnailUrl"])
    assert thumbnail.status_code == 200
    assert thumbnail.headers["content-type"] == "image/jpeg"
    # Turned upright by its EXIF orientation, at most 320 px a side.
    assert images.size_of(thumbnail.content) == (240, 320)
    bearer_thumbnail = await _download(
        gql, f"/files/interventions/{photo['id']}?variant=thumbnail", bearer=True
    )
    assert bearer_thumbnail.content == thumbnail.content
    # A link names one variant: the file's link does not open its thumbnail.
    swapped = photo["url"].replace("?link=", "?variant=thumbnail&link=")
    assert (await _download(gql, swapped)).status_code == 401
    section = (await gql.data(SECTION, {"id": client_id}))["client"]["interventions"]
    assert section["equipment"][0]["photo"]["id"] == photo["id"]


async def test_a_non_image_or_an_oversized_one_is_refused_and_nothing_changes(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    boiler = (await gql.data(CREATE_EQUIPMENT, {"clientId": client_id}))["createEquipment"]
    ref = {"id": boiler["id"], "version": boiler["version"], "photo": None}
    pdf = await upload(gql, SET_PHOTO, ref, {"photo": ("photo.jpg", images.PDF)})
    assert pdf["data"]["setEquipmentPhoto"] is None
    assert _violations(pdf) == [
        {
            "field": "photo",
            "rule": "the content is a file of type application/pdf; accepted: image/jpeg, "
            "image/png, image/webp",
        }
    ]
    oversized = b"\xff\xd8\xff\xe0" + b"\0" * (9 * 1024 * 1024)
    too_big = await upload(gql, SET_PHOTO, ref, {"photo": ("big.jpg", oversized)})
    assert _violations(too_big) == [
        {
            "field": "photo",
            "rule": f"the file is {len(oversized)} bytes; at most 8388608 are accepted",
        }
    ]
    bomb = await upload(gql, SET_PHOTO, ref, {"photo": ("bomb.png", images.bomb())})
    assert "at most 40000000 pixels" in _violations(bomb)[0]["rule"]
    section = (await gql.data(SECTION, {"id": client_id}))["client"]["interventions"]
    assert section["equipment"] == [{"name": "Chaudière", "photo": None}]


async def test_another_tenants_photo_is_not_found(
    gql: GraphQLClient, other_gql: GraphQLClient
) -> None:
    theirs = await _equipment_with_photo(other_gql, await _client(other_gql), images.jpeg())
    file_id = theirs["photo"]["id"]
    for variant in ("", "?variant=thumbnail"):
        response = await _download(gql, f"/files/interventions/{file_id}{variant}", bearer=True)
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # Their own link still works for them.
    assert (await _download(other_gql, theirs["photo"]["url"])).status_code == 200


async def test_a_technician_sends_a_signed_report_with_photos_once_and_sees_only_their_files(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    on_toms = await _equipment_with_photo(gql, client_id, images.jpeg())
    on_anas = await _equipment_with_photo(gql, client_id, images.webp())
    toms = await _technician_on(gql, client_id, "tom", [on_toms["id"]])
    await _technician_on(gql, client_id, "ana", [on_anas["id"]])
    tom, ana = _technician(gql, "tom"), _technician(gql, "ana")
    uploads = {
        "signature": ("signature.png", images.png()),
        "photos.0": ("avant.jpg", images.jpeg(800, 600)),
        "photos.1": ("apres.webp", images.webp()),
    }
    variables = {
        "id": toms["id"],
        "version": toms["version"],
        "key": "phone-tom:41",
        "signature": None,
        "photos": [None, None],
    }
    # Written offline and sent twice (the phone never heard the first answer).
    first = await upload(tom, COMPLETE, variables, uploads)
    again = await upload(tom, COMPLETE, variables, uploads)
    assert "errors" not in first, first["errors"]
    assert (
        again["data"]["completeIntervention"]["version"]
        == (first["data"]["completeIntervention"]["version"])
    )
    done = first["data"]["completeIntervention"]
    assert done["stage"] == "DONE"
    assert done["signature"]["mediaType"] == "image/png"
    assert [p["name"] for p in done["reportPhotos"]] == ["avant.jpg", "apres.webp"]
    assert [p["id"] for p in again["data"]["completeIntervention"]["reportPhotos"]] == [
        p["id"] for p in done["reportPhotos"]
    ]
    report_files = [done["signature"]["id"], *(p["id"] for p in done["reportPhotos"])]
    for file_id in [*report_files, on_toms["photo"]["id"]]:
        mine = await _download(tom, f"/files/interventions/{file_id}", bearer=True)
        assert mine.status_code == 200, file_id
        assert (await _download(gql, f"/files/interventions/{file_id}", bearer=True)).content == (
            mine.content
        )
    photo = await _download(tom, done["reportPhotos"][0]["thumbnailUrl"])
    assert images.size_of(photo.content) == (320, 240)
    # Another technician, or this one on equipment that is not on their interventions.
    for who, file_id in [
        *((ana, f) for f in report_files),
        (ana, on_toms["photo"]["id"]),
        (tom, on_anas["photo"]["id"]),
    ]:
        for variant in ("", "?variant=thumbnail"):
            refused = await _download(who, f"/files/interventions/{file_id}{variant}", bearer=True)
            assert refused.status_code == 404, (file_id, variant)
            assert refused.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


# The technician app on a poor network: its day in one small answer.
DAY_BUDGET_BYTES = 12 * 1024


async def test_a_technicians_day_of_eight_interventions_comes_in_one_small_answer(
    gql: GraphQLClient,
) -> None:
    await plan_day(gql, "tech-eight")
    await wait_outbox_published(gql.system, "identity")
    await wait_consumed(gql.system.nats.url, "interventions-identity")
    technician = _technician(gql, "tech-eight")
    response = await technician.http.post(
        gql.system.graphql_url,
        json={"query": TECHNICIAN_DAY, "variables": {"date": DAY.isoformat()}},
        headers=technician.headers,
    )
    assert response.status_code == 200
    visits = response.json()["data"]["myInterventions"]
    assert len(visits) == VISITS
    assert [v["clientName"] for v in visits] == [f"Camille Lefèvre {n}" for n in range(VISITS)]
    assert all(v["address"]["city"] == "Lyon" and v["clientMemo"] for v in visits)
    assert all(v["equipment"][0]["photo"]["thumbnailUrl"] for v in visits)
    # The exact size is printed by tests/bench/bench_interventions.py; here, its bound.
    assert len(response.content) < DAY_BUDGET_BYTES


PHOTO_EVENTS = """
subscription($id: ID!) { clientEvents(clientId: $id) {
  type equipment { name photo { name mediaType } }
  intervention { stage signature { name } reportPhotos { name } }
} }
"""


async def test_a_new_photo_and_a_signed_report_reach_the_clients_open_screen(
    gql: GraphQLClient,
) -> None:
    client_id = await _client(gql)
    system = gql.system
    async with Subscription(
        system, system.token(gql.tenant), PHOTO_EVENTS, {"id": client_id}
    ) as screen:
        with_photo = await _equipment_with_photo(gql, client_id, images.webp())
        toms = await _technician_on(gql, client_id, "tom", [with_photo["id"]])
        sent = await upload(
            _technician(gql, "tom"),
            COMPLETE,
            {"id": toms["id"], "version": toms["version"], "key": None, "signature": None},
            {"signature": ("signature.png", images.png())},
        )
        assert "errors" not in sent, sent["errors"]
        heard: list[dict[str, Any]] = []
        async with asyncio.timeout(30):
            while not heard or heard[-1]["type"] != "c360.interventions.intervention.done":
                event = (await screen.next())["payload"]["data"]["clientEvents"]
                if event["type"] in (
                    "c360.interventions.equipment.updated",
                    "c360.interventions.intervention.done",
                ):
                    heard.append(event)
    assert heard == [
        {
            "type": "c360.interventions.equipment.updated",
            "equipment": {
                "name": "Chaudière",
                "photo": {"name": "chaudière.jpg", "mediaType": "image/webp"},
            },
            "intervention": None,
        },
        {
            "type": "c360.interventions.intervention.done",
            "equipment": None,
            "intervention": {
                "stage": "DONE",
                "signature": {"name": "signature.png"},
                "reportPhotos": [],
            },
        },
    ]
