"""Known-truth test images: French SIV plates drawn with Pillow and pasted on real photos.

Used by the tests and by `benchmarks/privacy.py` to measure detection and reading by plate
height, angle, contrast, blur and noise, with the exact box of every pasted plate.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

# Plates are 520 x 110 mm; the blue EU band is 40 mm wide.
PLATE_ASPECT = 520 / 110
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
)


@lru_cache(maxsize=1)
def font_path() -> Path:
    """A bold sans font on this machine (DejaVu, else whatever fontconfig offers)."""
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-match"):
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", "sans:bold"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if out and Path(out).is_file():
            return Path(out)
    raise FileNotFoundError("no TrueType font found (install fonts-dejavu-core)")


def draw_plate(text: str = "AB-123-CD", height_px: int = 110) -> Image.Image:
    """A white SIV plate: blue band with "F" on the left, black characters, black rim."""
    h = max(8, int(height_px))
    w = round(h * PLATE_ASPECT)
    img = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(img)
    band = round(w * 40 / 520)
    d.rectangle([0, 0, band, h], fill=(0, 51, 153))
    big = ImageFont.truetype(str(font_path()), max(6, round(h * 0.62)))
    small = ImageFont.truetype(str(font_path()), max(4, round(h * 0.28)))
    d.text((band / 2, h * 0.74), "F", font=small, fill="white", anchor="mm")
    d.text(((band + w) / 2, h / 2), text, font=big, fill="black", anchor="mm")
    d.rectangle([0, 0, w - 1, h - 1], outline="black", width=max(1, h // 40))
    return img


@dataclass(frozen=True)
class PastedPlate:
    text: str
    xyxy: tuple[int, int, int, int]  # box of the pasted (rotated) plate in the image
    height_px: int
    angle_deg: float
    corners: tuple[tuple[float, float], ...] = ()  # TL, TR, BR, BL of the plate in the image


def paste_plate(
    background: np.ndarray,
    text: str,
    height_px: int,
    center_xy: tuple[int, int],
    angle_deg: float = 0.0,
    contrast: float = 1.0,
    blur_px: float = 0.0,
    yaw_deg: float = 0.0,
) -> tuple[np.ndarray, PastedPlate]:
    """Background RGB with the plate pasted (rotated in-plane, contrast 1 = black on white).

    `yaw_deg` turns the plate about its vertical axis (seen from the side: narrower, its far
    edge shorter), as a plate on a car seen at an angle.
    """
    import cv2

    plate = draw_plate(text, height_px)
    if contrast != 1.0:  # pull ink and paper towards mid grey
        arr = np.asarray(plate).astype(np.float32)
        plate = Image.fromarray(np.clip(128 + (arr - 128) * contrast, 0, 255).astype(np.uint8))
    if blur_px > 0:
        plate = plate.filter(ImageFilter.GaussianBlur(blur_px))
    pw, ph = plate.size
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float32)
    # the plate's corners around its centre: yaw shortens the width and the far edge
    c, far = np.cos(np.radians(yaw_deg)), 1 - 0.25 * np.sin(np.radians(abs(yaw_deg)))
    hw, hh = pw * c / 2, ph / 2
    left, right = (far, 1.0) if yaw_deg > 0 else (1.0, far)
    quad = np.array([[-hw, -hh * left], [hw, -hh * right], [hw, hh * right], [-hw, hh * left]])
    a = np.radians(-angle_deg)  # PIL's rotate is counter-clockwise on screen
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    quad = quad @ rot.T + np.asarray(center_xy, dtype=float)
    h, w = background.shape[:2]
    matrix = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    warped = cv2.warpPerspective(np.asarray(plate), matrix, (w, h), flags=cv2.INTER_CUBIC)
    mask = (
        cv2.warpPerspective(
            np.full((ph, pw), 255, np.uint8), matrix, (w, h), flags=cv2.INTER_LINEAR
        ).astype(np.float32)[..., None]
        / 255
    )
    img = (background.astype(np.float32) * (1 - mask) + warped * mask).round().astype(np.uint8)
    x1, y1 = np.floor(quad.min(axis=0)).astype(int)
    x2, y2 = np.ceil(quad.max(axis=0)).astype(int)
    corners = tuple((float(x), float(y)) for x, y in quad)
    return img, PastedPlate(
        text, (int(x1), int(y1), int(x2), int(y2)), int(height_px), angle_deg, corners
    )


def rain_streaks(rgb: np.ndarray, density: float = 0.002, seed: int = 0) -> np.ndarray:
    """Light, slanted, semi-transparent streaks over the whole image, as rain before a lens."""
    import cv2

    rng = np.random.default_rng(seed)
    h, w = rgb.shape[:2]
    layer = np.zeros((h, w), np.float32)
    length = max(6, h // 25)
    for _ in range(int(density * h * w / length)):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        dx = int(length * 0.25)
        cv2.line(layer, (x, y), (x + dx, y + length), (float(rng.uniform(0.3, 0.8)),), 1)
    layer = np.asarray(cv2.GaussianBlur(layer, (0, 0), 0.8), np.float32)[..., None]
    out = rgb.astype(np.float32) * (1 - 0.6 * layer) + 220 * 0.6 * layer
    return np.clip(out, 0, 255).astype(np.uint8)


def motion_blur(rgb: np.ndarray, length_px: int, angle_deg: float = 0.0) -> np.ndarray:
    """Linear motion blur of `length_px` along `angle_deg` (0 = horizontal)."""
    import cv2

    if length_px <= 1:
        return rgb
    kernel = np.zeros((length_px, length_px), np.float32)
    kernel[length_px // 2, :] = 1.0
    centre = ((length_px - 1) / 2, (length_px - 1) / 2)
    rot = cv2.getRotationMatrix2D(centre, angle_deg, 1.0)
    kernel = np.asarray(cv2.warpAffine(kernel, rot, (length_px, length_px)), np.float32)
    return cv2.filter2D(rgb, -1, kernel / kernel.sum())


def add_noise(rgb: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    """Gaussian sensor noise of `sigma` grey levels, seeded."""
    if sigma <= 0:
        return rgb
    noise = np.random.default_rng(seed).normal(0, sigma, rgb.shape)
    return np.clip(rgb.astype(np.float32) + noise, 0, 255).astype(np.uint8)
