"""A TopoJSON reader: quantized, delta-encoded arcs -> polygon rings.

TopoJSON (https://github.com/topojson/topojson-specification) stores each
shared boundary once, as an *arc*; a polygon lists the arcs of each ring by
index, a negative index ``~i`` meaning arc ``i`` reversed. A *quantized*
topology stores each arc as integer deltas (the first position absolute, each
next one relative to the one before) and a ``transform`` (``scale``,
``translate``) maps the integers back to coordinates. Only what the shipped
US map needs is read: ``Polygon`` and ``MultiPolygon`` geometries of a
``GeometryCollection``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Feature", "decode_arcs", "features"]

Point = tuple[float, float]
Ring = list[Point]


@dataclass(frozen=True)
class Feature:
    """One geometry of a collection: its id, properties and polygons.

    Attributes:
        id: The geometry's ``id`` ("01" for a state's FIPS code), as a string.
        properties: Its ``properties`` (``{"name": "Alabama"}``).
        polygons: Each polygon as rings, the outer ring first.
    """

    id: str
    properties: dict[str, Any]
    polygons: list[list[Ring]]


def decode_arcs(topology: Mapping[str, Any]) -> list[Ring]:
    """Every arc of ``topology`` as absolute coordinates.

    Args:
        topology: A parsed TopoJSON ``Topology``.

    Returns:
        The arcs in order; positions of a quantized topology are summed and
        mapped through its ``transform``.
    """
    transform = topology.get("transform")
    arcs: list[Ring] = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        out: Ring = []
        for position in arc:
            x += position[0]
            y += position[1]
            out.append((x * sx + tx, y * sy + ty))
        arcs.append(out)
    return arcs


def _ring(indexes: Sequence[int], arcs: list[Ring]) -> Ring:
    """Join the arcs of one ring; each arc after the first drops its first
    position (the last position of the arc before it)."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def features(topology: Mapping[str, Any], name: str) -> list[Feature]:
    """The polygons of the collection ``name`` of ``topology``.

    Args:
        topology: A parsed TopoJSON ``Topology``.
        name: An object of ``topology["objects"]`` (a ``GeometryCollection``).

    Returns:
        One feature per geometry; geometries other than (multi)polygons
        (points, lines, empty ones) are left out.

    Raises:
        KeyError: ``name`` is not an object of the topology.
    """
    arcs = decode_arcs(topology)
    out = []
    for geometry in topology["objects"][name]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        out.append(
            Feature(
                id=str(geometry.get("id", "")),
                properties=dict(geometry.get("properties") or {}),
                polygons=[[_ring(r, arcs) for r in rings] for rings in polygons],
            )
        )
    return out
