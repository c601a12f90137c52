"""Tasks: which objects are the truth, how the model is run, and the per-unit scores.

Each task returns a typed output (`DetectionOutput`, `CountingOutput`, or
`classify.ClassificationOutput`) whose `Metric`s are per unit (one person, one image,
one vehicle) with the image it belongs to, so `stats` can resample images and slice units.
The model is reached through the task's protocols (`twinflash.audit.models`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from twinflash.audit.data import AuditDataset
from twinflash.audit.detection import DetectionMatch, log_average_miss_rate, match_detections
from twinflash.audit.models import (
    Adapter,
    Counter,
    CountsSource,
    Detections,
    DetectionsSource,
    Detector,
    missing_method,
)
from twinflash.audit.result import (
    ClassificationDetails,
    CountingSummary,
    DetectionSummary,
    Summary,
)
from twinflash.errors import InputError

log = logging.getLogger(__name__)
TASKS = (
    "person-detection",
    "lying-person-detection",
    "object-detection",  # any category of the dataset (e.g. waste), given by --category
    "crowd-counting",
    "vehicle-classification",
)
DETECTION_TASKS = ("person-detection", "lying-person-detection", "object-detection")
Progress = Callable[[int, int], None]


@dataclass
class Metric:
    key: str
    title: str
    level: str  # "object" or "image": what a unit is
    unit_image: np.ndarray  # (n_units,) image index
    unit_object: np.ndarray | None  # (n_units,) object row, object-level metrics only
    values: np.ndarray  # (n_units,) per-unit contribution; the metric is their mean
    higher_is_better: bool
    transform: str = "identity"


@dataclass
class TaskOutput:
    """What every task gives the analysis; subclasses add what their report shows."""

    task: str
    metrics: list[Metric]  # the first is the primary metric, tested slice by slice
    summary: Summary  # headline figures (NaN where undefined)
    object_rows: np.ndarray | None  # the task's objects (None: image-level task)

    def report_details(self) -> ClassificationDetails | None:
        """The task's tables for the report's `details` (none by default)."""
        return None


@dataclass
class DetectionOutput(TaskOutput):
    """Person detection: the COCO matching and what it was run on."""

    summary: DetectionSummary
    match: DetectionMatch
    gt_rows: np.ndarray  # (n_gt,) object rows of the target class
    gt_ignored: np.ndarray  # (n_gt,) bool: ignore regions (too small, hidden, not lying)
    threshold: float  # score at which a detection counts
    object_image: np.ndarray  # (n_objects,) image index of every object row
    detections: list[Detections]  # per image, of the target class
    image_wh: np.ndarray  # (n_images, 2)
    gt_xyxy: np.ndarray  # (n_gt, 4)


@dataclass
class CountingOutput(TaskOutput):
    """Crowd counting: the true and predicted count of every image."""

    summary: CountingSummary
    truth: np.ndarray  # (n_images,)
    predicted: np.ndarray  # (n_images,)


@dataclass
class AuditSettings:
    score_threshold: float | None = None  # None: the adapter's default, else 0.5
    min_height_px: float = 20.0
    min_visibility: float = 0.2
    target_class: str = "person"
    label_level: str = "model"


def _category_rows(ds: AuditDataset, name: str) -> np.ndarray:
    cats = ds.objects.get("category", np.zeros(0, dtype=object))
    rows = np.flatnonzero(cats == name)
    if not len(rows):
        known = sorted({str(c) for c in cats})
        raise InputError(f"dataset has no {name!r} objects; categories: {', '.join(known)}")
    return rows


def _gt_boxes(ds: AuditDataset, rows: np.ndarray) -> np.ndarray:
    return ds.truth.xyxy[rows].reshape(-1, 4)


def run_detector(
    model: Adapter,
    ds: AuditDataset,
    category_id: int,
    progress: Progress | None,
    target_class: str,
) -> list[Detections]:
    if isinstance(model, DetectionsSource):
        return model.detections_for(ds, category_id)
    if not isinstance(model, Detector):
        raise InputError(
            f"`model_spec` {model.name}: this adapter does not detect objects "
            f"({missing_method(Detector, DetectionsSource)})"
        )
    out = []
    for i in range(ds.n_images):
        out.append(model.detect(ds.load_image(i)).of_class(target_class))
        if progress:
            progress(i + 1, ds.n_images)
    return out


def detection_task(
    ds: AuditDataset,
    detections: list[Detections],
    task: str,
    settings: AuditSettings,
    threshold: float,
) -> TaskOutput:
    """Recall at the threshold per object of the target class, false alarms per image, AP
    and miss rate (person-detection: people; object-detection: `settings.target_class`)."""
    rows = _category_rows(ds, settings.target_class)
    height = ds.objects["box_height_px"][rows]
    vis = ds.objects.get("visibility", np.ones(len(ds.object_image)))[rows]
    vis = np.where(np.isfinite(vis.astype(float)), vis.astype(float), 1.0)
    ignored = (height < settings.min_height_px) | (vis < settings.min_visibility)
    if task == "lying-person-detection":
        if "pose" not in ds.objects:
            raise InputError("lying-person-detection: the dataset has no object column 'pose'")
        ignored |= ds.objects["pose"][rows] != "lying"
    if ignored.all():
        raise InputError(
            f"no {settings.target_class} left to count: all {len(rows)} are ignored "
            f"(`min_height_px` {settings.min_height_px:g}, `min_visibility` "
            f"{settings.min_visibility:g}"
            + (", lying people only)" if task == "lying-person-detection" else ")")
        )
    gt_xyxy = _gt_boxes(ds, rows)
    match = match_detections(ds.image_wh, ds.object_image[rows], gt_xyxy, ignored, detections)
    counted = rows[~ignored]
    found = (match.gt_score[~ignored] >= threshold).astype(float)
    above = match.det_score >= threshold
    fp = above & ~match.det_tp & ~match.det_ignored
    fp_img = np.bincount(match.det_image[fp], minlength=ds.n_images).astype(float)
    tp_img = np.bincount(match.det_image[above & match.det_tp], minlength=ds.n_images)
    counted_dets = ~match.det_ignored
    n_pos = int((~ignored).sum())
    summary = DetectionSummary(
        ap=match.ap,
        ap50=match.ap50,
        log_average_miss_rate=log_average_miss_rate(
            match.det_score[counted_dets], match.det_tp[counted_dets], n_pos, ds.n_images
        ),
        recall=float(found.mean()) if len(found) else float("nan"),
        precision=float(tp_img.sum() / max(1, tp_img.sum() + fp_img.sum())),
        false_positives_per_image=float(fp_img.mean()) if ds.n_images else float("nan"),
        score_threshold=threshold,
        objects_counted=n_pos,
        objects_ignored=int(ignored.sum()),
        images=ds.n_images,
    )
    images = np.arange(ds.n_images)
    metrics = [
        Metric(
            "recall",
            f"recall at score >= {threshold:g}",
            "object",
            ds.object_image[counted],
            counted,
            found,
            higher_is_better=True,
        ),
        Metric(
            "false_positives_per_image",
            f"false detections per image (score >= {threshold:g})",
            "image",
            images,
            None,
            fp_img,
            higher_is_better=False,
        ),
    ]
    return DetectionOutput(
        task,
        metrics,
        summary,
        counted,
        match=match,
        gt_rows=rows,
        gt_ignored=ignored,
        threshold=threshold,
        object_image=ds.object_image,
        detections=detections,
        image_wh=ds.image_wh,
        gt_xyxy=gt_xyxy,
    )


def slice_miss_rate(out: DetectionOutput, image_mask: np.ndarray) -> float:
    """Log-average miss rate restricted to the images of an image-level slice."""
    match = out.match
    rows, ignored = out.gt_rows, out.gt_ignored
    keep = image_mask[match.det_image] & ~match.det_ignored
    obj_image = np.asarray(out.object_image)[rows]
    n_pos = int((image_mask[obj_image] & ~ignored).sum())
    return log_average_miss_rate(
        match.det_score[keep], match.det_tp[keep], n_pos, int(image_mask.sum())
    )


def _true_counts(ds: AuditDataset, category: str) -> np.ndarray:
    """People per image: visible ones whose head point (when known) is inside the image."""
    counts = np.zeros(ds.n_images)
    wh = ds.image_wh
    for r in np.flatnonzero(ds.objects.get("category", np.zeros(0, object)) == category):
        i = ds.object_image[r]
        head = ds.truth.head_xy[r]
        known = bool(np.isfinite(head).all())
        if known and not (0 <= head[0] < wh[i, 0] and 0 <= head[1] < wh[i, 1]):
            continue
        counts[i] += 1
    return counts


def counting_task(
    ds: AuditDataset, predicted: np.ndarray, settings: AuditSettings
) -> CountingOutput:
    """Counting errors per image: absolute, squared (for RMSE), relative, signed."""
    truth = _true_counts(ds, settings.target_class)
    missing = np.flatnonzero(~np.isfinite(predicted))
    if len(missing):
        raise InputError(
            f"crowd-counting: no predicted count for image "
            f"{ds.file_names[missing[0]]} (and {len(missing) - 1} more)"
        )
    err = predicted - truth
    images = np.arange(ds.n_images)
    rel = np.abs(err) / np.maximum(truth, 1)
    metrics = [
        Metric("mae", "mean absolute count error", "image", images, None, np.abs(err), False),
        Metric(
            "rmse",
            "root mean squared count error",
            "image",
            images,
            None,
            err**2,
            False,
            transform="sqrt",
        ),
        Metric(
            "relative_error",
            "relative count error |pred-true|/max(true,1)",
            "image",
            images,
            None,
            rel,
            False,
        ),
        Metric("bias", "signed count error (pred - true)", "image", images, None, err, False),
    ]
    summary = CountingSummary(
        mae=float(np.abs(err).mean()),
        rmse=float(np.sqrt((err**2).mean())),
        relative_error=float(rel.mean()),
        bias=float(err.mean()),
        true_count_mean=float(truth.mean()),
        images=ds.n_images,
    )
    return CountingOutput(
        "crowd-counting", metrics, summary, None, truth=truth, predicted=predicted
    )


def run_counter(
    model: Adapter,
    ds: AuditDataset,
    category_id: int,
    threshold: float,
    progress: Progress | None,
    target_class: str,
) -> np.ndarray:
    """Counts from the model's own counts, else its count(), else its detections."""
    if isinstance(model, CountsSource):
        counts = model.counts_for(ds)
        if counts is not None:
            return counts
    if not isinstance(model, Counter | DetectionsSource | Detector):
        raise InputError(
            f"`model_spec` {model.name}: this adapter does not count objects "
            f"({missing_method(Counter, CountsSource, Detector, DetectionsSource)})"
        )
    if isinstance(model, Counter):
        out = np.zeros(ds.n_images)
        for i in range(ds.n_images):
            out[i] = model.count(ds.load_image(i), threshold)
            if progress:
                progress(i + 1, ds.n_images)
        return out
    dets = run_detector(model, ds, category_id, progress, target_class)
    return np.array([float((d.scores >= threshold).sum()) for d in dets])
