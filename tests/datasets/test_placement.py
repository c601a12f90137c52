"""Footprints of people and vehicles against hand-computed cases."""

from __future__ import annotations

import pytest

from twinflash.datasets.placement import (
    Capsule,
    Rect,
    capsules_overlap,
    rects_overlap,
)


def test_geometry_helpers_against_hand_cases() -> None:
    lying = Capsule.person(0, 0, 90, "lying", 1.8)  # feet at the origin, head at (0, 1.8)
    assert capsules_overlap(lying, Capsule.person(0.5, 1.7, 0, "standing", 1.7))
    # the arms and a raised knee reach ~0.45 H sideways: clear beyond that, the gap and a radius
    assert capsules_overlap(lying, Capsule.person(1.0, 1.7, 0, "standing", 1.7))
    assert not capsules_overlap(lying, Capsule.person(1.4, 1.7, 0, "standing", 1.7))
    car = Rect(0, 0, 0, 4.0, 2.0)
    assert car.distance_to(3.0, 0.0) == pytest.approx(1.0)
    assert rects_overlap(car, Rect(4.5, 0, 180, 4.0, 2.0), gap_m=0.8)
    assert not rects_overlap(car, Rect(5.0, 0, 180, 4.0, 2.0), gap_m=0.8)
