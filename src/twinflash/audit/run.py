"""`audit`: dataset + model + task -> report directory. The one call the CLI makes."""

from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path
from typing import Any

from twinflash.audit.analysis import AnalysisSettings, analyse
from twinflash.audit.classify import classification_task, run_classifier, vehicle_rows
from twinflash.audit.data import AuditDataset, load_dataset
from twinflash.audit.failures import detection_failures
from twinflash.audit.models import (
    Adapter,
    AdapterOptions,
    Detections,
    build_model,
    default_score_threshold,
)
from twinflash.audit.report import write_report
from twinflash.audit.result import AuditReport, CountRow, ReportSettings, Timings
from twinflash.audit.slices import column_values
from twinflash.audit.tasks import (
    DETECTION_TASKS,
    TASKS,
    AuditSettings,
    CountingOutput,
    DetectionOutput,
    Progress,
    TaskOutput,
    counting_task,
    detection_task,
    run_counter,
    run_detector,
)
from twinflash.datasets.store import check_output_location
from twinflash.errors import InputError
from twinflash.files import atomic_write_text

log = logging.getLogger(__name__)
DEFAULT_THRESHOLD = 0.5


def _category_id(ds: AuditDataset, name: str) -> int:
    if name in ds.categories:
        return ds.categories[name]
    known = ", ".join(ds.categories)
    raise InputError(f"dataset has no category {name!r}; categories: {known}")


def evaluate(
    model: Adapter,
    ds: AuditDataset,
    task: str,
    settings: AuditSettings,
    progress: Progress | None = None,
) -> TaskOutput:
    """Run the model where needed and score every unit of the task."""
    if task not in TASKS:
        raise InputError(f"`task` {task!r}: unknown; known: {', '.join(TASKS)}")
    threshold = settings.score_threshold
    if threshold is None:
        threshold = default_score_threshold(model, DEFAULT_THRESHOLD)
    if task in DETECTION_TASKS:
        cid = _category_id(ds, settings.target_class)
        dets = run_detector(model, ds, cid, progress, settings.target_class)
        return detection_task(ds, dets, task, settings, threshold)
    if task == "crowd-counting":
        cid = _category_id(ds, settings.target_class)
        counts = run_counter(model, ds, cid, threshold, progress, settings.target_class)
        out = counting_task(ds, counts, settings)
        out.summary.score_threshold = threshold
        return out
    rows = vehicle_rows(ds)
    return classification_task(ds, rows, run_classifier(model, ds, rows, progress), settings)


def check_options(settings: AuditSettings, analysis: AnalysisSettings) -> None:
    """Refuse impossible settings up front, naming the parameter of each."""
    checks: list[tuple[str, Any, bool, str]] = [
        ("n_boot", analysis.n_boot, analysis.n_boot >= 1, "must be >= 1"),
        ("seed", analysis.seed, analysis.seed >= 0, "must be >= 0"),
        ("alpha", analysis.alpha, 0 < analysis.alpha < 1, "must be between 0 and 1"),
        ("min_support", analysis.min_support, analysis.min_support >= 0, "must be >= 0"),
        ("min_images", analysis.min_images, analysis.min_images >= 0, "must be >= 0"),
        (
            "min_height_px",
            settings.min_height_px,
            math.isfinite(settings.min_height_px) and settings.min_height_px >= 0,
            "must be >= 0",
        ),
        (
            "min_visibility",
            settings.min_visibility,
            0 <= settings.min_visibility <= 1,
            "must be between 0 and 1",
        ),
    ]
    if settings.score_threshold is not None:
        threshold = settings.score_threshold
        checks.append(("score_threshold", threshold, math.isfinite(threshold), "must be finite"))
    for name, value, ok, rule in checks:
        if not ok:
            raise InputError(f"`{name}`: {rule} (got {value:g})")


def audit(
    dataset: str | Path,
    model_spec: str,
    task: str,
    out_dir: str | Path,
    *,
    adapter: AdapterOptions | None = None,
    settings: AuditSettings | None = None,
    analysis: AnalysisSettings | None = None,
    split: str | None = None,
    metadata: str | Path | None = None,
    images_dir: str | Path | None = None,
    n_failures: int = 12,
    progress: Progress | None = None,
) -> AuditReport:
    """Write REPORT_DIR/report.html and report.json; return the report."""
    settings = settings or AuditSettings()
    analysis = analysis or AnalysisSettings()
    if task not in TASKS:
        raise InputError(f"`task` {task!r}: unknown; known: {', '.join(TASKS)}")
    check_options(settings, analysis)
    check_output_location(Path(out_dir), "out_dir")
    ds = load_dataset(dataset, split=split, metadata=metadata, images_dir=images_dir)
    for column in [*(analysis.columns or []), *(c for p in analysis.crossings or [] for c in p)]:
        column_values(ds, column)  # a typo fails now, not after an hour of inference
    model = build_model(model_spec, adapter)
    t0 = time.perf_counter()
    out = evaluate(model, ds, task, settings, progress)
    t1 = time.perf_counter()
    result = analyse(ds, out, analysis)
    t2 = time.perf_counter()
    detection = out if isinstance(out, DetectionOutput) else None
    failures = detection_failures(ds, detection, n_failures) if detection else []
    per_image = None
    if isinstance(out, CountingOutput):
        per_image = [
            CountRow(f, float(t), float(p))
            for f, t, p in zip(ds.file_names, out.truth, out.predicted, strict=True)
        ]
    report = AuditReport(
        task=task,
        model=model_spec,
        dataset=str(dataset),
        images=ds.n_images,
        settings=ReportSettings(
            n_boot=analysis.n_boot,
            seed=analysis.seed,
            alpha=analysis.alpha,
            correction=analysis.correction,
            min_support=analysis.min_support,
            min_images=analysis.min_images,
            min_height_px=settings.min_height_px,
            min_visibility=settings.min_visibility,
            category=settings.target_class,
            split=split,
        ),
        summary=out.summary,
        analysis=result,
        details=out.report_details(),
        timings_s=Timings(round(t1 - t0, 3), round(t2 - t1, 3)),
        per_image=per_image,
    )
    write_report(Path(out_dir), report, failures)
    if detection and not model_spec.startswith("predictions:"):
        # re-audit later (other slices, other settings) without running the model again
        cid = _category_id(ds, settings.target_class)
        atomic_write_text(
            Path(out_dir) / "predictions.json",
            json.dumps(predictions_to_json(detection.detections, ds, cid)),
        )
    return report


def predictions_to_json(
    dets: list[Detections], ds: AuditDataset, category_id: int
) -> list[dict[str, Any]]:
    """COCO results of per-image detections (to save a run and audit it again later)."""
    out = []
    for i, d in enumerate(dets):
        for box, score in zip(d.xyxy, d.scores, strict=True):
            x0, y0, x1, y1 = (float(v) for v in box)
            out.append(
                {
                    "image_id": int(ds.image_ids[i]),
                    "category_id": category_id,
                    "bbox": [x0, y0, x1 - x0, y1 - y0],
                    "score": float(score),
                }
            )
    return out
