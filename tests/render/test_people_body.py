"""Body geometry (numpy only, no Blender): proportions, builds, ages and poses."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.render.people_body import MST_HEX, build_body, pose_angles
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


@pytest.mark.parametrize("hair", ["bald", "short", "long", "bun"])
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
