"""Detection metrics: COCO AP by faster-coco-eval (pycocotools' algorithm in C++, same
numbers), its IoU-0.5 matching reused for recall and the Caltech log-average miss rate.

Ignore regions (tiny or mostly hidden people, or people outside the task such as standing
people in a lying-person audit) are passed to COCOeval as `iscrowd` boxes: a detection
on them is neither a hit nor a false alarm, and a crowd box's overlap is measured on the
detection's own area, as the Caltech pedestrian benchmark treats its ignore regions.

COCO keeps at most `MAX_DETS` boxes per image (the 100 of the standard AP); the adapter's
boxes beyond that are dropped, best scores kept, before anything is counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from twinflash.audit.ap_bootstrap import ImageEval, coco_index, evaluate_images
from twinflash.audit.models import Detections

MAX_DETS = 100
IOU_MATCH = 0.5
FPPI_REFS = np.logspace(-2, 0, 9)  # Caltech: 9 points evenly spaced in log FPPI


@dataclass
class DetectionMatch:
    """Per-box outcome at IoU 0.5, for every ground-truth row and every kept detection."""

    ap: float  # COCO AP@[.5:.95]
    ap50: float  # COCO AP@0.5
    gt_score: np.ndarray  # (n_gt,) score of the detection matched to each box, NaN if none
    gt_ignored: np.ndarray  # (n_gt,) bool
    det_image: np.ndarray  # (n_det,) image index
    det_xyxy: np.ndarray  # (n_det,4)
    det_score: np.ndarray  # (n_det,)
    det_tp: np.ndarray  # (n_det,) bool, matched a box that counts
    det_ignored: np.ndarray  # (n_det,) bool, fell on an ignore region
    n_images: int
    image_wh: np.ndarray = field(repr=False)  # (n_images, 2)
    coco_gts: list[dict] = field(repr=False)  # the COCO records evaluated
    coco_dts: list[dict] = field(repr=False)

    @cached_property
    def image_eval(self) -> ImageEval:
        """COCO's per-image evaluation, for bootstrap intervals on AP (computed once)."""
        return evaluate_images(self.image_wh, self.coco_gts, self.coco_dts, MAX_DETS)


def log_average_miss_rate(
    score: np.ndarray, tp: np.ndarray, n_positive: float, n_images: float
) -> float:
    """Caltech log-average miss rate over FPPI in [1e-2, 1e0] (lower is better).

    `score`, `tp`: the detections that count (ignored ones removed). At each reference
    FPPI the miss rate of the loosest threshold whose FPPI does not exceed it is taken
    (1.0 if even the strictest threshold exceeds it); the geometric mean of the nine.
    """
    if n_positive <= 0 or n_images <= 0:
        return float("nan")
    order = np.argsort(-np.asarray(score), kind="stable")
    hits = np.asarray(tp, dtype=bool)[order]
    fppi = np.r_[0.0, np.cumsum(~hits) / n_images]
    miss = np.r_[1.0, 1.0 - np.cumsum(hits) / n_positive]
    idx = np.searchsorted(fppi, FPPI_REFS, side="right") - 1
    return float(np.exp(np.mean(np.log(np.maximum(miss[idx], 1e-10)))))


def match_detections(
    image_wh: np.ndarray,
    gt_image: np.ndarray,
    gt_xyxy: np.ndarray,
    gt_ignored: np.ndarray,
    detections: list[Detections],
) -> DetectionMatch:
    """Evaluate one class: ground-truth rows (image index, box, ignored) vs detections.

    `image_wh`: (n_images, 2). `detections[i]`: the boxes of image i (of the class).
    """
    from faster_coco_eval import COCO, COCOeval_faster

    n_images = len(image_wh)
    images = [
        {"id": i + 1, "width": int(w), "height": int(h)}
        for i, (w, h) in enumerate(np.asarray(image_wh).reshape(-1, 2))
    ]
    gt_xyxy = np.asarray(gt_xyxy, float).reshape(-1, 4)
    wh = gt_xyxy[:, 2:] - gt_xyxy[:, :2]
    gts = [
        {
            "id": k + 1,
            "image_id": int(gt_image[k]) + 1,
            "category_id": 1,
            "bbox": [float(gt_xyxy[k, 0]), float(gt_xyxy[k, 1]), float(wh[k, 0]), float(wh[k, 1])],
            "area": float(wh[k, 0] * wh[k, 1]),
            "iscrowd": int(bool(gt_ignored[k])),
        }
        for k in range(len(gt_xyxy))
    ]
    det_image, det_xyxy, det_score = [], [], []
    for i, det in enumerate(detections):
        keep = np.argsort(-det.scores, kind="stable")[:MAX_DETS]
        det_image.append(np.full(len(keep), i))
        det_xyxy.append(det.xyxy[keep])
        det_score.append(det.scores[keep])
    d_img = np.concatenate(det_image).astype(int) if det_image else np.zeros(0, int)
    d_xyxy = np.concatenate(det_xyxy).reshape(-1, 4) if det_xyxy else np.zeros((0, 4))
    d_score = np.concatenate(det_score) if det_score else np.zeros(0)
    d_wh = d_xyxy[:, 2:] - d_xyxy[:, :2]
    dts = [
        {
            "id": k + 1,
            "image_id": int(d_img[k]) + 1,
            "category_id": 1,
            "bbox": [
                float(d_xyxy[k, 0]),
                float(d_xyxy[k, 1]),
                float(d_wh[k, 0]),
                float(d_wh[k, 1]),
            ],
            "area": float(d_wh[k, 0] * d_wh[k, 1]),
            "score": float(d_score[k]),
            "iscrowd": 0,
        }
        for k in range(len(d_score))
    ]
    gt_ignored = np.asarray(gt_ignored, dtype=bool).reshape(-1)
    gt_score = np.full(len(gts), np.nan)
    det_tp = np.zeros(len(dts), bool)
    det_ignored = np.zeros(len(dts), bool)
    ap = ap50 = float("nan")
    if gts and dts:
        ev = COCOeval_faster(
            coco_index(COCO, images, gts),
            coco_index(COCO, images, dts),
            "bbox",
            extra_calc=True,
            print_function=lambda *a, **k: None,
        )
        ev.params.areaRng, ev.params.areaRngLbl = [[0.0, 1e10]], ["all"]
        ev.params.maxDets = [1, 10, MAX_DETS]
        ev.evaluate()
        ev.accumulate()
        prec = np.asarray(ev.eval["precision"])[:, :, 0, 0, -1]
        ap = float(prec[prec > -1].mean()) if (prec > -1).any() else float("nan")
        ap50 = float(prec[0][prec[0] > -1].mean()) if (prec[0] > -1).any() else float("nan")
        for key in ev.eval["matched"]:
            dt_id, gt_id = (int(x) for x in key.split("_", 1))
            if gt_ignored[gt_id - 1]:
                det_ignored[dt_id - 1] = True
            else:
                det_tp[dt_id - 1] = True
                gt_score[gt_id - 1] = d_score[dt_id - 1]
    elif gts and (~gt_ignored).any():
        ap = ap50 = 0.0
    return DetectionMatch(
        ap=ap,
        ap50=ap50,
        gt_score=gt_score,
        gt_ignored=gt_ignored,
        det_image=d_img,
        det_xyxy=d_xyxy,
        det_score=d_score,
        det_tp=det_tp,
        det_ignored=det_ignored,
        n_images=n_images,
        image_wh=np.asarray(image_wh).reshape(-1, 2),
        coco_gts=gts,
        coco_dts=dts,
    )
