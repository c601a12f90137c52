"""Illegally dumped objects: bin bags, moving boxes, mattresses, a chest of drawers, a
washing machine, builders' big bags of rubble. One mesh per item, built on z = 0 in the
item's frame (u along its heading, v across, z up) to its `dimensions_m`, so its box
and mask are exact like every annotated object's.
"""

from __future__ import annotations

import math
import random

import bmesh
import bpy

from twinflash.render.context import BuildContext, Built
from twinflash.render.materials import principled
from twinflash.render.meshkit import MeshKit
from twinflash.render.surfaces import snowy
from twinflash.scene.models import Waste


def _lumpy(
    kit: MeshKit, rng: random.Random, sx: float, sy: float, sz: float, mat: bpy.types.Material
) -> None:
    """A bag: a jittered ellipsoid, its bottom flattened on the ground, a knot on top."""
    bm = bmesh.new()
    bmesh.ops.create_icosphere(bm, subdivisions=2, radius=1.0)
    for v in bm.verts:
        j = 1.0 + rng.uniform(-0.08, 0.08)
        v.co.x, v.co.y = v.co.x * sx / 2 * j, v.co.y * sy / 2 * j
        v.co.z = max(v.co.z * sz / 2 * j + sz / 2, 0.0)
    for f in bm.faces:
        kit.poly([(v.co.x, v.co.y, v.co.z) for v in f.verts], mat)
    bm.free()
    top = sz * 0.97
    kit.cylinder((0.0, 0.0, top - 0.04), 0.05, 0.015, min(0.12, sz * 0.2), mat, sides=6)


def _bin_bag(
    kit: MeshKit, rng: random.Random, w: Waste, dims: tuple[float, float, float], ctx: BuildContext
) -> None:
    _lumpy(kit, rng, *dims, snowy(ctx, "bin_bag", w.color or "#151515", 0.3))


def _rubble_bag(
    kit: MeshKit, rng: random.Random, w: Waste, dims: tuple[float, float, float], ctx: BuildContext
) -> None:
    """A woven big bag, bulging, filled to 80 %, with four lifting loops."""
    sx, sy, sz = dims
    woven = snowy(ctx, "big_bag", w.color or "#d9d6cc", 0.85)
    b = 0.04 * sx
    fill = sz * rng.uniform(0.75, 0.95)
    kit.box((-sx / 2 + b, -sy / 2 + b, 0.0), (sx / 2 - b, sy / 2 - b, fill), woven, skip="b")
    kit.box((-sx / 2, -sy / 2, fill * 0.1), (sx / 2, sy / 2, fill * 0.85), woven, skip="tb")
    for su in (-1, 1):
        for sv in (-1, 1):
            u, v = su * (sx / 2 - 0.08), sv * (sy / 2 - 0.08)
            kit.box((u - 0.03, v - 0.03, fill), (u + 0.03, v + 0.03, sz), woven, skip="b")


def _cardboard(
    kit: MeshKit, rng: random.Random, w: Waste, dims: tuple[float, float, float], ctx: BuildContext
) -> None:
    """A moving box, its top flaps open at odd angles."""
    sx, sy, sz = dims
    card = snowy(ctx, "cardboard", w.color or "#a47b4f", 0.9)
    kit.box((-sx / 2, -sy / 2, 0.0), (sx / 2, sy / 2, sz), card, skip="t")
    for sv in (-1, 1):
        a = math.radians(rng.uniform(20, 110))
        reach = sy / 2 * 0.95
        v1 = sv * (sy / 2 + reach * math.cos(a))
        kit.poly(
            [
                (-sx / 2, sv * sy / 2, sz),
                (sx / 2, sv * sy / 2, sz),
                (sx / 2, v1, sz + reach * math.sin(a)),
                (-sx / 2, v1, sz + reach * math.sin(a)),
            ],
            card,
        )


def _mattress(
    kit: MeshKit, rng: random.Random, w: Waste, dims: tuple[float, float, float], ctx: BuildContext
) -> None:
    """A mattress: a slab with a piped border (flat, or on its long edge against a wall)."""
    sx, sy, sz = dims
    cloth = snowy(ctx, "mattress", w.color or "#e8e4da", 0.95)
    piping = principled(ctx, "mattress_piping", "#8f8a80", 0.9)
    kit.box((-sx / 2, -sy / 2, 0.0), (sx / 2, sy / 2, sz), cloth)
    top = sz if w.against_wall else sz - 0.01  # on its edge the border reaches the top
    rim = (sx / 2 + 0.01, sy / 2 + 0.01)
    kit.box((-rim[0], -rim[1], sz - 0.03), (rim[0], rim[1], top), piping)


def _furniture(
    kit: MeshKit, rng: random.Random, w: Waste, dims: tuple[float, float, float], ctx: BuildContext
) -> None:
    """A chest of drawers: carcass on four feet, drawer fronts with knobs, facing -v."""
    sx, sy, sz = dims
    wood = snowy(ctx, "dumped_wood", w.color or "#7b5a3c", 0.55)
    dark = principled(ctx, "knob", "#2a2118", 0.5, 0.3)
    foot = 0.08 * sz
    for su in (-1, 1):
        for sv in (-1, 1):
            u, v = su * (sx / 2 - 0.05), sv * (sy / 2 - 0.05)
            kit.box((u - 0.025, v - 0.025, 0.0), (u + 0.025, v + 0.025, foot), wood, skip="b")
    kit.box((-sx / 2, -sy / 2 + 0.02, foot), (sx / 2, sy / 2, sz), wood)
    n = rng.choice((3, 4))
    for i in range(n):
        z0 = foot + (sz - foot) * i / n + 0.02
        z1 = foot + (sz - foot) * (i + 1) / n - 0.02
        kit.box((-sx / 2 + 0.04, -sy / 2, z0), (sx / 2 - 0.04, -sy / 2 + 0.02, z1), wood, skip="k")
        kit.box(
            (-0.03, -sy / 2 - 0.03, (z0 + z1) / 2 - 0.02),
            (0.03, -sy / 2, (z0 + z1) / 2 + 0.02),
            dark,
            skip="k",
        )


def _appliance(
    kit: MeshKit, rng: random.Random, w: Waste, dims: tuple[float, float, float], ctx: BuildContext
) -> None:
    """A front-loading washing machine: enamel cabinet, control strip, round door on -v."""
    sx, sy, sz = dims
    enamel = snowy(ctx, "enamel", w.color or "#f0f0ee", 0.25)
    glass = principled(ctx, "porthole", "#1c2126", 0.08)
    grey = principled(ctx, "control_strip", "#9da1a4", 0.4)
    kit.box((-sx / 2, -sy / 2, 0.0), (sx / 2, sy / 2, sz), enamel)
    kit.box(
        (-sx / 2 + 0.02, -sy / 2 - 0.01, sz * 0.86),
        (sx / 2 - 0.02, -sy / 2, sz * 0.97),
        grey,
        skip="k",
    )
    r, zc, sides = min(sx, sz) * 0.3, sz * 0.48, 20
    ring = [
        (r * math.cos(2 * math.pi * i / sides), zc + r * math.sin(2 * math.pi * i / sides))
        for i in range(sides)
    ]
    kit.poly([(u, -sy / 2 - 0.015, z) for u, z in ring], glass)


BUILDERS = {
    "bin_bag": _bin_bag,
    "rubble_bag": _rubble_bag,
    "cardboard": _cardboard,
    "mattress": _mattress,
    "furniture": _furniture,
    "appliance": _appliance,
}


def build_waste(ctx: BuildContext, w: Waste, index: int) -> Built:
    """One dumped object at its place and heading, standing on z = 0."""
    rng = ctx.rng(f"waste:{index}")
    kit = MeshKit((w.x_m, w.y_m), math.radians(w.heading_deg))
    BUILDERS[w.kind](kit, rng, w, w.dimensions_m, ctx)
    obj = kit.to_object(f"waste_{index}_{w.kind}")
    return Built(kind="waste", scene_index=index, objects=[obj])
