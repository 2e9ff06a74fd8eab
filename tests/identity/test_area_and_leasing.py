"""Selecting clients in an area (a circle or a drawn polygon) to plan a round, and filtering on
leasing companies, through the gateway against running processes."""

from __future__ import annotations

from typing import Any

import pytest

from services.identity import geo
from tests.harness import GraphQLClient
from tests.identity.queries import individual

CREATE = """
mutation($input: ClientInput!) { createClient(input: $input) { id displayName } }
"""
IN_AREA = """
query($area: AreaInput!, $first: Int!, $after: String) {
  clients(area: $area, first: $first, after: $after) {
    totalCount
    nodes { displayName }
    pageInfo { endCursor hasNextPage }
  }
}
"""
LEASING = """
query($leasing: Boolean) {
  clients(leasingCompany: $leasing, first: 50) {
    totalCount
    nodes { displayName identity { flags { leasingCompany leasingIdentifier } } }
  }
}
"""
LYON = (45.7640, 4.8357)
# Around Paris: a quadrilateral through Saint-Denis, Vincennes, Orly and Boulogne.
AROUND_PARIS = [
    {"latitude": 48.936, "longitude": 2.357},
    {"latitude": 48.847, "longitude": 2.440},
    {"latitude": 48.746, "longitude": 2.385},
    {"latitude": 48.835, "longitude": 2.240},
]


def at(lat: float, lon: float, city: str) -> dict[str, Any]:
    return {"line1": "1 place de la Mairie", "postalCode": "00000", "city": city,
            "latitude": lat, "longitude": lon}  # fmt: skip


async def create(gql: GraphQLClient, name: str, *addresses: dict[str, Any], **extra: Any) -> str:
    data = await gql.data(
        CREATE, {"input": individual(first=name, last="Client", addresses=list(addresses), **extra)}
    )
    return str(data["createClient"]["id"])


async def names_in(gql: GraphQLClient, area: dict[str, Any], first: int = 50) -> list[str]:
    data = await gql.data(IN_AREA, {"area": area, "first": first})
    return sorted(n["displayName"] for n in data["clients"]["nodes"])


@pytest.fixture
async def round_clients(gql: GraphQLClient) -> GraphQLClient:
    await create(gql, "Bellecour", at(45.7578, 4.8320, "Lyon"))
    await create(gql, "Croix-Rousse", at(45.7745, 4.8320, "Lyon"))
    await create(gql, "Villeurbanne", at(45.7719, 4.8902, "Villeurbanne"))
    await create(gql, "Vienne", at(45.5255, 4.8743, "Vienne"))  # 27 km south of Lyon
    await create(gql, "Louvre", at(48.8606, 2.3376, "Paris"))
    await create(gql, "Nation", at(48.8483, 2.3959, "Paris"))
    await create(gql, "Versailles", at(48.8049, 2.1204, "Versailles"))
    # Lives in Paris, works in Lyon: in both areas through its second address.
    await create(gql, "Navetteur", at(48.8738, 2.2950, "Paris"), at(45.7600, 4.8590, "Lyon"))
    await create(gql, "Sans coordonnées", {"line1": "2 rue Haute", "postalCode": "69001",
                                           "city": "Lyon"})  # fmt: skip
    return gql


async def test_a_circle_selects_the_clients_with_an_address_within_it(
    round_clients: GraphQLClient, other_gql: GraphQLClient
) -> None:
    # Another tenant's client in the middle of Lyon is never selected.
    await create(other_gql, "Étranger", at(45.7600, 4.8400, "Lyon"))
    circle = {"circle": {"latitude": LYON[0], "longitude": LYON[1], "radiusKm": 10}}
    assert await names_in(round_clients, circle) == [
        "Bellecour Client", "Croix-Rousse Client", "Navetteur Client", "Villeurbanne Client"
    ]  # fmt: skip
    wider = {"circle": {"latitude": LYON[0], "longitude": LYON[1], "radiusKm": 30}}
    assert "Vienne Client" in await names_in(round_clients, wider)


async def test_a_drawn_polygon_selects_the_clients_inside_it(round_clients: GraphQLClient) -> None:
    assert await names_in(round_clients, {"polygon": AROUND_PARIS}) == [
        "Louvre Client", "Nation Client", "Navetteur Client"
    ]  # fmt: skip


async def test_an_area_pages_by_name_with_its_count(round_clients: GraphQLClient) -> None:
    circle = {"circle": {"latitude": LYON[0], "longitude": LYON[1], "radiusKm": 10}}
    first = await round_clients.data(IN_AREA, {"area": circle, "first": 3})
    page = first["clients"]
    assert page["totalCount"] == 4
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await round_clients.data(
        IN_AREA, {"area": circle, "first": 3, "after": page["pageInfo"]["endCursor"]}
    )
    names = [n["displayName"] for n in page["nodes"] + rest["clients"]["nodes"]]
    assert names == ["Bellecour Client", "Croix-Rousse Client", "Navetteur Client",
                     "Villeurbanne Client"]  # fmt: skip
    assert rest["clients"]["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(
    ("area", "field", "rule"),
    [
        ({"circle": {"latitude": 45.7, "longitude": 4.8, "radiusKm": 0}},
         "area.circle.radiusKm", "must be over 0"),
        ({"circle": {"latitude": 95, "longitude": 4.8, "radiusKm": 5}},
         "area.circle.latitude", "between -90 and 90"),
        ({"polygon": AROUND_PARIS[:2]}, "area.polygon", "3 to 200 points"),
        # A bow tie: its edges cross.
        ({"polygon": [AROUND_PARIS[0], AROUND_PARIS[2], AROUND_PARIS[1], AROUND_PARIS[3]]},
         "area.polygon", "Self-intersection"),
    ],
)  # fmt: skip
async def test_a_bad_area_is_refused_on_its_field(
    gql: GraphQLClient, area: dict[str, Any], field: str, rule: str
) -> None:
    body = await gql.execute(IN_AREA, {"area": area, "first": 10})
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert rule in error["extensions"]["rule"]


async def test_an_area_is_a_circle_or_a_polygon_not_both(gql: GraphQLClient) -> None:
    both = {"circle": {"latitude": 45.7, "longitude": 4.8, "radiusKm": 5}, "polygon": AROUND_PARIS}
    body = await gql.execute(IN_AREA, {"area": both, "first": 10})
    (error,) = body["errors"]
    assert error["message"] == "OneOf Input Object 'AreaInput' must specify exactly one key."


async def test_leasing_companies_are_filtered_with_their_identifier(gql: GraphQLClient) -> None:
    await create(gql, "Loueur", flags={"leasingCompany": True, "leasingIdentifier": "LLD-0042"})
    await create(gql, "Particulier")
    leasing = (await gql.data(LEASING, {"leasing": True}))["clients"]
    assert leasing["totalCount"] == 1
    (company,) = leasing["nodes"]
    assert company["displayName"] == "Loueur Client"
    assert company["identity"]["flags"] == {"leasingCompany": True, "leasingIdentifier": "LLD-0042"}
    others = (await gql.data(LEASING, {"leasing": False}))["clients"]
    assert [n["displayName"] for n in others["nodes"]] == ["Particulier Client"]
    assert (await gql.data(LEASING, {"leasing": None}))["clients"]["totalCount"] == 2


async def test_only_a_leasing_company_has_a_leasing_identifier(gql: GraphQLClient) -> None:
    body = await gql.execute(CREATE, {"input": individual(flags={"leasingIdentifier": "LLD-1"})})
    (error,) = body["errors"]
    assert error["extensions"]["field"] == "flags.leasingIdentifier"
    assert (await gql.data(LEASING, {"leasing": None}))["clients"]["totalCount"] == 0


def test_distances_and_grid_cells() -> None:
    # Paris to Lyon, centre to centre: 391.5 km along the Earth's surface.
    assert geo.distance_km(48.8566, 2.3522, 45.7640, 4.8357) == pytest.approx(391.5, abs=0.5)
    small = geo.area_keys(geo.Circle(45.764, 4.8357, 10))
    assert all(k.startswith("g10:") for k in small)
    assert geo.point_keys(45.7578, 4.8320)[1] in small
    wide = geo.area_keys(geo.Circle(45.764, 4.8357, 300))
    assert all(k.startswith("g1:") for k in wide)
    assert geo.point_keys(48.8566, 2.3522)[0] in wide


def test_the_demo_addresses_lie_in_their_towns() -> None:
    from services.identity.demo import CENTRES, demo_clients

    addresses = [a for c in demo_clients() for a in c.get("addresses", [])]
    assert len(addresses) >= 220
    for address in addresses:
        centre = CENTRES[address["city"]]
        latitude, longitude = address["latitude"], address["longitude"]
        assert latitude is not None
        assert longitude is not None
        assert geo.distance_km(*centre, latitude, longitude) < 6, address
