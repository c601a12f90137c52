"""What a sitting person sits on, as numbers (numpy only): seat and foot-rest heights, and
the leg angles that put the hips on the seat and the soles on their rest.

Body frame as in `people_body`: origin on the ground under the pelvis, +x forward, z up.
The seat is scenery (`seats` builds it in Blender); the body only needs its heights.
Heights are those of the things in Paris: a street bench's slats at 0.46 m, a bistro
chair's seat at 0.46 m, stone steps of 0.16 m, a curb of `CURB_HEIGHT_M`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from twinflash.scene.layout import CURB_HEIGHT_M, SEAT_CURB_AHEAD_M

BENCH_TOP_M = 0.46  # props.bench: slats from 0.42 to 0.46 m
CHAIR_TOP_M = 0.46  # a bistro chair's round seat
STEP_RISE_M = 0.16  # one stone step; the person sits on the second, feet on the first
CURB_AHEAD_M = SEAT_CURB_AHEAD_M  # the curb's face is this far ahead of the hip joints
# How far each seat reaches from the hips on the ground (with what stands beside it: the
# bench's length, the café table), so that street furniture keeps clear of it.
SEAT_REACH_M = {"block": 0.55, "bench": 1.3, "cafe_chair": 1.05, "steps": 1.05, "curb": 0.7}
# Thighs may slope down this much to reach the ground, else they stay level and the feet
# dangle (a child on a bench); they rise at most this much (knees up on the curb).
THIGH_DOWN_MAX_DEG = 12.0
THIGH_UP_MAX_DEG = 65.0


@dataclass(frozen=True)
class SeatSpec:
    """A seat in the body frame: `top_z` its surface, `foot_z` where the soles rest."""

    kind: str
    top_z: float
    foot_z: float


def seat_spec(kind: str, at_curb: bool = False) -> SeatSpec | None:
    """The seat of `kind`; None for the builder's own `block` (fitted to the legs).

    `at_curb`: a `curb` seat whose feet reach a road lower than the ground under the hips
    (the sidewalk's edge itself); else the curb is a kerb stone standing on that ground.
    """
    if kind == "block":
        return None
    if kind == "bench":
        return SeatSpec(kind, BENCH_TOP_M, 0.0)
    if kind == "cafe_chair":
        return SeatSpec(kind, CHAIR_TOP_M, 0.0)
    if kind == "steps":
        return SeatSpec(kind, 2 * STEP_RISE_M, STEP_RISE_M)
    if kind == "curb":
        return (
            SeatSpec(kind, 0.0, -CURB_HEIGHT_M) if at_curb else SeatSpec(kind, CURB_HEIGHT_M, 0.0)
        )
    raise ValueError(f"seat: unknown kind {kind!r}")


SEAT_FLESH = 0.05  # the pelvis reaches this far (x H x girth) below the hip joints, seated
SEAT_CAP = -0.015  # its skinned, subdivided end stops this far short (measured)


def hip_height(spec: SeatSpec, height_m: float, girth: float) -> float:
    """Hip joints above the seat by the flesh under them."""
    return spec.top_z + SEAT_FLESH * height_m * girth + SEAT_CAP


def thigh_elevation_deg(hip_z: float, knee_over_ankle_z: float, thigh_m: float) -> float:
    """Thigh angle above the horizontal that puts the knee right over an ankle resting at
    `knee_over_ankle_z - shin` (shin vertical), clamped to what a seated body does: feet
    that cannot reach the ground with a slight slope dangle under level thighs."""
    s = (knee_over_ankle_z - hip_z) / thigh_m
    if s < -math.sin(math.radians(THIGH_DOWN_MAX_DEG)):
        return 0.0
    return min(math.degrees(math.asin(min(s, 1.0))), THIGH_UP_MAX_DEG)
