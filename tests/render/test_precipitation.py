"""Rain and snow: seeded particles in the camera's view, as many as the intensity asks."""

from __future__ import annotations

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.camera import camera_model  # noqa: E402
from twinflash.render.precipitation import (  # noqa: E402
    RAIN_MAX_STREAKS,
    SNOW_FLAKES,
    _positions_in_view,
    add_rain,
    add_snow,
)

pytestmark = pytest.mark.blender
CAMERA = {"x_m": 0, "y_m": 0, "height_m": 2, "resolution_wh": [160, 120]}


def test_positions_are_in_view_between_near_and_far_denser_far_away() -> None:
    ctx = fresh({"camera": CAMERA})
    cam = camera_model(ctx.scene.camera)
    pts = _positions_in_view(cam, np.random.default_rng(0), 4000, 1.0, 10.0)
    dist = np.linalg.norm(pts - cam.position_m, axis=1)
    assert dist.min() >= 1.0 and dist.max() <= 10.0
    assert np.mean(dist > 5.5) > 0.6  # density grows with distance (pdf ~ distance)
    uv, depth = cam.project(pts)
    inside = (uv[:, 0] > -0.06 * 160) & (uv[:, 0] < 1.06 * 160) & (depth > 0)
    assert inside.all()


def test_rain_streaks_scale_with_intensity_and_are_seeded() -> None:
    ctx = fresh({"camera": CAMERA, "weather": {"kind": "rain"}})
    rain = add_rain(ctx, 0.5, (0.5, 0.5, 0.5))
    assert len(rain.data.polygons) == int(RAIN_MAX_STREAKS * 0.5)
    first = [tuple(v.co) for v in rain.data.vertices[:4]]
    ctx = fresh({"camera": CAMERA, "weather": {"kind": "rain"}})
    again = add_rain(ctx, 0.5, (0.5, 0.5, 0.5))
    assert [tuple(v.co) for v in again.data.vertices[:4]] == first


def test_snow_is_hexagonal_flakes() -> None:
    ctx = fresh({"camera": CAMERA, "weather": {"kind": "snow"}})
    snow = add_snow(ctx, (0.6, 0.6, 0.6))
    assert len(snow.data.polygons) == SNOW_FLAKES
    assert {len(p.vertices) for p in snow.data.polygons} == {6}
