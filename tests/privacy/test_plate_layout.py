"""Where the plate font puts each character, and how far a reading's characters stray."""

from __future__ import annotations

import itertools

import pytest

from twinflash.privacy.plate_layout import NO_LAYOUT, char_centres, crop_stray, layout_gap
from twinflash.scene.plate_art import PLATE_W_MM, TEXT_X_MM

TEXT_AREA = (TEXT_X_MM[0] / PLATE_W_MM, TEXT_X_MM[1] / PLATE_W_MM)


def _where(text: str, span: tuple[float, float] = TEXT_AREA) -> list[float]:
    """Where a crop spanning `span` of the plate sees `text`'s characters: exactly at their
    layout (a perfect recogniser)."""
    a, b = span
    return [(u - a) / (b - a) for u in char_centres(text)]


def test_characters_sit_left_to_right_inside_the_text_area_centred() -> None:
    for text in ("AB-123-CD", "9819 E 29", "1 A 01", "9999 ABC 974"):
        u = char_centres(text)
        assert len(u) == len(text.replace("-", "").replace(" ", ""))
        assert all(a < b for a, b in itertools.pairwise(u))
        assert TEXT_AREA[0] < u[0] and u[-1] < TEXT_AREA[1]
        assert abs((u[0] + u[-1]) / 2 - 0.5) < 0.03  # centred (glyph widths differ a little)
    assert char_centres("9819 E 29")[-1] - char_centres("9819 E 29")[0] > (
        char_centres("98 E 29")[-1] - char_centres("98 E 29")[0] + 0.1
    )


def test_a_reading_that_lost_digits_strays_from_its_layout() -> None:
    """9819 E 29 with the 1 and 9 washed out reads 98 E 29 where the long plate put them:
    the shorter text's layout is more than 0.3 character heights away (the right text: 0)."""
    seen = _where("9819 E 29")
    lost = seen[:2] + seen[4:]
    assert crop_stray("9819 E 29", "9819E29", seen, TEXT_AREA) == pytest.approx(0, abs=1e-9)
    assert crop_stray("98 E 29", "98E29", lost, TEXT_AREA) > 0.3
    # without the crop's extent only the hole tells, still well above a right reading
    assert crop_stray("98 E 29", "98E29", lost, None) > 0.2
    assert crop_stray("9819 E 29", "9819E29", seen, None) == pytest.approx(0, abs=1e-9)


def test_a_lost_leading_digit_shows_only_when_the_crop_extent_is_known() -> None:
    """9073 SZ 70 read 3 SZ 70: no hole, but the line is off-centre."""
    seen = _where("9073 SZ 70")[3:]
    assert crop_stray("3 SZ 70", "3SZ70", seen, TEXT_AREA) > 0.5
    assert crop_stray("3 SZ 70", "3SZ70", seen, None) < 0.05


def test_the_median_crop_counts_and_crops_without_the_plate_do_not() -> None:
    span = (TEXT_AREA[0] - 0.03, TEXT_AREA[1] + 0.03)
    good = ("AB123CD", _where("AB-123-CD"))
    wider = ("XAB123CD", [0.01, *_where("AB-123-CD", span)])  # a band's letter first
    crops = [good, wider, ("AB12CD", [0.1] * 6)]
    assert layout_gap("AB-123-CD", crops, [TEXT_AREA, span, TEXT_AREA]) < 1e-9
    assert layout_gap("AB-123-CD", [crops[2]], [TEXT_AREA]) == NO_LAYOUT
    assert layout_gap(None, crops, None) == NO_LAYOUT
