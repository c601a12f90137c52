"""Sensor effects applied to the rendered image (numpy + OpenCV, no Blender).

Annotations stay exact: effects change pixels, never where objects are.
"""

from __future__ import annotations

import cv2
import numpy as np

from twinflash.scene.models import SensorEffects


def apply_sensor_effects(
    rgb: np.ndarray, effects: SensorEffects, rng: np.random.Generator
) -> np.ndarray:
    """Motion blur (linear kernel), Gaussian noise, then JPEG round-trip, in camera order."""
    out = rgb
    if effects.motion_blur_px >= 1.0:
        length = round(effects.motion_blur_px)
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        centre = ((length - 1) / 2, (length - 1) / 2)
        rot = cv2.getRotationMatrix2D(centre, effects.motion_blur_angle_deg, 1.0)
        kernel = np.asarray(cv2.warpAffine(kernel, rot, (length, length)), np.float32)
        kernel /= max(kernel.sum(), 1e-9)
        out = cv2.filter2D(out, -1, kernel, borderType=cv2.BORDER_REFLECT)
    if effects.noise_sigma > 0:
        noisy = out.astype(np.float32) + rng.normal(0.0, effects.noise_sigma, out.shape)
        out = np.clip(noisy + 0.5, 0, 255).astype(np.uint8)
    if effects.jpeg_quality is not None:
        ok, buf = cv2.imencode(
            ".jpg", out[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, effects.jpeg_quality]
        )
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        out = cv2.imdecode(buf, cv2.IMREAD_COLOR)[..., ::-1].copy()
    return out
