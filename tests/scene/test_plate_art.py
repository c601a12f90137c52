"""Plates drawn with the plate font's own glyphs: real layout, and text a reader reads back."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.scene.plate_art import (
    BAND_W_MM,
    PLATE_H_MM,
    PLATE_W_MM,
    TEXT_X_MM,
    PlateStyle,
    plate_face,
)
from twinflash.scene.plate_glyphs import text_mask


def test_siv_plate_has_bands_ground_and_black_text() -> None:
    rgb = np.asarray(plate_face("AB-123-CD", "75", 2.0)).astype(int)
    assert rgb.shape == (PLATE_H_MM * 2, PLATE_W_MM * 2, 3)
    left = rgb[10, BAND_W_MM]  # inside the EU band, above the stars
    right = rgb[10, 2 * PLATE_W_MM - BAND_W_MM // 2]
    for r, _g, b in (left, right):
        assert b > 120 and r < 40
    text = rgb[:, TEXT_X_MM[0] * 2 : TEXT_X_MM[1] * 2]
    assert (text.max(axis=2) < 60).mean() > 0.15  # black strokes
    assert np.median(text.min(axis=2)) > 220  # white ground


def test_fni_plate_is_yellow_without_bands_when_asked() -> None:
    rgb = np.asarray(
        plate_face("1234 AB 56", px_per_mm=1.0, style=PlateStyle(yellow=True, eu_band=False))
    ).astype(int)
    corner = rgb[8, 8]
    assert corner[0] > 200 and corner[1] > 160 and corner[2] < 120  # yellow, no blue band


def test_dirt_and_glare_change_the_face_and_are_seeded() -> None:
    clean = np.asarray(plate_face("AB-123-CD", px_per_mm=1.0), dtype=float)
    style = PlateStyle(dirt=0.7, glare=0.6, wear=0.5, screws=True, seed=4)
    dirty = np.asarray(plate_face("AB-123-CD", px_per_mm=1.0, style=style), dtype=float)
    again = np.asarray(plate_face("AB-123-CD", px_per_mm=1.0, style=style), dtype=float)
    assert np.abs(clean - dirty).mean() > 5
    assert np.array_equal(dirty, again)


def test_invalid_plates_are_refused() -> None:
    with pytest.raises(ValueError, match="never use the letters"):
        plate_face("AO-123-CD")


def test_text_mask_widens_with_the_text() -> None:
    assert text_mask("AB-123-CD", 40).shape[1] > text_mask("AB-12", 40).shape[1]


@pytest.mark.parametrize("text", ["AB-123-CD", "GH-508-KZ", "1234 AB 56", "987 ABC 2A"])
def test_the_reader_reads_the_drawn_plate(text: str) -> None:
    """The glyphs are plate characters an OCR trained on real text reads as such."""
    from twinflash.privacy.plate_ocr import GrammarReader

    face = np.asarray(plate_face(text, "69", 0.5))
    rgb = np.pad(face, ((20, 20), (30, 30), (0, 0)), constant_values=90)
    h, w = face.shape[:2]
    corners = [(30, 20), (30 + w, 20), (30 + w, 20 + h), (30, 20 + h)]
    read = GrammarReader().read_corners(rgb, corners)
    assert read.text == text, read.alternatives[:3]
