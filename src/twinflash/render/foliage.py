"""Plane-tree crowns as clumps of alpha-cut leaf cards, so they read as leaves, not blobs.

A crown is ~1,400 small quads ("cards") grouped in clumps around the limbs' ends; each card
carries a procedural cluster of leaves (a Voronoi cell pattern cut out by a hard alpha
mask, no image files). Sky, façades, limbs and the trunk show through the gaps, and the
sun casts dappled shadows. The mask is binary (leaf or nothing), so the exact id/depth
pass sees the same holes as the image: a person behind a crown is annotated where the
picture shows them. Cards are plain geometry of the tree's source mesh, and the street's
trees are linked duplicates of three sources, so a street of trees costs three crowns.

In snow the crowns are bare (`leafless`): Paris plane trees drop their leaves by
December, so a snowy street shows limbs and twigs (`twigs`), snow on their tops.
"""

from __future__ import annotations

import math
import random

import bpy
import numpy as np

from twinflash.render.context import BuildContext
from twinflash.render.materials import hex_to_linear_rgba
from twinflash.render.surfaces import _Graph, _weather

CLUMPS = 28
CARDS_PER_CLUMP = 50
CARD_SIZE_M = (0.45, 0.75)
LEAF_CELLS_PER_CARD = 3.2  # Voronoi scale on the card's 0-1 UV: ~10 leaves a card
LEAF_FILL = 0.38  # Voronoi distance under which a point is leaf (the rest is gap)
LEAF_HEX = ("#3d5a22", "#6f8f38", "#8a9a45")  # shade, sunlit, yellowing plane leaves
TWIGS_PER_CLUMP = 6  # a bare crown: thin shoots from each branch end, where the leaves were


def leafless(ctx: BuildContext) -> bool:
    """True when the trees stand bare: it only snows here in winter, when planes are leafless.
    (Other weathers keep the summer crown whatever the date: the scene has no season.)"""
    return ctx.scene.weather.kind == "snow"


def twigs(
    clumps: list[tuple[float, float, float, float]], rng: random.Random
) -> list[tuple[tuple[float, float, float], tuple[float, float, float]]]:
    """(start, end) of the shoots of a bare crown: from each clump centre up and out to
    its edge, so the winter crown keeps the summer crown's outline."""
    out = []
    for x, y, z, r in clumps:
        ox, oy = x / (math.hypot(x, y) or 1.0), y / (math.hypot(x, y) or 1.0)
        for _ in range(TWIGS_PER_CLUMP):
            a = rng.uniform(0, 2 * math.pi)
            d = (ox + 0.9 * math.cos(a), oy + 0.9 * math.sin(a), rng.uniform(0.3, 1.4))
            s = r * rng.uniform(0.9, 1.4) / math.sqrt(sum(c * c for c in d))
            out.append(((x, y, z), (x + d[0] * s, y + d[1] * s, z + d[2] * s)))
    return out


def clump_centres(rng: random.Random) -> list[tuple[float, float, float, float]]:
    """(x, y, z, radius) of the clumps on a broad ellipsoid shell, 5 m to ~9.5 m up."""
    out = []
    for _ in range(CLUMPS):
        r = rng.uniform(0.75, 1.2)
        a, e = rng.uniform(0, 2 * math.pi), rng.uniform(-0.6, 1.1)
        rho = rng.uniform(1.6, 2.7)
        x, y = rho * math.cos(a) * math.cos(e), rho * math.sin(a) * math.cos(e)
        out.append((x, y, 7.0 + 1.9 * math.sin(e), r))
    return out


def leaf_cards(
    clumps: list[tuple[float, float, float, float]], seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Quads scattered in each clump, facing mostly up and out: (4n, 3) verts, (4n, 2) uv."""
    rng = np.random.default_rng(seed)
    centres, radii = np.array([c[:3] for c in clumps]), np.array([c[3] for c in clumps])
    n = len(clumps) * CARDS_PER_CLUMP
    owner = np.repeat(np.arange(len(clumps)), CARDS_PER_CLUMP)
    d = rng.normal(size=(n, 3))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    depth = rng.uniform(0.0, 1.0, n) ** 0.4  # most cards near the clump's outside
    pos = centres[owner] + d * (radii[owner] * depth)[:, None]
    out = pos - np.array([0.0, 0.0, 6.0])  # leaves face the light: up and away from the trunk
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    normal = out + np.array([0.0, 0.0, 0.6]) + rng.normal(0.0, 0.7, (n, 3))
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    helper = np.where(np.abs(normal[:, 2:3]) < 0.9, [[0.0, 0.0, 1.0]], [[1.0, 0.0, 0.0]])
    t1 = np.cross(normal, helper)
    t1 /= np.linalg.norm(t1, axis=1, keepdims=True)
    t2 = np.cross(normal, t1)
    half = rng.uniform(*CARD_SIZE_M, n)[:, None] / 2
    verts = np.stack(
        [
            pos - half * (t1 + t2),
            pos + half * (t1 - t2),
            pos + half * (t1 + t2),
            pos - half * (t1 - t2),
        ],
        axis=1,
    ).reshape(-1, 3)
    uv = np.tile(np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]), (n, 1))
    return verts, uv


def leaf_material(ctx: BuildContext) -> bpy.types.Material:
    """Leaf clusters cut out of each card by a binary mask; colour varies per leaf."""
    key = "foliage|plane_leaves"
    if key in ctx.materials:
        return ctx.materials[key]
    mat = bpy.data.materials.new("plane_leaves")
    g = _Graph(mat)
    uv = g.node("ShaderNodeUVMap").outputs["UV"]
    wobble = g.node("ShaderNodeTexNoise", Scale=6.0, Detail=2.0)
    g.link(uv, wobble.inputs["Vector"])
    warp = g.node("ShaderNodeMix")
    warp.data_type = "VECTOR"
    warp.inputs[0].default_value = 0.12  # lobed, uneven leaf edges
    g.link(uv, warp.inputs[4])
    g.link(wobble.outputs["Color"], warp.inputs[5])
    cells = g.node("ShaderNodeTexVoronoi", Scale=LEAF_CELLS_PER_CARD, Randomness=0.9)
    cells.voronoi_dimensions = "2D"
    g.link(warp.outputs[1], cells.inputs["Vector"])
    leaf = g.node("ShaderNodeMath", operation="LESS_THAN")
    g.link(cells.outputs["Distance"], leaf.inputs[0])
    leaf.inputs[1].default_value = LEAF_FILL
    # the cluster is round, not square: nothing beyond the card's inscribed circle
    centre = g.node("ShaderNodeVectorMath", operation="DISTANCE")
    g.link(uv, centre.inputs[0])
    centre.inputs[1].default_value = (0.5, 0.5, 0.0)
    inside = g.node("ShaderNodeMath", operation="LESS_THAN")
    g.link(centre.outputs["Value"], inside.inputs[0])
    inside.inputs[1].default_value = 0.5
    mask = g.multiply(leaf.outputs[0], inside.outputs[0])

    shade, sun, yellow = (hex_to_linear_rgba(h) for h in LEAF_HEX)
    tone = g.node("ShaderNodeSeparateColor")
    g.link(cells.outputs["Color"], tone.inputs[0])
    col = g.mix_color(tone.outputs[0], shade, sun)
    col = g.mix_color(g.ramp(tone.outputs[1], 0.8, 1.0, 0.0, 0.6), col, yellow)
    col, rough = _weather(g, ctx, col, 0.55, wet=False, snow=True)
    g.set_colour_and_roughness(col, rough)
    g.bsdf.inputs["Specular IOR Level"].default_value = 0.25  # a waxy sheen, not glints
    # thin leaves let some light through: the underside of a sunlit crown glows green
    translucent = g.node("ShaderNodeBsdfTranslucent")
    g.link(col, translucent.inputs["Color"])
    body = g.node("ShaderNodeMixShader", Fac=0.25)
    g.link(g.bsdf.outputs[0], body.inputs[1])
    g.link(translucent.outputs[0], body.inputs[2])
    cut = g.node("ShaderNodeMixShader")
    g.link(mask, cut.inputs["Fac"])
    g.link(g.node("ShaderNodeBsdfTransparent").outputs[0], cut.inputs[1])
    g.link(body.outputs[0], cut.inputs[2])
    out = g.nt.nodes["Material Output"]
    g.link(cut.outputs[0], out.inputs["Surface"])
    mat.diffuse_color = sun
    ctx.materials[key] = mat
    return mat
