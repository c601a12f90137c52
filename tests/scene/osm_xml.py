"""A fictional crossroads written as OSM XML for the tests: truth in local metres.

Nodes are placed with pyproj's geodesic (azimuth and distance from the centre), not
with the transverse Mercator the reader projects with, so a test comparing the two
checks the projection against an independent computation (they agree to < 1 mm here).

Rue A runs east-west (`width=10`), rue B north-south (`lanes=2`, no width: 2 x 3 m).
Sidewalks are 5 m wide on rue A and 5 m on rue B; buildings stand on the four corners.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

CENTRE = (48.8566, 2.3522)


@dataclass(frozen=True)
class Building:
    footprint: list[tuple[float, float]]  # counter-clockwise, metres
    tags: dict[str, str]
    expected_height_m: float | None  # None: a seeded Haussmann default


@dataclass
class Crossroads:
    buildings: list[Building] = field(default_factory=list)
    roads: list[tuple[list[tuple[float, float]], dict[str, str]]] = field(default_factory=list)
    points: list[tuple[float, float, dict[str, str]]] = field(default_factory=list)


def _rect(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def crossroads() -> Crossroads:
    c = Crossroads()
    rue_a = {"highway": "tertiary", "width": "10", "name": "Rue A"}
    rue_b = {"highway": "residential", "lanes": "2", "name": "Rue B"}
    c.roads = [
        ([(-90.0, 0.0), (0.0, 0.0), (90.0, 0.0)], rue_a),
        ([(0.0, -90.0), (0.0, 0.0), (0.0, 90.0)], rue_b),
    ]
    c.buildings = [
        Building(_rect(8, 10, 30, 26), {"building": "yes", "height": "18"}, 18.0),
        Building(_rect(30, 10, 52, 26), {"building": "apartments", "building:levels": "6"}, 19.0),
        Building(_rect(-34, 10, -8, 28), {"building": "yes"}, None),
        Building(_rect(-42, -26, -8, -10), {"building": "yes", "height": "21.5 m"}, 21.5),
        Building(
            [(8, -10), (36, -10), (36, -20), (20, -20), (20, -32), (8, -32)],
            {"building": "yes", "building:levels": "5"},
            16.0,
        ),
    ]
    c.points = [
        (18.0, 7.0, {"natural": "tree"}),
        (-20.0, 7.0, {"natural": "tree"}),
        (24.0, -7.5, {"natural": "tree"}),
        (12.0, 5.6, {"highway": "street_lamp"}),
        (-14.0, -5.6, {"highway": "street_lamp"}),
        (4.0, 20.0, {"highway": "street_lamp"}),
        (-22.0, -8.0, {"amenity": "bench"}),
        (-8.0, 5.5, {"barrier": "bollard"}),
        (-9.0, 5.5, {"barrier": "bollard"}),
        (42.0, -8.0, {"highway": "bus_stop", "shelter": "yes"}),
        (-12.0, 0.0, {"highway": "crossing", "crossing": "zebra"}),
        (0.0, -14.0, {"highway": "crossing", "crossing": "marked"}),
    ]
    return c


def latlon(x: float, y: float, centre: tuple[float, float] = CENTRE) -> tuple[float, float]:
    """Local metres (x east, y north) -> (lat, lon) along the geodesic from the centre."""
    from pyproj import Geod

    if x == 0 and y == 0:
        return centre
    lon, lat, _ = Geod(ellps="WGS84").fwd(
        centre[1], centre[0], math.degrees(math.atan2(x, y)), math.hypot(x, y)
    )
    return lat, lon


def write_osm(path: Path, c: Crossroads, centre: tuple[float, float] = CENTRE) -> Path:
    """OSM XML 0.6 of the crossroads; nodes are shared where roads meet."""
    nodes: dict[tuple[float, float], int] = {}
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<osm version="0.6" generator="twinflash tests">',
    ]
    node_lines: list[str] = []

    def node(x: float, y: float, tags: dict[str, str] | None = None) -> int:
        key = (round(x, 3), round(y, 3))
        if key in nodes and not tags:
            return nodes[key]
        nid = len(node_lines) + 1
        lat, lon = latlon(x, y, centre)
        inner = "".join(
            f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in (tags or {}).items()
        )
        node_lines.append(
            f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">{inner}</node>'
        )
        nodes.setdefault(key, nid)
        return nid

    way_lines = []
    for x, y, tags in c.points:
        if tags.get("highway") == "crossing":
            continue  # crossings are nodes of their road, added below
        node(x, y, tags)
    crossing_at = {(x, y): tags for x, y, tags in c.points if tags.get("highway") == "crossing"}
    wid = 100
    for line, tags in c.roads:
        refs = []
        for (ax, ay), (bx, by) in itertools.pairwise(line):
            refs.append(node(ax, ay))
            inside = sorted(
                (p for p in crossing_at if _on_segment(p, (ax, ay), (bx, by))),
                key=lambda p: math.hypot(p[0] - ax, p[1] - ay),
            )
            refs.extend(node(px, py, crossing_at[(px, py)]) for px, py in inside)
        refs.append(node(*line[-1]))
        wid += 1
        way_lines.append(_way(wid, refs, tags))
    for b in c.buildings:
        refs = [node(x, y) for x, y in b.footprint]
        wid += 1
        way_lines.append(_way(wid, [*refs, refs[0]], b.tags))
    lines += node_lines + way_lines + ["</osm>", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _on_segment(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> bool:
    (px, py), (ax, ay), (bx, by) = p, a, b
    cross = (bx - ax) * (py - ay) - (by - ay) * (px - ax)
    dot = (px - ax) * (bx - ax) + (py - ay) * (by - ay)
    return abs(cross) < 1e-9 and 0 < dot < (bx - ax) ** 2 + (by - ay) ** 2


def _way(wid: int, refs: list[int], tags: dict[str, str]) -> str:
    nds = "".join(f'<nd ref="{r}"/>' for r in refs)
    inner = "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())
    return f'  <way id="{wid}" version="1">{nds}{inner}</way>'
