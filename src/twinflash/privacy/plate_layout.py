"""Where a plate's characters should sit, and how far the characters a reading found stray.

An FNI plate that loses digits (flash glare washing them out, a bike rack) still reads as a
valid, shorter plate, and every crop may agree on it: only the layout tells. The plate
font draws the text centred between the bands with fixed advances (`plate_art`,
`plate_glyphs`), so the read text predicts where each of its characters is; a lost digit
leaves the characters read where the longer text put them, a hole between two of them or
an off-centre line. `layout_gap` measures that stray, in character heights, from the
positions where the recogniser's best path peaks (`CropRead.where`).

Given the plate's corners the crops' spans on the plate are known, so the prediction is
absolute (an off-centre line counts). Given a box, the box's width is taken as the plate's
(`plate_ocr.box_spans`), without perspective: absolute again, but turned plates stray more,
so box readings have their own veto. Given only a text line, whose ends are the visible
ink, an offset and scale would have to be fitted and only holes would count: a line that
lost its leading digits fits its own ink (development photo 214 of seed 8, 3 SZ 70 for
9073 SZ 70: 0.16 fitted, 1.34 placed by its box).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from twinflash.flash.plates import normalise_plate
from twinflash.scene.plate_art import CHAR_H_MM, PLATE_W_MM, TEXT_X_MM
from twinflash.scene.plate_glyphs import advance

GLYPH_GAP, SPACE = 0.09, 0.35  # `plate_glyphs.char_spans`'s defaults, in character heights
NO_LAYOUT = 1e9  # the stray of a reading whose characters no crop placed


@cache
def char_centres(text: str) -> tuple[float, ...]:
    """Each letter and digit's centre across the plate (0 left edge, 1 right edge) as
    `plate_art` draws `text`: centred in the text area, squeezed when too long.
    ValueError if `text` is no valid plate."""
    printed = normalise_plate(text).text
    x, centres = 0.0, []
    for i, c in enumerate(printed):
        if i:
            x += GLYPH_GAP
        w = SPACE if c == " " else advance(c)
        if c not in " -":
            centres.append(x + w / 2)
        x += w
    mm = CHAR_H_MM * min(1.0, (TEXT_X_MM[1] - TEXT_X_MM[0]) / (x * CHAR_H_MM))
    mid = (TEXT_X_MM[0] + TEXT_X_MM[1]) / 2
    return tuple((mid + (c - x / 2) * mm) / PLATE_W_MM for c in centres)


def crop_stray(
    text: str, greedy: str, where: Sequence[float], span: tuple[float, float] | None
) -> float | None:
    """The largest distance, in character heights, between where a crop's best path put
    the plate's characters and where `text`'s layout puts them; None when the path does not
    hold them in a row. `span`: the crop's left and right edges across the plate (0-1); None
    for a crop of unknown extent (offset and scale fitted, at least 3 characters)."""
    compact = text.replace("-", "").replace(" ", "")
    at = greedy.find(compact)
    if at < 0 or len(where) != len(greedy) or not compact:
        return None
    seen = np.asarray(where[at : at + len(compact)], dtype=np.float64)
    plate = np.asarray(char_centres(text))
    if span is not None:
        a, b = span
        stray = np.abs(a + seen * (b - a) - plate)  # in plate widths
    else:
        if len(compact) < 3:
            return None
        slope, offset = np.polyfit(plate, seen, 1)
        if slope <= 0:
            return NO_LAYOUT
        stray = np.abs(seen - (slope * plate + offset)) / slope
    return float(stray.max() * PLATE_W_MM / CHAR_H_MM)


def layout_gap(
    text: str | None,
    crops: Sequence[tuple[str, Sequence[float]]],
    spans: Sequence[tuple[float, float]] | None,
) -> float:
    """The median, over the crops whose best path (`greedy`, `where`) holds the plate, of
    their stray from `text`'s layout (`crop_stray`), in character heights; `NO_LAYOUT` when
    none does. `spans`: each crop's span across the plate, or None (unknown extents)."""
    if text is None:
        return NO_LAYOUT
    strays = [
        s
        for i, (greedy, where) in enumerate(crops)
        if (s := crop_stray(text, greedy, where, spans[i] if spans else None)) is not None
    ]
    return float(np.median(strays)) if strays else NO_LAYOUT
