"""Procedural people against known truth: the camera model, and a real people detector.

The HOG test is the issue's realism criterion: OpenCV's pretrained people detector must
find >= 75% of the standing/walking people (>= 128 px tall, >= 80% visible) in a sunny
street at 1280x720, while plain pillars of the same sizes at the same places score < 0.2.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

pytest.importorskip("bpy")

from twinflash.annotate.annotator import annotate_frame
from twinflash.audit.hog import hog_people_recall
from twinflash.frame import Frame
from twinflash.render import engine, people, street
from twinflash.render.camera import camera_model
from twinflash.render.people_crowd import PLACE, STREET_CAMERA, street_crowd
from twinflash.scene.io import parse_scene
from twinflash.scene.models import Scene

pytestmark = pytest.mark.blender

SIDE_CAM = {
    "x_m": 0.0,
    "y_m": -10.0,
    "height_m": 1.6,
    "yaw_deg": 90.0,
    "pitch_deg": 0.0,
    "focal_length_mm": 35.0,
    "resolution_wh": [640, 480],
}


def _render(people_: list[dict], camera: dict, quality: dict | None = None) -> tuple[Scene, Frame]:
    scene = parse_scene(
        {
            "place": PLACE,
            "people": people_,
            "camera": camera,
            "quality": {"preset": "custom", "samples": 8, **(quality or {})},
        }
    )
    return scene, engine.render_scene(scene)


# The geometry tests read masks and heads only: those come from the exact pass, whose
# settings are fixed whatever the beauty image's (test_engine.py checks it), so a
# 1-sample beauty gives the very same masks as 8 samples, for half the time.
MASKS_ONLY = {"samples": 1, "denoise": False}


@pytest.mark.parametrize("pose", ["standing", "walking"])
def test_person_spans_ground_to_height_and_head_is_inside(
    monkeypatch: pytest.MonkeyPatch, pose: str
) -> None:
    monkeypatch.setattr(street, "build_place", street.build_bare_ground)
    h_m, x, y = 1.74, 0.3, 0.0
    scene, frame = _render(
        [
            {
                "x_m": x,
                "y_m": y,
                "heading_deg": 0.0,
                "height_m": h_m,
                "pose": pose,
                "stride_phase": 0.25,
            }
        ],
        SIDE_CAM,
        MASKS_ONLY,
    )
    cam = camera_model(scene.camera)
    ys, _ = np.nonzero(frame.instance_ids == 1)
    (top_uv, bottom_uv), _ = cam.project(np.array([[x, y, h_m], [x, y, 0.0]]))
    if pose == "standing":
        assert ys.min() == pytest.approx(top_uv[1], abs=2.5)
    else:  # a stride lowers the hips a little: the crown stays at or below the height
        assert top_uv[1] - 2.5 <= ys.min() <= top_uv[1] + 0.03 * (bottom_uv[1] - top_uv[1])
    assert ys.max() + 1 == pytest.approx(bottom_uv[1], abs=2.5)  # soles on the ground
    head = frame.objects[0].head_center_world
    (head_uv,), _ = cam.project(head[None])
    hi, hj = int(head_uv[1]), int(head_uv[0])
    assert frame.instance_ids[hi, hj] == 1
    assert head_uv[1] - ys.min() < 0.1 * (ys.max() - ys.min())  # in the top tenth
    assert head[2] == pytest.approx(h_m - 0.065 * h_m, abs=0.03 if pose == "standing" else 0.08)


def test_lying_person_is_wide_low_and_head_near_ground(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(street, "build_place", street.build_bare_ground)
    scene, frame = _render(
        [{"x_m": 0.0, "y_m": 0.0, "heading_deg": 0.0, "pose": "lying", "height_m": 1.75}],
        SIDE_CAM,
        MASKS_ONLY,
    )
    cam = camera_model(scene.camera)
    ys, xs = np.nonzero(frame.instance_ids == 1)
    assert xs.max() - xs.min() > 3 * (ys.max() - ys.min())
    (half_m_uv,), _ = cam.project(np.array([[0.0, 0.0, 0.5]]))
    assert ys.min() > half_m_uv[1] + 5  # the whole body stays well below 0.5 m
    head = frame.objects[0].head_center_world
    assert head[2] < 0.25 and head[0] > 0.6  # head along the heading (+x), near the ground


def test_every_lying_pose_touches_the_ground_and_its_head_is_in_its_mask(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(street, "build_place", street.build_bare_ground)
    poses = ("back", "side", "face_down", "curled")
    lying = [
        {"x_m": -4.2 + 2.2 * i, "y_m": 0.0, "heading_deg": 20.0, "pose": "lying", "lying_pose": p}
        for i, p in enumerate(poses)
    ]
    above = {"x_m": 0.0, "y_m": -6.0, "height_m": 2.6, "yaw_deg": 90.0, "pitch_deg": 22.0}
    camera = {**above, "focal_length_mm": 24.0, "resolution_wh": [320, 240]}
    scene, frame = _render(lying, camera, MASKS_ONLY)
    cam = camera_model(scene.camera)
    assert [o.scene_index for o in frame.objects] == [0, 1, 2, 3]
    for pose, obj in zip(poses, frame.objects, strict=True):
        assert obj.vertices_world[:, 2].min() == pytest.approx(0.0, abs=1e-4), pose
        head = obj.head_center_world
        assert 0.08 < head[2] < 0.35, pose  # near the ground, off it by about a head
        (uv,), _ = cam.project(head[None])
        assert frame.instance_ids[int(uv[1]), int(uv[0])] == obj.instance_id, pose


def test_sitting_person_has_feet_on_the_ground_and_head_at_seated_height(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(street, "build_place", street.build_bare_ground)
    h_m = 1.75
    scene, frame = _render(
        [{"x_m": 0.0, "y_m": 0.0, "heading_deg": 0.0, "pose": "sitting", "height_m": h_m}],
        SIDE_CAM,
        MASKS_ONLY,
    )
    cam = camera_model(scene.camera)
    ys, _ = np.nonzero(frame.instance_ids == 1)
    (ground_uv, standing_uv), _ = cam.project(np.array([[0.3, 0.0, 0.0], [0.0, 0.0, 0.8 * h_m]]))
    assert ys.max() + 1 == pytest.approx(ground_uv[1], abs=3)  # feet on the ground
    assert ys.min() > standing_uv[1]  # much lower than a standing person
    assert 0.65 * h_m < frame.objects[0].head_center_world[2] < 0.8 * h_m


def street_hog_counts(scene: Scene, frame: Frame) -> tuple[int, int]:
    """(found, eligible) for HOG: visible boxes and visibility from the project's annotator."""
    ann = annotate_frame(frame, scene)
    res = hog_people_recall(frame.rgb, ann.xyxy, ann.visibility)
    return res.n_found, res.n_eligible


CROWD_SEEDS = (6, 7)  # fixed before any recall was measured; ~10 people per frame


def test_hog_finds_people_but_not_pillars(monkeypatch: pytest.MonkeyPatch) -> None:
    cam = camera_model(parse_scene({"place": PLACE, "camera": STREET_CAMERA}).camera)
    crowds = [street_crowd(seed, cam) for seed in CROWD_SEEDS]
    t0 = time.perf_counter()
    counts = [street_hog_counts(*_render(c, STREET_CAMERA)) for c in crowds]
    seconds = time.perf_counter() - t0
    found, eligible = (sum(c[i] for c in counts) for i in (0, 1))
    monkeypatch.setattr(people, "build_person", people.build_pillar)
    p_found, p_eligible = street_hog_counts(*_render(crowds[0], STREET_CAMERA))
    print(
        f"\nHOG recall: people {found}/{eligible} = {found / eligible:.3f}, "
        f"pillars {p_found}/{p_eligible}; {len(counts)} people frames in {seconds:.0f} s"
    )
    assert eligible >= 14
    assert found / eligible >= 0.75
    assert p_found / p_eligible < 0.2
