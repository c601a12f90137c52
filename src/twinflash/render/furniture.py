"""Street furniture: lamps (candelabra, or masts on wide roads; real lights at night),
plane trees with grates, bollards, benches — placed from `place.layout_seed` and kept
clear of every person and vehicle.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import bpy

from twinflash.render import photometry, props
from twinflash.render.context import BuildContext
from twinflash.render.daylight import luminance
from twinflash.render.materials import hex_to_linear_rgba
from twinflash.render.meshkit import instance, lights_on
from twinflash.render.people_seats import SEAT_REACH_M
from twinflash.render.road import Extents
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.layout import CURB_HEIGHT_M, plaza_half_m
from twinflash.scene.models import Person, Place, Scene, procedural_place

CLEARANCE_M = 0.8  # minimum gap between furniture and any person or vehicle
LAMP_LIGHT_HEX = "#ffd6a3"  # warm white, ~3000 K
RADIUS_M = {"lamp": 0.3, "tree": 0.6, "bollard": 0.07, "bench": 0.95}
PERSON_RADIUS_M = {"standing": 0.3, "walking": 0.45, "sitting": 0.55}


def _person_radius(person: Person) -> float:
    # a lying body may extend a full height from its anchor, whichever way the builder lays it
    if person.pose == "lying":
        return person.height_m + 0.2
    if person.pose == "sitting":  # with the seat built for them (a bench, a café table...)
        return max(PERSON_RADIUS_M["sitting"], SEAT_REACH_M[person.seat])
    return PERSON_RADIUS_M.get(person.pose, 0.45)


def _rect_distance(
    px: float, py: float, cx: float, cy: float, heading_deg: float, half_l: float, half_w: float
) -> float:
    """Distance from a point to an oriented rectangle (0 inside)."""
    h = math.radians(heading_deg)
    dx, dy = px - cx, py - cy
    u = dx * math.cos(h) + dy * math.sin(h)
    v = -dx * math.sin(h) + dy * math.cos(h)
    return math.hypot(max(abs(u) - half_l, 0.0), max(abs(v) - half_w, 0.0))


# Tree crowns spread ~3 m around the trunk and rise to ~10 m.
CAMERA_CLEARANCE_M = 3.5
CAMERA_CLEAR_BELOW_M = 12.0


def is_clear(scene: Scene, x: float, y: float, radius_m: float) -> bool:
    """True if a prop of footprint radius `radius_m` at (x, y) stays CLEARANCE_M from
    every person, vehicle and dumped object of the scene, and clear of a low camera's lens
    (a tree crown or a lamp right in front of a CCTV camera would fill the frame)."""
    cam = scene.camera
    if cam.height_m < CAMERA_CLEAR_BELOW_M and (
        math.hypot(cam.x_m - x, cam.y_m - y) < radius_m + CAMERA_CLEARANCE_M
    ):
        return False
    for p in scene.people:
        if math.hypot(p.x_m - x, p.y_m - y) < radius_m + CLEARANCE_M + _person_radius(p):
            return False
    for v in scene.vehicles:
        spec = get_vehicle_model(v.model)
        d = _rect_distance(x, y, v.x_m, v.y_m, v.heading_deg, spec.length_m / 2, spec.width_m / 2)
        if d < radius_m + CLEARANCE_M:
            return False
    for w in scene.waste:
        length, depth, _ = w.dimensions_m
        d = _rect_distance(x, y, w.x_m, w.y_m, w.heading_deg, length / 2, depth / 2)
        if d < radius_m + CLEARANCE_M:
            return False
    return True


@dataclass
class _Placer:
    """Accepts props that keep clear of people, vehicles and each other."""

    scene: Scene
    taken: list[tuple[float, float, float]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def ok(self, kind: str, x: float, y: float) -> bool:
        r = RADIUS_M[kind]
        if any(math.hypot(x - tx, y - ty) < r + tr + 0.3 for tx, ty, tr in self.taken):
            return False
        return is_clear(self.scene, x, y, r)

    def put(
        self,
        kind: str,
        src: bpy.types.Object,
        x: float,
        y: float,
        rot: float = 0.0,
        scale: tuple[float, float, float] | None = None,
    ) -> bpy.types.Object | None:
        if not self.ok(kind, x, y):
            return None
        self.taken.append((x, y, RADIUS_M[kind]))
        self.counts[kind] = self.counts.get(kind, 0) + 1
        obj = instance(src, f"{kind}_{self.counts[kind]}", (x, y, CURB_HEIGHT_M), rotation_z=rot)
        if scale is not None:
            obj.scale = scale
        return obj


def _along(start: float, stop: float, step: float, phase: float) -> list[float]:
    n = math.floor((stop - start - phase) / step) + 1
    return [start + phase + i * step for i in range(max(n, 0))]


def build_furniture(ctx: BuildContext) -> dict[str, int]:
    """Place every prop; returns how many of each kind were placed."""
    place = procedural_place(ctx.scene.place)
    rng = random.Random(f"{place.layout_seed}:furniture")
    placer = _Placer(ctx.scene)
    ext = Extents.of(place)
    hr, sw = place.half_road_m, place.sidewalk_width_m
    xmax = ext.row_end_m - 1.0
    mast = place.lamp_kind == "mast"
    lamp_src = props.mast(ctx) if mast else props.lamp(ctx)
    foot = hr + (0.6 if mast else 0.55)
    for side in (-1, 1):
        phase = rng.uniform(0, place.lamp_spacing_m) if side < 0 else None
        for x in _along(
            -xmax,
            xmax,
            place.lamp_spacing_m,
            phase if phase is not None else place.lamp_spacing_m / 2,
        ):
            # a mast's arm (+y in its source) reaches out over the road
            rot = math.pi if mast and side > 0 else 0.0
            obj = placer.put("lamp", lamp_src, x, side * foot, rot=rot)
            if obj is None or not lights_on(ctx):
                continue
            if mast:
                y = side * (foot - props.MAST_ARM_M)
                lamp_light(ctx, x, y, props.MAST_LIGHT_Z_M + 0.03, photometry.MAST_FLUX_LM)
            else:
                lamp_light(ctx, x, side * foot)
    _place_zebra_bollards(place, placer, props.bollard(ctx))
    if place.trees and sw >= 2.8:
        _place_trees(ctx, place, placer, rng, xmax)
    if place.benches and sw >= 2.5:
        bench_src = props.bench(ctx)
        for side in (-1, 1):
            y = side * (hr + min(2.0, sw * 0.5))
            for x in _along(-xmax, xmax, 3 * place.tree_spacing_m, rng.uniform(4.0, 10.0)):
                placer.put("bench", bench_src, x, y, rot=math.pi if side > 0 else 0.0)
    if place.bollards:
        src = props.bollard(ctx)
        for side in (-1, 1):
            for x in _along(-xmax, xmax, 2.0, rng.uniform(0, 2.0)):
                if rng.random() < 0.35:
                    placer.put("bollard", src, x, side * (hr + 0.35))
    return placer.counts


def _place_zebra_bollards(place: Place, placer: _Placer, src: bpy.types.Object) -> None:
    """Potelets flank the crossing on both sidewalks, as in Paris."""
    if place.zebra_crossing_x_m is None or not place.bollards:
        return
    for side in (-1, 1):
        for dx in (2.2, 3.6, 5.0):
            for sgn in (-1, 1):
                placer.put(
                    "bollard",
                    src,
                    place.zebra_crossing_x_m + sgn * dx,
                    side * (place.half_road_m + 0.35),
                )


def _place_trees(
    ctx: BuildContext, place: Place, placer: _Placer, rng: random.Random, xmax: float
) -> None:
    """A line of plane trees on each sidewalk, canopies squeezed to clear the façades."""
    hr, sw = place.half_road_m, place.sidewalk_width_m
    sources = [props.tree(ctx, i) for i in range(3)]
    grate = props.grate(ctx)
    offset = min(1.4, sw * 0.35)
    room = sw - offset  # trunk to façade
    squeeze = min(1.0, max(0.35, (room - 0.6) / props.CANOPY_HALF_WIDTH_M))
    for side in (-1, 1):
        y = side * (hr + offset)
        for x in _along(-xmax, xmax, place.tree_spacing_m, rng.uniform(1.0, place.tree_spacing_m)):
            s = rng.uniform(0.9, 1.1)
            if (
                placer.put(
                    "tree",
                    rng.choice(sources),
                    x,
                    y,
                    rot=rng.choice((0.0, math.pi)),
                    scale=(s, s * squeeze, s),
                )
                is not None
            ):
                instance(grate, f"grate_{placer.counts['tree']}", (x, y, CURB_HEIGHT_M))
    half = plaza_half_m(place)
    if half:  # a square: a few trees on the plaza, clear of the road
        for x in (-0.55 * half, 0.55 * half):
            for y in (-0.6 * half, 0.6 * half):
                if abs(y) > hr + 2.0 and placer.put("tree", rng.choice(sources), x, y) is not None:
                    instance(grate, f"grate_p{placer.counts['tree']}", (x, y, CURB_HEIGHT_M))


def lamp_light(
    ctx: BuildContext,
    x: float,
    y: float,
    z_m: float = props.LAMP_LIGHT_Z_M + 0.05,
    flux_lm: float = photometry.LAMP_FLUX_LM,
) -> None:
    """A lamp's point light `z_m` above the sidewalk (streets and osm places alike; a
    lantern's by default): its published flux under this frame's exposure."""
    light = bpy.data.lights.new("street_lamp", "POINT")
    color = hex_to_linear_rgba(LAMP_LIGHT_HEX)[:3]
    # Blender scales the power by the colour: divide by its luminance to keep the lumens
    watts = photometry.point_watts(flux_lm, ctx.lux_per_unit)
    light.energy = watts / luminance(color)
    light.color = color
    light.shadow_soft_size = 0.05  # a lamp or LED module of ~10 cm, not the whole lantern
    obj = bpy.data.objects.new("street_lamp", light)
    obj.location = (x, y, CURB_HEIGHT_M + z_m)
    bpy.context.scene.collection.objects.link(obj)
