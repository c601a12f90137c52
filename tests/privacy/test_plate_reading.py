"""The verdict's reader: plates found in the whole photo, read with alternatives, the best
one flagged confident only when the calibrated threshold says so."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data

from twinflash.privacy.plate_composites import Conditions, composite
from twinflash.privacy.plate_reading import AccusingReader


@pytest.fixture(scope="module")
def reader() -> AccusingReader:
    return AccusingReader()


def test_a_clear_plate_is_found_and_read_with_its_alternatives(reader: AccusingReader) -> None:
    c = composite("GH-508-KZ", Conditions(height_px=40), seed=3)
    photo = np.full((480, 640, 3), 90, np.uint8)  # the plate somewhere in a larger view
    h, w = c.rgb.shape[:2]
    photo[200 : 200 + h, 150 : 150 + w] = c.rgb
    found = reader.plates(photo)
    assert [p.text for p in found] == ["GH-508-KZ"]
    readings = reader.read(photo)
    assert readings[0].text == "GH-508-KZ" and readings[0].confident
    assert readings[0].plate == 0 and readings[0].format == "SIV"
    probs = [r.confidence for r in readings]
    assert probs == sorted(probs, reverse=True) and sum(probs) <= 1.0 + 1e-6
    assert not any(r.confident for r in readings[1:])  # only a plate's best can be
    x0, y0, x1, y1 = readings[0].xyxy  # the box the verdict measures the plate by
    tx0, ty0, tw, th = c.box_xywh
    tx0, ty0 = tx0 + 150, ty0 + 200
    assert x0 < tx0 + tw and tx0 < x1 and y0 < ty0 + th and ty0 < y1


def test_a_box_or_corners_read_only_that_plate(reader: AccusingReader) -> None:
    c = composite("4517 QS 2B", Conditions(height_px=45, yaw_deg=20), seed=4)
    assert [p.text for p in reader.plates(c.rgb, corners=c.corners)] == ["4517 QS 2B"]
    assert [p.text for p in reader.plates(c.rgb, box_xywh=c.box_xywh)] == ["4517 QS 2B"]
    grey = c.rgb.mean(axis=2).astype(np.uint8)
    assert [p.text for p in reader.plates(grey, corners=c.corners)] == ["4517 QS 2B"]


def test_a_photo_without_a_plate_gives_no_reading(reader: AccusingReader) -> None:
    assert reader.read(data.chelsea()) == []


def test_bad_corners_are_named(reader: AccusingReader) -> None:
    c = composite("AB-123-CD", Conditions(height_px=30), seed=1)
    with pytest.raises(ValueError, match="`corners`"):
        reader.plates(c.rgb, corners=[[0, 0], [1, 1]])
