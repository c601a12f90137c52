"""The pose people instrument: its SSD geometry by hand, and real photos with known truth.

The photos ship with scikit-image (the astronaut Eileen Collins; textures without a
person). Truth box of the astronaut drawn by hand on the 512x512 image: hair top to the
bottom edge, left sleeve to right shoulder, the helmet she holds excluded.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest
from skimage import data

from twinflash.audit import pose
from twinflash.audit.hog import box_iou
from twinflash.audit.models import Detector, build_model

pytest.importorskip("tflite_runtime", reason=pose.INSTALL_HINT)
try:
    pose.model_path(pose.DETECTOR)
except ImportError:
    pytest.skip(pose.INSTALL_HINT, allow_module_level=True)

ASTRONAUT_XYXY = np.array([20.0, 15.0, 365.0, 512.0]) / 2  # on the 256x256 copy


def _small(image: np.ndarray, side: int = 256) -> np.ndarray:
    if image.dtype == bool:  # the horse silhouette
        image = image.astype(np.uint8) * 255
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    return cv2.resize(image[..., :3], (side, side), interpolation=cv2.INTER_AREA)


def _rot90_box(box: np.ndarray, side: float) -> np.ndarray:
    """The box after np.rot90 (a quarter turn anticlockwise) of a side x side image."""
    x0, y0, x1, y1 = box
    return np.array([y0, side - x1, y1, side - x0])


def test_anchors_are_mediapipes_2254_cell_centres() -> None:
    a = pose.ssd_anchors()
    assert a.shape == (2254, 2)  # 28x28x2 + 14x14x2 + 7x7x6, the model's output rows
    np.testing.assert_allclose(a[0], [0.5 / 28, 0.5 / 28])
    np.testing.assert_allclose(a[1], a[0])  # two anchors per cell
    np.testing.assert_allclose(a[2 * 28 * 28], [0.5 / 14, 0.5 / 14])
    np.testing.assert_allclose(a[-1], [6.5 / 7, 6.5 / 7])


def test_decoding_puts_points_at_anchor_plus_offset() -> None:
    raw = np.zeros((1, 2254, 12), np.float32)
    logits = np.full((1, 2254, 1), -10.0, np.float32)
    k = 2 * 28 * 28  # the first 14x14 anchor, centre (1/28, 1/28)
    logits[0, k] = 2.0
    raw[0, k] = [22.4, 0, 44.8, 22.4, 11.2, 22.4, 11.2, -22.4, 0, 0, 0, 0]
    (score, face, hip, circle), *rest = pose.decode_detections(raw, logits)
    assert rest == []
    assert score == pytest.approx(1 / (1 + math.exp(-2)))
    c = 1 / 28
    np.testing.assert_allclose(face, [c, c - 0.05, c + 0.2, c + 0.05], atol=1e-6)
    np.testing.assert_allclose(hip, [c + 0.05, c + 0.1], atol=1e-6)
    np.testing.assert_allclose(circle, [c + 0.05, c - 0.1], atol=1e-6)


def test_a_turned_roi_has_turned_corners() -> None:
    upright = pose.Roi(cx=50, cy=40, size=20, rotation_rad=0.0, score=1.0)
    np.testing.assert_allclose(upright.corners(), [[40, 30], [60, 30], [40, 50]])
    quarter = pose.Roi(cx=50, cy=40, size=20, rotation_rad=math.pi / 2, score=1.0)
    # turned a quarter clockwise on screen (y down): the top-left corner goes top-right
    np.testing.assert_allclose(quarter.corners(), [[60, 30], [60, 50], [40, 30]], atol=1e-9)


def test_tiles_cover_the_image_at_every_size() -> None:
    tiles = pose.tiles(1280, 720)
    sides = sorted({s for _, _, s in tiles}, reverse=True)
    assert sides[0] == 720 and sides[-1] >= pose.MIN_TILE_PX
    assert sides[-1] * pose.TILE_RATIO < pose.MIN_TILE_PX
    for side in sides:
        covered = np.zeros((720, 1280), bool)
        for x, y, s in tiles:
            if s == side:
                assert 0 <= x <= 1280 - s and 0 <= y <= 720 - s
                covered[y : y + s, x : x + s] = True
        assert covered.all()
    assert pose.tiles(100, 80) and {s for *_, s in pose.tiles(100, 80)} == {80}


@pytest.mark.parametrize("quarter_turns", [0, 1, 2, 3])
def test_finds_the_astronaut_upright_and_lying(quarter_turns: int) -> None:
    image = np.ascontiguousarray(np.rot90(_small(data.astronaut()), quarter_turns))
    truth = ASTRONAUT_XYXY
    for _ in range(quarter_turns):
        truth = _rot90_box(truth, 256)
    boxes, scores = pose.detect_people(image)
    assert len(boxes) == 1, (boxes, scores)
    assert box_iou(truth, boxes)[0, 0] >= 0.5
    assert scores[0] >= 0.7  # a real person clears the strict point of docs/people.md


@pytest.mark.parametrize("name", ["brick", "coins", "horse", "gravel"])
def test_no_person_in_textures_and_a_horse(name: str) -> None:
    boxes, scores = pose.detect_people(_small(getattr(data, name)()))
    assert boxes.shape == (0, 4) and scores.shape == (0,)


def test_bad_input_is_refused_and_the_adapter_runs_it() -> None:
    with pytest.raises(ValueError, match=r"\(H,W,3\) uint8"):
        pose.detect_people(np.zeros((64, 64), np.uint8))
    model = build_model("pose-people")
    assert isinstance(model, Detector)
    assert len(model.detect(_small(data.astronaut())).xyxy) == 1
