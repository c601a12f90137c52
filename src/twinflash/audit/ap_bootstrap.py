"""Bootstrap intervals for COCO AP: COCO's per-image evaluation once, its accumulation
re-weighted for every bootstrap replicate.

AP is not a mean over images, so the image-weight bootstrap that gives recall its
interval does not apply to it directly, and running COCOeval again on a thousand resampled
datasets per slice would take minutes. But COCO's matching is per image (pycocotools'
`evaluateImg`: which detection matches which box at each IoU threshold, which are
ignored); only the accumulation mixes images: sort every detection by score, cumulate true
and false positives, interpolate precision at 101 recall points. Drawing an image k times
multiplies its detections and its boxes by k, so a replicate is the same accumulation with
weighted cumulative sums. With 0/1 weights it is COCOeval's AP of that subset of images,
bit for bit; a weight of 2 is the image twice, up to the order of detections with tied
scores, which COCO leaves to the order of the images anyway (`tests/audit/
test_ap_bootstrap.py` checks both against faster-coco-eval).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import Any

import numpy as np

CHUNK = 64  # replicates accumulated at once: bounds memory to CHUNK x detections floats


@dataclass(frozen=True)
class ImageEval:
    """COCO's per-image outcome of every kept detection, in COCO's accumulation order."""

    det_image: np.ndarray  # (n,) image index of each detection
    tp: np.ndarray  # (T, n) bool: matched a box that counts, at each IoU threshold
    fp: np.ndarray  # (T, n) bool: matched nothing and fell on no ignore region
    positives: np.ndarray  # (n_images,) boxes that count per image
    rec_thrs: np.ndarray  # COCO's 101 recall points
    iou_thrs: np.ndarray  # (T,) 0.50 ... 0.95


def coco_index(coco_class: Any, images: list[dict], annotations: list[dict]) -> Any:
    """A COCO object (pycocotools' or faster-coco-eval's class) indexed over one class,
    without the library's chatter on stdout."""
    coco = coco_class()
    coco.dataset = {
        "images": images,
        "annotations": annotations,
        "categories": [{"id": 1, "name": "object"}],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        coco.createIndex()
    return coco


def evaluate_images(
    image_wh: np.ndarray, gts: list[dict], dts: list[dict], max_dets: int
) -> ImageEval:
    """Run pycocotools' per-image evaluation (one class, all areas) and keep what AP needs.

    `gts`, `dts`: COCO annotation dicts with image ids 1..n_images (`iscrowd` gts are
    ignore regions), as `detection.match_detections` builds them.
    """
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    n_images = len(image_wh)
    images = [
        {"id": i + 1, "width": int(w), "height": int(h)}
        for i, (w, h) in enumerate(np.asarray(image_wh).reshape(-1, 2))
    ]
    ev = COCOeval(coco_index(COCO, images, gts), coco_index(COCO, images, dts), "bbox")
    ev.params.areaRng, ev.params.areaRngLbl = [[0.0, 1e10]], ["all"]
    ev.params.maxDets = [max_dets]
    with contextlib.redirect_stdout(io.StringIO()):
        ev.evaluate()
    n_thr = len(ev.params.iouThrs)
    scores, image, matched, ignored = [], [], [], []
    positives = np.zeros(n_images)
    for pos, e in zip(ev.params.imgIds, ev.evalImgs, strict=True):  # one class, one area
        if e is None:
            continue
        positives[pos - 1] = int(np.count_nonzero(np.asarray(e["gtIgnore"]) == 0))
        d = len(e["dtScores"][:max_dets])
        scores.append(np.asarray(e["dtScores"][:max_dets], float))
        image.append(np.full(d, pos - 1))
        matched.append(np.asarray(e["dtMatches"]).reshape(n_thr, -1)[:, :max_dets] > 0)
        ignored.append(np.asarray(e["dtIgnore"]).reshape(n_thr, -1)[:, :max_dets].astype(bool))
    if scores:
        order = np.argsort(-np.concatenate(scores), kind="mergesort")  # as COCO accumulates
        det_image = np.concatenate(image).astype(int)[order]
        dtm = np.concatenate(matched, axis=1)[:, order]
        dtig = np.concatenate(ignored, axis=1)[:, order]
    else:
        det_image = np.zeros(0, int)
        dtm = dtig = np.zeros((n_thr, 0), bool)
    return ImageEval(
        det_image=det_image,
        tp=dtm & ~dtig,
        fp=~dtm & ~dtig,
        positives=positives,
        rec_thrs=np.asarray(ev.params.recThrs, float),
        iou_thrs=np.asarray(ev.params.iouThrs, float),
    )


def weighted_ap(ev: ImageEval, weights: np.ndarray) -> np.ndarray:
    """(R, T) AP per IoU threshold for each row of image weights `weights` (R, n_images).

    NaN where a row weighs no box that counts (COCO's -1). The mean over T is AP@[.5:.95],
    column 0 is AP@0.5.
    """
    weights = np.atleast_2d(np.asarray(weights, float))
    n_rows, n_thr = len(weights), len(ev.iou_thrs)
    out = np.zeros((n_rows, n_thr))
    for start in range(0, n_rows, CHUNK):
        w = weights[start : start + CHUNK]
        # Detections no row draws only repeat the previous point of the curves: skip them.
        cols = np.flatnonzero(w.any(axis=0)[ev.det_image])
        det_w = w[:, ev.det_image[cols]]  # (r, n)
        n_pos = w @ ev.positives  # (r,)
        for t in range(n_thr):
            tp = np.cumsum(det_w * ev.tp[t, cols], axis=1)
            fp = np.cumsum(det_w * ev.fp[t, cols], axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                rc = tp / n_pos[:, None]
            pr = tp / (fp + tp + np.spacing(1))
            pr = np.maximum.accumulate(pr[:, ::-1], axis=1)[:, ::-1]  # precision envelope
            idx = np.empty((len(w), len(ev.rec_thrs)), int)
            for r in range(len(w)):  # rows differ: one exact searchsorted each
                idx[r] = np.searchsorted(rc[r], ev.rec_thrs, side="left")
            pr = np.concatenate([pr, np.zeros((len(w), 1))], axis=1)  # past the end: 0
            out[start : start + len(w), t] = np.take_along_axis(pr, idx, axis=1).mean(axis=1)
        out[start : start + len(w)][n_pos <= 0] = np.nan
    return out


MIN_REPLICATES = 100  # fewer than this: AP point figures, no interval


def _interval(x: np.ndarray) -> tuple[float | None, float | None]:
    """95% percentile interval; none when over 1% of the replicates had no box to count."""
    finite = x[np.isfinite(x)]
    if not len(x) or len(finite) < 0.99 * len(x):
        return None, None
    lo, hi = np.percentile(finite, [2.5, 97.5])
    return float(lo), float(hi)


class SliceAP:
    """COCO AP and AP@0.5 of image subsets, with bootstrap intervals and gaps.

    `weights`: the (B, n_images) replicates every other metric uses (fewer than
    `MIN_REPLICATES` rows: point figures only). Replicates are cached by subset, so a
    two-level column's "rest" (the other level) is computed once.
    """

    def __init__(self, ev: ImageEval, weights: np.ndarray):
        self.ev = ev
        self.weights = weights if len(weights) >= MIN_REPLICATES else weights[:0]
        self._cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}

    def _ap(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(T,) AP of the subset, (B, T) of its replicates."""
        key = np.packbits(mask).tobytes()
        if key not in self._cache:
            point = weighted_ap(self.ev, mask[None].astype(float))[0]
            reps = weighted_ap(self.ev, self.weights * mask) if len(self.weights) else point[:0]
            self._cache[key] = (point, reps.reshape(-1, len(point)))
        return self._cache[key]

    def summary(
        self, mask: np.ndarray, reference: np.ndarray | None = None
    ) -> dict[str, float | None]:
        """Keys `ap`, `ap_lo`, `ap_hi` and, given a `reference` subset, `ap_gap`,
        `ap_gap_lo`, `ap_gap_hi`; the same for `ap50`."""
        sides = [self._ap(np.asarray(mask, bool))]
        if reference is not None:
            sides.append(self._ap(np.asarray(reference, bool)))
        out: dict[str, float | None] = {}
        for key, reduce in (("ap", lambda a: a.mean(axis=-1)), ("ap50", lambda a: a[..., 0])):
            (point, reps), *ref = sides
            value = float(reduce(point))
            out[key] = value if np.isfinite(value) else None
            out[f"{key}_lo"], out[f"{key}_hi"] = _interval(reduce(reps))
            if ref:
                gap = value - float(reduce(ref[0][0]))
                out[f"{key}_gap"] = gap if np.isfinite(gap) else None
                out[f"{key}_gap_lo"], out[f"{key}_gap_hi"] = _interval(
                    reduce(reps) - reduce(ref[0][1])
                )
        return out
