"""French SIV plate artwork drawn with Pillow (no Blender): 520 x 110 mm, white ground,
blue EU band with the star circle and 'F' on the left, black 'AB-123-CD' in a condensed
bold sans, blue regional band (logo block + département number) on the right."""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

PLATE_W_MM, PLATE_H_MM = 520, 110
PX_PER_MM = 4
BAND_W_MM = 44
EU_BLUE = (0, 51, 153)
EU_YELLOW = (255, 204, 0)
WHITE = (250, 250, 247)
INK = (12, 12, 12)
# Condensed bold sans fonts, best first; the Pillow default is the last resort.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
)
# Regional identifier colours (simplified logo blocks), by first digits of the département.
REGION_COLOURS = {
    "75": ((200, 16, 46), (0, 85, 164)),
    "77": ((200, 16, 46), (0, 85, 164)),
    "78": ((200, 16, 46), (0, 85, 164)),
    "91": ((200, 16, 46), (0, 85, 164)),
    "92": ((200, 16, 46), (0, 85, 164)),
    "93": ((200, 16, 46), (0, 85, 164)),
    "94": ((200, 16, 46), (0, 85, 164)),
    "95": ((200, 16, 46), (0, 85, 164)),
}
DEFAULT_REGION = ((0, 120, 60), (250, 200, 0))


@cache
def _font_path() -> str | None:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


def _font(size_px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = _font_path()
    return ImageFont.truetype(path, size_px) if path else ImageFont.load_default(size=size_px)


def _fit_text(text: str, box_wh: tuple[int, int], font_px: int) -> Image.Image:
    """Text rendered large, cropped to its ink and resized to fill `box_wh` (condenses it)."""
    font = _font(font_px)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("L", (int(right - left) + 8, int(bottom - top) + 8), 0)
    ImageDraw.Draw(img).text((4 - left, 4 - top), text, font=font, fill=255)
    ink = img.getbbox() or (0, 0, img.width, img.height)
    return img.crop(ink).resize(box_wh, Image.Resampling.LANCZOS)


def _star(
    draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: tuple[int, int, int]
) -> None:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.4
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    draw.polygon(pts, fill=fill)


def plate_image(text: str, departement: str = "75") -> Image.Image:
    """The plate face as an RGB image, PX_PER_MM pixels per millimetre."""
    mm = PX_PER_MM
    w, h = PLATE_W_MM * mm, PLATE_H_MM * mm
    img = Image.new("RGB", (w, h), WHITE)
    draw = ImageDraw.Draw(img)
    band = BAND_W_MM * mm
    draw.rounded_rectangle((0, 0, band, h - 1), radius=4 * mm, fill=EU_BLUE)
    draw.rounded_rectangle((w - band, 0, w - 1, h - 1), radius=4 * mm, fill=EU_BLUE)
    draw.rectangle((band - 4 * mm, 0, band, h - 1), fill=EU_BLUE)
    draw.rectangle((w - band, 0, w - band + 4 * mm, h - 1), fill=EU_BLUE)
    cx, cy, ring = band / 2, 30 * mm, 14 * mm
    for i in range(12):
        a = i * math.pi / 6
        _star(draw, cx + ring * math.cos(a), cy + ring * math.sin(a), 2.6 * mm, EU_YELLOW)
    f_img = _fit_text("F", (int(16 * mm), int(30 * mm)), 200)
    img.paste(Image.new("RGB", f_img.size, WHITE), (int(cx - f_img.width / 2), int(64 * mm)), f_img)
    # regional band: a logo block over the département number
    top, bottom = REGION_COLOURS.get(departement[:2], DEFAULT_REGION)
    rx0, rx1 = w - band + 6 * mm, w - 6 * mm
    draw.rectangle((rx0, 10 * mm, rx1, 36 * mm), fill=(250, 250, 250))
    draw.rectangle((rx0 + 3 * mm, 13 * mm, rx1 - 3 * mm, 23 * mm), fill=top)
    draw.rectangle((rx0 + 3 * mm, 24 * mm, rx1 - 3 * mm, 33 * mm), fill=bottom)
    d_img = _fit_text(departement, (int((BAND_W_MM - 12) * mm), int(28 * mm)), 200)
    img.paste(Image.new("RGB", d_img.size, WHITE), (int(w - band + 6 * mm), int(66 * mm)), d_img)
    # registration: 75 mm high characters centred between the bands
    text_w, text_h = (PLATE_W_MM - 2 * BAND_W_MM - 30) * mm, 75 * mm
    t_img = _fit_text(text, (text_w, text_h), 400)
    img.paste(Image.new("RGB", t_img.size, INK), (band + 15 * mm, (h - text_h) // 2), t_img)
    draw.rounded_rectangle((0, 0, w - 1, h - 1), radius=4 * mm, outline=(40, 40, 40), width=mm)
    return img
