"""The pieces a procedural person is made of, and where garments attach (numpy only).

`people_body` makes a body of them and `people_wear` dresses it; both stand on this module,
so neither needs the other's internals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

SUBSURF_SHRINK = 1.08  # Subdivision level 1 pulls a skin hull ~8% inside its radii


@dataclass(frozen=True)
class Chain:
    """A vertex path skinned into a volume: radii are (x, y) skin radii per vertex.

    For a near-vertical chain skin x is body-forward and y body-lateral; for a chain
    along x, skin x is lateral and skin y vertical.
    """

    role: str  # material role: skin, top, bottom, shoe, hair, eye
    points: np.ndarray  # (N,3)
    radii: np.ndarray  # (N,2)


@dataclass(frozen=True)
class Ellipsoid:
    """A UV ellipsoid; `keep` optionally keeps only faces whose normalised centre passes it."""

    role: str
    center: np.ndarray  # (3,)
    radii: np.ndarray  # (3,)
    cut: str | None = None  # None (whole), "cap" (hairline), "long" (cap open at the back)


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in the body frame (a suitcase, a pushchair basket)."""

    role: str
    lo: np.ndarray  # (3,) min corner
    hi: np.ndarray  # (3,) max corner


@dataclass
class Parts:
    """Chains, shells and boxes of one group; grouped ones stand on the ground (z = 0 is
    the ground the soles touch, whatever subdivision does to them)."""

    chains: list[Chain] = field(default_factory=list)
    shells: list[Ellipsoid] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)


@dataclass
class BodyGeometry:
    chains: list[Chain] = field(default_factory=list)
    shells: list[Ellipsoid] = field(default_factory=list)
    head_center: np.ndarray = field(default_factory=lambda: np.zeros(3))
    seat: tuple[float, float, float] | None = None  # (x, z top, half size) of a seat block
    carried: Parts = field(default_factory=Parts)  # on the ground, part of the person (suitcase)
    pushed: Parts = field(default_factory=Parts)  # on the ground, not the person (pushchair)


@dataclass
class Landmarks:
    """Where garments and accessories attach, in the body frame (see `people_wear`)."""

    h: float
    girth: float
    hip_z: float
    hip_half: float
    knee_z: float  # of the standing proportions, even when seated
    waist: np.ndarray
    shoulder_z: float
    lean: float
    torso: np.ndarray  # torso chain points (leaned) and skin radii
    torso_radii: np.ndarray
    knees: list[np.ndarray] = field(default_factory=list)  # left, right
    hips: list[np.ndarray] = field(default_factory=list)
    shoulders: list[np.ndarray] = field(default_factory=list)
    elbows: list[np.ndarray] = field(default_factory=list)
    wrists: list[np.ndarray] = field(default_factory=list)
    grips: list[np.ndarray] = field(default_factory=list)  # middle of each hand
    head_c: np.ndarray = field(default_factory=lambda: np.zeros(3))
    head_r: np.ndarray = field(default_factory=lambda: np.zeros(3))
    hair_top: float = 0.0  # hair thickness over the head (crown to height_m)
    seated: bool = False


def rot_fwd(points: np.ndarray, pivot: np.ndarray, deg: float) -> np.ndarray:
    """Rotate points about the lateral axis through pivot; positive leans the top forward."""
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    p = np.atleast_2d(points) - pivot
    out = np.c_[p[:, 0] * c + p[:, 2] * s, p[:, 1], -p[:, 0] * s + p[:, 2] * c] + pivot
    return out.reshape(np.shape(points))
