"""Blurring finds plates more eagerly than reading does, and checks the blurred photo again.

Each case is a plate that the reader's own `find` (the single pass that blurring used
before) misses; `blur_image` must leave it unreadable and its pixels changed.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein
from skimage import data

from twinflash.privacy.pipeline import BlurOptions, Detectors
from twinflash.privacy.plates import PlateReader
from twinflash.privacy.regions import Region, coverage
from twinflash.privacy.synthetic import PastedPlate, font_path, motion_blur, paste_plate

TEXT = "GH-478-KL"


@pytest.fixture(scope="module")
def street() -> np.ndarray:
    return cv2.resize(data.coffee(), (1280, 720))


def _detectors(reader: PlateReader, eager: bool = True) -> Detectors:
    det = Detectors(BlurOptions(faces=False, eager_plates=eager))
    det._plates = reader  # the session's models
    return det


def _box(p: PastedPlate) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = p.xyxy
    return (x1, y1, x2 - x1, y2 - y1)


def _readable(reader: PlateReader, img: np.ndarray, p: PastedPlate) -> bool:
    """The reader, given the plate's box, reads its text but for one character at most."""
    return any(
        Levenshtein.distance(r.text.replace("-", ""), p.text.replace("-", "")) <= 1
        for r in reader.read(img, _box(p))
    )


def _changed(before: np.ndarray, after: np.ndarray, p: PastedPlate) -> float:
    """Share of the plate's pixels that changed by more than 20 grey levels."""
    x1, y1, x2, y2 = p.xyxy
    diff = np.abs(after[y1:y2, x1:x2].astype(int) - before[y1:y2, x1:x2]).max(axis=2)
    return float((diff > 20).mean())


def _missed_by_find(reader: PlateReader, img: np.ndarray, p: PastedPlate) -> bool:
    return not any(coverage(p.xyxy, r.xyxy) > 0.5 for r in reader.find(img))


def _beside_a_sign(street: np.ndarray) -> tuple[np.ndarray, PastedPlate]:
    """A large clear plate (120 px) with a dealer's sign in line just right of it: the
    reader's line joining makes one strip of both, too long for its shape test."""
    img, p = paste_plate(street, TEXT, 120, (330, 360))
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    x0 = p.xyxy[2] + 36
    draw.rectangle([x0 - 10, p.xyxy[1], 1280, p.xyxy[3]], fill="white")
    font = ImageFont.truetype(str(font_path()), 74)
    draw.text((x0, (p.xyxy[1] + p.xyxy[3]) / 2), "CONCESSIONNAIRE", font=font, fill="black",
              anchor="lm")  # fmt: skip
    return np.asarray(pil), p


def _turned(street: np.ndarray) -> tuple[np.ndarray, PastedPlate]:
    """A plate seen 70 degrees from the side (a car parked across the view)."""
    return paste_plate(street, TEXT, 40, (900, 300), yaw_deg=70)


def _smeared(street: np.ndarray) -> tuple[np.ndarray, PastedPlate]:
    """A 22 px plate under a 9 px motion blur: read as junk, found by its blue EU band."""
    img, p = paste_plate(street, "CQ-671-VM", 22, (1054, 177))
    return motion_blur(img, 9, 3.0), p


@pytest.mark.parametrize("make", [_beside_a_sign, _turned, _smeared], ids=lambda f: f.__name__)
def test_plates_find_misses_are_blurred(
    plates: PlateReader, street: np.ndarray, make: object
) -> None:
    img, p = make(street)  # type: ignore[operator]
    assert _missed_by_find(plates, img, p), "the reader's own pass must miss it (the case)"
    out, blurred, _ = _detectors(plates).blur_image(img)
    assert any(coverage(p.xyxy, r.xyxy) > 0.85 for r in blurred), blurred
    assert not _readable(plates, out, p)
    assert _changed(img, out, p) > 0.3
    # and the switch restores the single pass: the plate goes out as it came in
    single, _, _ = _detectors(plates, eager=False).blur_image(img)
    assert _changed(img, single, p) == 0.0


def test_large_clear_plate_readable_before(plates: PlateReader, street: np.ndarray) -> None:
    """The sign case is a privacy case: the plate can be read before blurring."""
    img, p = _beside_a_sign(street)
    assert _readable(plates, img, p)


class _FirstPassMissesHalf(PlateReader):
    """A first pass that only boxes the left third of the plate (as a detector that split
    the line would); later passes (the post-blur check) are the real eager finder."""

    def __init__(self, reader: PlateReader, plate: PastedPlate) -> None:
        self.__dict__.update(reader.__dict__)
        self.plate, self.calls = plate, 0

    def find_eager(self, rgb: np.ndarray) -> list[Region]:
        self.calls += 1
        if self.calls > 1:
            return super().find_eager(rgb)
        x1, y1, x2, y2 = self.plate.xyxy
        return [Region("plate", (x1, y1, x1 + (x2 - x1) / 3, y2), 0.9)]


def test_post_blur_check_blurs_what_the_first_pass_left(
    plates: PlateReader, street: np.ndarray
) -> None:
    img, p = paste_plate(street, TEXT, 36, (640, 500))
    reader = _FirstPassMissesHalf(plates, p)
    det = _detectors(plates)
    det._plates = reader
    first_only = det._blur(img, reader.find_eager(img), 0.1)
    assert _changed(img, first_only, p) < 0.6  # the first pass alone leaves "478-KL" clear
    reader.calls = 0
    out, blurred, _ = det.blur_image(img)
    assert reader.calls >= 2  # the blurred photo was searched again
    rechecked = [r for r in blurred if r.rechecked]
    assert rechecked and any(coverage(p.xyxy, r.xyxy) > 0.5 for r in rechecked)
    assert not _readable(plates, out, p)
    x1, y1, x2, y2 = p.xyxy
    assert not plates.read(out, (x1 + (x2 - x1) / 3, y1, 2 * (x2 - x1) / 3, y2 - y1))
    assert _changed(img, out, p) > 0.6


def test_post_blur_check_stops_when_nothing_is_left(
    plates: PlateReader, astronaut_with_plate: np.ndarray
) -> None:
    class Counting(PlateReader):
        def __init__(self, reader: PlateReader) -> None:
            self.__dict__.update(reader.__dict__)
            self.calls = 0

        def find_eager(self, rgb: np.ndarray) -> list[Region]:
            self.calls += 1
            return super().find_eager(rgb)

    det = _detectors(plates)
    det._plates = counting = Counting(plates)
    _, blurred, _ = det.blur_image(astronaut_with_plate)
    assert [r.kind for r in blurred] == ["plate"] and not blurred[0].rechecked
    assert counting.calls == 2  # the first pass, one check that finds nothing
