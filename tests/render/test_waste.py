"""Dumped waste rendered and annotated: category `waste` with its kind, and boxes where
the scene puts the objects (the projection of each item's cuboid, computed here from the
scene values alone). One small render (320x240, 2 samples)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

pytest.importorskip("bpy")

from twinflash.camera import CameraModel
from twinflash.pipeline import render_to_dir
from twinflash.scene.io import parse_scene
from twinflash.scene.layout import CURB_HEIGHT_M
from twinflash.scene.models import Waste

pytestmark = pytest.mark.blender

SCENE = {
    "name": "waste",
    "place": {"kind": "street", "length_m": 40, "zebra_crossing_x_m": None, "trees": False,
              "bollards": False, "benches": False},
    "camera": {"x_m": -1.0, "y_m": -3.5, "height_m": 1.6, "yaw_deg": -62, "pitch_deg": 25,
               "focal_length_mm": 26, "resolution_wh": [320, 240]},
    "light": {"local_time": "13:00:00"},
    "quality": {"preset": "custom", "samples": 2, "denoise": False},
    "waste": [
        {"kind": "appliance", "x_m": 0.6, "y_m": -7.0, "heading_deg": 180},
        {"kind": "rubble_bag", "x_m": -1.0, "y_m": -7.4, "heading_deg": 20, "size": 0.8},
        {"kind": "mattress", "x_m": 2.6, "y_m": -8.3, "heading_deg": 180, "against_wall": True},
    ],
}  # fmt: skip


def _cuboid_box(cam: CameraModel, w: Waste) -> np.ndarray:
    """Pixel extent of the item's (length, depth, height) cuboid on the sidewalk."""
    length, depth, height = w.dimensions_m
    a = math.radians(w.heading_deg)
    c, s = math.cos(a), math.sin(a)
    pts = [
        (w.x_m + u * c - v * s, w.y_m + u * s + v * c, CURB_HEIGHT_M + z)
        for u in (-length / 2, length / 2)
        for v in (-depth / 2, depth / 2)
        for z in (0.0, height)
    ]
    uv, _ = cam.project(np.array(pts))
    return np.r_[uv.min(axis=0), uv.max(axis=0)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict]:
    scene = parse_scene(SCENE)
    out = tmp_path_factory.mktemp("waste") / "out"
    render_to_dir(scene, out)
    return scene, json.loads((out / "annotations.json").read_text())


def test_waste_is_its_own_category_with_its_kind(rendered: tuple[object, dict]) -> None:
    _, coco = rendered
    cats = {c["id"]: c["name"] for c in coco["categories"]}
    anns = coco["annotations"]
    assert [cats[a["category_id"]] for a in anns] == ["waste"] * 3
    assert [a["attributes"]["kind"] for a in anns] == ["appliance", "rubble_bag", "mattress"]
    assert anns[0]["attributes"]["color"] == "#f0f0ee"  # the kind's colour, made explicit
    assert all(a["area"] > 200 for a in anns)


def test_boxes_are_where_the_scene_puts_the_objects(rendered: tuple[object, dict]) -> None:
    scene, coco = rendered
    cam = CameraModel(
        position_m=np.array([scene.camera.x_m, scene.camera.y_m, scene.camera.height_m]),
        yaw_deg=scene.camera.yaw_deg,
        pitch_deg=scene.camera.pitch_deg,
        focal_length_mm=scene.camera.focal_length_mm,
        sensor_width_mm=scene.camera.sensor_width_mm,
        resolution_wh=scene.camera.resolution_wh,
    )
    for ann, w in zip(coco["annotations"], scene.waste, strict=True):
        x, y, bw, bh = ann["amodal_bbox"]
        got = np.array([x, y, x + bw, y + bh])
        expected = _cuboid_box(cam, w)
        # the meshes fill their cuboid (a bulging bag, flaps and knobs stay within ~3 cm)
        assert np.abs(got - expected).max() < 4.0, (w.kind, got, expected)
