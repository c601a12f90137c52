"""Sky and sun from the computed sun position, cloud cover and weather.

The world is the sum of three terms, so one node tree covers noon, overcast, twilight and
night: Blender's physical MULTIPLE_SCATTERING sky (scaled, fades behind clouds), a grey
CIE-overcast dome (takes over as clouds thicken) and a constant blue-black night floor.
A Sun lamp aligned with `ctx.sun.direction_world` gives the direct light and sharp shadows;
the sky's own sun disc is off so the sun is not counted twice. Strengths come from
`daylight.light_levels`, normalised so the exposure stays 0 under AgX.
"""

from __future__ import annotations

import logging
import math

import bpy
from mathutils import Vector

from twinflash.render.context import BuildContext
from twinflash.render.daylight import (
    SKY_AEROSOL_DENSITY,
    SKY_AIR_DENSITY,
    SKY_TYPE,
    LightLevels,
    light_levels,
)

log = logging.getLogger(__name__)

WORLD_NAME = "twinflash_world"


def setup_lighting(ctx: BuildContext) -> None:
    """Create the world (sky) and the sun lamp for ctx.scene.light / ctx.scene.weather."""
    levels = light_levels(ctx.sun, ctx.scene.light, ctx.scene.weather)
    log.debug("light levels %s", levels)
    scene = bpy.context.scene
    scene.world = _build_world(ctx, levels)
    if max(levels.sun_rgb) > 0.0:
        _add_sun(ctx, levels)
    # Light paths (bounces, clamping) are the quality preset's: render/sampling.py.


def _build_world(ctx: BuildContext, levels: LightLevels) -> bpy.types.World:
    world = bpy.data.worlds.new(WORLD_NAME)
    nt = world.node_tree
    nodes, links = nt.nodes, nt.links
    background = nodes["Background"]
    background.inputs["Strength"].default_value = 1.0

    sky = nodes.new("ShaderNodeTexSky")
    sky.sky_type = SKY_TYPE
    sky.air_density = SKY_AIR_DENSITY
    sky.aerosol_density = SKY_AEROSOL_DENSITY
    sky.sun_disc = False  # the Sun lamp carries the direct light
    dx, dy, _ = ctx.sun.direction_world
    sky.sun_elevation = math.radians(ctx.sun.elevation_deg)
    # Blender's sky puts the sun at +y for rotation 0 and at +x for rotation 90 degrees.
    sky.sun_rotation = math.atan2(dx, dy) % (2 * math.pi)
    sky_scaled = _vec_math(nt, "SCALE", sky.outputs["Color"], scale=levels.sky_strength)

    # CIE overcast gradient: L = Lz (1 + 2 mu) / 3, mu = sin(elevation of the view ray).
    coords = nodes.new("ShaderNodeTexCoord")
    xyz = nodes.new("ShaderNodeSeparateXYZ")
    links.new(coords.outputs["Generated"], xyz.inputs[0])
    mu = _math(nt, "MAXIMUM", xyz.outputs["Z"], 0.0)
    grad = _math(nt, "MULTIPLY_ADD", mu, 2.0 / 3.0, 1.0 / 3.0)
    dome_rgb = nodes.new("ShaderNodeRGB")
    dome_rgb.outputs[0].default_value = (*levels.dome_zenith_rgb, 1.0)
    dome = _vec_math(nt, "SCALE", dome_rgb.outputs[0], scale_socket=grad)

    night_rgb = nodes.new("ShaderNodeRGB")
    night_rgb.outputs[0].default_value = (*levels.night_sky_rgb, 1.0)
    total = _vec_math(nt, "ADD", sky_scaled, dome)
    total = _vec_math(nt, "ADD", total, night_rgb.outputs[0])
    links.new(total, background.inputs["Color"])
    return world


def _add_sun(ctx: BuildContext, levels: LightLevels) -> bpy.types.Object:
    data = bpy.data.lights.new("sun", "SUN")
    peak = max(levels.sun_rgb)
    data.energy = peak
    data.color = tuple(v / peak for v in levels.sun_rgb)
    data.angle = math.radians(levels.sun_angle_deg)
    obj = bpy.data.objects.new("sun", data)
    bpy.context.scene.collection.objects.link(obj)
    # A sun lamp shines along its local -z: point local +z at the sun.
    obj.rotation_euler = Vector(ctx.sun.direction_world).to_track_quat("Z", "Y").to_euler()
    return obj


def _math(nt: bpy.types.NodeTree, op: str, a: object, b: float, c: float | None = None) -> object:
    node = nt.nodes.new("ShaderNodeMath")
    node.operation = op
    nt.links.new(a, node.inputs[0])
    node.inputs[1].default_value = b
    if c is not None:
        node.inputs[2].default_value = c
    return node.outputs[0]


def _vec_math(
    nt: bpy.types.NodeTree,
    op: str,
    a: object,
    b: object | None = None,
    scale: float = 1.0,
    scale_socket: object | None = None,
) -> object:
    node = nt.nodes.new("ShaderNodeVectorMath")
    node.operation = op
    nt.links.new(a, node.inputs[0])
    if b is not None:
        nt.links.new(b, node.inputs[1])
    if op == "SCALE":
        node.inputs["Scale"].default_value = scale
        if scale_socket is not None:
            nt.links.new(scale_socket, node.inputs["Scale"])
    return node.outputs["Vector"]
