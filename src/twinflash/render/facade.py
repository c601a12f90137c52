"""Repeated pieces of a Haussmann façade: window units, railings, shop fronts.

Window units (glass, painted frame with glazing bars, optional guard rail) are built
once per size and variant and placed as linked duplicates, so a street of twenty
buildings holds a dozen window meshes, not a thousand.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import bpy

from twinflash.render.context import BuildContext
from twinflash.render.materials import hex_to_linear_rgba, lit_glass, principled
from twinflash.render.meshkit import MeshKit, instance, lights_on
from twinflash.render.photometry import HOME_WINDOW_LUMINANCE_CD_M2

FRAME_M = 0.07  # painted wooden frame around the glass
BAR_M = 0.035  # glazing bars ("petits bois")
RAIL_HEIGHT_M = 0.95

SHOP_COLORS = ["#1e3b2f", "#5a1f24", "#1f2a44", "#151515", "#3b2a1e", "#2f3d3a", "#6b5a3a"]
AWNING_COLORS = [
    "#9c2a2a",
    "#2e5e3a",
    "#6b1f2b",
    "#24365c",
    "#c9b68a",
    "#b85c2a",
    "#3d3d3d",
    "#7a1e1e",
]


def railing_material(ctx: BuildContext) -> bpy.types.Material:
    """Wrought iron: vertical bars and a band of rings, cut out with a transparency mask."""
    key = "railing"
    if key in ctx.materials:
        return ctx.materials[key]
    mat = bpy.data.materials.new("railing")
    nt = mat.node_tree
    bsdf = nt.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = hex_to_linear_rgba("#1b1c1d")
    bsdf.inputs["Metallic"].default_value = 0.5
    bsdf.inputs["Roughness"].default_value = 0.5
    coord = nt.nodes.new("ShaderNodeTexCoord")
    sep = nt.nodes.new("ShaderNodeSeparateXYZ")
    nt.links.new(coord.outputs["Object"], sep.inputs[0])
    along = nt.nodes.new("ShaderNodeMath")
    along.operation = "ADD"
    nt.links.new(sep.outputs["X"], along.inputs[0])
    nt.links.new(sep.outputs["Y"], along.inputs[1])
    vec = nt.nodes.new("ShaderNodeCombineXYZ")
    nt.links.new(along.outputs[0], vec.inputs["X"])
    nt.links.new(sep.outputs["Z"], vec.inputs["Y"])
    # bars: a wave in the along-façade direction, thresholded thin
    wave = nt.nodes.new("ShaderNodeTexWave")
    wave.wave_type = "BANDS"
    wave.bands_direction = "X"
    # Blender bands: sin(20 * scale * x), so a 11 cm spacing needs scale = 2 pi / 20 / 0.11
    wave.inputs["Scale"].default_value = 2 * math.pi / 20 / 0.11
    wave.inputs["Distortion"].default_value = 0.0
    nt.links.new(vec.outputs[0], wave.inputs["Vector"])
    bars = nt.nodes.new("ShaderNodeMath")
    bars.operation = "GREATER_THAN"
    bars.inputs[1].default_value = 0.82
    nt.links.new(wave.outputs["Factor"], bars.inputs[0])
    # rings: a regular Voronoi grid, keep a thin annulus around each cell centre
    vor = nt.nodes.new("ShaderNodeTexVoronoi")
    vor.inputs["Scale"].default_value = 4.5
    vor.inputs["Randomness"].default_value = 0.0
    nt.links.new(vec.outputs[0], vor.inputs["Vector"])
    ring = nt.nodes.new("ShaderNodeMapRange")
    ring.interpolation_type = "LINEAR"
    d = nt.nodes.new("ShaderNodeMath")
    d.operation = "ABSOLUTE"
    sub = nt.nodes.new("ShaderNodeMath")
    sub.operation = "SUBTRACT"
    sub.inputs[1].default_value = 0.36
    nt.links.new(vor.outputs["Distance"], sub.inputs[0])
    nt.links.new(sub.outputs[0], d.inputs[0])
    near = nt.nodes.new("ShaderNodeMath")
    near.operation = "LESS_THAN"
    near.inputs[1].default_value = 0.05
    nt.links.new(d.outputs[0], near.inputs[0])
    union = nt.nodes.new("ShaderNodeMath")
    union.operation = "MAXIMUM"
    nt.links.new(bars.outputs[0], union.inputs[0])
    nt.links.new(near.outputs[0], union.inputs[1])
    transparent = nt.nodes.new("ShaderNodeBsdfTransparent")
    mix = nt.nodes.new("ShaderNodeMixShader")
    nt.links.new(union.outputs[0], mix.inputs["Fac"])
    nt.links.new(transparent.outputs[0], mix.inputs[1])
    nt.links.new(bsdf.outputs[0], mix.inputs[2])
    nt.links.new(mix.outputs[0], nt.nodes["Material Output"].inputs["Surface"])
    mat.diffuse_color = hex_to_linear_rgba("#1b1c1d")
    ctx.materials[key] = mat
    return mat


def railing(kit: MeshKit, u0: float, u1: float, v: float, z0: float, ctx: BuildContext) -> None:
    """A guard rail: top and bottom iron rails and a patterned panel between them."""
    iron = principled(ctx, "iron", "#1b1c1d", roughness=0.5, metallic=0.5)
    kit.box((u0, v - 0.025, z0 + RAIL_HEIGHT_M - 0.05), (u1, v + 0.025, z0 + RAIL_HEIGHT_M), iron)
    kit.box((u0, v - 0.015, z0), (u1, v + 0.015, z0 + 0.04), iron, skip="b")
    kit.poly(
        [
            (u0, v, z0 + 0.04),
            (u1, v, z0 + 0.04),
            (u1, v, z0 + RAIL_HEIGHT_M - 0.05),
            (u0, v, z0 + RAIL_HEIGHT_M - 0.05),
        ],
        railing_material(ctx),
    )


@dataclass
class WindowUnits:
    """Window meshes by (width, height, guard rail, variant), created on first use."""

    ctx: BuildContext
    cache: dict[tuple[float, float, bool, str], bpy.types.Object] = field(default_factory=dict)
    count: int = 0

    def _glass(self, variant: str) -> bpy.types.Material:
        if variant == "lit":
            return lit_glass(self.ctx, "window_lit", "#ffb870", HOME_WINDOW_LUMINANCE_CD_M2)
        if variant == "curtain":
            return principled(self.ctx, "glass_curtain", "#4a453d", roughness=0.12)
        return principled(self.ctx, "glass", "#0a0d10", roughness=0.03)

    def source(self, width: float, height: float, rail: bool, variant: str) -> bpy.types.Object:
        key = (round(width, 3), round(height, 3), rail, variant)
        if key in self.cache:
            return self.cache[key]
        paint = principled(self.ctx, "window_frame", "#e6e1d6", roughness=0.5)
        kit = MeshKit()
        w2 = width / 2
        kit.poly(
            [(-w2, 0.0, 0.0), (w2, 0.0, 0.0), (w2, 0.0, height), (-w2, 0.0, height)],
            self._glass(variant),
        )
        d = 0.06
        kit.box((-w2, 0.0, 0.0), (-w2 + FRAME_M, d, height), paint, skip="k")
        kit.box((w2 - FRAME_M, 0.0, 0.0), (w2, d, height), paint, skip="k")
        kit.box((-w2, 0.0, height - FRAME_M), (w2, d, height), paint, skip="k")
        kit.box((-w2, 0.0, 0.0), (w2, d, FRAME_M), paint, skip="k")
        kit.box((-0.04, 0.0, 0.0), (0.04, d, height), paint, skip="k")  # the two casements meet
        panes = 4 if height > 2.0 else 3
        for i in range(1, panes):
            z = height * i / panes
            kit.box((-w2, 0.0, z - BAR_M / 2), (w2, d * 0.6, z + BAR_M / 2), paint, skip="kb")
        if rail:
            railing(kit, -w2 - 0.05, w2 + 0.05, 0.3, 0.0, self.ctx)
        obj = kit.to_object(f"window_{len(self.cache)}")
        obj.hide_render = True  # the source stays out of the picture; duplicates show it
        obj.hide_viewport = True
        self.cache[key] = obj
        return obj

    def place(
        self,
        width: float,
        height: float,
        rail: bool,
        rng: random.Random,
        location: tuple[float, float, float],
        heading_rad: float,
    ) -> None:
        """Put one window (glass plane at `location`, bottom centre) facing the heading's +v."""
        roll = rng.random()
        if lights_on(self.ctx) and roll < 0.22:
            variant = "lit"
        elif roll > 0.7:
            variant = "curtain"
        else:
            variant = "dark"
        src = self.source(width, height, rail, variant)
        self.count += 1
        instance(src, f"win_{self.count}", location, rotation_z=heading_rad)
