"""Resolving a scene: seeded random values, camera presets and quality presets made explicit."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from twinflash.errors import InputError
from twinflash.scene.io import load_scene, parse_scene


def test_random_plates_are_seeded() -> None:
    data = {"seed": 9, "vehicles": [{"model": "peugeot_208_2", "x_m": 0, "y_m": -2}]}
    assert parse_scene(data).vehicles[0].plate_text == parse_scene(data).vehicles[0].plate_text
    other = parse_scene({**data, "seed": 10}).vehicles[0].plate_text
    assert other != parse_scene(data).vehicles[0].plate_text


def test_speed_camera_faces_the_target_vehicle_off_axis(examples_dir: Path) -> None:
    scene = load_scene(examples_dir / "speed_camera.yaml")
    cam, v = scene.camera, scene.vehicles[0]
    assert 0.5 <= cam.height_m <= 1.5
    # the camera looks back along the vehicle's axis, 10-25 degrees off it
    off = abs(((cam.yaw_deg - (v.heading_deg + 180)) + 180) % 360 - 180)
    assert 5 <= off <= 25
    assert abs(cam.y_m) >= scene.place.half_road_m  # on the roadside, not in the lane


def test_quality_presets_apply() -> None:
    assert parse_scene({"quality": {"preset": "final"}}).quality.samples == 64
    assert parse_scene({"quality": {"preset": "final", "samples": 100}}).quality.samples == 100


def test_speed_camera_distance_and_fixed_lens(examples_dir: Path) -> None:
    import math

    from twinflash.scene.catalog import get_vehicle_model

    data = yaml.safe_load((examples_dir / "speed_camera.yaml").read_text())
    near, far = ({**data, "camera": {**data["camera"], "distance_m": d, "focal_length_mm": 70.0}}
                 for d in (8.0, 12.0))  # fmt: skip
    for given, d in ((near, 8.0), (far, 12.0)):
        scene = parse_scene(given)
        cam, v = scene.camera, scene.vehicles[0]
        h = math.radians(v.heading_deg)
        half = get_vehicle_model(v.model).length_m / 2
        front = (v.x_m + math.cos(h) * half, v.y_m + math.sin(h) * half)
        assert math.hypot(cam.x_m - front[0], cam.y_m - front[1]) == pytest.approx(d)
        assert cam.focal_length_mm == 70.0  # a fixed lens: farther is smaller
    with pytest.raises(InputError, match="distance_m"):
        parse_scene({**data, "camera": {**data["camera"], "distance_m": 1.0}})
