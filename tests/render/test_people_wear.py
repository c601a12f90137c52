"""Garments and accessories (numpy only, no Blender): each where it is worn, each with its
own silhouette."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.render.people_body import build_body
from twinflash.scene.models import Person

NO_JITTER = np.zeros(8)


def _body(**fields: object):
    return build_body(Person(x_m=0.0, y_m=0.0, **fields), NO_JITTER)


H = 1.75
KNEE_Z = 0.285 * H
HIP_Z = 0.52 * H


def _role(body, role: str) -> np.ndarray:
    chains = [c.points for c in body.chains if c.role == role]
    shells = [
        s.center[None] + np.array([[0, 0, s.radii[2]], [0, 0, -s.radii[2]]])
        for s in body.shells
        if s.role == role
    ]
    return np.concatenate(chains + shells)


def _hem_z(body, role: str) -> float:
    """Height of a flared garment's hem: its last full ring (the end cap hangs below)."""
    flare = max((c for c in body.chains if c.role == role), key=lambda c: c.radii.max())
    return float(flare.points[-2, 2])


def _width_at(body, role: str, z: float) -> float:
    """Lateral extent (y, with radii) of a role's chains near height z."""
    ext = [
        abs(p[1]) + r[1]
        for c in body.chains
        if c.role == role
        for p, r in zip(c.points, c.radii, strict=True)
        if abs(p[2] - z) < 0.06 * H
    ]
    return max(ext, default=0.0)


def test_shorts_end_above_the_knee_and_bare_legs_go_on() -> None:
    body = _body(height_m=H, bottom="shorts")
    legs = [c for c in body.chains if c.role == "bottom" and abs(c.points[0, 1]) > 0.01]
    assert len(legs) == 2 and all(c.points[:, 2].min() > KNEE_Z + 0.04 * H for c in legs)
    shins = [c for c in body.chains if c.role == "skin" and c.points[:, 2].min() < 0.1 * H]
    assert len(shins) == 2 and all(c.points[:, 2].max() > KNEE_Z for c in shins)


@pytest.mark.parametrize("bottom", ["skirt", "dress"])
def test_skirt_and_dress_flare_to_the_knee_over_bare_legs(bottom: str) -> None:
    body, trousers = _body(height_m=H, bottom=bottom), _body(height_m=H)
    role = "top" if bottom == "dress" else "bottom"
    hem_z = _hem_z(body, role)
    assert hem_z == pytest.approx(KNEE_Z + 0.02 * H, abs=0.03 * H)
    assert _width_at(body, role, hem_z) > 1.2 * _width_at(trousers, "bottom", hem_z)
    legs = [c for c in body.chains if c.role == "skin" and c.points[:, 2].min() < 0.1 * H]
    assert len(legs) == 2  # bare legs below the hem
    assert not any(c.role == "bottom" for c in body.chains) or bottom == "skirt"


@pytest.mark.parametrize(
    ("outerwear", "low", "high"), [("jacket", 0.42, 0.52), ("coat", 0.28, 0.36)]
)
def test_outerwear_hem_and_sleeves(outerwear: str, low: float, high: float) -> None:
    body = _body(height_m=H, outerwear=outerwear, sleeves="short")
    outer = _role(body, "outer")
    assert low * H < _hem_z(body, "outer") < high * H  # jacket at the hip, coat above the knee
    assert outer[:, 2].max() > 0.81 * H  # up to the collar
    # the sleeves reach the wrists whatever the top's sleeves: no bare forearms
    assert not [
        c
        for c in body.chains
        if c.role == "skin" and len(c.points) == 3 and 0.55 * H < c.points[:, 2].max() < 0.78 * H
    ]


def test_sleeves_field_overrides_the_renderers_draw() -> None:
    def bare_arms(**f: object) -> int:
        body = build_body(Person(x_m=0, y_m=0, height_m=H, **f), NO_JITTER, long_sleeves=True)
        return sum(
            c.role == "skin" and len(c.points) == 3 and 0.55 * H < c.points[:, 2].max() < 0.78 * H
            for c in body.chains
        )

    assert bare_arms() == 0 and bare_arms(sleeves="long") == 0 and bare_arms(sleeves="short") == 2


@pytest.mark.parametrize("headwear", ["cap", "hat", "beanie"])
def test_headwear_sits_on_the_head_and_may_exceed_the_height(headwear: str) -> None:
    body, bare = _body(height_m=H, headwear=headwear), _body(height_m=H)
    hat = [s for s in body.shells if s.role == "hat"]
    assert hat
    top = max(s.center[2] + s.radii[2] for s in hat)
    assert H < top < H + 0.06  # above the hair, a few cm at most
    np.testing.assert_allclose(body.head_center, bare.head_center)  # head point unchanged
    if headwear != "beanie":  # a visor or a brim reaches out in front of the face
        assert max(s.center[0] + s.radii[0] for s in hat) > body.head_center[0] + 0.1


def test_backpack_behind_and_shoulder_bag_at_the_side() -> None:
    plain, pack, bag = (_body(height_m=H, bag=b) for b in ("none", "backpack", "shoulder_bag"))
    back = min(c.points[:, 0].min() - c.radii[:, 0].max() for c in plain.chains if c.role == "top")
    pack_chain = next(c for c in pack.chains if c.role == "bag")
    assert pack_chain.points[:, 0].max() - pack_chain.radii[0, 0] < back + 0.03
    assert pack_chain.points[:, 0].max() - 2 * pack_chain.radii[0, 0] < back - 0.1
    side = next(c for c in bag.chains if c.role == "bag")
    assert side.points[:, 1].max() < -0.15 and HIP_Z - 0.1 < side.points[0, 2] < HIP_Z + 0.1


def test_suitcase_stands_on_the_ground_under_the_hand_and_pushchair_ahead() -> None:
    body = _body(height_m=H, bag="suitcase", pose="walking")
    (case,) = body.carried.boxes
    assert case.lo[2] == 0.0 and 0.3 < case.hi[2] < 0.62  # on the ground: z = 0 is the ground
    handle = next(c for c in body.chains if c.role == "bag")
    bottom, top = handle.points[0], handle.points[-1]  # from the case's lid up to a hand
    assert abs(bottom[2] - case.hi[2]) < 0.05 and case.lo[0] <= bottom[0] <= case.hi[0]
    skin = np.vstack([c.points for c in body.chains if c.role == "skin"])
    assert np.linalg.norm(skin - top, axis=1).min() < 0.05  # held: it ends in the hand
    push = _body(height_m=H, pushchair=True, pose="walking")
    assert not push.carried.boxes and push.pushed.boxes
    wheels = [s for s in push.pushed.shells if s.role == "pushchair"]
    assert len(wheels) == 4 and all(s.center[2] == pytest.approx(s.radii[2]) for s in wheels)
    assert min(b.lo[0] for b in push.pushed.boxes) > 0.3  # ahead of the body
