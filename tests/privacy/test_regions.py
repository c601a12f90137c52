"""Regions: box geometry, overlap measures, NMS, and sidecars that never leak plate text."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.privacy.regions import Region, coverage, iou, nms


def test_region_geometry_and_frame() -> None:
    r = Region("plate", (10.0, 20.0, 50.0, 30.0), 0.87654, text="AB-123-CD")
    assert (r.width, r.height, r.center_x) == (40.0, 10.0, 30.0)
    moved = r.with_frame(7, carried=True)
    assert (moved.frame, moved.carried, moved.xyxy) == (7, True, r.xyxy)
    assert r.frame is None  # frozen: the original is unchanged


def test_sidecar_rounds_and_drops_the_text_unless_asked() -> None:
    r = Region("plate", (10.4, 20.6, 50.5, 30.49), 0.876543, text="AB-123-CD")
    data = r.to_json()
    assert "text" not in data and data["xyxy"] == [10, 21, 50, 30] and data["score"] == 0.8765
    assert r.to_json(with_text=True)["text"] == "AB-123-CD"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 0, 10, 10), (0, 0, 10, 10), 1.0),
        ((0, 0, 10, 10), (5, 0, 15, 10), 50 / 150),
        ((0, 0, 10, 10), (10, 0, 20, 10), 0.0),  # touching edges do not overlap
        ((0, 0, 0, 0), (0, 0, 0, 0), 0.0),
    ],
)
def test_iou(a: tuple, b: tuple, expected: float) -> None:
    assert iou(a, b) == pytest.approx(expected)


def test_coverage_is_the_share_of_the_target_inside_the_cover() -> None:
    assert coverage((0, 0, 10, 10), (0, 0, 100, 100)) == 1.0
    assert coverage((0, 0, 10, 10), (5, 0, 100, 100)) == 0.5
    assert coverage((0, 0, 100, 100), (0, 0, 10, 10)) == 0.01
    assert coverage((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0


def test_nms_keeps_the_best_of_overlapping_boxes() -> None:
    boxes = np.array([[0, 0, 10, 10], [1, 0, 11, 10], [50, 50, 60, 60]], float)
    keep = nms(boxes, np.array([0.5, 0.9, 0.3]), 0.5)
    assert sorted(keep.tolist()) == [1, 2]
    assert nms(np.zeros((0, 4)), np.zeros(0), 0.5).tolist() == []
