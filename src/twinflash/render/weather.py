"""Weather media: fog or haze as a Koschmieder medium, falling rain and snow.

Everything built here is a participating medium, registered in `ctx.media_objects`, so the
engine hides it in the exact id/depth pass. Wet roads and snow cover belong to the street.

Fog is a homogeneous absorbing + emitting box seen by camera (and glossy) rays only.
Along a ray of length d it gives exactly Koschmieder's law,
L = L0 exp(-sigma d) + A (1 - exp(-sigma d)) with sigma = 3.912 / visibility, with the
airlight A set from the scene's diffuse light; Cycles integrates it analytically, so it adds
no noise and little time (a scattering fog needs many volume bounces to look lit and not
black). The sun and sky it hides are dimmed in `daylight.effective_cloud_cover` instead.
"""

from __future__ import annotations

import logging

import bpy

from twinflash.render.context import BuildContext
from twinflash.render.daylight import (
    airlight_rgb,
    extinction_per_m,
    fog_visibility_m,
    light_levels,
)
from twinflash.render.precipitation import add_rain, add_snow

log = logging.getLogger(__name__)

FOG_MIN_TOP_M = 80.0  # above the roofs: the sky overhead is seen through the layer
FOG_MAX_HALF_SIZE_M = 1000.0  # inside the camera's 2 km clip distance


def setup_weather(ctx: BuildContext) -> None:
    """Add the medium and precipitation of ctx.scene.weather (nothing for clear/overcast)."""
    weather = ctx.scene.weather
    levels = light_levels(ctx.sun, ctx.scene.light, weather)
    airlight = airlight_rgb(levels)
    visibility = fog_visibility_m(weather)
    if visibility is not None:
        ctx.media_objects.append(add_fog(ctx, visibility, airlight))
    if weather.kind == "rain" and weather.rain_intensity > 0.0:
        ctx.media_objects.append(add_rain(ctx, weather.rain_intensity, airlight))
    elif weather.kind == "snow":
        ctx.media_objects.append(add_snow(ctx, airlight))


def fog_material(sigma_per_m: float, airlight: tuple[float, float, float]) -> bpy.types.Material:
    """Volume-only material: absorption sigma plus emission sigma * airlight (per metre)."""
    mat = bpy.data.materials.new("fog")
    nt = mat.node_tree
    for node in list(nt.nodes):
        if node.type != "OUTPUT_MATERIAL":
            nt.nodes.remove(node)
    out = next(n for n in nt.nodes if n.type == "OUTPUT_MATERIAL")
    absorb = nt.nodes.new("ShaderNodeVolumeAbsorption")
    absorb.inputs["Color"].default_value = (0.0, 0.0, 0.0, 1.0)
    absorb.inputs["Density"].default_value = sigma_per_m
    emit = nt.nodes.new("ShaderNodeEmission")
    emit.inputs["Color"].default_value = (*airlight, 1.0)
    emit.inputs["Strength"].default_value = sigma_per_m
    add = nt.nodes.new("ShaderNodeAddShader")
    nt.links.new(absorb.outputs[0], add.inputs[0])
    nt.links.new(emit.outputs[0], add.inputs[1])
    nt.links.new(add.outputs[0], out.inputs["Volume"])
    return mat


def add_fog(
    ctx: BuildContext, visibility_m: float, airlight: tuple[float, float, float]
) -> bpy.types.Object:
    """A box of homogeneous fog around the camera, wide enough to swallow the horizon."""
    sigma = extinction_per_m(visibility_m)
    cam = ctx.scene.camera
    half = min(FOG_MAX_HALF_SIZE_M, max(300.0, 3.0 * visibility_m))
    top = max(FOG_MIN_TOP_M, cam.height_m + 20.0)
    bottom = -5.0
    xs, ys = (cam.x_m - half, cam.x_m + half), (cam.y_m - half, cam.y_m + half)
    verts = [(x, y, z) for x in xs for y in ys for z in (bottom, top)]
    faces = [(0, 1, 3, 2), (4, 6, 7, 5), (0, 4, 5, 1), (2, 3, 7, 6), (0, 2, 6, 4), (1, 5, 7, 3)]
    mesh = bpy.data.meshes.new("fog")
    mesh.from_pydata(verts, [], faces)
    mesh.update()
    mesh.materials.append(fog_material(sigma, airlight))
    obj = bpy.data.objects.new("fog", mesh)
    _camera_only(obj, glossy=True)
    bpy.context.scene.collection.objects.link(obj)
    log.debug("fog: visibility %.0f m, sigma %.4f /m, airlight %s", visibility_m, sigma, airlight)
    return obj


def _camera_only(obj: bpy.types.Object, glossy: bool = False) -> None:
    """Seen by the camera (and mirror-like reflections), never shadowing or lighting others."""
    obj.visible_camera = True
    obj.visible_glossy = glossy
    obj.visible_diffuse = False
    obj.visible_transmission = glossy
    obj.visible_volume_scatter = False
    obj.visible_shadow = False
