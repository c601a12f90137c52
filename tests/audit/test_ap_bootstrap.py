"""Re-weighted COCO accumulation: with 0/1 image weights it must give faster-coco-eval's AP
of that subset exactly, and an image drawn twice must count as two copies of it."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.audit.ap_bootstrap import SliceAP, weighted_ap
from twinflash.audit.detection import match_detections
from twinflash.audit.models import Detections
from twinflash.audit.stats import bootstrap_weights


def _problem(seed: int, n_images: int = 30, ties: bool = True):
    """People boxes, some ignore regions, and noisy detections with false alarms and ties."""
    rng = np.random.default_rng(seed)
    gt_image, gt_xyxy, dets = [], [], []
    for i in range(n_images):
        n = rng.integers(0, 6)
        xy = rng.uniform(0, 500, size=(n, 2))
        wh = np.c_[rng.uniform(15, 60, n), rng.uniform(40, 150, n)]
        boxes = np.c_[xy, xy + wh]
        gt_image += [i] * n
        gt_xyxy.append(boxes)
        found = boxes[rng.random(n) < 0.7] + rng.normal(0, 6, size=(1, 4))
        alarms = np.c_[(p := rng.uniform(0, 500, size=(rng.integers(0, 3), 2))), p + 50]
        xyxy = np.r_[found, alarms]
        scores = rng.uniform(0, 1, len(xyxy))
        scores = np.round(scores, 1) if ties else scores  # ties across images
        dets.append(Detections(xyxy, scores))
    gt_xyxy = np.concatenate(gt_xyxy)
    ignored = rng.random(len(gt_xyxy)) < 0.15
    wh = np.full((n_images, 2), 640)
    return wh, np.array(gt_image), gt_xyxy, ignored, dets


def _subset(problem, keep: np.ndarray):
    wh, gt_image, gt_xyxy, ignored, dets = problem
    remap = np.full(len(wh), -1)
    remap[keep] = np.arange(len(keep))
    sel = np.isin(gt_image, keep)
    return wh[keep], remap[gt_image[sel]], gt_xyxy[sel], ignored[sel], [dets[i] for i in keep]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_zero_one_weights_give_coco_ap_of_the_subset(seed: int) -> None:
    problem = _problem(seed)
    full = match_detections(*problem)
    every = weighted_ap(full.image_eval, np.ones((1, len(problem[0]))))[0]
    assert every.mean() == pytest.approx(full.ap, abs=1e-12)
    assert every[0] == pytest.approx(full.ap50, abs=1e-12)
    rng = np.random.default_rng(seed + 100)
    for _ in range(5):
        keep = np.flatnonzero(rng.random(len(problem[0])) < 0.5)
        sub = match_detections(*_subset(problem, keep))
        mask = np.zeros((1, len(problem[0])))
        mask[0, keep] = 1
        ap = weighted_ap(full.image_eval, mask)[0]
        assert ap.mean() == pytest.approx(sub.ap, abs=1e-12)
        assert ap[0] == pytest.approx(sub.ap50, abs=1e-12)


def test_a_weight_of_two_is_the_image_twice() -> None:
    problem = _problem(7, n_images=12, ties=False)
    full = match_detections(*problem)
    weights = np.ones((1, 12))
    weights[0, [2, 5]] = 2
    twice = np.r_[np.arange(12), [2, 5]]
    wh, gt_image, gt_xyxy, ignored, dets = problem
    rows = [np.flatnonzero(gt_image == i) for i in twice]
    dup = match_detections(
        wh[twice],
        np.concatenate([np.full(len(r), k) for k, r in enumerate(rows)]),
        np.concatenate([gt_xyxy[r] for r in rows]),
        np.concatenate([ignored[r] for r in rows]),
        [dets[i] for i in twice],
    )
    ap = weighted_ap(full.image_eval, weights)[0]
    assert ap.mean() == pytest.approx(dup.ap, abs=1e-12)
    assert ap[0] == pytest.approx(dup.ap50, abs=1e-12)


def test_rows_without_a_counted_box_are_nan_and_rows_are_independent() -> None:
    problem = _problem(3)
    ev = match_detections(*problem).image_eval
    n = len(problem[0])
    empty = np.flatnonzero(ev.positives == 0)
    rows = np.zeros((3, n))
    rows[0, empty] = 1  # no box that counts: COCO's -1
    rows[1] = 1
    rows[2, : n // 2] = 1
    ap = weighted_ap(ev, rows)
    assert np.isnan(ap[0]).all()
    np.testing.assert_array_equal(ap[1], weighted_ap(ev, rows[1:2])[0])
    np.testing.assert_array_equal(ap[2], weighted_ap(ev, rows[2:3])[0])


def test_slice_intervals_cover_the_point_and_both_sides_share_replicates() -> None:
    problem = _problem(5, n_images=60)
    ev = match_detections(*problem).image_eval
    weights = bootstrap_weights(60, 300, seed=0)
    ap = SliceAP(ev, weights)
    half = np.arange(60) < 30
    first, second = ap.summary(half, ~half), ap.summary(~half, half)
    for key in ("ap", "ap50"):
        assert first[f"{key}_lo"] < first[key] < first[f"{key}_hi"]
        assert first[f"{key}_gap_lo"] < first[f"{key}_gap"] < first[f"{key}_gap_hi"]
        assert second[f"{key}_gap"] == pytest.approx(-first[f"{key}_gap"], abs=1e-12)
        assert second[f"{key}_gap_lo"] == pytest.approx(-first[f"{key}_gap_hi"], abs=1e-12)
    assert len(ap._cache) == 2  # each half's rest is the other half: computed once
    # too few replicates for an interval: the point figure alone
    few = SliceAP(ev, weights[:50]).summary(half)
    assert few["ap50"] == first["ap50"] and few["ap50_lo"] is None and few["ap_hi"] is None
