"""PlanSpec + sample index -> a plain scene mapping, then a resolved Scene.

Every draw for sample i comes from `rng_for(plan.seed, i, stream)`: one numpy generator
per named stream (a `vary` path, "people", "vehicles"...), so adding a distribution to a
plan never shifts the values another one draws, and the same plan gives the same scenes.
The mapping goes through `parse_scene`, so every sampled value is explicit in the
resolved scene.yaml written next to each image.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import zlib
from typing import Any

import numpy as np
from pydantic import ValidationError

from twinflash.datasets.distributions import Choice, Normal, Uniform, UniformInt
from twinflash.datasets.osm_placement import lane_spot, walk_heading
from twinflash.datasets.osm_placement import person_spot_ok as osm_person_ok
from twinflash.datasets.placement import (
    Capsule,
    Rect,
    capsule_hits_rect,
    capsules_overlap,
    ground_half_width_m,
    person_spot_ok,
    point_segment_distance,
    rects_overlap,
)
from twinflash.datasets.planspec import PlanSpec
from twinflash.datasets.waste_placement import draw_waste
from twinflash.errors import InputError
from twinflash.scene.catalog import get_vehicle_model, vehicle_models
from twinflash.scene.io import format_validation_error, parse_scene
from twinflash.scene.layout import SEAT_CURB_AHEAD_M, SEAT_STEPS_BACK_M, facade_y_at
from twinflash.scene.models import OsmPlace, Place, Scene
from twinflash.scene.osm import cached_map
from twinflash.scene.osm_layout import osm_layout
from twinflash.scene.resolve import SPEED_CAMERAS

MAX_TRIES = 300
CAMERA_KEEP_OUT_M = 2.0  # nothing stands on the camera
SIGHT_LINE_KEEP_OUT_M = 1.5  # nothing between a speed camera and its target

# Defaults for what a plan's mix leaves out: broad, plausible for a Paris street.
PALETTE_CLOTHES = {
    "#1f1f24": 3,
    "#2d2d33": 3,
    "#3a5f8a": 2,
    "#1d2a44": 2,
    "#6f7f8f": 1,
    "#d9d4c7": 1,
    "#e0e0e0": 1,
    "#a5632f": 1,
    "#5b3f6e": 1,
    "#2f5a3a": 1,
    "#c9a227": 0.5,
    "#8e1b1b": 0.5,
}
PALETTE_HAIR = {"#1b1410": 3, "#2b1d14": 3, "#5a3a22": 2, "#a87b4f": 1, "#d8c7a0": 1, "#9a9a9a": 1}
PALETTE_BAGS = {"#1a1a1a": 3, "#3a2a1a": 2, "#5a3a22": 2, "#1d2a44": 1, "#8e1b1b": 0.5}
PALETTE_SHOES = {"#1a1a1a": 3, "#3a2a1a": 2, "#e8e8e8": 2}
PALETTE_CARS = {
    "#f2f2f2": 0.24,
    "#8a8d91": 0.2,
    "#1a1a1c": 0.18,
    "#c0c3c7": 0.12,
    "#1e3a5f": 0.1,
    "#8e1b1b": 0.08,
    "#2f5a3a": 0.03,
    "#d9c9a3": 0.03,
    "#e07b00": 0.02,
}
HEIGHT_BY_AGE = {
    "child": Uniform(uniform=(1.0, 1.45)),
    "adult": Normal(normal={"mean": 1.71, "std": 0.09, "low": 1.5, "high": 2.0}),
    "elderly": Normal(normal={"mean": 1.66, "std": 0.08, "low": 1.45, "high": 1.9}),
}
PERSON_DEFAULTS = {
    "pose": Choice(choice={"standing": 0.45, "walking": 0.5, "sitting": 0.05}),
    "age_group": Choice(choice={"adult": 0.75, "child": 0.1, "elderly": 0.15}),
    "build": Choice(choice={"slim": 0.3, "average": 0.5, "heavy": 0.2}),
    "skin_tone": UniformInt(uniform_int=(1, 10)),
    "hair_style": Choice(choice={"short": 0.4, "long": 0.3, "bald": 0.15, "bun": 0.15}),
    "hair_color": Choice(choice=PALETTE_HAIR),
    "top_color": Choice(choice=PALETTE_CLOTHES),
    "bottom_color": Choice(choice=PALETTE_CLOTHES),
    "shoe_color": Choice(choice=PALETTE_SHOES),
    "stride_phase": Uniform(uniform=(0.0, 1.0)),
}
# Clothing and accessories (issue #17), drawn from a stream of their own ("people.clothing")
# so that plans made before them keep every other draw (positions too, unless a pushchair's
# ground space rejects a spot: docs/people.md). Street-photo guesses for Paris
# across the seasons: most people in trousers, a third in a jacket, few with a suitcase.
CLOTHING_DEFAULTS = {
    "outerwear": Choice(choice={"none": 0.55, "jacket": 0.3, "coat": 0.15}),
    "outerwear_color": Choice(choice=PALETTE_CLOTHES),
    "bottom": Choice(choice={"trousers": 0.66, "shorts": 0.08, "skirt": 0.13, "dress": 0.13}),
    "sleeves": Choice(choice={"long": 0.6, "short": 0.4}),
    "headwear": Choice(choice={"none": 0.8, "cap": 0.08, "beanie": 0.08, "hat": 0.04}),
    "headwear_color": Choice(choice=PALETTE_CLOTHES),
    "scarf": Choice(choice={False: 0.85, True: 0.15}),
    "scarf_color": Choice(choice=PALETTE_CLOTHES),
    "bag": Choice(choice={"none": 0.55, "shoulder_bag": 0.2, "backpack": 0.2, "suitcase": 0.05}),
    "bag_color": Choice(choice=PALETTE_BAGS),
    "pushchair": Choice(choice={False: 0.97, True: 0.03}),
    "pushchair_color": Choice(choice=PALETTE_CLOTHES),
}
# How people lie on the ground (issue #17), from a stream of its own ("people.lying_pose"),
# drawn for every person so that old plans keep every other draw: guesses for people
# who fell or are in distress, most on the back or rolled onto a side.
LYING_POSE_DEFAULT = Choice(choice={"back": 0.4, "side": 0.3, "face_down": 0.15, "curled": 0.15})
# What sitting people sit on (issue #17), from a stream of its own ("people.seat"), drawn
# for every person and kept for the sitting ones: guesses for a Paris street, most on a
# bench or a café terrace; the builder's plain block is the rare rest.
SEAT_DEFAULT = Choice(
    choice={"bench": 0.35, "cafe_chair": 0.3, "steps": 0.15, "curb": 0.15, "block": 0.05}
)
PUSHCHAIR_AHEAD_M = 1.3  # a pushchair's footprint reaches this far ahead of its pusher


def rng_for(seed: int, index: int, stream: str) -> np.random.Generator:
    """The generator of one named stream of sample `index` of a plan seeded `seed`."""
    return np.random.default_rng([seed, index, zlib.crc32(stream.encode())])


def _plain(value: Any) -> Any:
    """numpy scalars to Python, floats rounded so scene files stay readable."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value


def _set_path(mapping: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = mapping
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if path == "light.local_time" and isinstance(value, int | float):
        seconds = round(float(value) * 3600) % 86400
        value = (dt.datetime.min + dt.timedelta(seconds=seconds)).time().isoformat()
    node[parts[-1]] = _plain(value)


def _x_range(
    place: Place, given: tuple[float, float] | None, margin_m: float
) -> tuple[float, float]:
    half = place.length_m / 2 - margin_m
    if given is None:
        return -half, half
    return max(given[0], -half), min(given[1], half)


def _place_vehicle(
    rng: np.random.Generator,
    place: Place | OsmPlace,
    model_key: str,
    parked: bool,
    x_range: tuple[float, float] | None,
    rects: list[Rect],
    keep_out: list[tuple[float, float, float, float]],
    travel_m: float = 0.0,
) -> tuple[float, float, float] | None:
    """A free spot; a driving vehicle's footprint covers its whole travel in a clip."""
    spec = get_vehicle_model(model_key)
    if isinstance(place, OsmPlace):
        return _place_vehicle_osm(rng, place, spec.length_m, spec.width_m, parked, rects, keep_out)
    lo, hi = _x_range(place, x_range, spec.length_m / 2 + 0.5)
    for _ in range(MAX_TRIES):
        side = -1 if rng.random() < 0.5 else 1  # keep right: heading 0 drives at y < 0
        heading = 0.0 if side < 0 else 180.0
        if parked:
            y = side * (place.half_road_m - spec.width_m / 2 - 0.25)
        else:
            y = side * place.half_road_m / 2
        direction = -side  # heading 0 drives towards +x
        start_lo, start_hi = (lo, hi - travel_m) if direction > 0 else (lo + travel_m, hi)
        if start_lo > start_hi:
            return None
        x = round(float(rng.uniform(start_lo, start_hi)), 2)
        rect = Rect(
            x + direction * travel_m / 2, y, heading, spec.length_m + travel_m, spec.width_m
        )
        if any(rects_overlap(rect, r) for r in rects):
            continue
        if any(_near_segment([*rect.corners(), (x, y)], seg) for seg in keep_out):
            continue
        rects.append(rect)
        return x, round(y, 3), heading
    return None


def _place_vehicle_osm(
    rng: np.random.Generator,
    place: OsmPlace,
    length_m: float,
    width_m: float,
    parked: bool,
    rects: list[Rect],
    keep_out: list[tuple[float, float, float, float]],
) -> tuple[float, float, float] | None:
    """A lane or kerbside spot on the real layout (a clip's travel is not reserved)."""
    for _ in range(MAX_TRIES):
        spot = lane_spot(rng, place, length_m, width_m, parked)
        if spot is None:
            continue
        rect = Rect(spot[0], spot[1], spot[2], length_m, width_m)
        if any(rects_overlap(rect, r) for r in rects):
            continue
        if any(_near_segment([*rect.corners(), spot[:2]], seg) for seg in keep_out):
            continue
        rects.append(rect)
        return spot
    return None


def _near_segment(
    points: list[tuple[float, float]], seg: tuple[float, float, float, float]
) -> bool:
    ax, ay, bx, by = seg
    return any(
        point_segment_distance(px, py, ax, ay, bx, by) < SIGHT_LINE_KEEP_OUT_M for px, py in points
    )


def _speed_mps(plan: PlanSpec, index: int, stream: str) -> float:
    """Speed of one moving object of a clip (0 without a sequence), from its own stream."""
    seq = plan.sequence
    if seq is None:
        return 0.0
    rng = rng_for(plan.seed, index, f"motion:{stream}")
    if stream.startswith("person"):
        return float(seq.walk_speed_mps.draw(rng))
    return float(seq.drive_speed_kmh.draw(rng)) / 3.6


def _duration_s(plan: PlanSpec) -> float:
    return plan.sequence.duration_s if plan.sequence is not None else 0.0


def _draw_vehicles(
    plan: PlanSpec, index: int, place: Place | OsmPlace, mapping: dict[str, Any], source: str
) -> tuple[list[Rect], list[tuple[float, float]]]:
    spec = plan.vehicles
    rng = rng_for(plan.seed, index, "vehicles")
    n = int(spec.count.draw(rng))
    if spec.first_in_lane:
        n = max(n, 1)
    models = spec.mix.get("model") or Choice(choice={k: 1.0 for k in sorted(vehicle_models())})
    colors = spec.mix.get("color") or Choice(choice=PALETTE_CARS)
    rects: list[Rect] = []
    vehicles: list[dict[str, Any]] = []
    velocities: list[tuple[float, float]] = []
    keep_out: list[tuple[float, float, float, float]] = []
    for k in range(n):
        values = {name: _plain(d.draw(rng)) for name, d in sorted(spec.mix.items())}
        values["model"] = _plain(models.draw(rng))
        values["color"] = _plain(colors.draw(rng))
        first = k == 0 and spec.first_in_lane
        parked = False if first else bool(rng.random() < spec.parked_share)
        if parked:  # engine off: no lamps at night, no daytime running lights by day
            values.setdefault("headlights", "off")
        x_range = spec.first_x_range_m if first else spec.x_range_m
        speed = 0.0 if parked else _speed_mps(plan, index, f"vehicle{k}")
        travel = speed * _duration_s(plan)
        spot = _place_vehicle(rng, place, values["model"], parked, x_range, rects, keep_out, travel)
        if spot is None:
            continue  # a full street: fewer vehicles, recorded as such in scene.yaml
        x, y, heading = spot
        vehicles.append({**values, "x_m": x, "y_m": y, "heading_deg": heading})
        if isinstance(place, OsmPlace):
            a = math.radians(heading)
            velocities.append((speed * math.cos(a), speed * math.sin(a)))
        else:
            velocities.append((speed if heading == 0 else -speed, 0.0))
        if first:
            keep_out = _sight_lines(mapping, vehicles, source)
    mapping["vehicles"] = vehicles
    return rects, velocities


def _resolved_camera_xy(
    mapping: dict[str, Any], vehicles: list[dict[str, Any]], source: str
) -> Scene:
    trial = {**mapping, "people": [], "vehicles": vehicles}
    return parse_scene(trial, source=source)


def _sight_lines(
    mapping: dict[str, Any], vehicles: list[dict[str, Any]], source: str
) -> list[tuple[float, float, float, float]]:
    """Segments from the camera to the flashed vehicle: kept clear of other objects."""
    cam = _resolved_camera_xy(mapping, vehicles, source).camera
    if cam.preset not in SPEED_CAMERAS or cam.target_vehicle is None:
        return []
    target = vehicles[cam.target_vehicle]
    return [(cam.x_m, cam.y_m, target["x_m"], target["y_m"])]


def _person_heading(
    rng: np.random.Generator, pose: str, x: float, y: float, place: Place | OsmPlace
) -> float:
    if pose == "walking" and isinstance(place, Place):  # an osm place has walk_heading
        if abs(y) < place.half_road_m:  # on the crossing: across the road
            return 90.0 if rng.random() < 0.5 else -90.0
        return (0.0 if rng.random() < 0.5 else 180.0) + float(rng.normal(0, 8))
    return float(rng.uniform(-180, 180))


def _seat_spot(
    street: Place, zone: str, seat: str, x: float, y: float, heading: float
) -> tuple[float, float, float, Capsule | None]:
    """A curb sitter moves to the curb of the drawn side, hips just behind its face, and a
    steps sitter to the façade, the flight's back against the wall, both facing the road;
    the hips' spot (a small capsule) must still be in the zone, else the drawn spot stays
    (the builder then lays a kerb stone, or free-standing steps, there)."""
    side = 1.0 if y >= 0 else -1.0
    if seat == "curb":
        ny = side * (street.half_road_m + SEAT_CURB_AHEAD_M)
    elif seat == "steps":
        ny = side * (facade_y_at(street, x) - SEAT_STEPS_BACK_M - 0.02)
    else:
        return x, y, heading, None
    spot = Capsule(x, ny, x, ny, 0.05)
    if not person_spot_ok(street, zone, spot):
        return x, y, heading, None
    return x, round(ny, 2), -90.0 * side, spot


def draw_clothing(
    rng: np.random.Generator, mix: dict[str, Any], person: dict[str, Any]
) -> dict[str, Any]:
    """One person's clothing; all of it is drawn (same count of draws whatever comes out),
    then what the person cannot carry is dropped, even if the plan's mix asked for it:
    only upright adults pull a suitcase or push a pushchair, and a pusher has no suitcase."""
    values = {
        name: _plain((mix.get(name) or CLOTHING_DEFAULTS[name]).draw(rng))
        for name in sorted(CLOTHING_DEFAULTS)
    }
    upright_adult = person["pose"] in ("standing", "walking") and person["age_group"] != "child"
    if not upright_adult:
        values["pushchair"] = False
    if values["bag"] == "suitcase" and (values["pushchair"] or not upright_adult):
        values["bag"] = "none"
    return values


def _draw_people(
    plan: PlanSpec,
    index: int,
    place: Place | OsmPlace,
    mapping: dict[str, Any],
    rects: list[Rect],
    source: str,
) -> list[tuple[float, float]]:
    spec = plan.people
    rng = rng_for(plan.seed, index, "people")
    n = int(spec.count.draw(rng))
    n_lying = min(int(spec.lying.draw(rng)), n)
    lying = set(rng.permutation(n)[:n_lying].tolist()) if n else set()
    scene = _resolved_camera_xy(mapping, mapping.get("vehicles", []), source)
    cam = scene.camera
    sight = (
        _sight_lines(mapping, mapping.get("vehicles", []), source)
        if mapping.get("vehicles")
        else []
    )
    osm = place if isinstance(place, OsmPlace) else None
    street = place if isinstance(place, Place) else None
    if osm is not None:  # a square around the place's disc; spots outside it are refused
        lo, hi = -osm.radius_m, osm.radius_m
        y_half = osm.radius_m
        layout = osm_layout(osm)
    elif street is not None:
        lo, hi = _x_range(street, spec.x_range_m, 0.5)
        y_half = ground_half_width_m(street)
    else:  # pragma: no cover - the scene model admits no other place
        raise TypeError(f"unknown place {type(place).__name__}")
    capsules: list[Capsule] = []
    people: list[dict[str, Any]] = []
    velocities: list[tuple[float, float]] = []
    clothing_rng = rng_for(plan.seed, index, "people.clothing")
    lying_rng = rng_for(plan.seed, index, "people.lying_pose")
    seat_rng = rng_for(plan.seed, index, "people.seat")
    own_streams = set(CLOTHING_DEFAULTS) | {"lying_pose", "seat"}
    for k in range(n):
        values: dict[str, Any] = {}
        for name in sorted(set(PERSON_DEFAULTS) | (set(spec.mix) - own_streams)):
            values[name] = _plain((spec.mix.get(name) or PERSON_DEFAULTS[name]).draw(rng))
        if k in lying:
            values["pose"] = "lying"
        elif values["pose"] == "lying" and "pose" not in spec.mix:
            values["pose"] = "standing"
        lying_pose = _plain((spec.mix.get("lying_pose") or LYING_POSE_DEFAULT).draw(lying_rng))
        if values["pose"] == "lying":
            values["lying_pose"] = lying_pose
        seat = _plain((spec.mix.get("seat") or SEAT_DEFAULT).draw(seat_rng))
        if values["pose"] == "sitting":
            values["seat"] = seat
        if "height_m" not in spec.mix:
            values["height_m"] = _plain(HEIGHT_BY_AGE[values["age_group"]].draw(rng))
        values.update(draw_clothing(clothing_rng, spec.mix, values))
        for _ in range(MAX_TRIES):
            x = round(float(rng.uniform(lo, hi)), 2)
            y = round(float(rng.uniform(-y_half, y_half)), 2)
            heading = values.get("heading_deg")
            if heading is None or "heading_deg" not in spec.mix:
                if osm is not None and values["pose"] == "walking":
                    heading = walk_heading(rng, osm, layout, x, y)
                else:
                    heading = round(_person_heading(rng, values["pose"], x, y, place), 1)
            spot_cap = None  # a sitter moved to the curb or a doorway: the hips' spot
            if "seat" in values:
                if street is not None:
                    x, y, heading, spot_cap = _seat_spot(
                        street, spec.zone, values["seat"], x, y, heading
                    )
                cap = Capsule.seated(x, y, heading, values["seat"])
            else:
                cap = Capsule.person(x, y, heading, values["pose"], values["height_m"])
            speed = _speed_mps(plan, index, f"person{k}") if values["pose"] == "walking" else 0.0
            vx = speed * math.cos(math.radians(heading))
            vy = speed * math.sin(math.radians(heading))
            ahead = PUSHCHAIR_AHEAD_M if values["pushchair"] else 0.0
            if speed or ahead:  # the footprint covers the whole walk, and the pushchair
                dur = _duration_s(plan) if speed else 0.0
                ex = x + vx * dur + ahead * math.cos(math.radians(heading))
                ey = y + vy * dur + ahead * math.sin(math.radians(heading))
                cap = Capsule(x, y, ex, ey, cap.radius_m)
            if osm is not None:
                if not osm_person_ok(osm, layout, spec.zone, cap):
                    continue
                if values["pose"] != "walking" and layout.on_road(x, y):
                    continue  # only walkers use the crossing
            elif street is None or not person_spot_ok(street, spec.zone, spot_cap or cap):
                continue
            elif values["pose"] != "walking" and abs(y) < street.half_road_m:
                continue  # only walkers use the crossing
            reach = CAMERA_KEEP_OUT_M + cap.radius_m
            if point_segment_distance(cam.x_m, cam.y_m, cap.ax, cap.ay, cap.bx, cap.by) < reach:
                continue
            if any(capsules_overlap(cap, other) for other in capsules):
                continue
            if any(capsule_hits_rect(cap, r) for r in rects):
                continue
            if sight and _near_segment(cap.points(), sight[0]):
                continue
            capsules.append(cap)
            people.append({**values, "x_m": x, "y_m": y, "heading_deg": heading})
            velocities.append((vx, vy))
            break
        else:
            raise InputError(
                f"{source}: people: could not place person {k + 1} of {n} in "
                f"zone {spec.zone!r} without overlap after {MAX_TRIES} tries "
                "(ask for fewer people or widen people.x_range_m)"
            )
    mapping["people"] = people
    return velocities


def _advance(
    mapping: dict[str, Any],
    t: float,
    people_v: list[tuple[float, float]],
    vehicles_v: list[tuple[float, float]],
) -> None:
    """Move walkers and driving vehicles t seconds along their velocity; walk phases follow
    the distance walked (one stride cycle, two steps, is ~0.83 body heights long)."""
    for person, (vx, vy) in zip(mapping["people"], people_v, strict=True):
        if vx or vy:
            person["x_m"] = round(person["x_m"] + vx * t, 3)
            person["y_m"] = round(person["y_m"] + vy * t, 3)
            cycles = math.hypot(vx, vy) * t / (0.83 * person["height_m"])
            person["stride_phase"] = round((person["stride_phase"] + cycles) % 1.0, 4)
    for vehicle, (vx, vy) in zip(mapping["vehicles"], vehicles_v, strict=True):
        vehicle["x_m"] = round(vehicle["x_m"] + vx * t, 3)
        vehicle["y_m"] = round(vehicle["y_m"] + vy * t, 3)


def clip_frame(plan: PlanSpec, index: int) -> tuple[int, int] | None:
    """(clip, frame) of sample `index` in a sequence plan, None otherwise."""
    if plan.sequence is None:
        return None
    return divmod(index, plan.sequence.frames)


def sample_mapping(plan: PlanSpec, index: int, source: str = "<plan>") -> dict[str, Any]:
    """The scene mapping of sample `index` (plain YAML-ready values)."""
    if not 0 <= index < plan.count:
        raise IndexError(f"sample {index} outside 0..{plan.count - 1}")
    draw_index = index
    grid: list[Any] = []
    if plan.sweep is not None:
        grid = plan.sweep.grid()
        draw_index = index // len(grid)
    cf = clip_frame(plan, index)
    if cf is not None:
        draw_index = cf[0]
    mapping = copy.deepcopy(plan.base)
    mapping["name"] = f"{plan.name}_{index:06d}"
    mapping["seed"] = int(rng_for(plan.seed, draw_index, "scene").integers(0, 2**31 - 1))
    for path, dist in sorted(plan.vary.items()):
        _set_path(mapping, path, dist.draw(rng_for(plan.seed, draw_index, f"vary:{path}")))
    if plan.sweep is not None:
        _set_path(mapping, plan.sweep.path, grid[index % len(grid)])
    where = f"{source}: sample {index}"
    if plan.place_centre is not None:
        centre = plan.place_centre.draw(rng_for(plan.seed, draw_index, "place_centre"))
        mapping.setdefault("place", {})["centre"] = centre
    place = _sample_place(mapping, where)
    rects, vehicles_v = _draw_vehicles(plan, draw_index, place, mapping, where)
    waste = draw_waste(rng_for(plan.seed, draw_index, "waste"), place, plan.waste, rects)
    if waste:  # its footprints are in `rects` now: people keep clear of them
        mapping["waste"] = waste
    people_v = _draw_people(plan, draw_index, place, mapping, rects, where)
    if cf is not None and plan.sequence is not None:
        _advance(mapping, cf[1] / plan.sequence.fps, people_v, vehicles_v)
    return mapping


def _sample_place(mapping: dict[str, Any], where: str) -> Place | OsmPlace:
    """The sample's place; an osm place gets its map now (read once per extract and
    centre), written into the mapping so the scene does not read the extract again."""
    data = mapping.get("place", {})
    osm = isinstance(data, dict) and data.get("kind") == "osm"
    try:
        place = (OsmPlace if osm else Place).model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_error(f"{where}: place", exc)) from None
    if isinstance(place, OsmPlace) and place.map is None:
        place = place.model_copy(update={"map": cached_map(place, where)})
        mapping["place"] = place.model_dump(mode="json")
    return place


def sample_scene(plan: PlanSpec, index: int, source: str = "<plan>") -> Scene:
    """Sample `index` as a resolved Scene (the one the worker renders)."""
    return parse_scene(sample_mapping(plan, index, source), source=f"{source}: sample {index}")
