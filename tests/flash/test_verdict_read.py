"""The verdict with the plate read from the photo by the real PlateReader (no text given).

A Master wears the plate AB-153-CE, pasted at a readable size and at a size where the
reader misreads it (10 px high: ``AS-153-CE`` today). Read right, a clone of a Twingo is
flagged (the control: the test can fail). Misread, it is never a clone, even when only the
misread text is registered, to another owner's car (the commonest way to accuse an innocent
owner): the reader is sure of AS-153-CE (0.85), so the verdict's floor on the plate's height
in pixels is what stops it.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from tests.flash.synthetic_vehicles import draw_vehicle
from tests.flash.verdict_fixtures import open_registry

from twinflash.flash.verdict import CloneChecker

TRUE_PLATE = "AB-153-CE"


@pytest.fixture(scope="module")
def reader():
    pytest.importorskip("rapidocr")
    from twinflash.privacy.plates import PlateReader

    return PlateReader()


def master_photo(scale: int) -> tuple[np.ndarray, np.ndarray]:
    """A synthetic Master upscaled `scale` times, AB-153-CE pasted on its plate."""
    from twinflash.privacy.synthetic import paste_plate

    image, corners = draw_vehicle("master", np.random.default_rng(5))
    big = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    quad = corners * scale
    height = round(float(np.linalg.norm(quad[3] - quad[0])))
    centre = tuple(int(v) for v in quad.mean(axis=0))
    out, _ = paste_plate(big, TRUE_PLATE, height, centre)  # type: ignore[arg-type]
    return out, quad


def checker(tiny_model: Path, tmp_path: Path, rows, reader) -> CloneChecker:
    reg = open_registry(tmp_path / "reg.db", rows)
    return CloneChecker(tiny_model, reg, reader=reader)


def test_a_plate_read_right_flags_the_clone(tiny_model, tmp_path, reader) -> None:
    image, _ = master_photo(6)  # plate 20 px high
    c = checker(tiny_model, tmp_path, [(TRUE_PLATE, "RENAULT", "TWINGO")], reader)
    v = c.check(image)
    assert v.plate == TRUE_PLATE, v.plate_readings
    assert v.status == "suspected_clone", v.reasons


@pytest.mark.parametrize("registered", ["every reading", "the best reading"])
def test_a_misread_plate_is_never_a_clone(tiny_model, tmp_path, reader, registered) -> None:
    image, _ = master_photo(3)  # plate 10 px high
    readings = reader.read(image)
    # the photo's readings (every one, or only the best) registered to a Twingo, the true
    # plate registered honestly to this Master: a misread lands on another owner's car
    texts = [r.text for r in readings[: None if registered == "every reading" else 1]]
    misread = sorted(set(texts) - {TRUE_PLATE})
    rows = [(TRUE_PLATE, "RENAULT", "MASTER")] + [(p, "RENAULT", "TWINGO") for p in misread]
    c = checker(tiny_model, tmp_path, rows, reader)
    v = c.check(image)
    assert v.status == "inconclusive", (v.plate_readings, v.reasons)
    if v.plate != TRUE_PLATE:  # today's reader: AS-153-CE, registered to a Twingo
        assert v.registry is not None and v.registry["model"] == "Twingo"
        assert any("never a clone" in r for r in v.reasons), v.reasons
        assert any("too few pixels to trust the reading" in r for r in v.reasons)
