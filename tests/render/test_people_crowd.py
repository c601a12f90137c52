"""The realism-check crowd: people in the view, at the asked distances, boxes apart."""

from __future__ import annotations

import itertools

import numpy as np

from twinflash.camera import CameraModel
from twinflash.render.people_crowd import STREET_CAMERA, street_crowd
from twinflash.scene.models import Camera, Person

BODY_HALF_WIDTH_M = 0.3  # inside the 0.45 m the crowd keeps free around each person


def _cam() -> CameraModel:
    c = Camera(**STREET_CAMERA)
    return CameraModel(np.array([c.x_m, c.y_m, c.height_m]), c.yaw_deg, c.pitch_deg,
                       c.focal_length_mm, c.sensor_width_mm, c.resolution_wh)  # fmt: skip


def test_a_crowd_fills_the_frame_left_to_right_without_overlap() -> None:
    cam = _cam()
    people = street_crowd(0, cam, dist_m=(6.0, 15.0))
    assert 6 <= len(people) <= 16
    assert street_crowd(0, cam) == people and street_crowd(1, cam) != people
    boxes = []
    for p in people:
        Person(**p)  # every mapping is a valid person
        depth = cam.to_camera(np.array([[p["x_m"], p["y_m"], cam.position_m[2]]]))[0, 2]
        assert 6.0 - 0.01 <= depth <= 15.0 + 0.01  # planar depth, as the crowd is laid out
        body = BODY_HALF_WIDTH_M  # a standing or walking body, arms and stride in
        corners = np.array([[p["x_m"] + dx, p["y_m"] + dy, z] for dx in (-body, body)
                            for dy in (-body, body) for z in (0, p["height_m"])])  # fmt: skip
        uv, _ = cam.project(corners)
        boxes.append((uv[:, 0].min(), uv[:, 0].max()))
    assert all(lo >= -1 and hi <= 1281 for lo, hi in boxes)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(boxes))  # side by side
