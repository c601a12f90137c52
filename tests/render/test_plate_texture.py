"""The SIV plate artwork: real proportions, EU and regional bands, text an OCR reads back."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from twinflash.flash.plates import canonical_siv
from twinflash.render.plate_texture import BAND_W_MM, PLATE_H_MM, PLATE_W_MM, PX_PER_MM, plate_image


def test_plate_is_520_by_110_mm_with_blue_bands_and_white_ground() -> None:
    rgb = np.asarray(plate_image("AB-123-CD", "75")).astype(int)
    assert rgb.shape == (PLATE_H_MM * PX_PER_MM, PLATE_W_MM * PX_PER_MM, 3)
    band = BAND_W_MM * PX_PER_MM
    mid = rgb.shape[0] // 2
    for x in (band // 2 + 6 * PX_PER_MM, rgb.shape[1] - band // 2 - 6 * PX_PER_MM):
        r, _g, b = rgb[5 * PX_PER_MM, x]
        assert b > 120 and r < 40, "bands must be EU blue"
    ground = rgb[3 * PX_PER_MM, band + 20 * PX_PER_MM]
    assert ground.min() > 230
    text_row = rgb[mid, band : rgb.shape[1] - band]
    assert (text_row.max(axis=1) < 40).mean() > 0.2, "black characters across the middle"


@pytest.mark.parametrize("text", ["AB-123-CD", "FG-482-HK", "ZX-907-MN"])
def test_ocr_reads_the_plate_back(text: str) -> None:
    from rapidocr import RapidOCR

    img = np.asarray(plate_image(text, "93").resize((520, 110)))
    padded = np.pad(img, ((40, 40), (60, 60), (0, 0)), constant_values=128)
    texts = RapidOCR()(padded).txts or ()
    readings = []
    for t in texts:
        with contextlib.suppress(ValueError):
            readings.append(canonical_siv(t))
    assert text in readings, texts
