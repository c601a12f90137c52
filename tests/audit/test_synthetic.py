"""The planted audit problem holds what it promises: the night effect and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.audit.detection import match_detections
from twinflash.audit.synthetic import planted_coco, planted_problem


def test_same_seed_same_problem() -> None:
    a, _, dets_a = planted_coco(n_images=5, seed=3)
    b, _, dets_b = planted_coco(n_images=5, seed=3)
    assert a == b
    assert all(np.array_equal(x.xyxy, y.xyxy) for x, y in zip(dets_a, dets_b, strict=True))


def test_boxes_stay_inside_the_image_and_rows_match_images() -> None:
    coco, rows, dets = planted_coco(n_images=20, people_per_image=4, seed=1)
    assert len(coco["images"]) == len(rows) == len(dets) == 20
    assert len(coco["annotations"]) == 80
    for ann in coco["annotations"]:
        x, y, w, h = ann["bbox"]
        assert x >= 0 and y >= 0 and x + w <= 640 + 1e-9 and y + h <= 480 + 1e-9
    assert {r["placebo"] for r in rows} <= {"a", "b", "c"}


def test_the_night_halves_the_detections_and_the_placebo_does_nothing() -> None:
    ds, dets = planted_problem(n_images=400, people_per_image=8, seed=0, false_alarms_per_image=0)
    ignored = np.zeros(len(ds.object_image), bool)
    match = match_detections(ds.image_wh, ds.object_image, ds.truth.xyxy, ignored, dets)
    found = match.gt_score >= 0.5
    night = ds.images["is_night"].astype(bool)[ds.object_image]
    assert found[~night].mean() == pytest.approx(0.85, abs=0.03)
    assert found[night].mean() == pytest.approx(0.85 * 0.5, abs=0.04)
    placebo = ds.images["placebo"][ds.object_image]
    rates = [found[placebo == p].mean() for p in "abc"]
    assert max(rates) - min(rates) < 0.05


def test_small_factor_drops_people_under_80_px_only() -> None:
    ds, dets = planted_problem(
        n_images=400, seed=1, night_factor=1.0, small_factor=0.5, false_alarms_per_image=0
    )
    ignored = np.zeros(len(ds.object_image), bool)
    match = match_detections(ds.image_wh, ds.object_image, ds.truth.xyxy, ignored, dets)
    found = match.gt_score >= 0.5
    small = ds.truth.xywh[:, 3] < 80
    assert found[~small].mean() == pytest.approx(0.85, abs=0.03)
    assert found[small].mean() == pytest.approx(0.85 * 0.5, abs=0.04)
    night = ds.images["is_night"].astype(bool)[ds.object_image]
    assert abs(found[night].mean() - found[~night].mean()) < 0.05  # no night effect
