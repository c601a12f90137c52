"""The characters of French plates as stroke outlines (no font ships with plate shapes).

French plates use a condensed sans of uniform stroke: characters 75 mm high, about half as
wide, strokes about a seventh of the height, flat ends and round bowls. Each glyph here is
a few centre-line polylines in a box `GLYPH_W` x `GLYPH_H` (height units, y down) that
`glyph_mask` strokes with Pillow at any size. Pure Pillow and NumPy: shared by the
renderer's plate texture and the 2-D plate composites.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np
from PIL import Image, ImageDraw

Stroke = list[tuple[float, float]]

STROKE = 0.135  # stroke width / character height (10 mm of 75 mm)
CELL_W = 0.5  # ink width / character height for letters and digits
# The centre-line box (ink box less half a stroke on each side), in height units.
GLYPH_W, GLYPH_H = CELL_W - STROKE, 1.0 - STROKE
_W, _H = GLYPH_W, GLYPH_H
_M = _H / 2


def _arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, n: int = 14) -> Stroke:
    """Points of an elliptic arc from angle a0 to a1 (degrees, 0 = right, 90 = down)."""
    return [
        (cx + rx * math.cos(math.radians(a)), cy + ry * math.sin(math.radians(a)))
        for a in np.linspace(a0, a1, n)
    ]


def _stadium() -> Stroke:
    r = _W / 2
    return _arc(r, r, r, r, 180, 360) + _arc(r, _H - r, r, r, 0, 180) + [(0.0, r)]  # closed


def _bowl(y0: float, y1: float, x_end: float = _W) -> Stroke:
    """A right-hand bowl from the stem at y0 round to the stem at y1 (B, D, P, R)."""
    r = min((y1 - y0) / 2, x_end / 2)
    return [
        (0.0, y0),
        (x_end - r, y0),
        *_arc(x_end - r, y0 + r, r, r, 270, 360, 8),
        (x_end, y1 - r),
        *_arc(x_end - r, y1 - r, r, r, 0, 90, 8),
        (0.0, y1),
    ]


def _flip(strokes: list[Stroke]) -> list[Stroke]:
    return [[(_W - x, _H - y) for x, y in s] for s in strokes]


def _six() -> list[Stroke]:
    ry = _H * 0.3
    top = _arc(_W / 2, ry * 1.05, _W / 2, ry * 1.05, -35, -180, 10)
    return [[*top, (0.0, _H - ry)], _arc(_W / 2, _H - ry, _W / 2, ry, 0, 360, 24)]


def _glyphs() -> dict[str, list[Stroke]]:
    w, h, m, r = _W, _H, _M, _W / 2
    g: dict[str, list[Stroke]] = {
        "0": [_stadium()],
        "1": [[(w * 0.05, h * 0.22), (w * 0.62, 0.0), (w * 0.62, h)]],
        "2": [[*_arc(w / 2, r, w / 2, r, 195, 380, 12), (0.0, h), (w, h)]],
        "3": [
            _arc(w / 2, h * 0.25, w / 2, h * 0.25, 200, 450, 14),
            _arc(w / 2, h * 0.73, w / 2, h * 0.27, 270, 520, 14),
        ],
        "4": [[(w * 0.72, h), (w * 0.72, 0.0), (0.0, h * 0.68), (w, h * 0.68)]],
        "5": [
            [
                (w, 0.0),
                (w * 0.06, 0.0),
                (0.0, h * 0.44),
                *_arc(w / 2, h * 0.67, w / 2, h * 0.33, 232, 500, 18),
            ]
        ],
        "6": _six(),
        "7": [[(0.0, 0.0), (w, 0.0), (w * 0.28, h)]],
        "8": [
            _arc(w / 2, h * 0.24, w * 0.44, h * 0.24, 0, 360, 20),
            _arc(w / 2, h * 0.74, w / 2, h * 0.26, 0, 360, 20),
        ],
        "A": [[(0.0, h), (w * 0.5, 0.0), (w, h)], [(w * 0.17, h * 0.66), (w * 0.83, h * 0.66)]],
        "B": [[(0.0, 0.0), (0.0, h)], _bowl(0.0, h * 0.48, w * 0.92), _bowl(h * 0.48, h)],
        "C": [_arc(r, r, r, r, 335, 180, 10) + _arc(r, h - r, r, r, 180, 25, 10)],
        "D": [[*_bowl(0.0, h), (0.0, 0.0)]],
        "E": [[(w, 0.0), (0.0, 0.0), (0.0, h), (w, h)], [(0.0, m), (w * 0.8, m)]],
        "F": [[(w, 0.0), (0.0, 0.0), (0.0, h)], [(0.0, m), (w * 0.8, m)]],
        "G": [
            _arc(r, r, r, r, 335, 180, 10)
            + _arc(r, h - r, r, r, 180, 0, 10)
            + [(w, h * 0.55), (w * 0.5, h * 0.55)]
        ],
        "H": [[(0.0, 0.0), (0.0, h)], [(w, 0.0), (w, h)], [(0.0, m), (w, m)]],
        "I": [[(w / 2, 0.0), (w / 2, h)]],
        "J": [[(w, 0.0), (w, h - r), *_arc(r, h - r, r, r, 0, 180, 10), (0.0, h * 0.72)]],
        "K": [[(0.0, 0.0), (0.0, h)], [(w, 0.0), (0.0, h * 0.62)], [(w * 0.3, h * 0.44), (w, h)]],
        "L": [[(0.0, 0.0), (0.0, h), (w, h)]],
        "M": [[(0.0, h), (0.0, 0.0), (w / 2, h * 0.6), (w, 0.0), (w, h)]],
        "N": [[(0.0, h), (0.0, 0.0), (w, h), (w, 0.0)]],
        "O": [_stadium()],
        "P": [[(0.0, h), (0.0, 0.0)], _bowl(0.0, h * 0.54)],
        "Q": [_stadium(), [(w * 0.55, h * 0.72), (w * 1.02, h * 1.02)]],
        "R": [[(0.0, h), (0.0, 0.0)], _bowl(0.0, h * 0.52), [(w * 0.42, h * 0.52), (w, h)]],
        "S": [
            _arc(w / 2, h * 0.25, w / 2, h * 0.25, -20, -270, 14)
            + _arc(w / 2, h * 0.75, w / 2, h * 0.25, -90, 160, 14)
        ],
        "T": [[(0.0, 0.0), (w, 0.0)], [(w / 2, 0.0), (w / 2, h)]],
        "U": [[(0.0, 0.0), (0.0, h - r), *_arc(r, h - r, r, r, 180, 0, 12), (w, 0.0)]],
        "V": [[(0.0, 0.0), (w / 2, h), (w, 0.0)]],
        "W": [[(0.0, 0.0), (w * 0.22, h), (w / 2, h * 0.3), (w * 0.78, h), (w, 0.0)]],
        "X": [[(0.0, 0.0), (w, h)], [(w, 0.0), (0.0, h)]],
        "Y": [[(0.0, 0.0), (w / 2, m)], [(w, 0.0), (w / 2, m), (w / 2, h)]],
        "Z": [[(0.0, 0.0), (w, 0.0), (0.0, h), (w, h)]],
        "-": [[(0.0, m), (w * 0.7, m)]],
    }
    g["9"] = _flip(g["6"])
    return g


GLYPHS: dict[str, list[Stroke]] = _glyphs()
# Relative advance of the wider and narrower glyphs (1 = a letter's cell).
WIDTH: dict[str, float] = {"W": 1.25, "M": 1.12, "1": 0.8, "I": 0.5, "-": 0.85}


def advance(char: str) -> float:
    """Ink width of `char` in character heights."""
    return CELL_W * WIDTH.get(char, 1.0)


@cache
def glyph_mask(char: str, height_px: int) -> np.ndarray:
    """Antialiased ink of one glyph (float32 in [0, 1]), `height_px` high, 4x supersampled."""
    if char not in GLYPHS:
        raise ValueError(f"`char`: no plate glyph for {char!r} (letters, digits and '-')")
    if height_px < 2:
        raise ValueError(f"`height_px`: must be >= 2 (got {height_px})")
    ss = 4
    hh = height_px * ss
    ww = max(2, round(advance(char) * hh))
    img = Image.new("L", (ww, hh), 0)
    draw = ImageDraw.Draw(img)
    pen = max(1, round(STROKE * hh))
    off = STROKE * hh / 2
    sx, sy = (ww - 2 * off) / GLYPH_W, (hh - 2 * off) / GLYPH_H

    def to_px(p: tuple[float, float]) -> tuple[float, float]:
        return (off + p[0] * sx, off + p[1] * sy)

    for stroke in GLYPHS[char]:
        pts = [to_px(p) for p in stroke]
        draw.line(pts, fill=255, width=pen, joint="curve")
    for x, y in _junctions(GLYPHS[char], to_px):
        # Butt ends meeting another stroke leave a notch (3's waist, 6's seam, D's corner).
        draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=255)
    out = img.resize((max(1, round(ww / ss)), height_px), Image.Resampling.BOX)
    return np.asarray(out, dtype=np.float32) / 255.0


def _junctions(
    strokes: list[Stroke], to_px: Callable[[tuple[float, float]], tuple[float, float]]
) -> list[tuple[float, float]]:
    """Stroke ends within half a stroke of another stroke or of their own other end."""
    out = []
    for i, s in enumerate(strokes):
        for end, other_end in ((s[0], s[-1]), (s[-1], s[0])):
            near = [other_end, *(p for j, t in enumerate(strokes) if j != i for p in t)]
            if min(math.dist(end, p) for p in near) < STROKE / 2:
                out.append(to_px(end))
    return out


def char_spans(text: str, height_px: int, gap: float = 0.09, space: float = 0.35) -> list[int]:
    """Left pixel of each character of `text` in `text_mask`, then the line's width."""
    x, out = 0, []
    for i, c in enumerate(text):
        if i:
            x += round(gap * height_px)
        out.append(x)
        x += round(space * height_px) if c == " " else glyph_mask(c, height_px).shape[1]
    return [*out, x]


def text_mask(text: str, height_px: int, gap: float = 0.09, space: float = 0.35) -> np.ndarray:
    """Ink of a line of plate characters: `gap` and `space` (for ' ') in character heights."""
    spans = char_spans(text, height_px, gap, space)
    out = np.zeros((height_px, max(1, spans[-1])), np.float32)
    for c, x in zip(text, spans, strict=False):
        if c != " ":
            g = glyph_mask(c, height_px)
            out[:, x : x + g.shape[1]] = g
    return out
