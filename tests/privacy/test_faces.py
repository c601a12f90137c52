"""The face detector finds known faces on real photos before any blurring."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data

from twinflash.privacy.faces import CPU_PROVIDER, FaceDetector
from twinflash.privacy.regions import coverage, iou

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
