"""Flat outlines of a vehicle's identity parts: badge, grille, intake, lamps, light signature.

Pure numpy so the shapes can be checked without Blender. Every outline is a list of simple
polygons, (N, 2) arrays in metres in face coordinates: u horizontal, v up, counter-clockwise
as seen facing the part from outside. Lamp outlines use outboard coordinates (u grows
toward the vehicle's flank); the builder mirrors them to each side. `Parts` maps a material
role ("lens", "signature", "dark", "chrome", "groove") to its polygons.
"""

from __future__ import annotations

import math

import numpy as np

from twinflash.render.vehicle_profile import KeyX
from twinflash.scene.catalog import BodyShape, VehicleModel

Parts = dict[str, list[np.ndarray]]
STRIP_M = 0.016  # width of a light-signature strip
GROOVE_M = 0.006  # width of a panel gap
BADGE_M = 0.10  # badge height


def rect(w: float, h: float, cu: float = 0.0, cv: float = 0.0) -> np.ndarray:
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    return corners + np.array([cu, cv])


def ellipse(a: float, b: float, cu: float = 0.0, cv: float = 0.0, n: int = 20) -> np.ndarray:
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    return np.c_[cu + a * np.cos(t), cv + b * np.sin(t)]


def strip(points: list[tuple[float, float]] | np.ndarray, width: float) -> np.ndarray:
    """A polyline thickened to `width`: one polygon (mitred joints)."""
    p = np.asarray(points, float)
    d = np.diff(p, axis=0)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    seg_n = np.c_[-d[:, 1], d[:, 0]]
    n = np.vstack([seg_n[:1], seg_n[:-1] + seg_n[1:], seg_n[-1:]])
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    cos = np.ones(len(p))
    cos[1:-1] = np.clip((n[1:-1] * seg_n[:-1]).sum(1), 0.3, 1.0)
    off = n * (width / 2 / cos)[:, None]
    poly = np.vstack([p - off, (p + off)[::-1]])
    return poly if signed_area(poly) > 0 else poly[::-1]


def signed_area(poly: np.ndarray) -> float:
    u, v = poly[:, 0], poly[:, 1]
    return 0.5 * float(np.dot(u, np.roll(v, -1)) - np.dot(v, np.roll(u, -1)))


def resample(poly: np.ndarray, max_edge_m: float = 0.03) -> np.ndarray:
    """Extra points on long edges so that the outline follows a curved shell."""
    out = []
    for a, b in zip(poly, np.roll(poly, -1, axis=0), strict=True):
        k = max(1, math.ceil(np.linalg.norm(b - a) / max_edge_m))
        out += [a + (b - a) * i / k for i in range(k)]
    return np.array(out)


def badge(shape: str, size: float = BADGE_M) -> list[np.ndarray]:
    """The make's neutral emblem, centred, about `size` high."""
    s = size
    if shape == "diamond":
        return [np.array([[0, -0.5], [0.36, 0], [0, 0.5], [-0.36, 0]]) * s]
    if shape == "shield":
        return [np.array([[0, -0.5], [0.38, -0.1], [0.38, 0.5], [-0.38, 0.5], [-0.38, -0.1]]) * s]
    if shape == "chevrons":
        one = np.array([[-0.55, -0.12], [0, 0.1], [0.55, -0.12], [0.55, 0.06], [0, 0.28],
                        [-0.55, 0.06]])  # fmt: skip
        return [(one + np.array([0.0, dv])) * s for dv in (-0.3, 0.1)]
    if shape == "circle":
        return [ellipse(0.5 * s, 0.5 * s)]
    if shape == "ellipse":
        return [ellipse(0.7 * s, 0.42 * s)]
    if shape == "hexagon":
        return [np.array([[-0.65, 0], [-0.45, -0.3], [0.45, -0.3], [0.65, 0], [0.45, 0.3],
                          [-0.45, 0.3]]) * s]  # fmt: skip
    if shape == "tee":
        return [np.array([[-0.1, -0.5], [0.1, -0.5], [0.1, 0.3], [0.5, 0.3], [0.5, 0.5],
                          [-0.5, 0.5], [-0.5, 0.3], [-0.1, 0.3]]) * s]  # fmt: skip
    if shape == "bar":
        return [rect(1.3 * s, 0.36 * s)]
    raise ValueError(f"unknown badge shape {shape!r}")


def grille(s: BodyShape, width_m: float, height_m: float) -> Parts:
    """Upper grille (dark) and its bright slats, centred."""
    w, h = s.grille_width_ratio * width_m, height_m
    if s.grille_shape == "none":
        return {"dark": [], "chrome": []}
    if s.grille_shape == "slot":
        h = min(h, 0.09)
        dark = [rect(w, h)]
    elif s.grille_shape == "trapezoid":
        dark = [
            np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [0.38 * w, h / 2], [-0.38 * w, h / 2]])
        ]
    elif s.grille_shape == "hexagon":
        dark = [np.array([[-w / 2, 0], [-0.4 * w, -h / 2], [0.4 * w, -h / 2], [w / 2, 0],
                          [0.4 * w, h / 2], [-0.4 * w, h / 2]])]  # fmt: skip
    else:  # twin
        dark = [rect(w / 2 - 0.03, h, -w / 4), rect(w / 2 - 0.03, h, w / 4)]
    n = s.grille_slats
    slats = [rect(0.7 * w, 0.012, 0, -h / 2 + h * (i + 1) / (n + 1)) for i in range(n)]
    return {"dark": dark, "chrome": slats}


def intake(s: BodyShape, width_m: float, height_m: float) -> list[np.ndarray]:
    w, h = 0.6 * width_m, height_m
    if s.intake_shape == "trapezoid":
        return [
            np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [0.36 * w, h / 2], [-0.36 * w, h / 2]])
        ]
    if s.intake_shape == "split":
        return [
            rect(0.42 * w, h),
            rect(0.14 * w, 0.7 * h, -0.6 * w),
            rect(0.14 * w, 0.7 * h, 0.6 * w),
        ]
    return [rect(w, h)]


def headlamp(s: BodyShape, width_m: float) -> tuple[float, Parts]:
    """(lens height, parts) of the right-hand lamp in outboard coordinates, centred."""
    w = s.headlamp_width_ratio * width_m
    if s.headlamp_shape == "round":
        r = min(w / 2, 0.095)
        h, lens = 2 * r, [ellipse(0.9 * r, r)]
    elif s.headlamp_shape == "tall":
        h, lens = 0.2, [rect(0.75 * w, 0.2)]
    elif s.headlamp_shape == "swept":
        h = 0.11
        lens = [np.array([[-w / 2, -0.1 * h], [-0.2 * w, -h / 2], [w / 2, -h / 2 + 0.02],
                          [w / 2, h / 2], [-0.1 * w, 0.3 * h]])]  # fmt: skip
    else:  # slim
        h = 0.075
        lens = [np.array([[-w / 2, -h / 2], [w / 2, -h / 2 + 0.012], [w / 2, h / 2 + 0.02],
                          [-w / 2 + 0.03, h / 2 - 0.012]])]  # fmt: skip
    return h, {"lens": lens, "signature": daytime_lights(s.daytime_lights, w, h)}


def daytime_lights(kind: str, w: float, h: float) -> list[np.ndarray]:
    """The LED signature beside a headlamp (outboard coordinates; `bar` is drawn centred)."""
    t, lo, hi = STRIP_M, -h / 2, h / 2
    if kind == "fang":
        return [strip([(w / 2 - 0.04, lo - 0.01), (w / 2 - 0.09, lo - 0.2)], 1.5 * t),
                strip([(w / 2 - 0.11, lo - 0.01), (w / 2 - 0.15, lo - 0.13)], 1.5 * t)]  # fmt: skip
    if kind == "c_shape":
        return [strip([(w / 2 - 0.08, hi + 0.02), (w / 2 + 0.01, hi + 0.01),
                       (w / 2 + 0.01, lo - 0.12), (w / 2 - 0.12, lo - 0.16)], t)]  # fmt: skip
    if kind == "underline":
        return [strip([(-w / 2 + 0.02, lo - 0.016), (w / 2, lo - 0.006)], t)]
    if kind == "y_shape":
        p = (0.2 * w, lo - 0.03)
        return [strip([(-w / 2 + 0.03, lo - 0.02), p, (w / 2, hi)], t),
                strip([p, (0.25 * w, lo - 0.15)], t)]  # fmt: skip
    return []


def taillamp(s: BodyShape, width_m: float, vans: bool) -> Parts:
    """Right-hand tail lamp in outboard coordinates, centred: red lens, dark surround."""
    w = 0.17 * width_m
    if s.taillamp_shape == "tall":
        return {"lens": [rect(0.1, 0.36 if vans else 0.22)], "dark": []}
    if s.taillamp_shape == "round":
        return {"lens": _ring(0.055, 0.085, 0.026), "dark": []}
    if s.taillamp_shape == "claw":
        bars = [
            strip([(u - 0.02, -0.05), (u + 0.02, 0.05)], 0.022) for u in (-0.28 * w, 0, 0.28 * w)
        ]
        return {"lens": bars, "dark": [rect(w, 0.13)]}
    if s.taillamp_shape == "c_shape":
        c = strip([(w / 2 - 0.01, 0.06), (-w / 2 + 0.02, 0.05), (-w / 2 + 0.05, -0.05),
                   (w / 2 - 0.01, -0.06)], 0.03)  # fmt: skip
        return {"lens": [c], "dark": []}
    return {"lens": [np.array([[-w / 2, -0.05], [w / 2, -0.065], [w / 2, 0.065], [-w / 2, 0.04]])],
            "dark": []}  # fmt: skip


def _ring(a: float, b: float, t: float) -> list[np.ndarray]:
    """An elliptic ring as two C-shaped strips (a ring is not a simple polygon)."""
    ang = np.linspace(-math.pi / 2, math.pi / 2, 9)
    right = np.c_[a * np.cos(ang), b * np.sin(ang)]
    return [strip(right, t), strip(right * [-1, 1], t)]


def tail_band(spec: VehicleModel, lamp_w: float) -> Parts:
    """The band joining the tail lamps across the rear, centred."""
    gap = spec.width_m - 2 * (0.03 + lamp_w) + 0.04
    if spec.shape.tail_band == "black":
        return {"dark": [rect(gap, 0.05)]}
    if spec.shape.tail_band == "lit":
        return {"lens": [rect(gap, 0.018)]}
    return {}


def door_lines(spec: VehicleModel, k: KeyX) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(panel-gap polylines, handle centres) on a flank, as (x, z) in the vehicle frame."""
    s = spec.shape
    r_arch = spec.wheel_diameter_m / 2 + 0.05
    z0 = s.ground_clearance_m + 0.12

    def belt(x: float) -> float:
        xs, zs = [k.rear_glass_base, k.windscreen_base], [s.deck_height_m, s.cowl_height_m]
        return float(np.interp(x, xs, zs)) - 0.06

    x_front = k.front_axle - r_arch - 0.12
    if s.doors_per_side == 1:
        edges = [x_front, max(k.b_pillar - 0.15, k.rear_axle + r_arch + 0.1)]
    else:
        edges = [x_front, k.b_pillar, max(k.side_glass_end + 0.05, k.rear_axle + r_arch + 0.03)]
    lines = [np.array([[x, z0], [x, belt(x)]]) for x in edges[:2]]
    if len(edges) == 3:  # the rear door's rear edge stops on the wheel arch
        x = edges[2]
        z_arch = spec.wheel_diameter_m / 2 + math.sqrt(max(r_arch**2 - (x - k.rear_axle) ** 2, 0))
        lines.append(np.array([[x, max(z0, z_arch + 0.02)], [x, belt(x)]]))
    lines.append(np.array([[edges[0], z0], [edges[-1] if len(edges) == 2 else edges[1], z0]]))
    handles = [np.array([x + 0.14, belt(x) - 0.09]) for x in edges[1:]]
    return lines, handles


def tailgate_lines(spec: VehicleModel) -> list[np.ndarray]:
    """Rear opening gaps as (y, z) polylines: a U round the hatch, doors split for vans."""
    s = spec.shape
    y = 0.36 * spec.width_m
    lo, hi = s.rear_plate_height_m - 0.14, s.tail_height_m - 0.03
    lines = [np.array([[-y, hi], [-y, lo], [y, lo], [y, hi]])]
    if spec.body_type in ("van", "large_van"):
        lines.append(np.array([[0.0, lo], [0.0, hi]]))
    return lines
