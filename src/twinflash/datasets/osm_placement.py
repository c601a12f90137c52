"""Spots for people and vehicles on a real (OSM) layout: lanes, kerbside parking, paving
and zebra crossings, clear of buildings and of the mapped street objects. Pure geometry
on `scene.osm_layout`; the sampler draws and checks overlaps as for a procedural street.
"""

from __future__ import annotations

import math

import numpy as np

from twinflash.datasets.placement import Capsule
from twinflash.scene.models import OsmPlace
from twinflash.scene.osm_layout import OsmLayout, osm_layout

# footprint radius of each mapped object people keep clear of
PROP_RADIUS_M = {
    "tree": 0.7, "street_lamp": 0.35, "bench": 1.0, "bollard": 0.15, "bus_shelter": 2.0,
}  # fmt: skip
PARK_GAP_M = 0.25  # kerb to the parked car's side
EDGE_MARGIN_M = 3.0  # nothing is placed closer than this to the place's rim


def _road_parts(place: OsmPlace) -> list[tuple[list[tuple[float, float]], float, bool, float]]:
    """(line inside the place, width, oneway, length) of every road, for length-weighted draws."""
    from shapely import LineString, Point

    assert place.map is not None
    inner = Point(0, 0).buffer(place.radius_m - EDGE_MARGIN_M)
    parts = []
    for road in place.map.roads:
        geom = LineString(road.line_m).intersection(inner)
        for g in getattr(geom, "geoms", [geom]):
            if g.geom_type == "LineString" and g.length > 1.0:
                parts.append((list(g.coords), road.width_m, road.oneway, g.length))
    return parts


def lane_spot(
    rng: np.random.Generator, place: OsmPlace, length_m: float, width_m: float, parked: bool
) -> tuple[float, float, float] | None:
    """(x, y, heading) of a vehicle in a lane (keep right) or parked at the right kerb, its
    whole footprint on the carriageway; None if this draw does not fit."""
    from shapely import LineString, Polygon

    parts = _road_parts(place)
    if not parts:
        return None
    weights = np.array([p[3] for p in parts])
    line, road_w, oneway, total = parts[int(rng.choice(len(parts), p=weights / weights.sum()))]
    geom = LineString(line)
    along = float(rng.uniform(0, total))
    at = geom.interpolate(along)
    ahead, behind = geom.interpolate(min(along + 0.5, total)), geom.interpolate(max(along - 0.5, 0))
    heading = math.atan2(ahead.y - behind.y, ahead.x - behind.x)
    if not oneway and rng.random() < 0.5:
        heading += math.pi
    half = road_w / 2
    if parked:
        offset = half - width_m / 2 - PARK_GAP_M
    elif oneway:
        offset = 0.0 if road_w < 2 * width_m + 1.0 else half / 2
    else:
        offset = half / 2
    rx, ry = math.sin(heading), -math.cos(heading)  # to the right of the direction of travel
    x, y = at.x + rx * offset, at.y + ry * offset
    c, s = math.cos(heading), math.sin(heading)
    hl, hw = length_m / 2, width_m / 2
    corners = [
        (x + su * hl * c - sv * hw * s, y + su * hl * s + sv * hw * c)
        for su, sv in ((1, 1), (1, -1), (-1, -1), (-1, 1))
    ]
    layout = osm_layout(place)
    if not layout.roads.contains(Polygon(corners)):
        return None
    return round(x, 3), round(y, 3), round(math.degrees(heading), 2) % 360.0 + 0.0


def person_spot_ok(place: OsmPlace, layout: OsmLayout, zone: str, c: Capsule) -> bool:
    """Every point of the capsule on paving (or on a zebra for `open`), clear of walls, the
    rim and the mapped street objects by its radius."""
    assert place.map is not None
    for px, py in c.points():
        if not layout.is_open_ground(px, py, margin_m=c.radius_m):
            return False
        if math.hypot(px, py) > place.radius_m - EDGE_MARGIN_M:
            return False
        if layout.on_road(px, py) and not (zone == "open" and layout.on_crossing(px, py)):
            return False
        for p in place.map.points:
            reach = PROP_RADIUS_M.get(p.kind, 0.0) + c.radius_m
            if reach and math.hypot(p.x_m - px, p.y_m - py) < reach:
                return False
    return True


def walk_heading(
    rng: np.random.Generator, place: OsmPlace, layout: OsmLayout, x: float, y: float
) -> float:
    """Walkers follow the nearest road (either way); on a zebra they cross it."""
    from twinflash.scene.osm import nearest_heading

    along, _ = nearest_heading(place.map.roads if place.map else [], x, y)
    if layout.on_crossing(x, y):
        along += 90.0
    flip = 180.0 if rng.random() < 0.5 else 0.0
    return round((along + flip + float(rng.normal(0, 8)) + 180.0) % 360.0 - 180.0, 1)
