"""Detection metrics on a hand-checked case: COCO AP equals pycocotools', the IoU-0.5
matching, ignore regions and the Caltech log-average miss rate follow their definitions."""

from __future__ import annotations

import contextlib
import io
import math

import numpy as np
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from twinflash.audit.detection import log_average_miss_rate, match_detections
from twinflash.audit.models import Detections

# xywh; D is an ignore region (a tiny or mostly hidden person)
GT = {
    "A": (0, [0, 0, 10, 20]),
    "B": (0, [50, 0, 10, 20]),
    "C": (1, [0, 0, 20, 40]),
    "D": (1, [100, 100, 30, 60]),
}
DETS = [  # image, xywh, score, what it is
    (0, [0, 0, 10, 20], 0.9),  # A, IoU 1
    (0, [200, 200, 10, 20], 0.8),  # false alarm
    (0, [50, 0, 10, 12], 0.3),  # B, IoU 0.6
    (1, [105, 105, 10, 20], 0.7),  # inside the ignore region D
    (1, [0, 0, 20, 22], 0.6),  # C, IoU 0.55
]


def _xyxy(b: list[float]) -> list[float]:
    return [b[0], b[1], b[0] + b[2], b[1] + b[3]]


def _ours():
    gt_img = np.array([v[0] for v in GT.values()])
    gt_xyxy = np.array([_xyxy(v[1]) for v in GT.values()])
    ignored = np.array([k == "D" for k in GT])
    dets = [
        Detections([_xyxy(b) for i, b, _ in DETS if i == img], [s for i, _, s in DETS if i == img])
        for img in (0, 1)
    ]
    return match_detections(np.array([[320, 240], [320, 240]]), gt_img, gt_xyxy, ignored, dets)


def _pycocotools() -> np.ndarray:
    gt = COCO()
    gt.dataset = {
        "images": [{"id": 1, "width": 320, "height": 240}, {"id": 2, "width": 320, "height": 240}],
        "annotations": [
            {
                "id": k + 1,
                "image_id": img + 1,
                "category_id": 1,
                "bbox": b,
                "area": b[2] * b[3],
                "iscrowd": int(name == "D"),
            }
            for k, (name, (img, b)) in enumerate(GT.items())
        ],
        "categories": [{"id": 1, "name": "person"}],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        dt = gt.loadRes(
            [{"image_id": i + 1, "category_id": 1, "bbox": b, "score": s} for i, b, s in DETS]
        )
        ev = COCOeval(gt, dt, "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return ev.stats


def test_ap_agrees_with_pycocotools_and_the_hand_value() -> None:
    m = _ours()
    stats = _pycocotools()
    assert math.isclose(m.ap, stats[0], abs_tol=1e-9)
    assert math.isclose(m.ap50, stats[1], abs_tol=1e-9)
    # by hand: ranked TP, FP, (ignored), TP, TP over 3 people; interpolated precision is
    # 1 up to recall 1/3 (34 of COCO's 101 recall points) and 3/4 beyond
    assert math.isclose(m.ap50, (34 + 67 * 0.75) / 101, abs_tol=1e-9)


def test_matching_credits_people_and_ignores_the_region() -> None:
    m = _ours()
    np.testing.assert_allclose(m.gt_score[:3], [0.9, 0.3, 0.6])
    assert np.isnan(m.gt_score[3])
    np.testing.assert_array_equal(m.det_tp, [True, False, True, False, True])
    np.testing.assert_array_equal(m.det_ignored, [False, False, False, True, False])
    np.testing.assert_array_equal(m.det_image, [0, 0, 0, 1, 1])


def test_log_average_miss_rate_by_hand() -> None:
    # two images, three people: TP .9, FP .8, TP .6 (FPPI 0.5 once the FP is in)
    lamr = log_average_miss_rate(np.array([0.9, 0.8, 0.6]), np.array([True, False, True]), 3, 2)
    # FPPI refs below 0.5 (7 of 9) see miss 2/3; 0.56 and 1.0 see miss 1/3
    expected = math.exp((7 * math.log(2 / 3) + 2 * math.log(1 / 3)) / 9)
    assert math.isclose(lamr, expected, rel_tol=1e-12)
    # nothing detected: miss rate 1 everywhere
    assert log_average_miss_rate(np.zeros(0), np.zeros(0, bool), 5, 10) == 1.0
    assert math.isnan(log_average_miss_rate(np.zeros(0), np.zeros(0, bool), 0, 10))


def test_no_detection_at_all_gives_zero_ap_and_misses_everyone() -> None:
    m = match_detections(
        np.array([[100, 100]]),
        np.array([0]),
        np.array([[0, 0, 10, 20]]),
        np.array([False]),
        [Detections(np.zeros((0, 4)), np.zeros(0))],
    )
    assert m.ap == 0.0 and m.ap50 == 0.0
    assert np.isnan(m.gt_score).all()


def test_only_the_hundred_best_boxes_per_image_count() -> None:
    boxes = np.tile([[0, 0, 10, 20]], (150, 1)).astype(float)
    scores = np.linspace(0.01, 1.0, 150)
    m = match_detections(
        np.array([[100, 100]]),
        np.array([0]),
        np.array([[0, 0, 10, 20]]),
        np.array([False]),
        [Detections(boxes, scores)],
    )
    assert len(m.det_score) == 100 and m.det_score.min() > scores[49]
    assert m.gt_score[0] == 1.0
