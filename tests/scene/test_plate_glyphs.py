"""The plate font's glyphs: every character drawn, look-alikes distinct, strokes joined."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.scene import plate_glyphs
from twinflash.scene.plate_glyphs import GLYPHS, STROKE, char_spans, glyph_mask, text_mask


def test_every_plate_character_has_a_glyph_with_ink_in_its_cell() -> None:
    for char in "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-":
        ink = glyph_mask(char, 60)
        assert ink.shape[0] == 60 and 0.05 < ink.mean() < 0.7, char


def test_distinct_characters_are_drawn_differently() -> None:
    """Look-alikes must differ in ink, or no reader could tell them apart."""
    for a, b in [("0", "D"), ("8", "B"), ("5", "S"), ("2", "Z"), ("1", "7"), ("6", "G")]:
        ma, mb = glyph_mask(a, 60), glyph_mask(b, 60)
        w = min(ma.shape[1], mb.shape[1])
        assert np.abs(ma[:, :w] - mb[:, :w]).mean() > 0.05, (a, b)


@pytest.mark.parametrize("bad", ["?", "é", "ab"])
def test_unknown_characters_are_refused_by_name(bad: str) -> None:
    with pytest.raises(ValueError, match="`char`"):
        glyph_mask(bad, 40)
    assert bad not in GLYPHS


def test_strokes_that_meet_leave_no_notch() -> None:
    """Where a stroke ends on another (3's waist, 6's and 0's seam, D's corners) the ink is
    solid over a pen-wide disc: butt ends alone left a wedge of background there."""
    h = 200
    checked = 0
    for char, strokes in GLYPHS.items():
        joins = plate_glyphs._junctions(strokes, lambda p: p)
        if not joins:
            continue
        ink = glyph_mask(char, h)
        off = STROKE * h / 2
        sx = (ink.shape[1] - 2 * off) / plate_glyphs.GLYPH_W
        sy = (h - 2 * off) / plate_glyphs.GLYPH_H
        yy, xx = np.mgrid[0:h, 0 : ink.shape[1]]
        for x, y in joins:
            px, py = off + x * sx, off + y * sy
            disc = (xx + 0.5 - px) ** 2 + (yy + 0.5 - py) ** 2 < (0.8 * off) ** 2
            assert ink[disc].min() > 0.99, (char, x, y)
            checked += 1
    assert {"3", "6", "D", "B", "8"} <= {
        c for c, s in GLYPHS.items() if plate_glyphs._junctions(s, lambda p: p)
    }
    assert checked > 20


def test_a_line_of_text_puts_each_glyph_at_its_span() -> None:
    h = 40
    spans = char_spans("AB 12", h)
    ink = text_mask("AB 12", h)
    assert ink.shape == (h, spans[-1]) and spans == sorted(spans)
    for char, x in zip("AB 12", spans, strict=False):
        if char == " ":
            assert ink[:, x : x + round(0.35 * h)].max() == 0  # the space holds no ink
            continue
        g = glyph_mask(char, h)
        np.testing.assert_array_equal(ink[:, x : x + g.shape[1]], g)
