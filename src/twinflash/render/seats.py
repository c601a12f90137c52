"""The things a sitting person sits on, built in the person's body frame (Blender).

A seat is scenery, not the person: it has no instance id (background in the id pass), so
it occludes the person like any street object and the visibility stays exact. Heights come
from `people_seats.SeatSpec`, so the hips the body puts on the seat land on its top.
Body frame: origin on the ground under the hips, +x where the person faces, z up.
"""

from __future__ import annotations

import math

import bpy
from mathutils import Matrix

from twinflash.render import props
from twinflash.render.context import BuildContext
from twinflash.render.materials import principled
from twinflash.render.meshkit import MeshKit
from twinflash.render.people_seats import CURB_AHEAD_M, STEP_RISE_M, SeatSpec
from twinflash.render.surfaces import ground
from twinflash.scene.layout import SEAT_STEPS_BACK_M

# Where the hips sit on a bench (its own frame faces +y, 1.8 m long): a little off centre
# and in front of the backrest, so the bench reads as longer than its sitter.
BENCH_HIP_UV = (0.35, -0.06)
CHAIR_CENTER_X = 0.02  # the round seat's centre, just ahead of the hip joints
TABLE_XY = (0.3, 0.66)  # the bistro table, ahead and to the sitter's left
STEP_FRONTS_X = (0.64, 0.14, -0.18)  # front edges of the 1st, 2nd (seat) and 3rd steps
STEPS_BACK_X = -SEAT_STEPS_BACK_M
STEPS_HALF_W = 0.8
CURB_BACK_X = -0.3
CURB_HALF_W = 0.6
PROUD_M = 0.004  # a kerb stone laid at a real curb stands this proud of it (no z-fight)


def _stone(ctx: BuildContext) -> bpy.types.Material:
    return ground(ctx, "granite", "#9a9895", "#b3b0ab", 0.7, noise_scale=12.0)  # as the curbs


def _bench(ctx: BuildContext, name: str) -> bpy.types.Object:
    """A copy of the street furniture's slatted bench, turned to face +x."""
    src = props.bench(ctx)
    mesh = src.data.copy()
    bpy.data.objects.remove(src)
    u, v = BENCH_HIP_UV
    turn = Matrix.Rotation(-math.pi / 2, 4, "Z")  # the bench's +y becomes +x
    mesh.transform(turn @ Matrix.Translation((-u, -v, 0.0)))
    obj = bpy.data.objects.new(name, mesh)
    bpy.context.scene.collection.objects.link(obj)
    return obj


def _band(
    k: MeshKit, r: float, a0: float, a1: float, z0: float, z1: float, mat: bpy.types.Material
) -> None:
    """A curved band (the bent back of a bistro chair) round the seat's centre."""
    n, t = 8, 0.018
    cx = CHAIR_CENTER_X
    ring = [a0 + (a1 - a0) * i / n for i in range(n + 1)]
    for rr, flip in ((r, False), (r - t, True)):
        for i in range(n):
            a, b = ring[i], ring[i + 1]
            quad = [
                (cx + rr * math.cos(a), rr * math.sin(a), z0),
                (cx + rr * math.cos(b), rr * math.sin(b), z0),
                (cx + rr * math.cos(b), rr * math.sin(b), z1),
                (cx + rr * math.cos(a), rr * math.sin(a), z1),
            ]
            k.poly(quad[::-1] if flip else quad, mat)
    for i in range(n):  # top and bottom edges
        a, b = ring[i], ring[i + 1]
        for z in (z0, z1):
            k.poly(
                [
                    (cx + r * math.cos(a), r * math.sin(a), z),
                    (cx + (r - t) * math.cos(a), (r - t) * math.sin(a), z),
                    (cx + (r - t) * math.cos(b), (r - t) * math.sin(b), z),
                    (cx + r * math.cos(b), r * math.sin(b), z),
                ],
                mat,
            )


def _cafe_chair(ctx: BuildContext, name: str, top: float) -> bpy.types.Object:
    """A Parisian bistro chair (round woven seat, bent back, thin metal legs) and its
    small round marble-topped table beside it: a café terrace."""
    metal = principled(ctx, "bistro_metal", "#2a2620", 0.4, metallic=0.6)
    weave = principled(ctx, "bistro_weave", "#b5473a", 0.7)
    cane = principled(ctx, "bistro_cane", "#a27a4a", 0.55)
    marble = principled(ctx, "bistro_marble", "#ddd8cc", 0.25)
    k = MeshKit()
    cx = CHAIR_CENTER_X
    k.cylinder((cx, 0.0, top - 0.03), 0.2, 0.2, 0.03, weave, sides=20)
    k.cylinder((cx, 0.0, top - 0.045), 0.205, 0.205, 0.02, cane, sides=20, cap=False)
    for i in range(4):
        a = math.pi / 4 + i * math.pi / 2
        k.cylinder(
            (cx + 0.16 * math.cos(a), 0.16 * math.sin(a), 0.0),
            0.013,
            0.011,
            top - 0.04,
            metal,
            sides=6,
        )
    for a in (math.radians(150), math.radians(210)):  # the back's two uprights
        k.cylinder(
            (cx + 0.19 * math.cos(a), 0.19 * math.sin(a), top), 0.012, 0.012, 0.36, cane, sides=6
        )
    _band(k, 0.21, math.radians(125), math.radians(235), top + 0.27, top + 0.36, cane)
    _band(k, 0.205, math.radians(140), math.radians(220), top + 0.13, top + 0.17, cane)
    tx, ty = TABLE_XY
    k.cylinder((tx, ty, 0.0), 0.2, 0.18, 0.02, metal, sides=16)
    k.cylinder((tx, ty, 0.02), 0.03, 0.025, 0.68, metal, sides=8, cap=False)
    k.cylinder((tx, ty, 0.7), 0.3, 0.3, 0.025, marble, sides=24)
    return k.to_object(name)


def _steps(ctx: BuildContext, name: str) -> bpy.types.Object:
    """Three stone steps rising behind the sitter: hips on the second, feet on the first."""
    k = MeshKit()
    stone = _stone(ctx)
    for i, front in enumerate(STEP_FRONTS_X):
        z0, z1 = i * STEP_RISE_M, (i + 1) * STEP_RISE_M
        k.box(
            (STEPS_BACK_X, -STEPS_HALF_W, z0),
            (front, STEPS_HALF_W, z1),
            stone,
            skip="b" if i == 0 else "",
        )
    return k.to_object(name)


def _curb(ctx: BuildContext, name: str, spec: SeatSpec) -> bpy.types.Object:
    """A granite kerb stone: at a real curb laid over it (feet in the gutter below), else
    standing on the ground under the hips."""
    k = MeshKit()
    proud = PROUD_M if spec.top_z == 0.0 else 0.0
    k.box(
        (CURB_BACK_X, -CURB_HALF_W, spec.foot_z),
        (CURB_AHEAD_M + proud, CURB_HALF_W, spec.top_z + proud),
        _stone(ctx),
        skip="b",
    )
    return k.to_object(name)


def build_seat(ctx: BuildContext, spec: SeatSpec, name: str) -> bpy.types.Object:
    """The seat of `spec`, its vertices in the body frame (the caller places it)."""
    if spec.kind == "bench":
        return _bench(ctx, name)
    if spec.kind == "cafe_chair":
        return _cafe_chair(ctx, name, spec.top_z)
    if spec.kind == "steps":
        return _steps(ctx, name)
    if spec.kind == "curb":
        return _curb(ctx, name, spec)
    raise ValueError(f"seat: no builder for kind {spec.kind!r}")
