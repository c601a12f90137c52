"""The procedural car body as numbers: loft stations, cross-section rings, face materials.

Pure numpy (no bpy) so that the shape can be checked without Blender. The body is a loft
along the vehicle axis (local x forward, y left, z up, origin at the footprint centre on
the ground): each station is a 14-point ring running up the right flank, over the roof and
down the left flank. Key heights (nose, cowl, roof, rear-glass base, tail) are
keyframed along x from the catalog's body shape; wheel arches lift the ring's bottom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from twinflash.scene.catalog import VehicleModel

RING = 14  # points per cross-section
PAINT, GLASS, TRIM = 0, 1, 2  # material slots of the body mesh
SIDE_GLASS_SEGMENTS = (3, 9)  # belt -> glass top, right and left
UPPER_SEGMENTS = (5, 6, 7)  # roof / screens between the roof rails
ROOF_SEGMENTS = (4, 5, 6, 7, 8)  # roof rail to roof rail
END_GAP_M = 0.012  # body ends this far inside the catalog length: plates and lamps sit there


@dataclass(frozen=True)
class KeyX:
    """Positions along the axis (local x, metres) where the profile changes."""

    front: float
    rear: float
    front_axle: float
    rear_axle: float
    windscreen_base: float
    roof_front: float
    roof_rear: float
    rear_glass_base: float
    b_pillar: float
    side_glass_end: float


def key_positions(spec: VehicleModel) -> KeyX:
    s = spec.shape
    front, rear = spec.length_m / 2 - END_GAP_M, -spec.length_m / 2 + END_GAP_M
    ws = spec.length_m / 2 - s.hood_length_m
    roof_front = ws - (spec.height_m - s.cowl_height_m) / math.tan(
        math.radians(s.windscreen_angle_deg)
    )
    rgb = -spec.length_m / 2 + s.deck_length_m
    roof_rear = rgb + (spec.height_m - s.deck_height_m) / math.tan(
        math.radians(s.rear_window_angle_deg)
    )
    fa = spec.length_m / 2 - s.front_overhang_m
    glass_end = rgb + s.c_pillar_m
    return KeyX(
        front,
        rear,
        fa,
        fa - spec.wheelbase_m,
        ws,
        roof_front,
        roof_rear,
        rgb,
        ws - 0.47 * (ws - glass_end),
        glass_end,
    )


def _stations(spec: VehicleModel, k: KeyX) -> np.ndarray:
    r_arch = spec.wheel_diameter_m / 2 + 0.05
    xs = [
        k.front,
        k.front - 0.04,
        k.rear,
        k.rear + 0.04,
        0.5 * (k.roof_front + k.roof_rear),
        k.windscreen_base,
        k.roof_front,
        k.roof_rear,
        k.rear_glass_base,
        k.b_pillar - 0.04,
        k.b_pillar + 0.04,
        k.side_glass_end,
    ]
    for axle in (k.front_axle, k.rear_axle):
        xs += [axle + r_arch * f for f in (-1.04, -1.0, -0.8, -0.45, 0.0, 0.45, 0.8, 1.0, 1.04)]
    xs += list(np.linspace(k.rear, k.front, int((k.front - k.rear) / 0.2) + 1))
    xs = sorted(x for x in xs if k.rear <= x <= k.front)
    out = [xs[0]]
    for x in xs[1:]:
        if x - out[-1] > 0.015:
            out.append(x)
    out[-1] = k.front
    return np.array(out[::-1])  # front to rear


def _bottom(spec: VehicleModel, k: KeyX, x: np.ndarray) -> np.ndarray:
    """Underside height: clearance, raised at the ends and over the wheels (arches)."""
    c = spec.shape.ground_clearance_m
    z = np.interp(x, [k.rear, k.rear + 0.3, k.front - 0.3, k.front], [c + 0.12, c, c, c + 0.07])
    wheel_r = spec.wheel_diameter_m / 2
    r_arch = wheel_r + 0.05
    for axle in (k.front_axle, k.rear_axle):
        dx = x - axle
        inside = np.abs(dx) <= r_arch * 1.001
        z = np.where(
            inside, np.maximum(z, wheel_r + np.sqrt(np.clip(r_arch**2 - dx**2, 0, None))), z
        )
    return z


def _top(spec: VehicleModel, k: KeyX, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre-line top, beltline and cabin factor (0 = hood/deck section, 1 = roof)."""
    s, h = spec.shape, spec.height_m
    hood_mid = k.front - 0.3 * (k.front - k.windscreen_base)
    roof_mid = 0.5 * (k.roof_front + k.roof_rear)
    roof_drop = 0.0 if spec.body_type in ("van", "large_van") else 0.03
    kx = [
        k.rear,
        k.rear_glass_base,
        k.roof_rear,
        roof_mid,
        k.roof_front,
        k.windscreen_base,
        hood_mid,
        k.front,
    ]
    top = [
        s.tail_height_m,
        s.deck_height_m,
        h - roof_drop,
        h,
        h - 0.01,
        s.cowl_height_m,
        s.nose_height_m + 0.65 * (s.cowl_height_m - s.nose_height_m),
        s.nose_height_m,
    ]
    cabin = [0, 0, 1, 1, 1, 0, 0, 0]
    order = np.argsort(kx)
    kx_sorted = np.array(kx)[order]
    zt = np.interp(x, kx_sorted, np.array(top)[order])
    g = np.interp(x, kx_sorted, np.array(cabin, float)[order])
    belt_kx = [k.rear, k.rear_glass_base, k.windscreen_base, k.front]
    belt_z = [
        s.tail_height_m - 0.05,
        s.deck_height_m - 0.05,
        s.cowl_height_m - 0.05,
        s.nose_height_m - 0.05,
    ]
    belt = np.minimum(np.interp(x, belt_kx[:], belt_z), zt - 0.05)
    return zt, belt, g


def _half_width(spec: VehicleModel, k: KeyX, x: np.ndarray) -> np.ndarray:
    a = spec.shape.corner_roundness
    d_front = np.clip((k.front - x) / 0.6, 0, 1)
    d_rear = np.clip((x - k.rear) / 0.5, 0, 1)
    return spec.width_m / 2 * (1 - a * (1 - d_front) ** 2 - 0.7 * a * (1 - d_rear) ** 2)


def body_rings(spec: VehicleModel) -> tuple[np.ndarray, np.ndarray, KeyX]:
    """(S,) station x (front to rear) and (S, RING, 3) ring vertices in local coordinates."""
    k = key_positions(spec)
    x = _stations(spec, k)
    zb = _bottom(spec, k, x)
    zt, belt, g = _top(spec, k, x)
    hw = _half_width(spec, k, x)
    rw = spec.shape.roof_width_ratio
    gap = np.maximum(belt - zb, 0.05)
    right = np.zeros((len(x), 7, 2))  # (y, z) from the bottom up the right flank
    right[:, 0] = np.c_[-0.9 * hw, zb]
    right[:, 1] = np.c_[-hw, zb + np.minimum(0.08, 0.3 * gap)]
    right[:, 2] = np.c_[-hw, belt - np.minimum(0.07, 0.3 * gap)]
    right[:, 3] = np.c_[-0.95 * hw, belt]
    # glass top, roof rail and roof crown: blended between a hood section and a roof section
    right[:, 4] = np.c_[-hw * (0.8 + g * (rw - 0.8)), zt - 0.025 - g * 0.045]
    right[:, 5] = np.c_[-hw * (0.74 + g * (rw - 0.05 - 0.74)), zt - 0.012 - g * 0.018]
    right[:, 6] = np.c_[-hw * (0.4 + g * (0.5 * rw - 0.4)), zt]
    left = right[:, ::-1].copy()
    left[..., 0] *= -1
    yz = np.concatenate([right, left], axis=1)
    rings = np.concatenate([np.repeat(x[:, None, None], RING, axis=1), yz], axis=2)
    return x, rings, k


def face_materials(spec: VehicleModel, x: np.ndarray, k: KeyX) -> np.ndarray:
    """(S-1, RING) material slot per loft face: glass where the greenhouse is, trim below."""
    mid = 0.5 * (x[:-1] + x[1:])
    mats = np.full((len(mid), RING), PAINT)
    mats[:, RING - 1] = TRIM  # underside and arch liners
    if spec.shape.black_cladding:  # sills only: cladding wrapping the end caps looks jagged
        sills = (mid < k.front - 0.15) & (mid > k.rear + 0.15)
        mats[np.ix_(sills, [0, RING - 2])] = TRIM
    pillar = np.abs(mid - k.b_pillar) <= 0.04
    in_cabin = (mid < k.windscreen_base) & (mid > k.side_glass_end)
    if not spec.shape.black_pillars:
        in_cabin &= ~pillar
    if spec.shape.side_glass == "front":
        in_cabin &= mid > k.b_pillar
    for seg in SIDE_GLASS_SEGMENTS:
        mats[in_cabin, seg] = GLASS
    screens = ((mid < k.windscreen_base) & (mid > k.roof_front)) | (
        (mid < k.roof_rear) & (mid > k.rear_glass_base)
    )
    for seg in UPPER_SEGMENTS:
        mats[screens, seg] = GLASS
    if spec.shape.contrast_roof:  # gloss black roof: the glass material, rail to rail
        roof = (mid <= k.roof_front) & (mid >= k.roof_rear)
        for seg in ROOF_SEGMENTS:
            mats[roof, seg] = GLASS
    return mats
