"""Body geometry (numpy only, no Blender): proportions, builds, ages and poses."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.render.people_body import MST_HEX, build_body, lying_matrix, pose_angles
from twinflash.render.people_parts import BodyGeometry
from twinflash.scene.models import Person

NO_JITTER = np.zeros(8)


def _body(**fields: object):
    return build_body(Person(x_m=0.0, y_m=0.0, **fields), NO_JITTER)


def _torso_radii(**fields: object) -> np.ndarray:
    return next(c for c in _body(**fields).chains if c.role == "top").radii


def test_monk_skin_tone_swatches_are_the_published_ones() -> None:
    assert MST_HEX == (
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


@pytest.mark.parametrize("hair", ["bald", "short", "long", "bun", "bob", "curly"])
def test_standing_adult_proportions(hair: str) -> None:
    h = 1.8
    body = _body(height_m=h, hair_style=hair)
    head = next(s for s in body.shells if s.role == "skin")
    top = max(s.center[2] + s.radii[2] for s in body.shells)
    assert top == pytest.approx(h, abs=1e-9)  # crown (or hair) exactly at the height
    assert 2 * head.radii[2] / h == pytest.approx(0.13)
    legs = [c for c in body.chains if c.role == "bottom" and abs(c.points[0, 1]) > 0.01]
    assert len(legs) == 2
    assert all(c.points[:, 2].min() < 0.1 * h for c in legs)  # trousers reach the ankles
    arms = [
        c
        for c in body.chains
        if c.role == "skin" and len(c.points) == 3 and c.points[:, 2].max() < 0.6 * h
    ]
    assert len(arms) == 2  # two hands, hanging near the hips
    assert np.all(np.concatenate([c.points for c in body.chains])[:, 2] > 0.0)


def test_children_have_a_larger_head_and_shorter_legs() -> None:
    child, adult = _body(age_group="child", height_m=1.2), _body(height_m=1.2)
    ratio = [next(s for s in b.shells if s.role == "skin").radii[2] for b in (child, adult)]
    assert ratio[0] > 1.2 * ratio[1]
    knee = [
        min(c.points[2, 2] for c in b.chains if c.role == "bottom" and len(c.points) == 5)
        for b in (child, adult)
    ]
    assert knee[0] < knee[1]


def test_build_changes_girth_and_heavy_has_a_belly() -> None:
    slim, avg, heavy = (_torso_radii(build=b) for b in ("slim", "average", "heavy"))
    assert np.all(slim[:4] < avg[:4]) and np.all(avg[:4] < heavy[:4])
    # the waist is deeper than the chest only for the heavy build
    assert heavy[1, 0] > heavy[2, 0] and avg[1, 0] < avg[2, 0]


def test_elderly_stoop_carries_the_head_forward() -> None:
    assert _body(age_group="elderly").head_center[0] > _body().head_center[0] + 0.05


@pytest.mark.parametrize("phase", [0.1, 0.25, 0.4, 0.6, 0.75, 0.9])
def test_walking_arms_swing_against_the_legs(phase: float) -> None:
    a = pose_angles(Person(x_m=0, y_m=0, pose="walking", stride_phase=phase), NO_JITTER)
    hip_l = a.hip_flex[0] - a.hip_flex[1]  # left leg ahead when > 0
    arm_l = a.shoulder_flex[0] - a.shoulder_flex[1]
    assert hip_l * arm_l < 0
    assert max(abs(x) for x in a.hip_flex) < 30  # moderate stride


def test_sitting_puts_thighs_level_at_bench_height() -> None:
    body = _body(pose="sitting", height_m=1.75)
    legs = [c for c in body.chains if c.role == "bottom" and len(c.points) == 5]
    for leg in legs:
        hip, knee = leg.points[0], leg.points[2]
        assert abs(knee[2] - hip[2]) < 0.1 and knee[0] - hip[0] > 0.3
    assert 0.42 <= legs[0].points[0, 2] <= 0.6
    assert body.seat is not None and body.seat[1] < legs[0].points[2, 2]


H = 1.75


def test_hands_have_a_thumb() -> None:
    body = _body(height_m=H)
    thumbs = [
        c
        for c in body.chains
        if c.role == "skin" and len(c.points) == 2 and c.points[:, 2].max() < 0.6 * H
    ]
    assert len(thumbs) == 2
    for t in thumbs:  # pointing forward, off the hand
        assert t.points[1, 0] > t.points[0, 0] + 0.01


def _lying_world(lying_pose: str, h: float = 1.72):
    """Surface sample points of a lying body (chain points +- radii, shell extremes) in a
    world frame heading +x, lowest point on z = 0; and the body with its rotation."""
    from twinflash.render.people_body import lying_matrix

    body = _body(pose="lying", lying_pose=lying_pose, height_m=h)
    rot = lying_matrix(lying_pose)
    world = _surface_points(body) @ rot.T
    lift = -world[:, 2].min()
    return world + np.array([0.0, 0.0, lift]), body, rot, lift


def _surface_points(body: BodyGeometry) -> np.ndarray:
    """Points on a body's surface, in its own frame: chain points +- their largest radius
    along each axis, shell extremes."""
    pts = [
        q + sign * r.max() * axis
        for c in body.chains
        for q, r in zip(c.points, c.radii, strict=True)
        for axis in np.eye(3)
        for sign in (1, -1)
    ]
    pts += [
        s.center + sign * s.radii * axis
        for s in body.shells
        for axis in np.eye(3)
        for sign in (1, -1)
    ]
    return np.array(pts)


def test_lying_pose_matrices_are_rotations_rolling_about_the_long_axis() -> None:
    from twinflash.render.people_body import lying_matrix

    up = np.array([0.0, 0.0, 1.0])  # the body's long axis goes along the heading in every pose
    fronts = {"back": (0, 0, 1), "side": (0, -1, 0), "face_down": (0, 0, -1), "curled": (0, -1, 0)}
    for pose, front in fronts.items():
        m = lying_matrix(pose)
        assert m @ m.T == pytest.approx(np.eye(3)) and np.linalg.det(m) == pytest.approx(1.0)
        assert m @ up == pytest.approx([1.0, 0.0, 0.0])
        assert m @ np.array([1.0, 0.0, 0.0]) == pytest.approx(front), pose


def test_on_the_side_the_body_stands_taller_and_the_upper_knee_rests_ahead() -> None:
    h = 1.72
    back, *_ = _lying_world("back", h)
    side, body, rot, lift = _lying_world("side", h)
    # On the back the body is as high as the chest is deep; on the side, as the shoulders
    # are wide: much higher, and much narrower across the ground than the splayed limbs.
    assert np.ptp(side[:, 2]) > 1.3 * np.ptp(back[:, 2])
    assert np.ptp(side[:, 1]) / h < 0.85 * np.ptp(back[:, 1]) / h
    legs = [c.points for c in body.chains if c.role == "bottom" and abs(c.points[0, 1]) > 0.01]
    upper = min(legs, key=lambda p: p[0, 1])  # right leg: the left side lies on the ground
    hip, knee = upper[0] @ rot.T, upper[2] @ rot.T
    front = rot @ np.array([1.0, 0.0, 0.0])  # where the face looks, across the ground
    assert (knee - hip) @ front > 0.15 * h  # the upper knee is well ahead of the hips
    assert knee[2] + lift < 0.1 * h  # and down near the ground
    head = rot @ body.head_center + [0, 0, lift]
    hands = [  # the neck is a 3-point skin chain too, but starts on the body's midline
        c.points
        for c in body.chains
        if c.role == "skin" and len(c.points) == 3 and abs(c.points[0, 1]) > 1e-6
    ]
    under = [p for p in hands if np.linalg.norm(p[1] @ rot.T + [0, 0, lift] - head) < 0.12 * h]
    assert under and all((p[1] @ rot.T)[2] + lift < head[2] for p in under)  # below the head


def test_curled_body_is_short_along_the_heading() -> None:
    h = 1.72
    curled, body, rot, _ = _lying_world("curled", h)
    back, *_ = _lying_world("back", h)
    assert np.ptp(curled[:, 0]) < 0.75 * h < np.ptp(back[:, 0])
    knees = [c.points[2] @ rot.T for c in body.chains if c.role == "bottom" and len(c.points) == 5]
    hip_x = (rot @ np.array([0.0, 0.0, 0.52 * h]))[0]
    front = rot @ np.array([1.0, 0.0, 0.0])
    assert all((k - [hip_x, 0, 0]) @ front > 0.18 * h for k in knees)  # knees drawn up in front


def test_face_down_puts_the_face_towards_the_ground() -> None:
    for pose, sign in (("face_down", -1.0), ("back", 1.0)):
        _, body, rot, _ = _lying_world(pose)
        c = body.head_center
        head_r = next(s for s in body.shells if s.role == "skin").radii
        nose = next(
            ch.points
            for ch in body.chains
            if len(ch.points) == 2 and np.linalg.norm(ch.points[0] - c) < 1.2 * head_r.max()
        )
        down = rot @ (nose[1] - c)  # from the head's centre to the nose tip, in the world
        assert sign * down[2] > 0.9 * np.linalg.norm(down), pose
        eyes = [rot @ (s.center - c) for s in body.shells if s.role == "eye"]
        assert len(eyes) == 2 and all(sign * e[2] > 0.6 * head_r[0] for e in eyes), pose


@pytest.mark.parametrize("lying_pose", ["side", "curled"])
def test_a_shoulder_bag_lies_on_the_upper_hip_of_a_person_on_the_side(lying_pose: str) -> None:
    from twinflash.render.people_parts import SUBSURF_SHRINK

    body = _body(pose="lying", lying_pose=lying_pose, bag="shoulder_bag")
    bag = next(c for c in body.chains if c.role == "bag" and len(c.points) == 2)
    pelvis = next(c for c in body.chains if c.role == "bottom" and len(c.points) == 3)
    inner = abs(bag.points[0, 1]) - bag.radii[0, 0] / SUBSURF_SHRINK  # its face on the hip
    hip = pelvis.radii[:, 1].max() / SUBSURF_SHRINK  # the visible half-width of the hips
    assert inner < hip  # resting on (a little into) the hip, not floating over it
    standing = _body(bag="shoulder_bag")
    hanging = next(c for c in standing.chains if c.role == "bag" and len(c.points) == 2)
    assert abs(hanging.points[0, 1]) - hanging.radii[0, 0] / SUBSURF_SHRINK > hip  # beside it


@pytest.mark.parametrize("lying_pose", ["back", "side", "face_down", "curled"])
@pytest.mark.parametrize("build", ["slim", "heavy"])
def test_a_lying_body_stays_inside_the_ground_space_the_sampler_keeps_for_it(
    lying_pose: str, build: str
) -> None:
    """Placement keeps a capsule from the person's spot along the heading, `height_m` long,
    for a lying person: every part of the body (splayed arms, a raised knee, arms above the
    head) must lie inside it, or two people could be placed one through the other."""
    from twinflash.datasets.placement import Capsule

    h = 1.9
    cap = Capsule.person(0.0, 0.0, 0.0, "lying", h)
    rng = np.random.default_rng(7)
    for jitter in (np.ones(8), -np.ones(8), rng.uniform(-1, 1, 8)):
        body = build_body(
            Person(x_m=0.0, y_m=0.0, pose="lying", lying_pose=lying_pose, build=build, height_m=h),
            jitter,
        )
        world = _surface_points(body) @ lying_matrix(lying_pose).T
        along = np.clip(world[:, 0], cap.ax, cap.bx)
        assert np.hypot(world[:, 0] - along, world[:, 1]).max() <= cap.radius_m
