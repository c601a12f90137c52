"""The night infra-red look: the flash at the lens, the rest dimmed, plates glowing; and the
sensor's monochrome image (its brightness order: tests/render/test_ir_night.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from twinflash.render.infrared import AMBIENT, NIR_GAMMA, NIR_WEIGHTS, is_infrared, to_infrared
from twinflash.scene.models import Camera, Scene


def test_only_the_ir_preset_is_infrared() -> None:
    assert is_infrared(Scene(camera=Camera(preset="speed_camera_ir")))
    assert not is_infrared(Scene(camera=Camera(preset="speed_camera")))


def test_gray_level_leans_on_red_with_its_gamma() -> None:
    pixels = np.array([[[255, 0, 0], [0, 0, 255], [128, 128, 128]]], np.uint8)
    ir = to_infrared(pixels)
    assert (ir[..., 0] == ir[..., 2]).all()
    assert ir[0, 0, 0] == round(255 * NIR_WEIGHTS[0] ** NIR_GAMMA)
    assert ir[0, 1, 0] == round(255 * NIR_WEIGHTS[2] ** NIR_GAMMA)
    assert ir[0, 0, 0] > ir[0, 1, 0]  # a red car is brighter than a blue one in NIR


@pytest.mark.blender
def test_the_flash_is_added_and_everything_else_dimmed() -> None:
    bpy = pytest.importorskip("bpy")
    from tests.render.blender_build import fresh

    from twinflash.render.infrared import FLASH_ABOVE_LENS_M, setup_flash
    from twinflash.render.materials import emission

    ctx = fresh({"camera": {"preset": "custom", "x_m": 1, "y_m": 2, "height_m": 3,
                            "yaw_deg": 90, "pitch_deg": 10}})  # fmt: skip
    lamp = bpy.data.lights.new("lamp", "POINT")
    lamp.energy = 100.0
    window = emission(ctx, "window_lit", "#ffb870", 2.0)
    headlight = emission(ctx, "headlight", "#ffffff", 5.0)
    setup_flash(ctx)
    assert lamp.energy == pytest.approx(100.0 * AMBIENT)
    strength = lambda m: m.node_tree.nodes["Principled BSDF"].inputs["Emission Strength"]  # noqa: E731
    assert strength(window).default_value == pytest.approx(2.0 * AMBIENT)
    assert strength(headlight).default_value == 5.0  # the car's own lamps keep their power
    flash = bpy.data.objects["ir_flash"]
    assert tuple(flash.location) == pytest.approx((1, 2, 3 + FLASH_ABOVE_LENS_M))
    bpy.context.view_layer.update()
    aim = flash.matrix_world.to_3x3() @ __import__("mathutils").Vector((0, 0, -1))
    expected = (0.0, math.cos(math.radians(10)), -math.sin(math.radians(10)))
    assert tuple(aim) == pytest.approx(expected, abs=1e-6)  # along the camera's axis
