"""Resolution of a scene whose place is an OSM extract: the map, placements, the camera.

The map is read once, when the scene is resolved, and written into `place.map`; a
resolved scene re-renders without its extract. Light follows the place: the sun is
computed at the centre's latitude and longitude, and +x is east (bearing 90).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from twinflash.errors import InputError
from twinflash.scene.models import Camera, OsmPlace, Scene
from twinflash.scene.osm import Projector, load_map
from twinflash.scene.osm_layout import GROUND_MARGIN_M, osm_layout

EAST_DEG = 90.0  # compass bearing of the local +x axis


def resolve_osm_place(scene: Scene, source: str) -> Scene:
    """Fill `place.map` from the extract (unless already there) and align the light."""
    place = scene.place
    assert isinstance(place, OsmPlace)
    if place.map is None:
        place = place.model_copy(update={"map": load_map(place, source)})
    light = scene.light
    given = light.model_fields_set
    update: dict[str, Any] = {"street_azimuth_deg": EAST_DEG}
    if "latitude_deg" not in given:
        update["latitude_deg"] = place.centre[0]
    if "longitude_deg" not in given:
        update["longitude_deg"] = place.centre[1]
    if "street_azimuth_deg" in given and light.street_azimuth_deg != EAST_DEG:
        raise InputError(
            f"{source}: light.street_azimuth_deg: an osm place's x axis points east (90), "
            f"got {light.street_azimuth_deg}"
        )
    return scene.model_copy(update={"place": place, "light": light.model_copy(update=update)})


def osm_placement_errors(scene: Scene, source: str) -> None:
    """Every person and vehicle on open ground: inside the radius, outside buildings."""
    place = scene.place
    assert isinstance(place, OsmPlace)
    layout = osm_layout(place)
    for kind, i, item in scene.grounded():
        if layout.is_open_ground(item.x_m, item.y_m):
            continue
        where = (
            "inside a building"
            if layout.in_building(item.x_m, item.y_m)
            else f"outside the place (radius {place.radius_m:g} m around its centre)"
        )
        raise InputError(f"{source}: {kind}[{i}]: position ({item.x_m}, {item.y_m}) m is {where}")


MAST_KERB_M = 0.6  # a mast stands this far back from the kerb
MAST_WALL_M = 1.2  # and this far from façades (balconies)


def auto_mast(
    place: OsmPlace, height_m: float, pitch_deg: float, heading_deg: float | None, source: str
) -> dict[str, float]:
    """A camera with no position looks at the centre from the paving behind it: along the
    nearest road (or the given heading), from where its optical axis meets the ground at
    the centre, moved to the nearest paving clear of the kerb and the walls."""
    from shapely import Point
    from shapely.ops import nearest_points

    from twinflash.scene.osm import nearest_heading

    layout = osm_layout(place)
    assert place.map is not None
    if heading_deg is not None:
        along = math.radians(90.0 - heading_deg)
    else:
        along = math.radians(nearest_heading(place.map.roads, 0.0, 0.0)[0])
    back = height_m / math.tan(math.radians(max(pitch_deg, 5.0)))
    wish = Point(-math.cos(along) * back, -math.sin(along) * back)
    paving = layout.place_disc.difference(layout.roads.buffer(MAST_KERB_M))
    paving = paving.difference(layout.buildings.buffer(MAST_WALL_M))
    if paving.is_empty:
        raise InputError(
            f"{source}: camera: no paving in the place to stand a mast on; give camera.lat_lon"
        )
    spot = nearest_points(paving, wish)[0]
    x, y = round(spot.x, 3), round(spot.y, 3)
    yaw = math.degrees(math.atan2(-y, -x)) if math.hypot(x, y) > 1.0 else math.degrees(along)
    return {"x_m": x, "y_m": y, "yaw_deg": round(yaw, 4)}


def yaw_from_bearing(heading_deg: float) -> float:
    """Compass bearing (0 north, clockwise) -> yaw (CCW from +x = east), in (-180, 180]."""
    yaw = (EAST_DEG - heading_deg) % 360.0
    return yaw - 360.0 if yaw > 180.0 else yaw


def _agree(
    cam: Camera,
    given: set[str],
    values: dict[str, Any],
    fields: tuple[str, ...],
    by: str,
    tolerance: float,
    source: str,
) -> None:
    """A resolved scene carries both (e.g. lat_lon and x_m/y_m); they must say the same."""
    for f in fields:
        if f in given and abs(getattr(cam, f) - values[f]) > tolerance:
            raise InputError(
                f"{source}: camera.{f}: {getattr(cam, f)} contradicts camera.{by} "
                f"(which gives {values[f]}); give one of them"
            )


def resolve_osm_camera(
    scene: Scene,
    source: str,
    speed_camera: Callable[[Scene, str], dict[str, float]],
    presets: Mapping[str, Mapping[str, float]],
    limits: Mapping[str, tuple[float, float, float, float]],
) -> Camera:
    """A mast by lat/lon/height/heading, or x/y/yaw; presets give height, pitch and lens."""
    cam = scene.camera
    place = scene.place
    assert isinstance(place, OsmPlace)
    given = cam.model_fields_set
    if cam.preset in ("speed_camera", "speed_camera_ir"):
        values: dict[str, Any] = speed_camera(scene, source)
    else:
        values = {k: v for k, v in presets.get(cam.preset, {}).items() if k not in given}
        values.pop("yaw_deg", None)
        if cam.lat_lon is not None:
            values["x_m"], values["y_m"] = Projector(place.centre).xy(*cam.lat_lon)
            _agree(cam, given, values, ("x_m", "y_m"), "lat_lon", 0.01, source)
        elif not {"x_m", "y_m"} <= given:
            height = values.get("height_m", cam.height_m)
            pitch = values.get("pitch_deg", cam.pitch_deg)
            values |= auto_mast(place, height, pitch, cam.heading_deg, source)
        if cam.heading_deg is not None:
            values["yaw_deg"] = round(yaw_from_bearing(cam.heading_deg), 6)
            _agree(cam, given, values, ("yaw_deg",), "heading_deg", 1e-4, source)
    resolved = cam.model_copy(update=values)
    x, y, h = resolved.x_m, resolved.y_m, resolved.height_m
    reach = place.radius_m + GROUND_MARGIN_M
    if math.hypot(x, y) > reach:
        raise InputError(
            f"{source}: camera: position ({x:.1f}, {y:.1f}) m is {math.hypot(x, y):.0f} m from "
            f"the centre, beyond the modelled ground ({reach:g} m)"
        )
    from shapely import Point, Polygon

    for b in place.map.buildings if place.map else []:
        if h < b.height_m + 0.5 and Polygon(b.footprint_m).contains(Point(x, y)):
            raise InputError(
                f"{source}: camera: position ({x:.2f}, {y:.2f}) m at {h:.1f} m high is inside "
                f"building {b.osm_id} ({b.height_m:g} m high); move it or raise it above the roof"
            )
    if cam.preset in limits:
        hmin, hmax, pmin, pmax = limits[cam.preset]
        if not hmin <= h <= hmax:
            raise InputError(
                f"{source}: camera.height_m: {cam.preset} cameras sit {hmin}–{hmax} m high "
                f"(got {h})"
            )
        if not pmin <= resolved.pitch_deg <= pmax:
            raise InputError(
                f"{source}: camera.pitch_deg: {cam.preset} cameras look down {pmin}–{pmax}° "
                f"(got {resolved.pitch_deg})"
            )
    return resolved
