"""The grammar reader reads known plates from corners or a box, and says when it is unsure."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.privacy.plate_composites import Conditions, composite
from twinflash.privacy.plate_ocr import GrammarReader, check_corners


@pytest.fixture(scope="module")
def reader() -> GrammarReader:
    return GrammarReader()


@pytest.mark.parametrize(
    ("text", "cond"),
    [
        ("GH-508-KZ", Conditions(height_px=40, yaw_deg=30, roll_deg=4)),
        ("BD-880-SZ", Conditions(height_px=32, night=True, overexposure=1.6)),
        ("4517 QS 2B", Conditions(height_px=45, pitch_deg=-15, dirt=0.3)),
    ],
)
def test_known_plates_are_read_from_corners_and_from_a_box(
    reader: GrammarReader, text: str, cond: Conditions
) -> None:
    c = composite(text, cond, seed=5)
    by_corners = reader.read_corners(c.rgb, c.corners)
    assert by_corners.text == text, by_corners.alternatives[:3]
    assert by_corners.alternatives[0].probability == by_corners.probability > 0.5
    by_box = reader.read_box(c.rgb, c.box_xywh)
    assert by_box.text == text, by_box.alternatives[:3]


def test_a_plate_too_blurred_to_read_is_not_confident(reader: GrammarReader) -> None:
    c = composite("KV-469-TD", Conditions(height_px=12, blur_px=8, noise=6), seed=2)
    read = reader.read_corners(c.rgb, c.corners)
    assert not read.confident


def test_grey_images_are_read(reader: GrammarReader) -> None:
    c = composite("AB-123-CD", Conditions(height_px=40), seed=1)
    grey = c.rgb.mean(axis=2).astype(np.uint8)
    assert reader.read_corners(grey, c.corners).text == "AB-123-CD"


@pytest.mark.parametrize(
    ("corners", "message"),
    [
        ([1, 2, 3], "expected 4 points"),
        ([[0, 0]] * 4, "no area"),
        ([[0, 0], [1, float("nan")], [1, 1], [0, 1]], "not finite"),
    ],
)
def test_bad_corners_are_named(corners: object, message: str) -> None:
    with pytest.raises(ValueError, match=f"`corners`: .*{message}"):
        check_corners(corners)


def test_a_clear_siv_plate_is_confident_and_fni_never_is(reader: GrammarReader) -> None:
    """The shipped calibration: clear SIV readings pass its threshold; FNI plates, whose
    hidden digits still leave valid plates, were never reliable enough to be confident."""
    siv = composite("GH-508-KZ", Conditions(height_px=60), seed=1)
    assert reader.read_corners(siv.rgb, siv.corners).confident
    fni = composite("4517 QS 2B", Conditions(height_px=60), seed=1)
    read = reader.read_corners(fni.rgb, fni.corners)
    assert read.text == "4517 QS 2B" and not read.confident
