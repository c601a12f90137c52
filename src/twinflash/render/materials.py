"""Principled-BSDF materials, cached per build so identical surfaces share one datablock."""

from __future__ import annotations

import bpy

from twinflash.render.context import BuildContext
from twinflash.render.daylight import luminance
from twinflash.render.photometry import emission_strength


def hex_to_linear_rgba(color: str) -> tuple[float, float, float, float]:
    """sRGB hex '#rrggbb' -> linear RGBA, as Blender's shader inputs expect."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (lin(r), lin(g), lin(b), 1.0)


def principled(
    ctx: BuildContext,
    name: str,
    color: str,
    roughness: float = 0.6,
    metallic: float = 0.0,
    **inputs: float,
) -> bpy.types.Material:
    """A cached Principled BSDF material; extra inputs by socket name (e.g. Coat Weight=1)."""
    key = f"{name}|{color}|{roughness}|{metallic}|{sorted(inputs.items())}"
    if key in ctx.materials:
        return ctx.materials[key]
    mat = bpy.data.materials.new(name)
    bsdf = mat.node_tree.nodes.get("Principled BSDF")
    bsdf.inputs["Base Color"].default_value = hex_to_linear_rgba(color)
    bsdf.inputs["Roughness"].default_value = roughness
    bsdf.inputs["Metallic"].default_value = metallic
    for socket, value in inputs.items():
        bsdf.inputs[socket.replace("_", " ")].default_value = value
    mat.diffuse_color = hex_to_linear_rgba(color)
    ctx.materials[key] = mat
    return mat


def lit_glass(
    ctx: BuildContext, name: str, color: str, luminance_cd_m2: float
) -> bpy.types.Material:
    """A lit window or shop front of a published luminance, under this frame's exposure."""
    rgb = hex_to_linear_rgba(color)[:3]
    strength = emission_strength(luminance_cd_m2, ctx.lux_per_unit, luminance(rgb))
    return emission(ctx, name, color, round(strength, 3))


def emission(ctx: BuildContext, name: str, color: str, strength: float) -> bpy.types.Material:
    """An emissive material (lamp globes, headlights, lit shop windows)."""
    key = f"emit|{name}|{color}|{strength}"
    if key in ctx.materials:
        return ctx.materials[key]
    mat = bpy.data.materials.new(name)
    bsdf = mat.node_tree.nodes.get("Principled BSDF")
    bsdf.inputs["Base Color"].default_value = hex_to_linear_rgba(color)
    bsdf.inputs["Emission Color"].default_value = hex_to_linear_rgba(color)
    bsdf.inputs["Emission Strength"].default_value = strength
    ctx.materials[key] = mat
    return mat
