"""The pieces of a person: rotating forward about a pivot (what leans a torso or a coat)."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.render.people_parts import rot_fwd


def test_rot_fwd_leans_the_top_forward_about_the_pivot() -> None:
    pivot = np.array([0.0, 0.0, 1.0])
    top = np.array([0.0, 0.3, 2.0])  # 1 m above the pivot, off to the left
    leaned = rot_fwd(top, pivot, 90.0)
    assert leaned == pytest.approx([1.0, 0.3, 1.0])  # forward (+x), lateral kept
    assert rot_fwd(pivot, pivot, 37.0) == pytest.approx(pivot)  # the pivot stays


def test_rot_fwd_keeps_distances_and_the_shape_of_its_input() -> None:
    rng = np.random.default_rng(3)
    pts = rng.normal(size=(20, 3))
    pivot = np.array([0.1, -0.2, 0.9])
    out = rot_fwd(pts, pivot, -23.0)
    assert out.shape == pts.shape
    assert np.linalg.norm(out - pivot, axis=1) == pytest.approx(np.linalg.norm(pts - pivot, axis=1))
    assert rot_fwd(out, pivot, 23.0) == pytest.approx(pts)
