"""After blurring, the face detector and the plate reader no longer find what was there."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.privacy.blur import STYLES, blur_regions, expand
from twinflash.privacy.faces import FaceDetector
from twinflash.privacy.plates import PlateReader
from twinflash.privacy.regions import Region, iou


@pytest.mark.parametrize("style", STYLES)
def test_blurred_face_and_plate_are_no_longer_found(
    style: str, faces: FaceDetector, plates: PlateReader, astronaut_with_plate: np.ndarray
) -> None:
    img = astronaut_with_plate
    found_faces, found_plates = faces(img), plates.find(img)
    assert len(found_faces) == 1  # before: both found, and read
    assert [p.text for p in found_plates] == ["AB-123-CD"]
    assert plates.read(img)[0].text == "AB-123-CD"
    before = img.copy()
    out = blur_regions(img, found_faces + found_plates, style)  # type: ignore[arg-type]
    assert np.array_equal(img, before)  # input untouched
    # nothing found where a face was (a black ellipse may look face-like elsewhere, weakly)
    assert not [f for f in faces(out) if iou(f.xyxy, found_faces[0].xyxy) > 0.1]
    assert plates.find(out) == []
    assert plates.read(out) == []
    # what was not blurred is left as it was (top-left corner: flag, far from both)
    assert np.array_equal(out[:40, :40], img[:40, :40])


def test_ellipse_leaves_box_corners(astronaut: np.ndarray) -> None:
    face = Region("face", (180.0, 50.0, 275.0, 180.0), 0.9)
    out = blur_regions(astronaut, [face], "solid", face_margin=0.0, ellipse_faces=True)
    assert np.array_equal(out[51, 181], astronaut[51, 181])  # corner kept
    assert (out[115, 227] == 0).all()  # centre blacked out
    boxed = blur_regions(astronaut, [face], "solid", face_margin=0.0, ellipse_faces=False)
    assert (boxed[51, 181] == 0).all()


def test_margin_and_clipping() -> None:
    assert expand((10, 10, 30, 20), 0.5, (100, 100)) == (0, 5, 40, 25)
    assert expand((90, 90, 100, 100), 1.0, (100, 100)) == (80, 80, 100, 100)


def test_unknown_style_refused(astronaut: np.ndarray) -> None:
    with pytest.raises(ValueError, match="gaussian"):
        blur_regions(astronaut, [], "swirl")  # type: ignore[arg-type]
