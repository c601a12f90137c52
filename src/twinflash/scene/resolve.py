"""Turn a validated Scene into a fully explicit one: presets applied, plates drawn,
placements checked. Pure math; errors name the field."""

from __future__ import annotations

import math
import random

from twinflash.errors import InputError
from twinflash.flash.plates import random_siv
from twinflash.scene.layout import ROOFTOP_CLEARANCE_M, facade_y_at, is_open_ground
from twinflash.scene.models import (
    QUALITY_PRESETS,
    WASTE_KINDS,
    Camera,
    OsmPlace,
    Scene,
)

# Preset values apply to the camera fields the scene file leaves out.
CAMERA_PRESETS: dict[str, dict[str, float]] = {
    "cctv": {"height_m": 6.0, "pitch_deg": 30.0, "focal_length_mm": 20.0, "yaw_deg": -20.0},
    "pedestrian": {"height_m": 1.6, "pitch_deg": 2.0, "focal_length_mm": 28.0, "yaw_deg": 0.0},
    "birds_eye": {"height_m": 30.0, "pitch_deg": 70.0, "focal_length_mm": 24.0, "yaw_deg": 0.0},
    "speed_camera": {"height_m": 1.0},
}
SPEED_CAMERAS = ("speed_camera", "speed_camera_ir")  # same place and aim; _ir adds the IR look
CAMERA_LIMITS = {"cctv": (4.0, 10.0, 15.0, 50.0)}  # height min/max, pitch min/max

SPEED_CAMERA_DISTANCE_M = 9.0  # from the flashed vehicle's front, along its axis
SPEED_CAMERA_OFF_AXIS_DEG = 15.0  # 10–25° in practice
SPEED_CAMERA_FILL = 0.55  # share of the image width the vehicle front takes


def _rng(scene: Scene, stream: str) -> random.Random:
    return random.Random(f"{scene.seed}:{stream}")


def _placement_errors(scene: Scene, source: str) -> None:
    place = scene.place
    if isinstance(place, OsmPlace):
        from twinflash.scene.osm_resolve import osm_placement_errors

        osm_placement_errors(scene, source)
        return
    for kind, i, item in scene.grounded():
        if not is_open_ground(place, item.x_m, item.y_m):
            where = (
                "outside the street" if abs(item.x_m) > place.length_m / 2 else "inside a building"
            )
            raise InputError(
                f"{source}: {kind}[{i}]: position ({item.x_m}, {item.y_m}) m is {where} "
                f"(façade at |y| = {facade_y_at(place, item.x_m):.2f} m, street ends at "
                f"|x| = {place.length_m / 2:.1f} m)"
            )


def _speed_camera(scene: Scene, source: str) -> dict[str, float]:
    """Roadside camera ~1 m high facing the target vehicle, 10–25° off its axis."""
    from twinflash.scene.catalog import get_vehicle_model

    cam = scene.camera
    idx = cam.target_vehicle if cam.target_vehicle is not None else 0
    if idx >= len(scene.vehicles):
        raise InputError(
            f"{source}: camera.target_vehicle: speed_camera needs vehicle {idx}, "
            f"the scene has {len(scene.vehicles)}"
        )
    v = scene.vehicles[idx]
    spec = get_vehicle_model(v.model)
    h = math.radians(v.heading_deg)
    fwd = (math.cos(h), math.sin(h))
    right = (math.sin(h), -math.cos(h))  # French traffic keeps right: the roadside is there
    front = (v.x_m + fwd[0] * spec.length_m / 2, v.y_m + fwd[1] * spec.length_m / 2)
    off = math.radians(SPEED_CAMERA_OFF_AXIS_DEG)
    d = cam.distance_m if cam.distance_m is not None else SPEED_CAMERA_DISTANCE_M
    cam_x = front[0] + fwd[0] * d * math.cos(off) + right[0] * d * math.sin(off)
    cam_y = front[1] + fwd[1] * d * math.cos(off) + right[1] * d * math.sin(off)
    height = cam.height_m if "height_m" in cam.model_fields_set else 1.0
    to_front = (front[0] - cam_x, front[1] - cam_y)
    yaw = math.degrees(math.atan2(to_front[1], to_front[0]))
    dist = math.hypot(*to_front)
    aim_z = spec.height_m * 0.45
    pitch = math.degrees(math.atan2(height - aim_z, dist))
    apparent_w = spec.width_m * math.cos(off) + spec.length_m * 0.5 * math.sin(off)
    focal = cam.sensor_width_mm * dist * SPEED_CAMERA_FILL / apparent_w
    return {
        "x_m": cam_x,
        "y_m": cam_y,
        "height_m": height,
        "yaw_deg": yaw,
        "pitch_deg": pitch,
        "focal_length_mm": focal,
        "target_vehicle": idx,
    }


def _resolve_camera(scene: Scene, source: str) -> Camera:
    cam = scene.camera
    if isinstance(scene.place, OsmPlace):
        from twinflash.scene.osm_resolve import resolve_osm_camera

        return resolve_osm_camera(scene, source, _speed_camera, CAMERA_PRESETS, CAMERA_LIMITS)
    if cam.lat_lon is not None or cam.heading_deg is not None:
        field = "lat_lon" if cam.lat_lon is not None else "heading_deg"
        raise InputError(
            f"{source}: camera.{field}: only an osm place has latitudes and bearings; "
            "use x_m, y_m and yaw_deg in a procedural street"
        )
    given = cam.model_fields_set
    values = dict(CAMERA_PRESETS.get(cam.preset, {}))
    place = scene.place
    if cam.preset in SPEED_CAMERAS:
        values = _speed_camera(scene, source)
    elif cam.preset == "cctv":
        # 1 m off the façade: clear of the 0.8 m balconies and 0.5 m cornices
        values |= {"x_m": -place.length_m * 0.3, "y_m": place.facade_y_m - 1.0}
    elif cam.preset == "pedestrian":
        values |= {
            "x_m": -place.length_m * 0.3,
            "y_m": -(place.half_road_m + place.sidewalk_width_m / 2),
        }
    elif cam.preset == "birds_eye":
        values |= {
            "x_m": -values["height_m"] / math.tan(math.radians(values["pitch_deg"])),
            "y_m": 0.0,
        }
    # A speed camera's place and aim always follow its target vehicle.
    always = {"x_m", "y_m", "yaw_deg", "target_vehicle"} if cam.preset in SPEED_CAMERAS else set()
    values = {k: v for k, v in values.items() if k not in given or k in always}
    resolved = cam.model_copy(update=values)
    low = resolved.height_m < ROOFTOP_CLEARANCE_M
    if low and not is_open_ground(place, resolved.x_m, resolved.y_m):
        raise InputError(
            f"{source}: camera: position ({resolved.x_m:.2f}, {resolved.y_m:.2f}) m at "
            f"{resolved.height_m:.1f} m high is inside a building or beyond the street (façade at "
            f"|y| = {facade_y_at(place, resolved.x_m):.2f} m there); move it or raise it above "
            f"{ROOFTOP_CLEARANCE_M:.0f} m"
        )
    if cam.preset in CAMERA_LIMITS:
        hmin, hmax, pmin, pmax = CAMERA_LIMITS[cam.preset]
        if not hmin <= resolved.height_m <= hmax:
            raise InputError(
                f"{source}: camera.height_m: {cam.preset} cameras sit {hmin}–{hmax} m high "
                f"(got {resolved.height_m})"
            )
        if not pmin <= resolved.pitch_deg <= pmax:
            raise InputError(
                f"{source}: camera.pitch_deg: {cam.preset} cameras look down {pmin}–{pmax}° "
                f"(got {resolved.pitch_deg})"
            )
    return resolved


def resolve_scene(scene: Scene, source: str = "<scene>") -> Scene:
    """Apply presets and draw what was left random; the result re-validates unchanged."""
    from twinflash.scene.catalog import get_vehicle_model

    for i, v in enumerate(scene.vehicles):
        try:
            get_vehicle_model(v.model)
        except KeyError as exc:
            raise InputError(f"{source}: vehicles[{i}].model: {exc.args[0]}") from None
    if isinstance(scene.place, OsmPlace):
        from twinflash.scene.osm_resolve import resolve_osm_place

        scene = resolve_osm_place(scene, source)
    _placement_errors(scene, source)

    rng = _rng(scene, "plates")
    vehicles = [
        v if v.plate_text else v.model_copy(update={"plate_text": random_siv(rng)})
        for v in scene.vehicles
    ]
    quality = scene.quality
    if quality.preset != "custom":
        preset = QUALITY_PRESETS[quality.preset]
        quality = quality.model_copy(
            update={k: v for k, v in preset.items() if k not in quality.model_fields_set}
        )
    weather = scene.weather
    if weather.kind == "rain" and "wetness" not in weather.model_fields_set:
        weather = weather.model_copy(update={"wetness": 0.3 + 0.7 * weather.rain_intensity})
    camera = _resolve_camera(scene, source)
    waste = [
        w if w.color else w.model_copy(update={"color": WASTE_KINDS[w.kind][1]})
        for w in scene.waste
    ]
    resolved = scene.model_copy(
        update={
            "vehicles": vehicles,
            "waste": waste,
            "quality": quality,
            "weather": weather,
            "camera": camera,
        }
    )
    return type(scene).model_validate(resolved.model_dump())
