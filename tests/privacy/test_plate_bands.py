"""Plates found by their two blue bands: a rain-streaked plate that neither the text
detector nor the panel proposals find is blurred, and blue skies or blue blobs are not.

`render_plate_rain_13px.png` is a 120x60 px cut of a twinflash render (`benchmarks/privacy.py`,
`bulk_scenes()`, scene bulk_002_street_rain, 800x450): the plate DC-793-JG, 13.5 px high,
behind rain streaks, whose exact corners come from the render's annotation. In the whole
render the eager path without bands left it as it was (the one plate of 23 it missed on the
first 13 renders); a person reads most of it.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from twinflash.privacy.pipeline import BlurOptions, Detectors
from twinflash.privacy.plate_bands import band_pairs, band_regions
from twinflash.privacy.plates import PlateReader
from twinflash.privacy.regions import coverage

PATCH = Path(__file__).with_name("render_plate_rain_13px.png")
# the plate's corners inside the patch (from the render's annotation)
CORNERS = np.array([[28.19, 23.12], [93.13, 23.39], [93.35, 36.73], [28.49, 36.47]])
PAD = (195, 340)  # rows, columns of replicated border: the render's 800x450 again


def _rain_plate() -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The patch, its border replicated to the render's size; the plate's box in it."""
    from PIL import Image

    patch = np.asarray(Image.open(PATCH).convert("RGB"))
    img = cv2.copyMakeBorder(patch, PAD[0], PAD[0], PAD[1], PAD[1], cv2.BORDER_REPLICATE)
    q = CORNERS + np.array([PAD[1], PAD[0]])
    return img, (*q.min(axis=0), *q.max(axis=0))


def _detectors(reader: PlateReader, **options: bool) -> Detectors:
    det = Detectors(BlurOptions(faces=False, **options))
    det._plates = reader  # the session's models
    return det


def _changed(before: np.ndarray, after: np.ndarray, box: tuple) -> float:
    x1, y1, x2, y2 = (round(v) for v in box)
    diff = np.abs(after[y1:y2, x1:x2].astype(int) - before[y1:y2, x1:x2]).max(axis=2)
    return float((diff > 10).mean())


def test_rain_streaked_plate_blurred_by_its_bands_only(plates: PlateReader) -> None:
    img, box = _rain_plate()
    found = band_regions(img, plates.recognise_lines)
    assert len(found) == 1 and coverage(box, found[0].xyxy) > 0.9, found
    out, blurred, _ = _detectors(plates).blur_image(img)
    assert any(coverage(box, r.xyxy) > 0.9 for r in blurred)
    assert _changed(img, out, box) > 0.3
    # without the bands, neither the eager path nor main's single pass blurs it
    for options in ({"band_plates": False}, {"eager_plates": False}):
        same, _, _ = _detectors(plates, **options).blur_image(img)
        assert _changed(img, same, box) == 0.0, options


@pytest.mark.parametrize("photo", ["rocket", "astronaut", "coffee", "chelsea"])
def test_photos_without_plates_have_no_band_pairs(plates: PlateReader, photo: str) -> None:
    """Blue sky over a launch pad, a flag, a blue cup, a cat: no plate, no blur."""
    img = np.ascontiguousarray(getattr(data, photo)()[..., :3])
    assert band_regions(img, plates.recognise_lines) == []


def test_blue_panel_between_bands_is_no_plate() -> None:
    """Two band-like blue blobs with blue between and around them (a blue car, a sign):
    no pair; the same blobs around a light, lettered panel are one."""
    img = np.full((80, 200, 3), 90, np.uint8)
    img[30:44, 40:45] = img[30:44, 100:105] = (10, 40, 160)  # two bands, 14 px high
    img[30:44, 45:100] = 230
    img[33:41, 50:95:6] = 20  # characters
    assert len(band_pairs(img)) == 1
    img[30:44, 45:100] = (10, 40, 160)
    assert band_pairs(img) == []
