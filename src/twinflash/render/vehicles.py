"""Vehicles: a catalog model's procedural body, its paint, lamps and two SIV plates.

`build_vehicle` returns the vehicle first, then its front and rear plates, each a separate
Built (own instance id) with the printed face's corners in world coordinates.
"""

from __future__ import annotations

import math

import bpy
import numpy as np

from twinflash.flash.plates import random_siv
from twinflash.render.context import BuildContext, Built
from twinflash.render.daylight import luminance
from twinflash.render.materials import emission, hex_to_linear_rgba, principled
from twinflash.render.photometry import (
    DRL_LUMINANCE_CD_M2,
    HEADLIGHT_INTENSITY_CD,
    emission_strength,
    spot_watts,
)
from twinflash.render.plates import plate_corners_local, plate_material, plate_object
from twinflash.render.vehicle_body import Palette, build_body, headlight_spots
from twinflash.render.vehicle_fittings import glow_material, lamp_glows
from twinflash.render.vehicle_profile import END_GAP_M
from twinflash.scene.catalog import VehicleModel, get_vehicle_model
from twinflash.scene.models import Vehicle

# Départements drawn for the regional band: Paris and its suburbs dominate Paris streets.
DEPARTEMENTS = ("75", "92", "93", "94", "77", "78", "91", "95", "69", "13", "59", "33", "44", "35")
CLOSE_UP_M = 15.0  # nearer than this to the camera, bodies get a finer subdivision
DRL_HEX = "#f4f8ff"  # cold white LEDs


def palette(ctx: BuildContext, color: str, lights_on: bool, running: bool = False) -> Palette:
    """Car paint with a clear coat, tinted glass, black trim, chrome; lamps and the daytime
    light signature lit or not. A `running` car with its lamps off shows its daytime
    running lights only (photometric, `DRL_LUMINANCE_CD_M2`): head and tail lamps stay dark."""
    if lights_on:
        head = emission(ctx, "headlight_on", "#fff3e0", 25.0)
        tail = emission(ctx, "taillight_on", "#ff1808", 8.0)
        signature = emission(ctx, "daytime_light_on", DRL_HEX, 12.0)
    else:
        head = principled(ctx, "headlight", "#c9ced3", roughness=0.08, metallic=0.7)
        tail = principled(ctx, "taillight", "#c4151c", roughness=0.08, Coat_Weight=1.0)
        signature = principled(ctx, "daytime_light", "#e8ecf0", roughness=0.15, Coat_Weight=1.0)
    if running and not lights_on:
        drl = emission_strength(
            DRL_LUMINANCE_CD_M2, ctx.lux_per_unit, luminance(hex_to_linear_rgba(DRL_HEX)[:3])
        )
        signature = emission(ctx, "daytime_running_light", DRL_HEX, round(drl, 3))
    return Palette(
        paint=principled(ctx, "paint", color, roughness=0.3, Coat_Weight=1.0, Coat_Roughness=0.03),
        glass=principled(ctx, "car_glass", "#0b0e12", roughness=0.03),
        trim=principled(ctx, "car_trim", "#17181a", roughness=0.55),
        tyre=principled(ctx, "tyre", "#141414", roughness=0.9),
        rim=principled(ctx, "rim", "#6f7377", roughness=0.35, metallic=0.9),
        headlight=head,
        taillight=tail,
        signature=signature,
        chrome=principled(ctx, "chrome", "#d8dadc", roughness=0.15, metallic=1.0),
        groove=principled(ctx, "panel_gap", "#050505", roughness=0.8),
    )


def _glows(ctx: BuildContext, name: str, spec: VehicleModel) -> None:
    """Glow discs round the lit lamps: seen by the camera only, kept out of the annotations
    (registered with the media the id/depth pass hides)."""
    for part, color, strength, radius in (
        ("headlight", (1.0, 0.93, 0.8), 5.0, 0.1 + spec.shape.headlamp_width_ratio * 0.4),
        ("taillight", (1.0, 0.05, 0.02), 2.0, 0.14),
    ):
        lamps = [bpy.data.objects[f"{name}_{part}{side:+d}"] for side in (-1, 1)]
        mat = glow_material(f"{name}_{part}_glow", color, strength)
        ctx.media_objects.extend(lamp_glows(lamps, radius, mat))


def lights_on(ctx: BuildContext, vehicle: Vehicle) -> bool:
    return vehicle.headlights == "on" or (vehicle.headlights == "auto" and ctx.is_night)


def running_lights_on(vehicle: Vehicle) -> bool:
    """Daytime running lights: on whenever the lamps are not forced off (`off` is a parked
    car, engine stopped); `palette` shows them only while the head lamps are off."""
    return vehicle.headlights != "off"


def _to_world(vehicle: Vehicle, points_local: np.ndarray) -> np.ndarray:
    h = math.radians(vehicle.heading_deg)
    rot = np.array([[math.cos(h), -math.sin(h), 0], [math.sin(h), math.cos(h), 0], [0, 0, 1]])
    return points_local @ rot.T + np.array([vehicle.x_m, vehicle.y_m, 0.0])


def _plate_centers(spec: VehicleModel) -> dict[str, tuple[float, float, float]]:
    """Printed-face centres: on the front and rear faces, just proud of the body."""
    half = spec.length_m / 2 - END_GAP_M + 0.008
    return {
        "front": (half, 0.0, spec.shape.front_plate_height_m),
        "rear": (-half, 0.0, spec.shape.rear_plate_height_m),
    }


def build_vehicle(ctx: BuildContext, vehicle: Vehicle, index: int) -> list[Built]:
    """Body parts as one Built, then the front and the rear plate as their own Builts."""
    spec = get_vehicle_model(vehicle.model)
    rng = ctx.rng(f"vehicle:{index}")
    text = vehicle.plate_text or random_siv(rng)
    departement = rng.choice(DEPARTEMENTS)
    name = f"vehicle_{index}"
    root = bpy.data.objects.new(name, None)
    root.location = (vehicle.x_m, vehicle.y_m, 0.0)
    root.rotation_euler = (0.0, 0.0, math.radians(vehicle.heading_deg))
    bpy.context.scene.collection.objects.link(root)

    on = lights_on(ctx, vehicle)
    pal = palette(ctx, vehicle.color, on, running_lights_on(vehicle))
    cam = ctx.scene.camera
    near = math.hypot(vehicle.x_m - cam.x_m, vehicle.y_m - cam.y_m) < CLOSE_UP_M + spec.length_m / 2
    parts = build_body(name, spec, pal, root, subdivision=2 if near else 1)
    if on:
        headlight_spots(name, spec, root, spot_watts(HEADLIGHT_INTENSITY_CD, ctx.lux_per_unit))
        _glows(ctx, name, spec)
    out = [Built(kind="vehicle", scene_index=index, objects=parts)]
    face = plate_material(ctx, text, departement)
    for facing, center in _plate_centers(spec).items():
        corners = plate_corners_local(center, facing)
        obj = plate_object(f"{name}_plate_{facing}", corners, facing, face, pal.trim, root)
        out.append(
            Built(
                kind="license_plate",
                scene_index=index,
                objects=[obj],
                plate_corners_world=_to_world(vehicle, corners),
                plate_text=text,
            )
        )
    return out
