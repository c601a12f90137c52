"""Blender's camera placed from the shared model projects exactly as the annotator does."""

from __future__ import annotations

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from bpy_extras.object_utils import world_to_camera_view  # noqa: E402
from mathutils import Vector  # noqa: E402
from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.camera import camera_model, setup_camera  # noqa: E402

pytestmark = pytest.mark.blender


def test_blender_and_the_camera_model_put_points_on_the_same_pixels() -> None:
    ctx = fresh({"camera": {"x_m": -5, "y_m": 1, "height_m": 4, "yaw_deg": 20, "pitch_deg": 15,
                            "focal_length_mm": 28, "resolution_wh": [320, 200]}})  # fmt: skip
    model = camera_model(ctx.scene.camera)
    assert model.resolution_wh == (320, 200) and model.position_m.tolist() == [-5, 1, 4]
    obj = setup_camera(model)
    bpy.context.view_layer.update()
    scene = bpy.context.scene
    assert scene.camera is obj and (scene.render.resolution_x, scene.render.resolution_y) == (
        320,
        200,
    )
    points = np.array([[10.0, 3.0, 0.0], [6.0, -2.0, 1.5], [20.0, 8.0, 5.0]])
    uv, _ = model.project(points)
    for p, (u, v) in zip(points, uv, strict=True):
        ndc = world_to_camera_view(scene, obj, Vector(p))
        assert (ndc.x * 320, (1 - ndc.y) * 200) == pytest.approx((u, v), abs=1e-3)
