"""The shared pinhole model against hand-computed projections."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.camera import CameraModel


def _cam(yaw: float = 0.0, pitch: float = 0.0, res: tuple[int, int] = (1280, 720)) -> CameraModel:
    return CameraModel(np.array([0.0, 0.0, 1.6]), yaw, pitch, 35.0, 36.0, res)


def test_point_straight_ahead_hits_the_principal_point() -> None:
    uv, z = _cam().project(np.array([[10.0, 0.0, 1.6]]))
    assert uv[0] == pytest.approx([640.0, 360.0])
    assert z[0] == pytest.approx(10.0)


def test_left_is_smaller_u_and_up_is_smaller_v() -> None:
    cam = _cam()
    f_px = 35.0 / 36.0 * 1280
    uv, _ = cam.project(np.array([[10.0, 1.0, 1.6], [10.0, 0.0, 2.6]]))
    assert uv[0] == pytest.approx([640.0 - f_px / 10, 360.0])
    assert uv[1] == pytest.approx([640.0, 360.0 - f_px / 10])


@pytest.mark.parametrize("yaw", [0.0, 37.0, -120.0, 180.0])
def test_yaw_turns_the_view(yaw: float) -> None:
    a = np.radians(yaw)
    target = np.array([[10 * np.cos(a), 10 * np.sin(a), 1.6]])
    uv, z = _cam(yaw=yaw).project(target)
    assert uv[0] == pytest.approx([640.0, 360.0], abs=1e-6)
    assert z[0] == pytest.approx(10.0)


def test_straight_down_pitch_sees_the_point_below() -> None:
    uv, z = _cam(pitch=90.0).project(np.array([[0.0, 0.0, 0.0]]))
    assert uv[0] == pytest.approx([640.0, 360.0], abs=1e-6)
    assert z[0] == pytest.approx(1.6)


def test_pixel_ray_inverts_projection() -> None:
    cam = _cam(yaw=20.0, pitch=25.0)
    point = np.array([[7.0, 3.0, 0.0]])
    uv, _ = cam.project(point)
    ray = cam.pixel_ray(uv)[0]
    t = -1.6 / ray[2]
    assert cam.position_m + t * ray == pytest.approx(point[0], abs=1e-9)
