"""Node materials of the place: asphalt, paving, limestone, zinc, weathered by the scene.

Wetness darkens the ground, lowers its roughness and lays a water coat on it (sheen by
day), with puddles from a noise mask; snow is mixed onto upward-facing faces with a noise
mask scaled by `snow_cover`.
Every material is cached in `ctx.materials` so identical surfaces share one datablock.
"""

from __future__ import annotations

import bpy

from twinflash.render.context import BuildContext
from twinflash.render.materials import hex_to_linear_rgba

SNOW_HEX = "#eef1f5"
WET_FILM_COAT = 0.8  # coat weight of a fully wet (wetness 1) film between puddles
WET_FILM_ROUGHNESS = 0.12  # a thin film follows the grain of the asphalt: not a mirror


class _Graph:
    """Tiny helper to wire shader nodes without repeating boilerplate."""

    def __init__(self, mat: bpy.types.Material) -> None:
        self.nt = mat.node_tree
        self.bsdf = self.nt.nodes["Principled BSDF"]

    def set_colour_and_roughness(self, col: bpy.types.NodeSocket, rough: object) -> None:
        """Wire the base colour; roughness is a constant or a socket (wet/snowy mixes)."""
        self.link(col, self.bsdf.inputs["Base Color"])
        if isinstance(rough, float):
            self.bsdf.inputs["Roughness"].default_value = rough
        else:
            self.link(rough, self.bsdf.inputs["Roughness"])

    def node(self, kind: str, **values: object) -> bpy.types.ShaderNode:
        n = self.nt.nodes.new(kind)
        for key, val in values.items():
            if key.isidentifier() and hasattr(n, key) and not isinstance(val, tuple | float | int):
                setattr(n, key, val)
            else:
                n.inputs[key.replace("_", " ")].default_value = val
        return n

    def link(self, out: bpy.types.NodeSocket, inp: bpy.types.NodeSocket) -> None:
        self.nt.links.new(out, inp)

    def coords(self) -> bpy.types.NodeSocket:
        return self.node("ShaderNodeTexCoord").outputs["Object"]

    def noise(self, scale: float, detail: float = 4.0) -> bpy.types.NodeSocket:
        n = self.node("ShaderNodeTexNoise", Scale=scale, Detail=detail)
        self.link(self.coords(), n.inputs["Vector"])
        return n.outputs["Factor"]

    def mix_color(
        self, fac: bpy.types.NodeSocket | float, a: object, b: object
    ) -> bpy.types.NodeSocket:
        m = self.node("ShaderNodeMix")
        m.data_type = "RGBA"
        for idx, val in ((6, a), (7, b)):
            if isinstance(val, bpy.types.NodeSocket):
                self.link(val, m.inputs[idx])
            else:
                m.inputs[idx].default_value = val
        if isinstance(fac, bpy.types.NodeSocket):
            self.link(fac, m.inputs[0])
        else:
            m.inputs[0].default_value = fac
        return m.outputs[2]

    def mix_float(
        self, fac: bpy.types.NodeSocket, a: float | bpy.types.NodeSocket, b: float
    ) -> bpy.types.NodeSocket:
        m = self.node("ShaderNodeMix")
        m.data_type = "FLOAT"
        self.link(fac, m.inputs[0])
        if isinstance(a, bpy.types.NodeSocket):
            self.link(a, m.inputs[2])
        else:
            m.inputs[2].default_value = a
        m.inputs[3].default_value = b
        return m.outputs[0]

    def ramp(
        self,
        value: bpy.types.NodeSocket,
        lo: float,
        hi: float,
        out_lo: float = 0.0,
        out_hi: float = 1.0,
    ) -> bpy.types.NodeSocket:
        """Clamped linear map of value from [lo, hi] to [out_lo, out_hi]."""
        n = self.node("ShaderNodeMapRange")
        n.inputs[1].default_value, n.inputs[2].default_value = lo, hi
        n.inputs[3].default_value, n.inputs[4].default_value = out_lo, out_hi
        self.link(value, n.inputs[0])
        return n.outputs[0]

    def multiply(self, a: bpy.types.NodeSocket, b: bpy.types.NodeSocket) -> bpy.types.NodeSocket:
        n = self.node("ShaderNodeMath")
        n.operation = "MULTIPLY"
        self.link(a, n.inputs[0])
        self.link(b, n.inputs[1])
        return n.outputs[0]


def _weather(
    g: _Graph,
    ctx: BuildContext,
    color: bpy.types.NodeSocket,
    roughness: float,
    wet: bool,
    snow: bool,
) -> tuple[bpy.types.NodeSocket, bpy.types.NodeSocket | float]:
    """Apply wetness (ground) and snow (upward faces) to a colour and a roughness."""
    weather = ctx.scene.weather
    rough: bpy.types.NodeSocket | float = roughness
    coat: bpy.types.NodeSocket | None = None
    if wet and weather.wetness > 0:
        w = weather.wetness
        # puddles: the wetter the ground, the larger the share of the noise field under water
        puddle = g.ramp(
            g.noise(0.35, 3.0), 0.66 - 0.13 * w, 0.70 - 0.13 * w, 0.0, min(1.0, 1.3 * w)
        )  # noise values sit near 0.5: at w = 1 about a third of the ground is under water
        black = (0.0, 0.0, 0.0, 1.0)
        # a wet film darkens porous asphalt and stone by up to ~40 %; puddles a bit more
        color = g.mix_color(0.4 * w, color, black)
        color = g.mix_color(g.ramp(puddle, 0.0, 1.0, 0.0, 0.4), color, black)
        # rain ripples blur puddles: lamps and shop windows stretch into long reflections
        ripples = 0.12 * weather.rain_intensity if weather.kind == "rain" else 0.0
        rough = g.mix_float(puddle, roughness * (1.0 - 0.6 * w), 0.04 + ripples)
        # the water film is a smooth coat (IOR 1.33) over the darkened stone: by day it
        # mirrors the bright sky at grazing angles (the sheen of a wet street), whatever
        # the roughness of the stone under it; puddles are all water
        coat = g.mix_float(puddle, WET_FILM_COAT * w, 1.0)
        g.link(coat, g.bsdf.inputs["Coat Weight"])
        g.link(
            g.mix_float(puddle, WET_FILM_ROUGHNESS, 0.03 + ripples),
            g.bsdf.inputs["Coat Roughness"],
        )
        g.bsdf.inputs["Coat IOR"].default_value = 1.33
    if snow and weather.kind == "snow" and weather.snow_cover > 0:
        c = weather.snow_cover
        up = g.node("ShaderNodeSeparateXYZ")
        g.link(g.node("ShaderNodeNewGeometry").outputs["Normal"], up.inputs[0])
        facing_up = g.ramp(up.outputs["Z"], 0.55, 0.85)
        patches = g.ramp(g.noise(1.2, 6.0), 0.75 - 0.6 * c, 0.82 - 0.6 * c)
        mask = g.multiply(facing_up, patches)
        color = g.mix_color(mask, color, hex_to_linear_rgba(SNOW_HEX))
        rough = g.mix_float(mask, rough, 0.55)
        if coat is not None:  # snow lies on the water film: no glossy coat over it
            g.link(g.mix_float(mask, coat, 0.0), g.bsdf.inputs["Coat Weight"])
    return color, rough


def ground(
    ctx: BuildContext,
    name: str,
    color: str,
    color2: str,
    roughness: float,
    noise_scale: float = 3.0,
) -> bpy.types.Material:
    """Asphalt or paving: two-tone noise, wet and snowy with the weather."""
    key = f"surf|{name}|{color}|{color2}|{roughness}|{noise_scale}"
    if key in ctx.materials:
        return ctx.materials[key]
    mat = bpy.data.materials.new(name)
    g = _Graph(mat)
    col = g.mix_color(
        g.noise(noise_scale, 8.0), hex_to_linear_rgba(color), hex_to_linear_rgba(color2)
    )
    col, rough = _weather(g, ctx, col, roughness, wet=True, snow=True)
    g.set_colour_and_roughness(col, rough)
    mat.diffuse_color = hex_to_linear_rgba(color)
    ctx.materials[key] = mat
    return mat


def stone(
    ctx: BuildContext,
    name: str,
    color: str,
    color2: str,
    row_height_m: float,
    block_width_m: float,
    roughness: float = 0.8,
    wet: bool = False,
) -> bpy.types.Material:
    """Dressed stone in courses: per-object tint (one building = one stone batch), joints
    from a brick pattern in the façade plane (world x+y along, z up), snow on ledges."""
    key = f"stone|{name}|{color}|{color2}|{row_height_m}|{block_width_m}|{roughness}|{wet}"
    if key in ctx.materials:
        return ctx.materials[key]
    mat = bpy.data.materials.new(name)
    g = _Graph(mat)
    tint = g.node("ShaderNodeObjectInfo").outputs["Random"]
    base = g.mix_color(tint, hex_to_linear_rgba(color), hex_to_linear_rgba(color2))
    grime = g.ramp(g.noise(0.8, 6.0), 0.3, 0.8, 0.0, 0.35)
    base = g.mix_color(grime, base, hex_to_linear_rgba("#8f8574"))
    sep = g.node("ShaderNodeSeparateXYZ")
    g.link(g.coords(), sep.inputs[0])
    along = g.node("ShaderNodeMath", operation="ADD")
    g.link(sep.outputs["X"], along.inputs[0])
    g.link(sep.outputs["Y"], along.inputs[1])
    vec = g.node("ShaderNodeCombineXYZ")
    g.link(along.outputs[0], vec.inputs["X"])
    g.link(sep.outputs["Z"], vec.inputs["Y"])
    brick = g.node(
        "ShaderNodeTexBrick",
        Scale=1.0,
        Mortar_Size=0.012,
        Bias=0.0,
        Brick_Width=block_width_m,
        Row_Height=row_height_m,
    )
    brick.offset = 0.5
    g.link(vec.outputs[0], brick.inputs["Vector"])
    joint = brick.outputs["Factor"]
    col = g.mix_color(g.ramp(joint, 0.0, 1.0, 0.0, 0.45), base, hex_to_linear_rgba("#6e665a"))
    bump = g.node("ShaderNodeBump", Strength=0.35, Distance=0.01)
    bump.invert = True
    g.link(joint, bump.inputs["Height"])
    g.link(bump.outputs["Normal"], g.bsdf.inputs["Normal"])
    col, rough = _weather(g, ctx, col, roughness, wet=wet, snow=True)
    g.set_colour_and_roughness(col, rough)
    mat.diffuse_color = hex_to_linear_rgba(color)
    ctx.materials[key] = mat
    return mat


def snowy(
    ctx: BuildContext,
    name: str,
    color: str,
    roughness: float,
    metallic: float = 0.0,
    color2: str | None = None,
    noise_scale: float = 2.0,
    bump_scale: float = 0.0,
) -> bpy.types.Material:
    """A plain surface (zinc roof, balcony, bark, foliage) that gathers snow on top."""
    key = f"snowy|{name}|{color}|{roughness}|{metallic}|{color2}|{noise_scale}|{bump_scale}"
    if key in ctx.materials:
        return ctx.materials[key]
    mat = bpy.data.materials.new(name)
    g = _Graph(mat)
    col: bpy.types.NodeSocket = g.mix_color(
        0.0, hex_to_linear_rgba(color), hex_to_linear_rgba(color)
    )
    if color2 is not None:
        col = g.mix_color(
            g.ramp(g.noise(noise_scale, 6.0), 0.35, 0.65), col, hex_to_linear_rgba(color2)
        )
    col, rough = _weather(g, ctx, col, roughness, wet=False, snow=True)
    g.set_colour_and_roughness(col, rough)
    g.bsdf.inputs["Metallic"].default_value = metallic
    if bump_scale:  # small-scale relief: leaf clusters, hammered metal
        bump = g.node("ShaderNodeBump", Strength=0.6, Distance=0.05)
        g.link(g.noise(bump_scale, 3.0), bump.inputs["Height"])
        g.link(bump.outputs["Normal"], g.bsdf.inputs["Normal"])
    mat.diffuse_color = hex_to_linear_rgba(color)
    ctx.materials[key] = mat
    return mat
