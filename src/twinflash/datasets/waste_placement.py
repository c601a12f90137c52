"""Where dumped waste goes in a sampled scene: piles on the sidewalk or against a façade.

A pile is a spot, then its items around it (within ~1.5 m along the wall). Items against
a wall stand `WALL_GAP_M` off it, their length along it and their front (drawers, the
washing machine's door) toward the street; free items take any heading. Every footprint
stays on paving, off the carriageway, clear of the other items and of vehicles. Pure
geometry in the world frame of `scene.models`, for a procedural street or an OSM place.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from twinflash.datasets.distributions import Choice, Uniform
from twinflash.datasets.placement import Rect, rects_overlap
from twinflash.scene.layout import facade_y_at, is_open_ground
from twinflash.scene.models import OsmPlace, Place, Waste
from twinflash.scene.osm_layout import osm_layout

WASTE_DEFAULTS = {
    "kind": Choice(
        choice={
            "bin_bag": 4, "cardboard": 3, "mattress": 1.5, "furniture": 1,
            "appliance": 1, "rubble_bag": 1,
        }
    ),
    "size": Uniform(uniform=(0.85, 1.15)),
}  # fmt: skip
WALL_GAP_M = 0.05
PILE_SPREAD_M = 1.5
ITEM_GAP_M = 0.05  # items of a pile touch, never interpenetrate
KERB_CLEAR_M = 0.6  # free items stay this far from the kerb
TRIES = 60


def _corners_ok(place: Place | OsmPlace, rect: Rect) -> bool:
    """Every corner (and the centre) on open ground, off the carriageway."""
    pts = [*rect.corners(), (rect.x_m, rect.y_m)]
    if isinstance(place, OsmPlace):
        layout = osm_layout(place)
        rim = place.radius_m - 1.0
        return all(
            layout.is_open_ground(x, y) and not layout.on_road(x, y) and math.hypot(x, y) < rim
            for x, y in pts
        )
    return all(is_open_ground(place, x, y) and abs(y) >= place.half_road_m + 0.25 for x, y in pts)


def _wall_spot(
    rng: np.random.Generator, place: Place | OsmPlace, x: float, y: float, depth: float
) -> tuple[float, float, float] | None:
    """(x, y, heading) hugging the façade nearest (x, y), front toward the street."""
    if isinstance(place, OsmPlace):
        from shapely import Point
        from shapely.ops import nearest_points

        layout = osm_layout(place)
        p = Point(x, y)
        if layout.buildings.is_empty or layout.buildings.distance(p) > 8.0:
            return None
        q = nearest_points(layout.buildings.boundary, p)[0]
        dx, dy = x - q.x, y - q.y
        n = math.hypot(dx, dy)
        if n < 1e-6:
            return None
        nx, ny = dx / n, dy / n
        off = depth / 2 + WALL_GAP_M
        return q.x + nx * off, q.y + ny * off, math.degrees(math.atan2(nx, -ny))
    side = 1.0 if y >= 0 else -1.0
    wall = facade_y_at(place, x)
    heading = 0.0 if side > 0 else 180.0  # front (-v) toward the road
    return x, side * (wall - depth / 2 - WALL_GAP_M), heading


def _free_spot(
    rng: np.random.Generator, place: Place | OsmPlace, x: float, y: float
) -> tuple[float, float, float]:
    heading = float(rng.uniform(-180, 180))
    if isinstance(place, OsmPlace):
        return x, y, heading
    side = 1.0 if y >= 0 else -1.0
    lo, hi = place.half_road_m + KERB_CLEAR_M, facade_y_at(place, x) - 0.3
    return x, side * float(rng.uniform(lo, max(lo, hi))), heading


def _pile_centre(
    rng: np.random.Generator, place: Place | OsmPlace, x_range: tuple[float, float] | None
) -> tuple[float, float]:
    if isinstance(place, OsmPlace):
        r = place.radius_m - 2.0
        return float(rng.uniform(-r, r)), float(rng.uniform(-r, r))
    half = place.length_m / 2 - 2.0
    lo, hi = (-half, half) if x_range is None else (max(x_range[0], -half), min(x_range[1], half))
    side = -1.0 if rng.random() < 0.5 else 1.0
    return float(rng.uniform(lo, hi)), side * (place.half_road_m + 1.0)


def draw_waste(
    rng: np.random.Generator,
    place: Place | OsmPlace,
    spec: Any,
    rects: list[Rect],
) -> list[dict[str, Any]]:
    """The dumped items of one scene (plain values); their footprints join `rects`."""
    out: list[dict[str, Any]] = []
    piles = int(spec.piles.draw(rng))
    for pile in range(piles):
        n = int(spec.per_pile.draw(rng))
        wall = bool(rng.random() < spec.against_wall_share)
        for _ in range(TRIES):
            cx, cy = _pile_centre(rng, place, spec.x_range_m)
            if wall and _wall_spot(rng, place, cx, cy, 0.5) is None:
                continue
            if not wall and not _corners_ok(place, Rect(cx, cy, 0.0, 0.5, 0.5)):
                continue
            break
        else:
            continue  # no room for this dump: fewer piles, as scene.yaml then says
        for _ in range(n):
            values = {
                name: _plain((spec.mix.get(name) or WASTE_DEFAULTS[name]).draw(rng))
                for name in sorted(set(WASTE_DEFAULTS) | set(spec.mix))
            }
            item = _place_item(rng, place, values, wall, cx, cy, rects)
            if item is not None:
                out.append({**values, **item, "against_wall": wall, "pile": pile})
    return out


def _place_item(
    rng: np.random.Generator,
    place: Place | OsmPlace,
    values: dict[str, Any],
    wall: bool,
    cx: float,
    cy: float,
    rects: list[Rect],
) -> dict[str, Any] | None:
    probe = Waste.model_validate({"x_m": 0, "y_m": 0, "against_wall": wall, **values})
    length, depth, _ = probe.dimensions_m
    for _ in range(TRIES):
        along = float(rng.uniform(-PILE_SPREAD_M, PILE_SPREAD_M))
        x, y = cx + along, cy + float(rng.uniform(-0.8, 0.8))
        spot = _wall_spot(rng, place, x, y, depth) if wall else _free_spot(rng, place, x, y)
        if spot is None:
            continue
        rect = Rect(spot[0], spot[1], spot[2], length, depth)
        if not _corners_ok(place, rect):
            continue
        if any(rects_overlap(rect, r, ITEM_GAP_M) for r in rects):
            continue
        rects.append(rect)
        return {
            "x_m": round(spot[0], 3),
            "y_m": round(spot[1], 3),
            "heading_deg": round(spot[2], 1),
        }
    return None


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    return round(value, 4) if isinstance(value, float) else value
