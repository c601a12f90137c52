"""Body geometry of a procedural person, in numpy only (no Blender).

A body is a set of vertex chains (pelvis, torso, neck, legs, arms, hands, feet) that the
renderer turns into volumes with Blender's Skin modifier, plus an ellipsoid head and hair
shells. Proportions are anthropometric fractions of the height H (hip joint 0.52 H,
shoulders 0.805 H, head 0.13 H for adults), because a probe showed that such bodies are
found by a real people detector ~90% of the time where tapered capsules score ~70%.

Body frame: origin on the ground under the pelvis, +x forward, +y to the person's left,
z up, metres. The renderer places this frame in the world (and lays it down for `lying`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from twinflash.render.people_parts import (
    SUBSURF_SHRINK,
    BodyGeometry,
    Chain,
    Ellipsoid,
    Landmarks,
    rot_fwd,
)
from twinflash.render.people_seats import SEAT_FLESH, SeatSpec, hip_height, thigh_elevation_deg
from twinflash.render.people_wear import dress_body
from twinflash.scene.models import Person

# Monk Skin Tone scale swatches, 1 (lightest) to 10 (darkest), as published by Google.
MST_HEX = (
    "#f6ede4",
    "#f3e7db",
    "#f7ead0",
    "#eadaba",
    "#d7bd96",
    "#a07e56",
    "#825c43",
    "#604134",
    "#3a312a",
    "#292420",
)

# Girth factor per build: radii of torso and limbs scale with it; heavy adds a belly.
GIRTH = {"slim": 0.86, "average": 1.0, "heavy": 1.3}
HAIR_THICKNESS_M = {
    "bald": 0.0,
    "short": 0.012,
    "bun": 0.014,
    "long": 0.016,
    "bob": 0.016,
    "curly": 0.03,
}


@dataclass(frozen=True)
class Proportions:
    """Landmark heights and segment lengths as fractions of the height."""

    head_h: float  # chin to crown
    shoulder_z: float
    hip_z: float
    knee_z: float
    ankle_z: float
    shoulder_half_w: float
    upper_arm: float
    forearm: float
    hand: float
    foot: float

    @staticmethod
    def for_age(age_group: str) -> Proportions:
        """Children: larger head, shorter legs and arms; elderly keep adult ratios (+ stoop)."""
        if age_group == "child":
            return Proportions(0.165, 0.79, 0.47, 0.255, 0.04, 0.118, 0.172, 0.134, 0.095, 0.15)
        return Proportions(0.13, 0.805, 0.52, 0.285, 0.045, 0.125, 0.186, 0.146, 0.105, 0.152)


@dataclass(frozen=True)
class PoseAngles:
    """Joint angles in degrees; flexion is forward, abduction outward, per side (left, right)."""

    hip_flex: tuple[float, float] = (0.0, 0.0)
    hip_abd: tuple[float, float] = (2.0, 2.0)
    knee_flex: tuple[float, float] = (3.0, 3.0)
    shoulder_flex: tuple[float, float] = (3.0, 3.0)
    shoulder_abd: tuple[float, float] = (7.0, 7.0)
    elbow_flex: tuple[float, float] = (12.0, 12.0)
    foot_pitch: tuple[float, float] = (0.0, 0.0)  # toe up positive
    stoop: float = 0.0  # upper body forward lean about the waist
    neck_flex: float = 0.0
    shin_abd: tuple[float, float] | None = None  # None: the shin keeps the thigh's abduction
    hand_to_head: tuple[bool, bool] = (False, False)  # that hand goes under the cheek
    head_side: float = 0.0  # head moved toward the left (fraction of H): leaning on a hand


# Lying: the body's up axis goes along the heading and its front faces the sky ("back"); the
# other lying poses roll the body about its long axis first (+90: onto its left side).
_LYING = np.array([[0.0, 0.0, 1.0], [0.0, -1.0, 0.0], [1.0, 0.0, 0.0]])
LYING_ROLL_DEG = {"back": 0.0, "side": 90.0, "face_down": 180.0, "curled": 90.0}


def lying_matrix(lying_pose: str) -> np.ndarray:
    """3x3 rotation from the body frame to a world frame heading +x, for a lying person."""
    a = math.radians(LYING_ROLL_DEG[lying_pose])
    c, s = round(math.cos(a), 12), round(math.sin(a), 12)
    roll = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    return _LYING @ roll


def _dir(flex_deg: float, abd_deg: float, side: float) -> np.ndarray:
    """Unit vector of a limb hanging down, swung forward by flex and outward by abd."""
    f, a = math.radians(flex_deg), math.radians(abd_deg)
    v = np.array([math.sin(f) * math.cos(a), side * math.sin(a), -math.cos(f) * math.cos(a)])
    return v / np.linalg.norm(v)


def _r(values: list[tuple[float, float]], scale: float) -> np.ndarray:
    return np.array(values, dtype=float) * scale * SUBSURF_SHRINK


def pose_angles(person: Person, jitter: np.ndarray) -> PoseAngles:
    """Joint angles for the person's pose; `jitter` (8 values in [-1, 1]) adds small variety."""
    j = jitter
    stoop = 9.0 if person.age_group == "elderly" else 0.0
    if person.pose == "walking":
        phi = 2 * math.pi * person.stride_phase
        amp = 21.0 if person.age_group != "elderly" else 15.0
        hip = amp * math.sin(phi)
        # A leg swinging forward (hip velocity > 0) bends its knee, most at mid-swing.
        swing_l, swing_r = max(0.0, math.cos(phi)), max(0.0, -math.cos(phi))
        knee = (5 + 42 * swing_l**1.5, 5 + 42 * swing_r**1.5)
        arm = 0.8 * amp
        return PoseAngles(
            hip_flex=(hip + 4, -hip + 4),
            hip_abd=(2, 2),
            knee_flex=knee,
            shoulder_flex=(-arm * math.sin(phi), arm * math.sin(phi)),
            shoulder_abd=(6 + j[0], 6 + j[1]),
            elbow_flex=(18 + 10 * max(0, -math.sin(phi)), 18 + 10 * max(0, math.sin(phi))),
            foot_pitch=(-0.6 * hip + 0.3 * knee[0], 0.6 * hip + 0.3 * knee[1]),
            stoop=stoop + 3.0,
            neck_flex=-2.0,
        )
    if person.pose == "sitting":
        return PoseAngles(
            hip_flex=(88, 88),
            hip_abd=(5 + 2 * j[0], 5 + 2 * j[1]),
            knee_flex=(88, 88),
            shoulder_flex=(12 + 4 * j[2], 12 + 4 * j[3]),
            shoulder_abd=(8, 8),
            elbow_flex=(55 + 8 * j[4], 55 + 8 * j[5]),
            foot_pitch=(0, 0),
            stoop=stoop + 4.0,
        )
    if person.pose == "lying":
        return _lying_angles(person.lying_pose, j)
    return PoseAngles(
        hip_abd=(3 + j[0], 3 + j[1]),
        shoulder_flex=(2 + 3 * j[2], 2 + 3 * j[3]),
        shoulder_abd=(7 + 2 * j[4], 7 + 2 * j[5]),
        elbow_flex=(12 + 5 * j[6], 12 + 5 * j[7]),
        stoop=stoop,
    )


def _lying_angles(lying_pose: str, j: np.ndarray) -> PoseAngles:
    """Joint angles of a person on the ground; side poses lie on the left side (see
    `lying_matrix`), so the right leg and arm are the upper ones."""
    if lying_pose == "side":  # recovery position
        return PoseAngles(
            hip_flex=(8 + 3 * j[0], 80 + 6 * j[1]),
            hip_abd=(4, -38),  # the upper knee comes down onto the ground, the shin lies on it
            shin_abd=(4, 0),
            knee_flex=(15 + 5 * j[2], 95 + 8 * j[3]),
            shoulder_flex=(85 + 6 * j[4], 0),  # lower arm out in front
            shoulder_abd=(-8, 0),
            elbow_flex=(25 + 10 * j[5], 0),
            foot_pitch=(-40, -45),
            neck_flex=8.0,
            hand_to_head=(False, True),
            head_side=0.03,
        )
    if lying_pose == "face_down":  # one arm above the head, one beside the body
        return PoseAngles(
            hip_flex=(4 + 2 * j[0], 6 + 2 * j[1]),
            hip_abd=(8 + 3 * j[2], 10 + 3 * j[3]),
            knee_flex=(6, 12 + 6 * j[4]),
            shoulder_flex=(160 + 5 * j[5], 10),
            shoulder_abd=(28 + 6 * j[6], 12 + 4 * j[7]),
            elbow_flex=(20, 10),
            foot_pitch=(-70, -65),  # toes pointed: the feet lie on their backs
        )
    if lying_pose == "curled":  # foetal, on the left side
        return PoseAngles(
            hip_flex=(105 + 6 * j[0], 100 + 6 * j[1]),
            hip_abd=(2, -6),
            knee_flex=(120 + 5 * j[2], 115 + 5 * j[3]),
            shoulder_flex=(75 + 8 * j[4], 70 + 8 * j[5]),
            shoulder_abd=(-5, -12),
            elbow_flex=(85 + 8 * j[6], 90 + 8 * j[7]),
            foot_pitch=(-30, -30),
            stoop=28.0,
            neck_flex=22.0,
        )
    # On the back, after a fall: limbs a little splayed, one knee bent.
    return PoseAngles(
        hip_flex=(2 + 3 * j[0], 8 + 3 * j[1]),
        hip_abd=(12 + 4 * j[2], 9 + 4 * j[3]),
        knee_flex=(5, 18 + 6 * j[4]),
        shoulder_flex=(-6, -4 + 3 * j[5]),
        shoulder_abd=(42 + 10 * j[6], 28 + 10 * j[7]),
        elbow_flex=(8, 14),
        foot_pitch=(-35, -28),
        stoop=0.0,
    )


def _two_bone(
    root: np.ndarray, target: np.ndarray, a: float, b: float, pole: np.ndarray
) -> np.ndarray:
    """Middle joint of a two-segment limb (lengths a, b) reaching target, bent toward pole."""
    span = target - root
    d = min(float(np.linalg.norm(span)), 0.999 * (a + b))
    u = span / np.linalg.norm(span)
    v = pole - (pole @ u) * u
    v = v / np.linalg.norm(v)
    cos_a = (a * a + d * d - b * b) / (2 * a * d)
    return root + a * (cos_a * u + math.sqrt(max(0.0, 1 - cos_a * cos_a)) * v)


def _carry_angles(person: Person, ang: PoseAngles) -> PoseAngles:
    """Arms that hold something stop swinging: the right one holds a suitcase's handle out
    past the leg, both push a pushchair's bar forward at waist height."""
    if person.bag == "suitcase":
        return replace(
            ang,
            shoulder_flex=(ang.shoulder_flex[0], 2.0),
            shoulder_abd=(ang.shoulder_abd[0], 13.0),
            elbow_flex=(ang.elbow_flex[0], 6.0),
        )
    if person.pushchair:
        return replace(
            ang, shoulder_flex=(38.0, 38.0), shoulder_abd=(5.0, 5.0), elbow_flex=(48.0, 48.0)
        )
    return ang


def _leg_chains(
    person: Person, pts: np.ndarray, rad: np.ndarray, thigh_ends: tuple[np.ndarray, np.ndarray]
) -> list[Chain]:
    """Trousers to the ankle; shorts end above the knee (skin below); under a skirt or a
    dress the whole leg is skin, a little slimmer than a trouser leg."""
    if person.bottom == "trousers":
        return [Chain("bottom", pts, rad)]
    bare = rad * np.array([[0.86], [0.86], [0.9], [0.92], [0.86]])
    if person.bottom == "shorts":
        hem, below = thigh_ends
        shorts = np.array([pts[0], pts[1], hem])
        shorts_r = np.vstack([rad[:2], rad[1] * 1.04])
        leg = np.vstack([below, pts[2:]])
        leg_r = np.vstack([bare[1] * 0.92, bare[2:]])
        return [Chain("bottom", shorts, shorts_r), Chain("skin", leg, leg_r)]
    return [Chain("skin", pts, bare)]


def build_body(
    person: Person, jitter: np.ndarray, long_sleeves: bool = True, seat: SeatSpec | None = None
) -> BodyGeometry:
    """All chains and shells of one person in the body frame (standing-up frame for lying).

    `long_sleeves` is the renderer's draw; the Person's `sleeves`, when set, wins. `seat`
    (sitting only): the hips rest on its top and the legs reach its foot rest; None fits
    the builder's own seat block to the legs (thighs level, feet on the ground).
    """

    if person.sleeves is not None:
        long_sleeves = person.sleeves == "long"
    spec = seat if person.pose == "sitting" else None
    h = person.height_m
    p = Proportions.for_age(person.age_group)
    g = GIRTH[person.build] * (0.92 if person.age_group == "child" else 1.0)
    ang = _carry_angles(person, pose_angles(person, jitter))
    body = BodyGeometry()
    hair_t = HAIR_THICKNESS_M[person.hair_style]
    covered_arms = person.outerwear != "none"  # the outerwear's sleeves replace the top's

    # Legs first: they fix where the pelvis sits for seated poses.
    thigh = (p.hip_z - p.knee_z) * h
    shin = (p.knee_z - p.ankle_z) * h
    hip_z = p.hip_z * h
    seated = person.pose == "sitting"
    if seated and spec is not None:  # a real seat: hips on it, knees over the feet
        hip_z = hip_height(spec, h, g)
        rise = thigh_elevation_deg(hip_z, spec.foot_z + p.ankle_z * h + shin, thigh)
        flex = (90 + rise, 90 + rise)  # the shin hangs plumb: knee flexion = hip flexion
        knees_up = max(rise, 0.0)  # the hands go forward and down, beside the shins
        (s0, s1), (e0, e1) = ang.shoulder_flex, ang.elbow_flex
        arms = (s0 + 0.33 * knees_up, s1 + 0.33 * knees_up)
        elbows = (e0 - 0.35 * knees_up, e1 - 0.35 * knees_up)
        ang = replace(ang, hip_flex=flex, knee_flex=flex, shoulder_flex=arms, elbow_flex=elbows)
    elif seated:
        hip_z = max(shin + p.ankle_z * h, 0.42)  # thighs horizontal on a bench-height seat
    hip_half = 0.048 * h * min(g, 1.15)
    knees: list[np.ndarray] = []
    hips: list[np.ndarray] = []
    for k, side in enumerate((1.0, -1.0)):
        hip = np.array([0.0, side * hip_half, hip_z])
        d1 = _dir(ang.hip_flex[k], ang.hip_abd[k], side)
        knee = hip + thigh * d1
        shin_abd = ang.hip_abd[k] if ang.shin_abd is None else ang.shin_abd[k]
        d2 = _dir(ang.hip_flex[k] - ang.knee_flex[k], shin_abd, side)
        ankle = knee + shin * d2
        top = hip + np.array([0, -side * 0.006 * h, 0.035 * h])
        pts = np.array(
            [top, hip + 0.45 * thigh * d1, knee, knee + 0.35 * shin * d2, ankle + 0.02 * h * d2]
        )
        rad = _r([(0.052, 0.05), (0.046, 0.044), (0.034, 0.034), (0.035, 0.035), (0.026, 0.026)], h)
        rad[:2] *= g
        rad[2:] *= 0.5 + 0.5 * g
        body.chains.extend(
            _leg_chains(person, pts, rad, (hip + 0.8 * thigh * d1, hip + 0.72 * thigh * d1))
        )
        knees.append(knee)
        hips.append(hip)
        pitch = math.radians(ang.foot_pitch[k])
        fwd = np.array([math.cos(pitch), 0.0, math.sin(pitch)])
        up = np.array([-math.sin(pitch), 0.0, math.cos(pitch)])
        lf = p.foot * h
        sole = ankle - 0.03 * h * up
        foot = np.array(
            [
                ankle + 0.01 * h * up,
                sole - 0.2 * lf * fwd,
                sole + 0.35 * lf * fwd,
                sole + 0.7 * lf * fwd + 0.004 * h * up,
            ]
        )
        body.chains.append(
            Chain(
                "shoe",
                foot,
                _r([(0.024, 0.024), (0.024, 0.019), (0.029, 0.019), (0.025, 0.014)], h),
            )
        )

    # Pelvis and torso (upright, then leaned about the waist). A dress is one garment.
    # On a real seat the buttocks reach down to it (SEAT_FLESH below the hip joints).
    low = SEAT_FLESH * h * g if spec is not None else 0.035 * h
    pelvis = np.array([[0, 0, hip_z - low], [0, 0, hip_z + 0.04 * h], [0, 0, hip_z + 0.075 * h]])
    body.chains.append(
        Chain(
            "top" if person.bottom == "dress" else "bottom",
            pelvis,
            _r([(0.05, 0.07), (0.06, 0.092), (0.058, 0.088)], h * g),
        )
    )
    base = hip_z - p.hip_z * h  # torso landmarks follow the pelvis when seated
    sz = p.shoulder_z * h + base
    waist = np.array([0.0, 0.0, hip_z + 0.08 * h])
    belly = 1.35 if person.build == "heavy" else 1.0
    torso = np.array(
        [
            [0, 0, hip_z + 0.05 * h],
            [0.004 * h * (belly - 1) * 4, 0, hip_z + 0.10 * h],
            [0, 0, sz - 0.09 * h],
            [0, 0, sz - 0.015 * h],
            [0, 0, sz + 0.012 * h],
        ]
    )
    trad = np.array(
        [
            (0.064 * g, 0.085 * g),
            (0.062 * g * belly, 0.08 * g * (1 + (belly - 1) / 3)),
            (0.072 * g, 0.092 * g),
            (0.06 * g, 0.1 * min(g, 1.15)),
            (0.042, 0.072),
        ]
    )
    trad = trad * h * SUBSURF_SHRINK
    lean = ang.stoop
    torso = np.vstack([torso[:2], rot_fwd(torso[2:], waist, lean)])
    body.chains.append(Chain("top", torso, trad))

    # Neck and head.
    head_h = p.head_h * h
    head_rz = head_h / 2
    head_c = np.array([0.012 * h, 0.0, h - hair_t - head_rz])
    if seated:
        head_c[2] += base
    neck = np.array(
        [
            [0, 0, sz - 0.01 * h],
            [0.004 * h, 0, sz + 0.03 * h],
            [0.008 * h, 0, head_c[2] - 0.2 * head_rz],
        ]
    )
    neck_lean = lean + ang.neck_flex + (6.0 if person.age_group == "elderly" else 0.0)
    neck = rot_fwd(neck, waist, lean)
    head_c = rot_fwd(head_c, waist, lean)
    if neck_lean != lean:  # elderly: head carried further forward
        pivot = neck[0]
        neck = rot_fwd(neck, pivot, neck_lean - lean)
        head_c = rot_fwd(head_c, pivot, neck_lean - lean)
    body.chains.append(
        Chain("skin", neck, _r([(0.03, 0.032), (0.026, 0.027), (0.025, 0.025)], h * min(g, 1.15)))
    )
    if ang.head_side:  # the head leans sideways onto a hand: the neck's top follows it
        shift = np.array([0.0, ang.head_side * h, 0.0])
        head_c = head_c + shift
        neck[-1] = neck[-1] + shift
    head_r = np.array([0.057 * h * p.head_h / 0.13, 0.046 * h * p.head_h / 0.13, head_rz])
    body.head_center = head_c
    body.shells.append(Ellipsoid("skin", head_c, head_r))
    _face(body, head_c, head_r, h)
    _hair(body, person, head_c, head_r, hair_t, h)
    lm = Landmarks(
        h=h,
        girth=g,
        hip_z=hip_z,
        hip_half=hip_half,
        knee_z=p.knee_z * h + base,
        waist=waist,
        shoulder_z=sz,
        lean=lean,
        torso=torso,
        torso_radii=trad,
        knees=knees,
        hips=hips,
        head_c=head_c,
        head_r=head_r,
        hair_top=hair_t,
        seated=seated,
    )

    # Arms and hands (a mitten and a thumb).
    sh_drop = 0.012 * h
    for k, side in enumerate((1.0, -1.0)):
        joint = np.array([0.0, side * p.shoulder_half_w * h * min(g, 1.2) * 0.92, sz - sh_drop])
        joint = rot_fwd(joint, waist, lean)
        d1 = _dir(ang.shoulder_flex[k], ang.shoulder_abd[k], side)
        elbow = joint + p.upper_arm * h * d1
        d2 = _dir(ang.shoulder_flex[k] + ang.elbow_flex[k], ang.shoulder_abd[k] * 0.7, side)
        wrist = elbow + p.forearm * h * d2
        if ang.hand_to_head[k]:  # wrist at the chin, on the head's left: the hand under it
            target = head_c + np.array([0.35 * head_r[0], head_r[1] + 0.012 * h, -0.8 * head_r[2]])
            elbow = _two_bone(
                joint, target, p.upper_arm * h, p.forearm * h, np.array([1.0, 0.0, -0.6])
            )
            d1 = (elbow - joint) / np.linalg.norm(elbow - joint)
            d2 = (target - elbow) / np.linalg.norm(target - elbow)
            wrist = elbow + p.forearm * h * d2
        inner = joint + np.array([0, -side * 0.035 * h, 0.01 * h])
        arm_g = 0.7 + 0.3 * g
        if covered_arms:
            pass  # the outerwear's sleeve covers the arm to the wrist
        elif long_sleeves:
            pts = np.array([inner, joint, elbow, wrist])
            rad = _r([(0.03, 0.033), (0.03, 0.03), (0.025, 0.025), (0.021, 0.021)], h * arm_g)
            body.chains.append(Chain("top", pts, rad))
        else:
            mid = joint + 0.55 * p.upper_arm * h * d1
            sleeve = _r([(0.03, 0.033), (0.031, 0.031), (0.029, 0.029)], h * arm_g)
            body.chains.append(Chain("top", np.array([inner, joint, mid]), sleeve))
            arm = np.array([joint + 0.4 * p.upper_arm * h * d1, elbow, wrist])
            body.chains.append(
                Chain("skin", arm, _r([(0.026, 0.026), (0.021, 0.021), (0.016, 0.016)], h * arm_g))
            )
        hand = np.array(
            [wrist - 0.01 * h * d2, wrist + 0.45 * p.hand * h * d2, wrist + 0.9 * p.hand * h * d2]
        )
        body.chains.append(
            Chain("skin", hand, _r([(0.017, 0.013), (0.022, 0.011), (0.016, 0.008)], h))
        )
        body.chains.append(_thumb(wrist, d2, side, p.hand * h, h))
        lm.shoulders.append(joint)
        lm.elbows.append(elbow)
        lm.wrists.append(wrist)
        lm.grips.append(wrist + 0.5 * p.hand * h * d2)
    lm.torso_radii = trad
    if seated and spec is None:
        body.seat = (-0.02 * h, hip_z - 0.055 * h * g, 0.2)
    dress_body(body, person, lm, arm_girth=0.7 + 0.3 * g)
    return body


def _thumb(wrist: np.ndarray, d2: np.ndarray, side: float, hand: float, h: float) -> Chain:
    """A thumb off the palm's front edge: a hand reads as a hand, not a mitten, up close."""
    fwd = np.array([1.0, 0.0, 0.0]) - d2[0] * d2  # body-forward, square to the hand
    n = float(np.linalg.norm(fwd))
    fwd = fwd / n if n > 1e-6 else np.array([0.0, 0.0, 1.0])
    base = wrist + 0.2 * hand * d2 + 0.012 * h * fwd - side * 0.002 * h * np.array([0, 1.0, 0])
    tip = base + 0.45 * hand * (0.75 * d2 + 0.66 * fwd)
    return Chain("skin", np.array([base, tip]), _r([(0.008, 0.007), (0.0055, 0.005)], h))


def _face(body: BodyGeometry, c: np.ndarray, r: np.ndarray, h: float) -> None:
    """A nose and two dark eyes: without them a head reads as a mannequin's up close."""

    def surface_x(y: float, z: float) -> float:
        return r[0] * math.sqrt(max(0.0, 1 - (y / r[1]) ** 2 - (z / r[2]) ** 2))

    bridge = c + np.array([surface_x(0, 0.08 * r[2]) - 0.004 * h, 0, 0.08 * r[2]])
    tip = c + np.array([surface_x(0, -0.25 * r[2]) + 0.009 * h, 0, -0.25 * r[2]])
    body.chains.append(
        Chain("skin", np.array([bridge, tip]), _r([(0.005, 0.005), (0.008, 0.009)], h))
    )
    eye_r = 0.0065 * h
    for side in (1.0, -1.0):
        y, z = side * 0.38 * r[1], 0.1 * r[2]
        centre = c + np.array([surface_x(y, z) - 0.45 * eye_r, y, z])
        body.shells.append(Ellipsoid("eye", centre, np.array([0.6, 1.0, 0.8]) * eye_r))


def keep_face(cut: str | None, u: float, w: float) -> bool:
    """Which faces of a unit shell a cut keeps (u forward, w up, both on the unit sphere)."""
    if cut == "cap":  # hairline high in front, low behind
        return w > 0.3 * u + 0.08 - 0.45 * max(0.0, -u)
    if cut == "long":  # open at the back where the curtain falls
        return w > 0.35 * u - 0.3 - 1.0 * max(0.0, -u)
    if cut == "bob":  # the face is free, the rest falls to the jaw
        return w > -0.72 and not (u > 0.25 and w < 0.42 - 0.6 * (u - 0.25))
    if cut == "curly":  # a fuller hairline that drops to the nape
        return w > 0.3 * u - 0.02 - 0.7 * max(0.0, -u)
    if cut == "dome":  # the upper part: a hat's or a cap's crown
        return w > 0.12
    if cut == "beanie":  # down to the brow in front, the nape behind
        return w > 0.25 * u - 0.05 - 0.3 * max(0.0, -u)
    return True


def _hair(
    body: BodyGeometry, person: Person, c: np.ndarray, r: np.ndarray, t: float, h: float
) -> None:
    """Hair with its mass: short (hairline cap), bun (cap + ball), long (a full cap, locks
    beside the face and a curtain to the shoulder blades), bob (to the jaw), curly (a big
    rounded mass). The crown of the hair is at height_m in every style."""
    style = person.hair_style
    if style == "bald":
        return
    if style in ("short", "bun"):
        shell = np.array([r[0] + 1.2 * t, r[1] + t, r[2] + t])
        body.shells.append(Ellipsoid("hair", c + np.array([-0.2 * t, 0, 0]), shell, "cap"))
        if style == "bun":
            bun_c = c + np.array([-0.85 * r[0], 0.0, 0.55 * r[2]])
            body.shells.append(Ellipsoid("hair", bun_c, np.full(3, 0.032 * h)))
        return
    side = 0.012 * h  # the volume that falls beside the head
    if style == "bob":
        shell = np.array([r[0] + 1.6 * t, r[1] + side, r[2] + t])
        body.shells.append(Ellipsoid("hair", c + np.array([-0.25 * t, 0, 0]), shell, "bob"))
        return
    if style == "curly":
        shell = np.array([r[0] + 1.4 * t, r[1] + 1.7 * t, r[2] + t])
        body.shells.append(Ellipsoid("hair", c + np.array([-0.3 * t, 0, 0]), shell, "curly"))
        return
    shell = np.array([r[0] + 1.2 * t, r[1] + 0.6 * side, r[2] + t])
    body.shells.append(Ellipsoid("hair", c + np.array([-0.2 * t, 0, 0]), shell, "long"))
    back = c + np.array(
        [
            [-0.55 * r[0], 0, 0.2 * r[2]],
            [-0.8 * r[0], 0, -0.6 * r[2]],
            [-0.85 * r[0], 0, -1.45 * r[2]],
            [-0.85 * r[0], 0, -2.1 * r[2]],
            [-0.8 * r[0], 0, -2.6 * r[2]],
        ]
    )
    rad = np.array([(0.6, 1.15), (0.55, 1.3), (0.45, 1.35), (0.35, 1.3), (0.25, 1.05)])
    body.chains.append(Chain("hair", back, rad * r[0] * SUBSURF_SHRINK))
    for s in (1.0, -1.0):  # locks beside the face, falling onto the shoulders
        lock = c + np.array(
            [
                [-0.25 * r[0], s * 0.82 * r[1], 0.15 * r[2]],
                [-0.2 * r[0], s * 0.95 * r[1], -0.7 * r[2]],
                [-0.15 * r[0], s * 1.05 * r[1], -1.5 * r[2]],
            ]
        )
        lr = np.array([(0.42, 0.3), (0.4, 0.32), (0.3, 0.26)]) * r[0] * SUBSURF_SHRINK
        body.chains.append(Chain("hair", lock, lr))
