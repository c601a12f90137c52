"""Roadside-camera augmentation of vehicle crops (numpy/OpenCV, seeded).

What a speed camera does to a vehicle that a clean photo does not show: infra-red night
shots (monochrome, hard contrast), the flash's glare on bodywork and windscreen, motion
blur along the road, sensor noise, heavy JPEG, and small errors of the plate-anchored crop
(plate corners a few pixels off: a shift and a scale). Each effect fires with its own
probability; every draw comes from the ``rng`` passed in, so a (seed, epoch, item) gives
the same picture on a rerun (resumed trainings repeat themselves exactly).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class AugmentConfig:
    p_infrared: float = 0.3
    p_glare: float = 0.25
    p_motion_blur: float = 0.25
    p_noise: float = 0.4
    p_jpeg: float = 0.4
    p_flip: float = 0.5
    max_shift: float = 0.06  # of the crop side
    scale_range: tuple[float, float] = (0.9, 1.1)


def shift_scale(img: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig) -> np.ndarray:
    h, w = img.shape[:2]
    s = rng.uniform(*cfg.scale_range)
    dx, dy = rng.uniform(-cfg.max_shift, cfg.max_shift, size=2) * (w, h)
    m = np.array([[s, 0, (1 - s) * w / 2 + dx], [0, s, (1 - s) * h / 2 + dy]])
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)


def infrared(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Monochrome with a hard gamma: an IR flash photo at night."""
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(np.float32) / 255
    gray = np.clip(gray ** rng.uniform(0.6, 1.6) * rng.uniform(0.8, 1.3), 0, 1)
    return np.repeat((gray * 255).astype(np.uint8)[:, :, None], 3, axis=2)


def glare(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A bright elliptic blob (the flash on a bonnet or a windscreen)."""
    h, w = img.shape[:2]
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    sx, sy = rng.uniform(0.05, 0.25) * w, rng.uniform(0.03, 0.15) * h
    ys, xs = np.mgrid[:h, :w]
    blob = np.exp(-(((xs - cx) / sx) ** 2 + ((ys - cy) / sy) ** 2) / 2) * rng.uniform(80, 220)
    return np.clip(img.astype(np.float32) + blob[:, :, None], 0, 255).astype(np.uint8)


def motion_blur(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Linear blur of 3-9 px, mostly horizontal (vehicles cross the frame)."""
    k = int(rng.integers(3, 10))
    kernel = np.zeros((k, k), np.float32)
    kernel[k // 2, :] = 1.0 / k
    angle = rng.uniform(-20, 20)
    rot = cv2.getRotationMatrix2D((k / 2 - 0.5, k / 2 - 0.5), angle, 1.0)
    kernel = np.asarray(cv2.warpAffine(kernel, rot, (k, k)), np.float32)
    kernel /= max(kernel.sum(), 1e-6)
    return cv2.filter2D(img, -1, kernel, borderType=cv2.BORDER_REFLECT)


def noise(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    sigma = rng.uniform(2, 12)
    return np.clip(img + rng.normal(0, sigma, img.shape), 0, 255).astype(np.uint8)


def jpeg(img: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    quality = int(rng.integers(25, 90))
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED) if ok else img


def augment(
    img: np.ndarray, rng: np.random.Generator, cfg: AugmentConfig | None = None
) -> np.ndarray:
    """One randomly degraded copy of an (h, w, 3) uint8 crop."""
    cfg = cfg or AugmentConfig()
    out = shift_scale(img, rng, cfg)
    if rng.random() < cfg.p_flip:
        out = out[:, ::-1].copy()
    if rng.random() < cfg.p_infrared:
        out = infrared(out, rng)
    if rng.random() < cfg.p_glare:
        out = glare(out, rng)
    if rng.random() < cfg.p_motion_blur:
        out = motion_blur(out, rng)
    if rng.random() < cfg.p_noise:
        out = noise(out, rng)
    if rng.random() < cfg.p_jpeg:
        out = jpeg(out, rng)
    return out
