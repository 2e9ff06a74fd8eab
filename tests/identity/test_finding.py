"""Finding clients in process on a real SQLite store: in an area (a circle, a polygon, paged by
name), leasing companies only, and the duplicate suspects of a batch in one query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.fernet import Fernet

from runtime.caller import Caller
from runtime.crypto import FieldCipher
from runtime.errors import InvalidInput
from runtime.store.sqlite import SqliteStore
from services.identity import geo, service
from services.identity.models import COLLECTIONS, ClientInput
from services.identity.repository import IdentityRepository

ADVISOR = Caller("agency-a", "alice", "advisor")
LYON = geo.Circle(45.7640, 4.8357, 10)


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[IdentityRepository]:
    store = SqliteStore(tmp_path / "identity.sqlite3")
    await store.open(COLLECTIONS)
    yield IdentityRepository(store, FieldCipher(Fernet.generate_key().decode()))
    await store.close()


async def create(
    repo: IdentityRepository, last: str, *points: tuple[float, float], **extra: Any
) -> str:
    data = {
        "kind": "individual",
        "first_name": "Client",
        "last_name": last,
        "addresses": [
            {
                "line1": "1 rue",
                "postal_code": "69001",
                "city": "Lyon",
                "country": "FR",
                "latitude": lat,
                "longitude": lon,
            }
            for lat, lon in points
        ],
        **extra,
    }
    return (await service.create_client(repo=repo, caller=ADVISOR, data=cast(ClientInput, data)))[
        "id"
    ]


async def test_an_area_selects_pages_and_counts(repo: IdentityRepository) -> None:
    for name, point in (
        ("Bellecour", (45.7578, 4.8320)),
        ("Croix", (45.7745, 4.8320)),
        ("Part-Dieu", (45.7606, 4.8590)),
        ("Paris", (48.8606, 2.3376)),
    ):
        await create(repo, name, point)
    await create(repo, "Nowhere")
    page = await service.search_clients(repo=repo, caller=ADVISOR, query="", first=2, area=LYON)
    assert [c["last_name"] for c in page.rows] == ["Bellecour", "Croix"]
    assert page.total_count == 3
    assert page.has_next_page
    rest = await service.search_clients(
        repo=repo, caller=ADVISOR, query="", first=2, after=page.cursors[-1], area=LYON
    )
    assert [c["last_name"] for c in rest.rows] == ["Part-Dieu"]
    assert not rest.has_next_page
    triangle = geo.Shape(((48.95, 2.2), (48.95, 2.5), (48.75, 2.35)))
    shaped = await service.search_clients(repo=repo, caller=ADVISOR, query="", area=triangle)
    assert [c["last_name"] for c in shaped.rows] == ["Paris"]
    with pytest.raises(InvalidInput, match="radiusKm"):
        await service.search_clients(
            repo=repo, caller=ADVISOR, query="", area=geo.Circle(45.0, 4.0, 900)
        )
    with pytest.raises(InvalidInput, match=r"area\.polygon"):
        await service.search_clients(
            repo=repo, caller=ADVISOR, query="", area=geo.Shape(((1.0, 1.0), (2.0, 2.0)))
        )


async def test_leasing_companies_and_their_identifier(repo: IdentityRepository) -> None:
    await create(repo, "Loueur", flags={"leasing_company": True, "leasing_identifier": " LLD-7 "})
    await create(repo, "Autre")
    page = await service.search_clients(repo=repo, caller=ADVISOR, query="", leasing_company=True)
    (company,) = page.rows
    assert company["flags"]["leasing_identifier"] == "LLD-7"
    with pytest.raises(InvalidInput, match=r"flags\.leasingIdentifier"):
        await create(repo, "Faux", flags={"leasing_identifier": "X" * 41})


async def test_the_suspects_of_a_batch_come_from_one_query(repo: IdentityRepository) -> None:
    born = {"birth_date": "1970-01-01"}
    one = await create(repo, "Martin", personal=born, phones=[{"number": "+33612345678"}])
    two = await create(repo, "Martinn", personal=born)
    other = await create(repo, "Zola", personal={"birth_date": "1990-05-05"})
    found = await service.find_duplicate_suspects(
        repo=repo, caller=ADVISOR, client_ids=[one, two, other, "unknown"], limit=0
    )
    assert [s.client["id"] for s in found[one]] == [two]
    assert [s.client["id"] for s in found[two]] == [one]
    assert found[other] == []
    assert "unknown" not in found
    with pytest.raises(InvalidInput, match="limit"):
        await service.find_duplicate_suspects(repo=repo, caller=ADVISOR, client_ids=[one], limit=21)
