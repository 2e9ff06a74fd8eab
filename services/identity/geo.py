"""Clients within an area (seed 000: select the clients of a sector to plan a round): a circle
around a point, or a polygon drawn on a map, over the coordinates of the clients' addresses.

Each address with coordinates gives its client two grid keys, in ``search_keys``: the cell of
one degree and the cell of a tenth of a degree that hold it. An area is looked up by the cells
covering its bounding box (the coarse grid for a wide area), which narrows the store query to
the clients nearby; then each address is tested exactly: great-circle distance for a circle,
containment for a polygon (shapely, which also says why a drawn polygon is invalid).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from shapely.geometry import Point, Polygon
from shapely.validation import explain_validity

from runtime.errors import FieldViolation
from runtime.kit.common import Address

EARTH_RADIUS_KM: Final = 6371.0088
MAX_RADIUS_KM: Final = 500.0
MAX_POLYGON_POINTS: Final = 200
# A box wider than this many fine cells is looked up on the coarse grid.
_MAX_FINE_CELLS: Final = 400
_FINE: Final = 10  # cells per degree
_COARSE: Final = 1


@dataclass(frozen=True, slots=True)
class Circle:
    latitude: float
    longitude: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class Shape:
    """A polygon: (latitude, longitude) corners, in order, not closed."""

    points: tuple[tuple[float, float], ...]


Area = Circle | Shape


def points_of(addresses: Iterable[Address]) -> list[tuple[float, float]]:
    """The (latitude, longitude) of the addresses that have coordinates."""
    return [
        (latitude, longitude)
        for a in addresses
        if (latitude := a.get("latitude")) is not None
        and (longitude := a.get("longitude")) is not None
    ]


def _cell(value: float, per_degree: int) -> int:
    return math.floor(value * per_degree)


def point_keys(latitude: float, longitude: float) -> list[str]:
    """The grid keys of one address."""
    return [f"g{per}:{_cell(latitude, per)}:{_cell(longitude, per)}" for per in (_COARSE, _FINE)]


def _box(area: Area) -> tuple[float, float, float, float]:
    if isinstance(area, Circle):
        dlat = math.degrees(area.radius_km / EARTH_RADIUS_KM)
        shrink = max(math.cos(math.radians(area.latitude)), 1e-6)
        dlon = min(180.0, dlat / shrink)
        return (
            area.latitude - dlat,
            area.latitude + dlat,
            area.longitude - dlon,
            area.longitude + dlon,
        )
    lats = [p[0] for p in area.points]
    lons = [p[1] for p in area.points]
    return min(lats), max(lats), min(lons), max(lons)


def area_keys(area: Area) -> list[str]:
    """The grid keys of the cells covering the area's bounding box."""
    south, north, west, east = _box(area)
    for per in (_FINE, _COARSE):
        rows = range(_cell(south, per), _cell(north, per) + 1)
        columns = range(_cell(west, per), _cell(east, per) + 1)
        if per == _COARSE or len(rows) * len(columns) <= _MAX_FINE_CELLS:
            return [f"g{per}:{r}:{c}" for r in rows for c in columns]
    raise AssertionError("unreachable")


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine) on the mean Earth radius."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


class AreaTest:
    """Tells whether a point is in the area (built once per query)."""

    def __init__(self, area: Area) -> None:
        self._area = area
        self._polygon = (
            Polygon([(lon, lat) for lat, lon in area.points]) if isinstance(area, Shape) else None
        )

    def contains(self, latitude: float, longitude: float) -> bool:
        if self._polygon is not None:
            return bool(self._polygon.covers(Point(longitude, latitude)))
        area = self._area
        assert isinstance(area, Circle)
        return distance_km(area.latitude, area.longitude, latitude, longitude) <= area.radius_km

    def any_inside(self, points: Iterable[tuple[float, float]]) -> bool:
        return any(self.contains(lat, lon) for lat, lon in points)


def _point_violations(latitude: float, longitude: float, field: str) -> list[FieldViolation]:
    violations = []
    if not -90.0 <= latitude <= 90.0:
        violations.append(FieldViolation(f"{field}.latitude", "must be between -90 and 90"))
    if not -180.0 <= longitude <= 180.0:
        violations.append(FieldViolation(f"{field}.longitude", "must be between -180 and 180"))
    return violations


def check_area(area: Area, field: str = "area") -> list[FieldViolation]:
    if isinstance(area, Circle):
        violations = _point_violations(area.latitude, area.longitude, f"{field}.circle")
        if not 0.0 < area.radius_km <= MAX_RADIUS_KM:
            violations.append(
                FieldViolation(
                    f"{field}.circle.radiusKm", f"must be over 0 and at most {MAX_RADIUS_KM:g} km"
                )
            )
        return violations
    points = area.points
    if not 3 <= len(points) <= MAX_POLYGON_POINTS:
        return [
            FieldViolation(
                f"{field}.polygon", f"must have 3 to {MAX_POLYGON_POINTS} points, not {len(points)}"
            )
        ]
    violations = [
        v
        for i, (lat, lon) in enumerate(points)
        for v in _point_violations(lat, lon, f"{field}.polygon[{i}]")
    ]
    if not violations:
        polygon = Polygon([(lon, lat) for lat, lon in points])
        if not polygon.is_valid:
            violations.append(
                FieldViolation(
                    f"{field}.polygon",
                    f"is not a simple polygon ({explain_validity(polygon)}, "
                    "as longitude and latitude)",
                )
            )
    return violations
