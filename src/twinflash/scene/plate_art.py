"""French plate faces drawn in 2-D: SIV and FNI layouts, bands, screws, dirt, wear, glare.

One drawing for the renderer's plate texture and the 2-D composites that test the plate
reader, so that both show the same plate. Sizes follow the 520 x 110 mm plate: blue EU
band (stars and "F") on the left, 75 mm characters in the plate font
(`twinflash.scene.plate_glyphs`), and on SIV plates a blue regional band on the right
with the region's logo block over the département number. FNI plates (before 2009) carry
the département in the text and, on the older ones, no band at all; rear FNI plates are
often yellow. Pure Pillow and NumPy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

from twinflash.flash.plates import normalise_plate
from twinflash.scene.plate_glyphs import char_spans, text_mask

PLATE_W_MM, PLATE_H_MM = 520, 110
BAND_W_MM = 44
CHAR_H_MM = 75
# The text area between the bands, in mm from the left edge (what a reader should read).
TEXT_X_MM = (BAND_W_MM + 6, PLATE_W_MM - BAND_W_MM - 6)
EU_BLUE = (0, 51, 153)
EU_YELLOW = (255, 204, 0)
WHITE = (250, 250, 247)
YELLOW = (244, 200, 40)
INK = (14, 14, 14)
# Regional logo blocks (simplified: two colours), by the département's first two digits.
REGION_COLOURS = {
    d: ((200, 16, 46), (0, 85, 164)) for d in ("75", "77", "78", "91", "92", "93", "94", "95")
}
DEFAULT_REGION = ((0, 120, 60), (250, 200, 0))


@dataclass(frozen=True)
class PlateStyle:
    """How worn and dressed a plate is; the default is a clean new plate.

    `dirt`, `wear` and `glare` run from 0 (none) to 1 (heavy); `screws` draws the two
    fixing screws; `yellow` the old rear FNI ground; `eu_band` False the FNI plates made
    before the band (`regional_band` is SIV's right band, on by default for SIV).
    """

    dirt: float = 0.0
    wear: float = 0.0
    glare: float = 0.0
    screws: bool = False
    yellow: bool = False
    eu_band: bool = True
    regional_band: bool | None = None
    seed: int = 0


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.4
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(pts, fill=EU_YELLOW)


def _paste_ink(img: Image.Image, mask: np.ndarray, xy: tuple[int, int], colour: tuple) -> None:
    ink = Image.fromarray((np.clip(mask, 0, 1) * 255).astype(np.uint8), "L")
    img.paste(Image.new("RGB", ink.size, colour), xy, ink)


def _fit(mask: np.ndarray, max_w: int) -> np.ndarray:
    """The ink squeezed horizontally to at most `max_w` pixels (long FNI numbers)."""
    h, w = mask.shape
    if w <= max_w or max_w < 1:
        return mask
    return np.asarray(
        Image.fromarray(mask).resize((max_w, h), Image.Resampling.BOX), dtype=np.float32
    )


def _layout(text: str) -> tuple[str, str | None]:
    """The characters as printed and the département for the right band (SIV only)."""
    plate = normalise_plate(text)
    return plate.text, plate.departement


def plate_face(
    text: str,
    departement: str = "75",
    px_per_mm: float = 4.0,
    style: PlateStyle = PlateStyle(),
) -> Image.Image:
    """The plate's face as RGB, `px_per_mm` pixels per millimetre (2080 x 440 at 4).

    `text` is any valid French plate (normalised first: ``ab123cd`` draws ``AB-123-CD``);
    `departement` fills SIV's regional band (FNI plates carry theirs in the text).
    """
    printed, fni_dept = _layout(text)
    fni = fni_dept is not None
    mm = float(px_per_mm)
    if mm <= 0:
        raise ValueError(f"`px_per_mm`: must be > 0 (got {px_per_mm})")
    w, h = round(PLATE_W_MM * mm), round(PLATE_H_MM * mm)
    ground = YELLOW if style.yellow else WHITE
    img = Image.new("RGB", (w, h), ground)
    draw = ImageDraw.Draw(img)
    band = round(BAND_W_MM * mm)
    radius = max(1, round(4 * mm))
    if style.eu_band:
        draw.rounded_rectangle((0, 0, band, h - 1), radius=radius, fill=EU_BLUE)
        draw.rectangle((band - radius, 0, band, h - 1), fill=EU_BLUE)
        cx, cy, ring = band / 2, 30 * mm, 14 * mm
        for i in range(12):
            a = i * math.pi / 6
            _star(draw, cx + ring * math.cos(a), cy + ring * math.sin(a), 2.6 * mm)
        f_h = max(2, round(28 * mm))
        f_mask = text_mask("F", f_h)
        _paste_ink(img, f_mask, (round(cx - f_mask.shape[1] / 2), round(66 * mm)), WHITE)
    right_band = style.regional_band if style.regional_band is not None else not fni
    if right_band:
        draw.rounded_rectangle((w - band, 0, w - 1, h - 1), radius=radius, fill=EU_BLUE)
        draw.rectangle((w - band, 0, w - band + radius, h - 1), fill=EU_BLUE)
        top, bottom = REGION_COLOURS.get(departement[:2], DEFAULT_REGION)
        rx0, rx1 = w - band + 6 * mm, w - 6 * mm
        draw.rectangle((rx0, 10 * mm, rx1, 38 * mm), fill=(250, 250, 250))
        draw.rectangle((rx0 + 3 * mm, 13 * mm, rx1 - 3 * mm, 24 * mm), fill=top)
        draw.rectangle((rx0 + 3 * mm, 25 * mm, rx1 - 3 * mm, 35 * mm), fill=bottom)
        d_mask = _fit(text_mask(departement, max(2, round(26 * mm)), gap=0.06), max(1, band - 2))
        _paste_ink(img, d_mask, (round(w - band / 2 - d_mask.shape[1] / 2), round(66 * mm)), WHITE)
    x0, x1 = (round(v * mm) for v in TEXT_X_MM)
    char_h = max(2, round(CHAR_H_MM * mm))
    raw = text_mask(printed, char_h)
    t_mask = _wear(_fit(raw, x1 - x0), style.wear, np.random.default_rng(style.seed))
    left = round((x0 + x1 - t_mask.shape[1]) / 2)
    if style.screws:  # in the middle of the dashes (SIV) or of the spaces (FNI)
        spans, squeeze = char_spans(printed, char_h), t_mask.shape[1] / raw.shape[1]
        seps = [i for i, c in enumerate(printed) if c in "- "]
        xs = [left + squeeze * (spans[i] + spans[i + 1]) / 2 for i in seps]
        _screws(draw, xs, mm, h)
    _paste_ink(img, t_mask, (left, (h - char_h) // 2), INK)
    draw.rounded_rectangle(
        (0, 0, w - 1, h - 1), radius=radius, outline=(40, 40, 40), width=max(1, round(mm))
    )
    arr = np.asarray(img, dtype=np.float32)
    rng = np.random.default_rng(style.seed + 1)
    arr = _dirt(arr, style.dirt, rng)
    arr = _glare(arr, style.glare, rng)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _screws(draw: ImageDraw.ImageDraw, xs: list[float], mm: float, h: int) -> None:
    """Fixing screws at mid height at `xs` (the dash draws over them, as on real plates)."""
    r = 4.5 * mm
    for cx in xs:
        cy = h / 2
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(150, 150, 150), outline=(70, 70, 70))
        draw.line((cx - r * 0.7, cy, cx + r * 0.7, cy), fill=(60, 60, 60), width=max(1, round(mm)))


def _smooth_noise(shape: tuple[int, int], cells: int, rng: np.random.Generator) -> np.ndarray:
    """Low-frequency noise in [0, 1]: a coarse random grid upsampled smoothly."""
    h, w = shape
    small = rng.random((max(2, cells * h // w), cells)).astype(np.float32)
    return np.asarray(
        Image.fromarray(small).resize((w, h), Image.Resampling.BICUBIC), dtype=np.float32
    ).clip(0, 1)


def _wear(mask: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    """Ink flaked off in small patches (old plates, scratched characters)."""
    if amount <= 0:
        return mask
    spots = _smooth_noise((mask.shape[0], mask.shape[1]), 60, rng)
    keep = np.clip((spots - amount * 0.55) * 12, 0, 1)
    return mask * (1 - amount * 0.9 * (1 - keep))


def _dirt(arr: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    """Brown-grey grime, thicker at the bottom edge where road spray lands."""
    if amount <= 0:
        return arr
    h, w = arr.shape[:2]
    blotch = _smooth_noise((h, w), 12, rng) * 0.6 + _smooth_noise((h, w), 40, rng) * 0.4
    ramp = np.linspace(0.5, 1.2, h, dtype=np.float32)[:, None]
    cover = np.clip(blotch * ramp * amount * 1.3, 0, 0.85)[..., None]
    grime = np.array([95, 80, 60], np.float32)
    return arr * (1 - cover) + grime * cover


def _glare(arr: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    """A diagonal band of specular reflection washing the face out towards white."""
    if amount <= 0:
        return arr
    h, w = arr.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    slope = rng.uniform(-1.5, 1.5)
    centre = rng.uniform(0.2, 0.8) * w
    width = rng.uniform(0.08, 0.25) * w
    d = (xx - centre - slope * (yy - h / 2)) / width
    light = (np.exp(-(d**2)) * amount)[..., None]
    return arr * (1 - light) + 255 * light
