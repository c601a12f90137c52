"""Garments and accessories as geometry (numpy only): what a person wears changes their
silhouette, not only their colours (issue #17).

Each piece is a chain, shell or box of `people_parts`, attached to the body's `Landmarks`
and in a material role of its own: `outer` (jacket, coat), `hat`, `scarf`, `bag`, and for
a dress or a skirt the `top` or `bottom` role. Pieces on the ground (a suitcase, a
pushchair) go to `BodyGeometry.carried` or `.pushed`, whose z = 0 is the ground.
"""

from __future__ import annotations

import numpy as np

from twinflash.render.people_parts import (
    SUBSURF_SHRINK,
    BodyGeometry,
    Box,
    Chain,
    Ellipsoid,
    Landmarks,
    rot_fwd,
)
from twinflash.scene.models import Person

OUTER_GROWTH = 1.1  # an outer layer's radii over the top's (plus a fixed allowance)
HEM_DROP = 0.04  # x height: a last ring below the hem keeps the end cap's rounding under it
OUTER_HEM = {"jacket": 0.2, "coat": 0.9}  # hem, as a fraction of the way from hip to knee


def dress_body(body: BodyGeometry, person: Person, lm: Landmarks, arm_girth: float) -> None:
    """Add the person's garments and accessories to `body`, in the order they are worn."""
    if person.bottom in ("skirt", "dress"):
        role = "top" if person.bottom == "dress" else "bottom"
        body.chains.append(_flare(role, lm, lm.hip_z + 0.075 * lm.h, 0.96, 1.0))
    if person.outerwear != "none":
        _outerwear(body, person, lm, arm_girth)
    if person.scarf:
        body.chains.extend(_scarf(person, lm))
    if person.headwear != "none":
        body.shells.extend(_headwear(body, person, lm))
    if person.bag == "backpack":
        body.chains.extend(_backpack(person, lm))
    elif person.bag == "shoulder_bag":
        body.chains.extend(_shoulder_bag(person, lm))
    elif person.bag == "suitcase":
        _suitcase(body, lm)
    if person.pushchair:
        _pushchair(body, lm)


def _scale(lm: Landmarks) -> float:
    """Accessories keep adult sizes, a little smaller for small people."""
    return float(np.clip(lm.h / 1.72, 0.7, 1.05))


def _front_x(person: Person, lm: Landmarks, i: int = 2) -> float:
    """How far the clothed chest (torso point i) reaches forward of the torso axis."""
    grow = OUTER_GROWTH if person.outerwear != "none" else 1.0
    return float(lm.torso[i, 0] + lm.torso_radii[i, 0] * grow / SUBSURF_SHRINK)


def _flare(role: str, lm: Landmarks, top_z: float, hem: float, grow: float) -> Chain:
    """A garment from `top_z` flaring down over the thighs, `hem` of the way to the knee
    (1.0 = at the knee); seated, it lies over the thighs instead."""
    h, g = lm.h, lm.girth
    f = hem * 0.94  # hem a little above the knee line
    thighs = [hip + f * (knee - hip) for hip, knee in zip(lm.hips, lm.knees, strict=True)]
    waist_r = np.array([0.062, 0.092]) * h * g * grow
    if lm.seated:  # a chain along x: skin x is lateral, skin y vertical
        end_x = max(t[0] for t in thighs) + 0.02 * h
        end_z = float(np.mean([t[2] for t in thighs]))
        if abs(end_z - lm.hip_z) < 0.02:  # level thighs (the seat block): lie flat
            end_z = lm.hip_z
        mid_z = lm.hip_z + 0.4 * (end_z - lm.hip_z)  # knees up on a curb: follow the thighs
        pts = np.array(
            [[-0.03 * h, 0, top_z - 0.02 * h], [0.4 * end_x, 0, mid_z], [end_x, 0, end_z]]
        )
        lateral = lm.hip_half + 0.055 * h * g * grow
        rad = np.array([[waist_r[1], waist_r[0]], [lateral, 0.07 * h * g], [lateral, 0.05 * h]])
        return Chain(role, pts, rad * SUBSURF_SHRINK)
    hem_z = float(np.mean([t[2] for t in thighs])) - 0.01 * h
    cx = float(np.mean([t[0] for t in thighs]))
    half_x = abs(thighs[0][0] - thighs[1][0]) / 2
    half_y = abs(thighs[0][1] - thighs[1][1]) / 2
    hem_r = np.array(
        [max(0.09 * h * g, half_x + 0.04 * h * g), max(0.14 * h * g, half_y + 0.08 * h * g)]
    )
    hem_r *= grow
    ts = np.array([0.0, 0.3, 0.7, 1.0, 1.0])
    pts = np.c_[cx * ts**2, np.zeros(5), top_z + (hem_z - top_z) * ts]
    pts[-1, 2] -= HEM_DROP * h  # a short straight hem: the skin hull's end cap rounds up
    flare = ts**1.3
    rad = waist_r[None, :] * (1 - flare[:, None]) + hem_r[None, :] * flare[:, None]
    return Chain(role, pts, rad * SUBSURF_SHRINK)


def _outerwear(body: BodyGeometry, person: Person, lm: Landmarks, arm_girth: float) -> None:
    """A jacket (hem at the hip) or a coat (hem just above the knee) over the top: a
    larger torso with a collar, sleeves to the wrist, a flared skirt below the waist."""
    h = lm.h
    allowance = 0.006 * h * SUBSURF_SHRINK
    rad = lm.torso_radii * OUTER_GROWTH + allowance
    collar = lm.torso[-1] + np.array([0.0, 0.0, 0.02 * h])
    pts = np.vstack([lm.torso, collar])
    rad = np.vstack([rad, [0.036 * h * SUBSURF_SHRINK, 0.042 * h * SUBSURF_SHRINK]])
    body.chains.append(Chain("outer", pts, rad))
    sleeve_r = np.array([(0.034, 0.037), (0.034, 0.034), (0.029, 0.029), (0.025, 0.025)])
    for k, side in enumerate((1.0, -1.0)):
        joint = lm.shoulders[k]
        inner = joint + np.array([0, -side * 0.035 * h, 0.012 * h])
        sleeve = np.array([inner, joint, lm.elbows[k], lm.wrists[k]])
        body.chains.append(Chain("outer", sleeve, sleeve_r * h * arm_girth * SUBSURF_SHRINK))
    hem = OUTER_HEM[person.outerwear]
    body.chains.append(_flare("outer", lm, lm.hip_z + 0.11 * h, hem, OUTER_GROWTH * 1.06))


def _scarf(person: Person, lm: Landmarks) -> list[Chain]:
    """A loop around the base of the neck and an end hanging over the chest."""
    h, s = lm.h, _scale(lm)
    z = lm.shoulder_z + 0.022 * h
    ring_r = 0.03 * h * min(lm.girth, 1.15) * SUBSURF_SHRINK + 0.014 * s
    ang = np.radians(np.linspace(-20.0, 380.0, 11))
    loop = np.c_[
        0.006 * h + ring_r * np.cos(ang), ring_r * np.sin(ang), z + 0.006 * h * np.cos(ang)
    ]
    front = _front_x(person, lm) + 0.012 * s
    tail = np.array(
        [
            [0.006 * h + ring_r, -0.01, z - 0.01 * h],
            [front, -0.03 * s, lm.shoulder_z - 0.06 * h],
            [front - 0.004 * h, -0.035 * s, lm.shoulder_z - 0.15 * h],
        ]
    )
    thick = np.full((len(loop), 2), 0.017 * s * SUBSURF_SHRINK)
    tail_r = np.array([(0.014, 0.03), (0.01, 0.034), (0.009, 0.034)]) * s * SUBSURF_SHRINK
    return [
        Chain("scarf", rot_fwd(loop, lm.waist, lm.lean), thick),
        Chain("scarf", rot_fwd(tail, lm.waist, lm.lean), tail_r),
    ]


def _headwear(body: BodyGeometry, person: Person, lm: Landmarks) -> list[Ellipsoid]:
    """A beanie, a peaked cap or a brimmed hat over the hair; it may rise above height_m."""
    c = lm.head_c
    hair = [e for e in body.shells if e.role == "hair" and e.cut is not None]
    base = lm.head_r + lm.hair_top
    for e in hair:  # cover the hair's own volume
        base = np.maximum(base, e.radii + np.abs(e.center - c))
    s = _scale(lm)
    if person.headwear == "beanie":
        return [Ellipsoid("hat", c + np.array([-0.004, 0, 0.006]), base + 0.008, "beanie")]
    if person.headwear == "cap":
        dome = base + 0.006
        visor_c = c + np.array([0.8 * dome[0], 0.0, 0.16 * dome[2]])
        visor = np.array([0.075 * s, 0.08 * s, 0.007])
        return [Ellipsoid("hat", c, dome, "dome"), Ellipsoid("hat", visor_c, visor)]
    crown_c = c + np.array([0.0, 0.0, 0.36 * base[2]])
    crown = base * np.array([1.02, 1.02, 0.9]) + 0.004
    brim_c = c + np.array([0.0, 0.0, 0.36 * base[2] + 0.12 * crown[2]])
    brim = np.array([base[0] + 0.065 * s, base[1] + 0.065 * s, 0.008])
    return [Ellipsoid("hat", crown_c, crown, "dome"), Ellipsoid("hat", brim_c, brim)]


def _backpack(person: Person, lm: Landmarks) -> list[Chain]:
    """A pack on the back (widens the side view) and its two straps over the shoulders."""
    h, s = lm.h, _scale(lm)
    back = -_front_x(person, lm) + 0.004 * h
    depth, width = 0.075 * s, 0.14 * s
    top_z, bottom_z = lm.shoulder_z - 0.045 * h, lm.hip_z + 0.1 * h
    pack = np.array([[back - depth, 0, top_z], [back - depth, 0, bottom_z]])
    chains = [Chain("bag", pack, np.array([[depth, width], [depth, width]]) * SUBSURF_SHRINK)]
    front = _front_x(person, lm, 3) - 0.002 * h
    for side in (1.0, -1.0):
        y = side * 0.085 * s
        strap = np.array(
            [
                [back - 0.01, y, top_z],
                [back * 0.4, y, lm.shoulder_z + 0.012 * h],
                [front * 0.7, y, lm.shoulder_z - 0.005 * h],
                [front, y * 1.05, lm.shoulder_z - 0.12 * h],
                [front * 0.85, y * 1.1, lm.hip_z + 0.15 * h],
            ]
        )
        chains.append(Chain("bag", strap, np.full((5, 2), (0.008, 0.02)) * s))
    return [Chain(c.role, rot_fwd(c.points, lm.waist, lm.lean), c.radii) for c in chains]


def _shoulder_bag(person: Person, lm: Landmarks) -> list[Chain]:
    """A bag at the right hip on a strap across the chest from the left shoulder."""
    h, s = lm.h, _scale(lm)
    outer = 1.0 if person.outerwear == "none" else OUTER_GROWTH
    y_bag = -(0.092 * h * lm.girth * SUBSURF_SHRINK * outer + 0.04 * s)
    if person.pose == "lying" and person.lying_pose in ("side", "curled"):
        y_bag += 0.05 * s  # right side up: the bag lies on the hip instead of hanging by it
    z_bag = lm.hip_z + 0.01 * h
    bag = np.array([[-0.15 * s, y_bag, z_bag], [0.09 * s, y_bag, z_bag]])
    bag_r = np.array([[0.035, 0.1], [0.035, 0.1]]) * s * SUBSURF_SHRINK
    front = _front_x(person, lm) + 0.004 * h
    strap = np.array(
        [
            [0.0, 0.09 * s, lm.shoulder_z + 0.014 * h],
            [front, 0.05 * s, lm.shoulder_z - 0.08 * h],
            [front * 0.95, -0.06 * s, lm.hip_z + 0.16 * h],
            [-0.03 * s, y_bag, z_bag + 0.09 * s],
        ]
    )
    # The strap leans with the chest; the bag hangs at the hip, below the waist, where a
    # lean (a curled person's 28°) would swing it out behind the body.
    strap[:3] = rot_fwd(strap[:3], lm.waist, lm.lean)
    return [Chain("bag", bag, bag_r), Chain("bag", strap, np.full((4, 2), (0.006, 0.016)) * s)]


def _suitcase(body: BodyGeometry, lm: Landmarks) -> None:
    """A carry-on case standing beside the right leg, held by its top handle (both part of
    the person's annotation: the case is on the ground, so it is in `carried`)."""
    h, s = lm.h, _scale(lm)
    grip = lm.grips[1]
    half = np.array([0.2, 0.11]) * s
    leg_out = lm.hip_half + 0.06 * h * lm.girth
    y = -max(-grip[1], leg_out + half[1] + 0.01)
    top = min(0.58 * s, grip[2] - 0.1 * s)
    body.carried.boxes.append(
        Box(
            "bag",
            np.array([grip[0] - half[0], y - half[1], 0.0]),
            np.array([grip[0] + half[0], y + half[1], top]),
        )
    )
    handle = np.array([[grip[0], y, top - 0.03], [grip[0], grip[1], grip[2]]])
    body.chains.append(Chain("bag", handle, np.full((2, 2), 0.012 * s)))


def _pushchair(body: BodyGeometry, lm: Landmarks) -> None:
    """A pushchair ahead of the hands: bar, frame, wheels, seat and hood. It is its own
    object, not part of the person's annotation (an occluder like any street object)."""
    gx = float(np.mean([g[0] for g in lm.grips]))
    gz = float(np.mean([g[2] for g in lm.grips]))
    p = body.pushed
    tube = np.full((2, 2), 0.013)
    p.chains.append(Chain("pushchair", np.array([[gx, -0.25, gz], [gx, 0.25, gz]]), tube))
    for y in (-0.23, 0.23):
        frame = np.array([[gx, y, gz], [gx + 0.3, y, 0.42], [gx + 0.55, y, 0.1]])
        p.chains.append(Chain("pushchair", frame, np.full((3, 2), 0.013)))
        p.chains.append(
            Chain("pushchair", np.array([[gx + 0.3, y, 0.42], [gx + 0.95, y, 0.1]]), tube)
        )
        for wx, wr in ((gx + 0.55, 0.1), (gx + 0.95, 0.08)):
            p.shells.append(
                Ellipsoid("pushchair", np.array([wx, y * 1.1, wr]), np.array([wr, 0.022, wr]))
            )
    p.boxes.append(
        Box("pushchair_fabric", np.array([gx + 0.35, -0.2, 0.34]), np.array([gx + 0.85, 0.2, 0.6]))
    )
    hood = Ellipsoid(
        "pushchair_fabric", np.array([gx + 0.5, 0.0, 0.55]), np.array([0.22, 0.21, 0.25]), "dome"
    )
    p.shells.append(hood)
