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


def paste_plate(
    background: np.ndarray,
    text: str,
    height_px: int,
    center_xy: tuple[int, int],
    angle_deg: float = 0.0,
    contrast: float = 1.0,
    blur_px: float = 0.0,
) -> tuple[np.ndarray, PastedPlate]:
    """Background RGB with the plate pasted (rotated in-plane, contrast 1 = black on white)."""
    plate = draw_plate(text, height_px)
    if contrast != 1.0:  # pull ink and paper towards mid grey
        arr = np.asarray(plate).astype(np.float32)
        plate = Image.fromarray(np.clip(128 + (arr - 128) * contrast, 0, 255).astype(np.uint8))
    if blur_px > 0:
        plate = plate.filter(ImageFilter.GaussianBlur(blur_px))
    mask = Image.new("L", plate.size, 255)
    if angle_deg:
        plate = plate.rotate(angle_deg, expand=True, resample=Image.BICUBIC)
        mask = mask.rotate(angle_deg, expand=True, resample=Image.BICUBIC)
    img = Image.fromarray(background).convert("RGB")
    x0 = int(center_xy[0] - plate.width / 2)
    y0 = int(center_xy[1] - plate.height / 2)
    img.paste(plate, (x0, y0), mask)
    box = (x0, y0, x0 + plate.width, y0 + plate.height)
    return np.asarray(img), PastedPlate(text, box, int(height_px), angle_deg)


def add_noise(rgb: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    """Gaussian sensor noise of `sigma` grey levels, seeded."""
    if sigma <= 0:
        return rgb
    noise = np.random.default_rng(seed).normal(0, sigma, rgb.shape)
    return np.clip(rgb.astype(np.float32) + noise, 0, 255).astype(np.uint8)
