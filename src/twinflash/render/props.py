"""Source meshes of the street furniture, built once per render and instanced.

Paris models, simplified: the cast-iron lamp column with a four-sided lantern (and the
9 m mast of wide avenues), the
plane tree (platane: mottled trunk, limbs and branches, a crown of leaf-card clumps),
the "potelet" bollard with its ring, the slatted bench. Sources are
hidden; linked duplicates show them.
"""

from __future__ import annotations

import math
import random

import bpy
import numpy as np

from twinflash.render import foliage, photometry
from twinflash.render.context import BuildContext
from twinflash.render.daylight import luminance
from twinflash.render.materials import emission, hex_to_linear_rgba, principled
from twinflash.render.meshkit import MeshKit, lights_on
from twinflash.render.surfaces import snowy

LAMP_LIGHT_Z_M = 4.6
MAST_LIGHT_Z_M = 8.8  # the luminaire of a 9 m boulevard mast
MAST_ARM_M = 1.6  # how far the mast's arm carries the luminaire out over the road
LANTERN_HEX = "#ffd9a0"
CANOPY_HALF_WIDTH_M = 3.0


def _hide(obj: bpy.types.Object) -> bpy.types.Object:
    obj.hide_render = True
    obj.hide_viewport = True
    return obj


def _cast_iron(ctx: BuildContext) -> bpy.types.Material:
    return snowy(ctx, "cast_iron", "#1d2a23", 0.45, metallic=0.35)


def _lamp_glass(ctx: BuildContext) -> bpy.types.Material:
    """The lit lantern glass at night, plain frosted glass by day."""
    if lights_on(ctx):
        return lantern_glass(ctx)
    return principled(ctx, "lantern_glass", "#cfcfc6", roughness=0.15)


def lamp(ctx: BuildContext) -> bpy.types.Object:
    """A 'candélabre' about 5.2 m high: fluted base, slim column, lantern, cap."""
    iron, glass = _cast_iron(ctx), _lamp_glass(ctx)
    k = MeshKit()
    k.cylinder((0, 0, 0.0), 0.21, 0.17, 0.25, iron, sides=8)
    k.cylinder((0, 0, 0.25), 0.17, 0.11, 0.7, iron, sides=8)
    k.cylinder((0, 0, 0.95), 0.12, 0.12, 0.06, iron, sides=8)
    k.cylinder((0, 0, 1.01), 0.085, 0.06, 3.2, iron, sides=8)
    k.cylinder((0, 0, 4.21), 0.1, 0.1, 0.06, iron, sides=8)
    k.cylinder((0, 0, 4.27), 0.06, 0.11, 0.1, iron, sides=8)
    k.cylinder((0, 0, 4.37), 0.13, 0.26, 0.55, glass, sides=4, cap=False)
    k.cylinder((0, 0, 4.92), 0.3, 0.3, 0.05, iron, sides=4)
    k.cylinder((0, 0, 4.97), 0.3, 0.04, 0.25, iron, sides=4)
    k.cylinder((0, 0, 5.22), 0.04, 0.0, 0.15, iron, sides=6, cap=False)
    return _hide(k.to_object("lamp_src"))


def mast(ctx: BuildContext) -> bpy.types.Object:
    """A 9 m boulevard lamp mast: tapered column, arm out along +y (turned toward the road
    where placed), a flat luminaire whose glass faces down."""
    iron, glass = _cast_iron(ctx), _lamp_glass(ctx)
    k = MeshKit()
    k.cylinder((0, 0, 0.0), 0.2, 0.16, 0.5, iron, sides=8)
    k.cylinder((0, 0, 0.5), 0.11, 0.065, 8.6, iron, sides=8)
    z, arm = MAST_LIGHT_Z_M, MAST_ARM_M
    k.box((-0.035, 0.0, z + 0.28), (0.035, arm - 0.2, z + 0.34), iron)  # the arm
    k.box((-0.025, 0.05, z + 0.05), (0.025, 0.09, z + 0.3), iron)  # its stay
    k.box((-0.22, arm - 0.45, z + 0.06), (0.22, arm + 0.25, z + 0.3), iron, skip="b")  # hood
    k.box((-0.2, arm - 0.42, z), (0.2, arm + 0.22, z + 0.06), glass)
    return _hide(k.to_object("mast_src"))


def lantern_glass(ctx: BuildContext) -> bpy.types.Material:
    """Glowing glass that the lamp's point light shines through.

    The glass glows for the camera and in reflections (wet road, car paint) but is
    transparent to shadow and diffuse rays: the lamp's light is the point light alone
    (no double count, no noisy mesh light), and the lantern no longer hides it.
    """
    key = "lantern|lit"
    if key in ctx.materials:
        return ctx.materials[key]
    rgba = hex_to_linear_rgba(LANTERN_HEX)
    strength = photometry.emission_strength(
        photometry.LANTERN_LUMINANCE_CD_M2, ctx.lux_per_unit, luminance(rgba[:3])
    )
    mat = emission(ctx, "lantern_lit", LANTERN_HEX, round(strength, 3))
    mat.cycles.emission_sampling = "NONE"
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    out = nodes["Material Output"]
    glow = out.inputs["Surface"].links[0].from_socket
    path = nodes.new("ShaderNodeLightPath")
    hidden = nodes.new("ShaderNodeMath")
    hidden.operation = "MAXIMUM"
    links.new(path.outputs["Is Shadow Ray"], hidden.inputs[0])
    links.new(path.outputs["Is Diffuse Ray"], hidden.inputs[1])
    mix = nodes.new("ShaderNodeMixShader")
    links.new(hidden.outputs[0], mix.inputs["Fac"])
    links.new(glow, mix.inputs[1])
    links.new(nodes.new("ShaderNodeBsdfTransparent").outputs[0], mix.inputs[2])
    links.new(mix.outputs[0], out.inputs["Surface"])
    ctx.materials[key] = mat
    return mat


def bollard(ctx: BuildContext) -> bpy.types.Object:
    """The Paris potelet: a 1 m dark-green post with a ring and a rounded head."""
    green = snowy(ctx, "potelet", "#22392c", 0.5, metallic=0.2)
    k = MeshKit()
    k.cylinder((0, 0, 0.0), 0.06, 0.05, 0.78, green, sides=10, cap=False)
    k.cylinder((0, 0, 0.78), 0.068, 0.068, 0.05, green, sides=10)
    k.cylinder((0, 0, 0.83), 0.05, 0.05, 0.14, green, sides=10, cap=False)
    k.cylinder((0, 0, 0.97), 0.05, 0.0, 0.07, green, sides=10, cap=False)
    return _hide(k.to_object("bollard_src"))


def bench(ctx: BuildContext) -> bpy.types.Object:
    """Slatted wooden bench facing +y on cast-iron legs, 1.8 m long."""
    wood = snowy(ctx, "bench_wood", "#7a4f2e", 0.6)
    iron = _cast_iron(ctx)
    k = MeshKit()
    for x in (-0.75, 0.75):
        k.box((x - 0.03, -0.25, 0.0), (x + 0.03, 0.22, 0.42), iron)
        k.box((x - 0.03, -0.3, 0.42), (x + 0.03, -0.24, 0.85), iron)
    for i in range(4):
        y0 = -0.22 + i * 0.115
        k.box((-0.9, y0, 0.42), (0.9, y0 + 0.09, 0.46), wood)
    for i in range(3):
        z0 = 0.55 + i * 0.11
        k.box((-0.9, -0.31 + i * 0.015, z0), (0.9, -0.27 + i * 0.015, z0 + 0.08), wood)
    return _hide(k.to_object("bench_src"))


def grate(ctx: BuildContext) -> bpy.types.Object:
    """Square cast-iron tree grate, 1.2 m, lying on the sidewalk."""
    k = MeshKit()
    k.box(
        (-0.6, -0.6, 0.0),
        (0.6, 0.6, 0.012),
        principled(ctx, "grate", "#262624", 0.6, 0.4),
        skip="b",
    )
    return _hide(k.to_object("grate_src"))


def tree(ctx: BuildContext, variant: int) -> bpy.types.Object:
    """A pruned plane tree: mottled trunk, three limbs forking into branches, and a crown
    of leaf clumps (alpha-cut cards, `foliage`) from ~5 m to ~10 m with gaps between;
    bare branches and twigs instead of leaves in snow (`foliage.leafless`)."""
    rng = random.Random(f"{ctx.scene.place.layout_seed}:tree:{variant}")
    bark = snowy(ctx, "plane_bark", "#8c876b", 0.8, color2="#c2bc9c", noise_scale=3.5)
    k = MeshKit()
    k.cylinder((0, 0, 0), 0.2, 0.15, 3.4, bark, sides=8, cap=False)
    tops = []
    for j in range(3):
        a = 2 * math.pi * j / 3 + rng.uniform(-0.4, 0.4)
        top = (1.3 * math.cos(a), 1.3 * math.sin(a), 6.4)
        _limb(k, (0, 0, 3.3), top, 0.12, bark)
        tops.append(top)
    clumps = foliage.clump_centres(rng)
    for x, y, z, _ in clumps:  # a branch from the nearest limb into each clump
        start = min(tops, key=lambda t: (t[0] - x) ** 2 + (t[1] - y) ** 2 + (t[2] - z) ** 2)
        _limb(k, start, (x, y, z), 0.05, bark)
    cards, uv = foliage.leaf_cards(clumps, rng.randrange(2**31))
    leaves = None if foliage.leafless(ctx) else foliage.leaf_material(ctx)
    if leaves is None:
        for start, end in foliage.twigs(clumps, rng):
            _limb(k, start, end, 0.025, bark)
        cards, uv = cards[:0], uv[:0]
    n_wood = len(k.verts)
    verts = np.concatenate([np.array(k.verts, float).reshape(-1, 3), cards])
    faces = k.faces + [
        tuple(range(n_wood + 4 * i, n_wood + 4 * i + 4)) for i in range(len(cards) // 4)
    ]
    mesh = bpy.data.meshes.new(f"tree_src_{variant}")
    mesh.from_pydata(verts.tolist(), [], faces)
    for m in (*k.materials, *([leaves] if leaves is not None else [])):
        mesh.materials.append(m)
    mesh.polygons.foreach_set(
        "material_index", [*k.mat_index, *[len(k.materials)] * (len(cards) // 4)]
    )
    loop_uv = np.zeros((len(mesh.loops), 2), np.float32)
    loop_uv[len(loop_uv) - len(uv) :] = uv  # the cards' loops come last, in vertex order
    mesh.uv_layers.new(name="UVMap").data.foreach_set("uv", loop_uv.ravel())
    mesh.update()
    obj = bpy.data.objects.new(mesh.name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    return _hide(obj)


def _limb(
    k: MeshKit,
    a: tuple[float, float, float],
    b: tuple[float, float, float],
    r: float,
    mat: bpy.types.Material,
) -> None:
    """A straight four-sided limb from a to b."""
    ax, ay, az = a
    bx, by, bz = b
    dx, dy = bx - ax, by - ay
    n = math.hypot(dx, dy) or 1.0
    px, py = -dy / n * r, dx / n * r
    ring_a = [(ax + px, ay + py, az), (ax, ay, az + r), (ax - px, ay - py, az), (ax, ay, az - r)]
    ring_b = [
        (bx + px * 0.6, by + py * 0.6, bz),
        (bx, by, bz + r * 0.6),
        (bx - px * 0.6, by - py * 0.6, bz),
        (bx, by, bz - r * 0.6),
    ]
    for i in range(4):
        j = (i + 1) % 4
        k.poly([ring_a[i], ring_a[j], ring_b[j], ring_b[i]], mat)
