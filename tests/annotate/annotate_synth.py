"""Synthetic frames with hand-computed truth.

The camera sits at the world origin looking along +x, level (yaw 0, pitch 0), with a
36 mm lens on a 36 mm sensor at 640x480: f = 640 px, principal point (320, 240). A point
(X, Y, Z) lands at u = 320 - 640 Y / X, v = 240 - 640 Z / X (y is to the left, z up), so a
1 m square at 10 m covers 64 x 64 pixels.
"""

from __future__ import annotations

import numpy as np

from twinflash.camera import CameraModel
from twinflash.frame import Frame, ObjectGeometry
from twinflash.scene.models import Person, Scene, Vehicle

W, H = 640, 480


def make_camera(resolution_wh: tuple[int, int] = (W, H)) -> CameraModel:
    return CameraModel(np.zeros(3), 0.0, 0.0, 36.0, 36.0, resolution_wh)


def facing_quad(
    x: float, y0: float, y1: float, z0: float, z1: float
) -> tuple[np.ndarray, np.ndarray]:
    """A rectangle at depth x facing the camera; (vertices, triangles)."""
    v = np.array([[x, y0, z0], [x, y1, z0], [x, y1, z1], [x, y0, z1]], dtype=float)
    return v, np.array([[0, 1, 2], [0, 2, 3]])


def make_scene() -> Scene:
    return Scene(
        name="synthetic",
        people=[
            Person(x_m=10, y_m=0, pose="walking", skin_tone=7, height_m=1.8),
            Person(x_m=10, y_m=-1, pose="standing", skin_tone=2),
        ],
        vehicles=[
            Vehicle(model="citroen_c3_3", x_m=8, y_m=1, color="#aa0000", plate_text="AB-123-CD")
        ],
    )


def blank(resolution_wh: tuple[int, int] = (W, H)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    w, h = resolution_wh
    rgb = np.full((h, w, 3), 90, dtype=np.uint8)
    rgb[: h // 2] = (150, 170, 200)  # sky-ish top half, so overlays have something to sit on
    return rgb, np.zeros((h, w), dtype=np.uint16), np.full((h, w), np.inf, dtype=np.float32)


def make_frame() -> Frame:
    """Known truth, all in pixels (rows, columns are [start, stop) index ranges):

    id 1 person 0: 1 m square at 10 m, y in [-0.5, 0.5], z in [-0.5, 0.5]
        -> amodal cols 288:352, rows 208:272 (64 x 64); its left half (cols 288:320) is
        hidden by id 3, so visible cols 320:352 -> visibility 0.5. Head at (10, 0, 0.3)
        -> pixel (320, 220.8), visible.
    id 3 vehicle 0: square at 5 m, y in [0, 0.25], z in [-0.25, 0.25] -> cols 288:320,
        rows 208:272, fully visible, with plate id 4 in front of it.
    id 4 plate of vehicle 0, on the car's plane: corners project to (296, 250), (312, 250),
        (312, 256), (296, 256) -> pixels rows 250:256, cols 296:312 (inside the car's box).
    id 2 person 1: no pixel at all (fully hidden), mesh centred at 20 m.
    id 300: pixels without an object (a prop the annotator must ignore).
    """
    cam = make_camera()
    rgb, ids, depth = blank()
    ids[208:272, 320:352] = 1
    depth[208:272, 320:352] = 10.0
    ids[208:272, 288:320] = 3
    depth[208:272, 288:320] = 5.0
    ids[250:256, 296:312] = 4
    depth[250:256, 296:312] = 5.0
    ids[0:4, 0:4] = 300
    rgb[ids == 1] = (200, 60, 60)
    rgb[ids == 3] = (60, 60, 200)
    person_v, person_t = facing_quad(10.0, -0.5, 0.5, -0.5, 0.5)
    hidden_v, hidden_t = facing_quad(20.0, -1.5, -0.5, -1.0, 1.0)
    car_v, car_t = facing_quad(5.0, 0.0, 0.25, -0.25, 0.25)
    # plate 0.125 x 0.046875 m on the car's front plane (x = 5 m): TL, TR, BR, BL as seen
    y_l, y_r, z_t, z_b = 0.1875, 0.0625, -0.078125, -0.125
    plate_corners = np.array([[5.0, y_l, z_t], [5.0, y_r, z_t], [5.0, y_r, z_b], [5.0, y_l, z_b]])
    objects = [
        ObjectGeometry(
            1, "person", 0, person_v, person_t, head_center_world=np.array([10.0, 0.0, 0.3])
        ),
        ObjectGeometry(
            2, "person", 1, hidden_v, hidden_t, head_center_world=np.array([20.0, -1.0, 0.9])
        ),
        ObjectGeometry(3, "vehicle", 0, car_v, car_t),
        ObjectGeometry(
            4,
            "license_plate",
            0,
            plate_corners,
            np.array([[0, 1, 2], [0, 2, 3]]),
            plate_corners_world=plate_corners,
            plate_text="AB-123-CD",
        ),
    ]
    return Frame(
        rgb, ids, depth, cam, objects, scene_values={"sun_elevation_deg": 41.5, "night": False}
    )
