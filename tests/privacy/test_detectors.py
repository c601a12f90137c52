"""The detectors find known faces and plates on real photos before any blurring."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from twinflash.privacy.blur import blur_regions
from twinflash.privacy.faces import CPU_PROVIDER, FaceDetector
from twinflash.privacy.plates import PlateReader, looks_like_plate, readings_of
from twinflash.privacy.regions import coverage, iou
from twinflash.privacy.synthetic import add_noise, paste_plate

from .conftest import ASTRONAUT_FACE_XYXY


def test_centerface_runs_on_onnxruntime_cpu_only(faces: FaceDetector) -> None:
    assert faces.providers == [CPU_PROVIDER]
    assert type(faces.session).__module__.startswith("onnxruntime")


def test_astronaut_face_found(faces: FaceDetector, astronaut: np.ndarray) -> None:
    found = faces(astronaut)
    assert len(found) == 1
    assert iou(found[0].xyxy, ASTRONAUT_FACE_XYXY) > 0.6
    assert found[0].score > 0.8


def test_small_face_needs_the_upscaled_pass(astronaut: np.ndarray) -> None:
    """A 16 px face in a 720p frame: missed at native size, found by the x2 tiled pass."""
    face = astronaut[40:200, 170:290]
    scene = np.full((720, 1280, 3), 110, dtype=np.uint8)
    small = cv2.resize(face, (12, 16), interpolation=cv2.INTER_AREA)
    scene[500:516, 900:912] = small
    assert FaceDetector(scales=(1.0,))(scene) == []  # native resolution alone misses it
    found = FaceDetector(scales=(1.0, 2.0))(scene)
    assert any(coverage((900, 500, 912, 516), f.xyxy) > 0.5 for f in found)


def test_no_face_on_a_face_free_photo(faces: FaceDetector) -> None:
    assert faces(data.coffee()) == []


def test_bad_threshold_refused() -> None:
    with pytest.raises(ValueError, match="threshold"):
        FaceDetector(threshold=1.5)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("AB-123-CD", "AB-123-CD"),
        ("F AB-123-CD", "AB-123-CD"),  # the band's F read into the line
        ("AB-I23-CD", "AB-123-CD"),  # look-alike fixed
        ("ab 123 cd", "AB-123-CD"),
        ("1234 AB 75", "1234 AB 75"),  # FNI
    ],
)
def test_readings_of_ocr_strings(raw: str, expected: str) -> None:
    readings = readings_of(raw, 0.9)
    assert readings and readings[0][0].text == expected
    assert 0 < readings[0][1] <= 0.9


def test_readings_of_junk_is_empty() -> None:
    assert readings_of("BOULANGERIE", 0.9) == []
    assert not looks_like_plate("BOULANGERIE")
    assert looks_like_plate("GX 4521 K")


# (height px, angle deg, contrast, blur px, noise sigma, background)
CASES = [
    (18, 0, 1.0, 0.0, 0, "coffee"),
    (30, 8, 1.0, 0.0, 0, "chelsea"),
    (44, -12, 0.6, 0.0, 0, "rocket"),
    (28, 0, 0.45, 0.8, 6, "coffee"),
    (60, 20, 1.0, 1.2, 0, "chelsea"),
]


@pytest.mark.parametrize(("height", "angle", "contrast", "blur", "noise", "bg"), CASES)
def test_pasted_plate_found_and_read(
    plates: PlateReader,
    height: int,
    angle: float,
    contrast: float,
    blur: float,
    noise: float,
    bg: str,
) -> None:
    background = getattr(data, bg)()
    if background.ndim == 2:
        background = np.dstack([background] * 3)
    h, w = background.shape[:2]
    img, truth = paste_plate(
        background, "GH-478-KL", height, (w // 2, h // 2), angle, contrast, blur
    )
    img = add_noise(img, noise)
    found = plates.find(img)
    assert any(coverage(truth.xyxy, r.xyxy) > 0.8 for r in found), found
    assert plates.find(blur_regions(img, found)) == []  # after: nothing left to find
    x1, y1, x2, y2 = truth.xyxy
    readings = plates.read(img, (x1, y1, x2 - x1, y2 - y1))
    assert readings and readings[0].text == "GH-478-KL", readings


def test_tight_box_is_padded(plates: PlateReader) -> None:
    """A crop touching the characters (and the image edge) is still read whole."""
    img, truth = paste_plate(data.coffee(), "EF-905-TZ", 40, (300, 200))
    x1, y1, x2, y2 = truth.xyxy
    tight = (x1 + 0.08 * (x2 - x1), y1 + 2, 0.9 * (x2 - x1), y2 - y1 - 4)
    readings = plates.read(img, tight)
    assert readings[0].text == "EF-905-TZ"
    edge = img[y1:y2, x1:x2].copy()  # the plate alone, no margin at all
    assert plates.read(edge, (0, 0, edge.shape[1], edge.shape[0]))[0].text == "EF-905-TZ"


def test_box_outside_image_refused(plates: PlateReader, astronaut: np.ndarray) -> None:
    with pytest.raises(ValueError, match="outside"):
        plates.read(astronaut, (900, 900, 50, 10))
