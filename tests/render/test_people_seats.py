"""Seat heights and the seated legs that reach them (numpy only, no Blender)."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.render.people_body import Proportions, build_body
from twinflash.render.people_seats import (
    SEAT_FLESH,
    SeatSpec,
    hip_height,
    seat_spec,
    thigh_elevation_deg,
)
from twinflash.scene.layout import CURB_HEIGHT_M
from twinflash.scene.models import Person

NO_JITTER = np.zeros(8)
KINDS = ("bench", "cafe_chair", "steps", "curb")


def _legs(person: Person, spec: SeatSpec | None) -> list[np.ndarray]:
    body = build_body(person, NO_JITTER, seat=spec)
    return [c.points for c in body.chains if c.role == "bottom" and len(c.points) == 5]


def test_seat_heights_are_those_of_paris_street_things() -> None:
    assert seat_spec("block") is None  # the builder's own, fitted to the legs
    assert (seat_spec("bench").top_z, seat_spec("bench").foot_z) == (0.46, 0.0)
    assert (seat_spec("cafe_chair").top_z, seat_spec("cafe_chair").foot_z) == (0.46, 0.0)
    assert (seat_spec("steps").top_z, seat_spec("steps").foot_z) == (0.32, 0.16)
    at_curb, loose = seat_spec("curb", at_curb=True), seat_spec("curb")
    assert (at_curb.top_z, at_curb.foot_z) == (0.0, -CURB_HEIGHT_M)  # feet in the gutter
    assert (loose.top_z, loose.foot_z) == (CURB_HEIGHT_M, 0.0)  # a kerb stone on the ground
    with pytest.raises(ValueError, match="seat: unknown kind 'sofa'"):
        seat_spec("sofa")


def test_thighs_rise_on_low_seats_slope_a_little_on_high_ones_and_else_stay_level() -> None:
    assert thigh_elevation_deg(0.3, 0.6, 0.4) == pytest.approx(48.59, abs=0.01)  # asin(0.75)
    assert thigh_elevation_deg(0.3, 0.9, 0.4) == 65.0  # knees never above 65 degrees
    assert thigh_elevation_deg(0.55, 0.5, 0.4) == pytest.approx(-7.18, abs=0.01)
    assert thigh_elevation_deg(0.55, 0.3, 0.4) == 0.0  # cannot reach: level, feet dangle


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("height", "age"), [(1.75, "adult"), (1.95, "adult"), (1.6, "elderly")])
def test_hips_rest_on_the_seat_and_ankles_over_the_foot_rest(
    kind: str, height: float, age: str
) -> None:
    person = Person(x_m=0, y_m=0, pose="sitting", seat=kind, height_m=height, age_group=age)
    spec = seat_spec(kind, at_curb=kind == "curb")
    assert spec is not None
    p = Proportions.for_age(age)
    for leg in _legs(person, spec):
        hip, knee, ankle = leg[0], leg[2], leg[4]
        assert hip[2] - 0.035 * height == pytest.approx(hip_height(spec, height, 1.0), abs=1e-9)
        assert knee[0] > hip[0] + 0.15  # the thighs go forward
        # the ankle (chain end, 2% of H past the joint) over its rest, under the knee
        assert ankle[2] + 0.02 * height == pytest.approx(spec.foot_z + p.ankle_z * height, abs=0.01)
        assert abs(ankle[0] - knee[0]) < 0.01


def test_the_pelvis_reaches_down_to_a_real_seat() -> None:
    person = Person(x_m=0, y_m=0, pose="sitting", seat="bench", height_m=1.75)
    spec = seat_spec("bench")
    body = build_body(person, NO_JITTER, seat=spec)
    pelvis = next(c for c in body.chains if c.role == "bottom" and len(c.points) == 3)
    assert pelvis.points[0, 2] == pytest.approx(spec.top_z - 0.015, abs=1e-9)
    assert body.seat is None  # no block under a real seat
    hip = hip_height(spec, 1.75, 1.0)
    assert hip - pelvis.points[0, 2] == pytest.approx(SEAT_FLESH * 1.75, abs=1e-9)


def test_a_child_on_a_bench_dangles_its_feet_under_level_thighs() -> None:
    person = Person(x_m=0, y_m=0, pose="sitting", seat="bench", height_m=1.2, age_group="child")
    for leg in _legs(person, seat_spec("bench")):
        assert leg[2][2] == pytest.approx(leg[0][2] - 0.035 * 1.2, abs=0.02)  # knee ~ hip
        assert leg[4][2] > 0.1  # the ankle well off the ground


def test_without_a_seat_spec_the_block_sitter_is_unchanged() -> None:
    person = Person(x_m=0, y_m=0, pose="sitting", height_m=1.75)
    old = build_body(person, NO_JITTER)
    assert old.seat is not None
    spec = seat_spec("curb", at_curb=True)
    standing = Person(x_m=0, y_m=0, height_m=1.75)  # a seat means nothing to a standing person
    a, b = build_body(standing, NO_JITTER), build_body(standing, NO_JITTER, seat=spec)
    for ca, cb in zip(a.chains, b.chains, strict=True):
        np.testing.assert_array_equal(ca.points, cb.points)
