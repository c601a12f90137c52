"""Pinhole camera model shared by the renderer and the annotator (numpy only).

The renderer places Blender's camera from this model, and the annotator projects
with the same matrices, so both agree by construction.

Conventions: world frame as in `twinflash.scene.models`; `world_to_camera` follows
OpenCV (x right, y down, z forward), so `uv = K @ (R @ X + t)` after dividing by z.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def _rot_x(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _rot_z(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


# Blender's camera looks down its local -z with y up; OpenCV looks down +z with y down.
_BLENDER_TO_CV = np.diag([1.0, -1.0, -1.0])


@dataclass(frozen=True)
class CameraModel:
    position_m: np.ndarray  # (3,) world position
    yaw_deg: float  # direction of view, CCW from +x
    pitch_deg: float  # downward tilt, 90 = straight down
    focal_length_mm: float
    sensor_width_mm: float
    resolution_wh: tuple[int, int]

    @property
    def blender_euler_xyz_deg(self) -> tuple[float, float, float]:
        """Euler angles (XYZ order) that give Blender's camera this orientation."""
        return (90.0 - self.pitch_deg, 0.0, self.yaw_deg - 90.0)

    @property
    def camera_to_world_rotation(self) -> np.ndarray:
        """Rotation of Blender's camera frame into the world (R = Rz @ Rx)."""
        rx, _, rz = self.blender_euler_xyz_deg
        return _rot_z(rz) @ _rot_x(rx)

    @property
    def intrinsics(self) -> np.ndarray:
        """3x3 K with square pixels and the principal point at the image centre."""
        w, h = self.resolution_wh
        f_px = self.focal_length_mm / self.sensor_width_mm * w
        return np.array([[f_px, 0.0, w / 2.0], [0.0, f_px, h / 2.0], [0.0, 0.0, 1.0]])

    @property
    def world_to_camera(self) -> np.ndarray:
        """4x4 world -> OpenCV camera transform."""
        r = _BLENDER_TO_CV @ self.camera_to_world_rotation.T
        t = -r @ np.asarray(self.position_m, dtype=float)
        m = np.eye(4)
        m[:3, :3] = r
        m[:3, 3] = t
        return m

    def to_camera(self, points_world: np.ndarray) -> np.ndarray:
        """(N,3) world points -> (N,3) OpenCV camera coordinates (z = planar depth)."""
        m = self.world_to_camera
        return np.asarray(points_world, dtype=float) @ m[:3, :3].T + m[:3, 3]

    def project(self, points_world: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Project (N,3) world points; return (N,2) pixel xy and (N,) planar depth in metres.

        Pixel (0,0) is the top-left corner of the top-left pixel, so the centre of
        pixel (i, j) is at (j + 0.5, i + 0.5).
        """
        pc = self.to_camera(points_world)
        z = pc[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            uv = (pc[:, :2] / z[:, None]) @ self.intrinsics[:2, :2].T + self.intrinsics[:2, 2]
        return uv, z

    def pixel_ray(self, xy: np.ndarray) -> np.ndarray:
        """Unit world direction of the ray through pixel coordinates xy (N,2)."""
        xy = np.atleast_2d(np.asarray(xy, dtype=float))
        k_inv = np.linalg.inv(self.intrinsics)
        d_cam = np.c_[xy, np.ones(len(xy))] @ k_inv.T
        d_world = d_cam @ self.world_to_camera[:3, :3]  # R^T applied row-wise
        return d_world / np.linalg.norm(d_world, axis=1, keepdims=True)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready camera description for annotation files."""
        return {
            "model": "pinhole",
            "resolution_wh": list(self.resolution_wh),
            "intrinsics_K": self.intrinsics.round(6).tolist(),
            "world_to_camera_opencv": self.world_to_camera.round(6).tolist(),
            "position_m": [round(float(v), 6) for v in self.position_m],
            "yaw_deg": self.yaw_deg,
            "pitch_deg": self.pitch_deg,
            "focal_length_mm": self.focal_length_mm,
            "sensor_width_mm": self.sensor_width_mm,
        }
