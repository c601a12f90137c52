"""The night infra-red speed-camera look: monochrome, the plate the brightest thing on the
flashed vehicle, the camera placed and annotations computed exactly as in colour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from twinflash.scene.io import load_scene

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scenes"


def test_ir_preset_places_the_camera_like_the_colour_speed_camera() -> None:
    ir = load_scene(EXAMPLES / "speed_camera_ir_night.yaml")
    colour = load_scene(EXAMPLES / "speed_camera.yaml")
    assert ir.camera.preset == "speed_camera_ir" and ir.camera.target_vehicle == 0
    for field in ("x_m", "y_m", "height_m", "yaw_deg", "pitch_deg", "focal_length_mm"):
        assert getattr(ir.camera, field) == pytest.approx(getattr(colour.camera, field)), field


def test_to_infrared_is_gray_and_keeps_the_order_of_brightness() -> None:
    pytest.importorskip("bpy")  # twinflash.render needs bpy installed (imports it lazily here)
    from twinflash.render.infrared import to_infrared

    rgb = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    ir = to_infrared(rgb)
    assert ir.shape == rgb.shape and ir.dtype == np.uint8
    assert (ir[..., 0] == ir[..., 1]).all() and (ir[..., 1] == ir[..., 2]).all()
    assert to_infrared(np.full((1, 1, 3), 255, np.uint8))[0, 0, 0] == 255
    assert to_infrared(np.zeros((1, 1, 3), np.uint8))[0, 0, 0] == 0
    ramp = np.repeat(np.arange(256, dtype=np.uint8)[:, None, None], 3, axis=2)
    assert (np.diff(to_infrared(ramp)[:, 0, 0].astype(int)) >= 0).all()


@pytest.mark.blender
def test_night_ir_render_is_monochrome_with_a_bright_plate() -> None:
    pytest.importorskip("bpy")
    from twinflash.render import engine

    def render(path: Path):
        scene = load_scene(path)
        cam = scene.camera.model_copy(update={"resolution_wh": (160, 120)})
        quality = scene.quality.model_copy(update={"preset": "custom", "samples": 4})
        return engine.render_scene(scene.model_copy(update={"camera": cam, "quality": quality}))

    ir = render(EXAMPLES / "speed_camera_ir_night.yaml")
    rgb = ir.rgb.astype(int)
    assert (rgb[..., 0] == rgb[..., 1]).all() and (rgb[..., 1] == rgb[..., 2]).all()
    gray = rgb[..., 0]
    plate = next(o for o in ir.objects if o.kind == "license_plate" and o.scene_index == 0)
    on_plate = ir.instance_ids == plate.instance_id
    body = next(o for o in ir.objects if o.kind == "vehicle" and o.scene_index == 0)
    on_body = ir.instance_ids == body.instance_id
    background = ~np.isin(ir.instance_ids, [o.instance_id for o in ir.objects])
    assert on_plate.sum() >= 10, "the plate should cover some pixels at 160x120"
    plate_level = np.percentile(gray[on_plate], 75)  # its white ground, not the characters
    dark = np.median(gray[background])
    assert plate_level > 2.0 * dark, (plate_level, dark)
    assert plate_level > np.median(gray[on_body])
    # annotations exactly as in the colour render of the same scene at night
    scene = load_scene(EXAMPLES / "speed_camera_ir_night.yaml")
    cam = scene.camera.model_copy(update={"resolution_wh": (160, 120), "preset": "speed_camera"})
    quality = scene.quality.model_copy(update={"preset": "custom", "samples": 1})
    day = engine.render_scene(scene.model_copy(update={"camera": cam, "quality": quality}))
    assert not (day.rgb[..., 0] == day.rgb[..., 2]).all()  # the colour camera sees colour
    np.testing.assert_array_equal(day.instance_ids, ir.instance_ids)
    np.testing.assert_allclose(day.depth_m, ir.depth_m, rtol=1e-5)
