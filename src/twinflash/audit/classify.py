"""Vehicle make/model classification: top-1/top-5, per-class accuracy, confusions, ECE.

The truth is each vehicle's catalog make and model; a vehicle is classified if its box is
at least `MIN_BOX_PX` on its short side and at least half of it shows (the rule of the
dataset's crop export), cropped with the same 10% margin. Labels compare after
normalisation (case, accents, spaces and separators ignored): "Renault/Clio", "renault
clio" and "RENAULT_CLIO" are one class.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np

from twinflash.audit.data import AuditDataset
from twinflash.audit.models import Adapter, ClassesSource, Classifier, missing_method
from twinflash.audit.result import (
    ClassAccuracy,
    ClassificationDetails,
    ClassificationSummary,
    Confusion,
    ReliabilityBin,
)
from twinflash.audit.tasks import AuditSettings, Metric, Progress, TaskOutput
from twinflash.errors import InputError

MIN_BOX_PX = 24
MIN_VISIBILITY = 0.5
MARGIN = 0.10
ECE_BINS = 15


@dataclass
class ClassificationOutput(TaskOutput):
    """Vehicle classification: the tables the report shows beside the slices."""

    summary: ClassificationSummary
    per_class: list[ClassAccuracy]  # worst first
    confusions: list[Confusion]  # most frequent first
    reliability: list[ReliabilityBin]

    def report_details(self) -> ClassificationDetails:
        return ClassificationDetails(self.per_class, self.confusions, self.reliability)


def norm_label(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", ascii_text.lower())


def vehicle_rows(ds: AuditDataset) -> np.ndarray:
    cats = ds.objects.get("category", np.zeros(0, dtype=object))
    h = ds.objects.get("box_height_px", np.zeros(0))
    w = ds.objects.get("box_width_px", np.zeros(0))
    vis = ds.objects.get("visibility", np.ones(len(cats))).astype(float)
    ok = (cats == "vehicle") & (np.minimum(h, w) >= MIN_BOX_PX) & ~(vis < MIN_VISIBILITY)
    rows = np.flatnonzero(ok)
    if not len(rows):
        raise InputError("vehicle-classification: no vehicle large and visible enough to classify")
    if "make" not in ds.objects:
        raise InputError("vehicle-classification: the dataset has no object column 'make'")
    return rows


def true_labels(ds: AuditDataset, rows: np.ndarray, level: str) -> list[str]:
    makes = ds.objects["make"][rows]
    if level == "make":
        return [str(m) for m in makes]
    models = ds.objects.get("model", np.full(len(ds.object_image), None, dtype=object))[rows]
    return [f"{m}/{n}" for m, n in zip(makes, models, strict=True)]


def crop(rgb: np.ndarray, xywh: np.ndarray) -> np.ndarray:
    x, y, w, h = xywh
    mx, my = w * MARGIN, h * MARGIN
    r0, r1 = int(max(0, np.floor(y - my))), int(min(rgb.shape[0], np.ceil(y + h + my)))
    c0, c1 = int(max(0, np.floor(x - mx))), int(min(rgb.shape[1], np.ceil(x + w + mx)))
    return rgb[r0:r1, c0:c1]


def run_classifier(
    model: Adapter, ds: AuditDataset, rows: np.ndarray, progress: Progress | None
) -> dict[int, tuple[list[str], np.ndarray]]:
    if isinstance(model, ClassesSource):
        return model.classes_for(ds, rows)
    if not isinstance(model, Classifier):
        raise InputError(
            f"`model_spec` {model.name}: this adapter does not classify images "
            f"({missing_method(Classifier, ClassesSource)})"
        )
    out: dict[int, tuple[list[str], np.ndarray]] = {}
    images = sorted(set(ds.object_image[rows].tolist()))
    for k, i in enumerate(images):
        rgb = ds.load_image(i)
        for r in rows[ds.object_image[rows] == i]:
            out[int(r)] = model.classify_labels(crop(rgb, ds.truth.xywh[r]))
        if progress:
            progress(k + 1, len(images))
    return out


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, n_bins: int = ECE_BINS
) -> tuple[float, list[ReliabilityBin]]:
    """ECE with equal-width confidence bins, and the reliability table behind it."""
    edges = np.linspace(0, 1, n_bins + 1)
    idx = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, n_bins - 1)
    ece, table = 0.0, []
    for b in range(n_bins):
        m = idx == b
        if not m.any():
            continue
        conf, acc = float(confidence[m].mean()), float(correct[m].mean())
        ece += m.mean() * abs(conf - acc)
        table.append(ReliabilityBin(b, conf, acc, int(m.sum())))
    return float(ece), table


def classification_task(
    ds: AuditDataset,
    rows: np.ndarray,
    predicted: dict[int, tuple[list[str], np.ndarray]],
    settings: AuditSettings,
) -> ClassificationOutput:
    truth = true_labels(ds, rows, settings.label_level)
    missing = [r for r in rows.tolist() if r not in predicted]
    if missing:
        raise InputError(
            f"vehicle-classification: no prediction for annotation id "
            f"{ds.truth.annotation_id[missing[0]]} "
            f"(and {len(missing) - 1} more)"
        )
    top1 = np.zeros(len(rows))
    top5 = np.zeros(len(rows))
    conf = np.zeros(len(rows))
    guesses = []
    for k, r in enumerate(rows.tolist()):
        labels, scores = predicted[r]
        normed = [norm_label(x) for x in labels[:5]]
        t = norm_label(truth[k])
        top1[k] = float(bool(normed) and normed[0] == t)
        top5[k] = float(t in normed)
        conf[k] = float(scores[0]) if len(scores) else 0.0
        guesses.append(labels[0] if labels else "(none)")
    ece, reliability = expected_calibration_error(conf, top1)
    per_class: dict[str, list[float]] = {}
    for t, c in zip(truth, top1, strict=True):
        per_class.setdefault(t, []).append(c)
    confusions = Counter(
        (t, g) for t, g, c in zip(truth, guesses, top1, strict=True) if not c
    ).most_common(15)
    unit_image = ds.object_image[rows]
    metrics = [
        Metric("top1", "top-1 accuracy", "object", unit_image, rows, top1, True),
        Metric("top5", "top-5 accuracy", "object", unit_image, rows, top5, True),
        Metric(
            "confidence_gap",
            "mean confidence minus accuracy (over-confidence)",
            "object",
            unit_image,
            rows,
            conf - top1,
            False,
        ),
    ]
    summary = ClassificationSummary(
        top1=float(top1.mean()),
        top5=float(top5.mean()),
        ece=ece,
        vehicles=len(rows),
        classes=len(per_class),
        images=ds.n_images,
    )
    return ClassificationOutput(
        "vehicle-classification",
        metrics,
        summary,
        rows,
        per_class=sorted(
            (ClassAccuracy(k, float(np.mean(v)), len(v)) for k, v in per_class.items()),
            key=lambda c: c.accuracy,
        ),
        confusions=[Confusion(t, g, n) for (t, g), n in confusions],
        reliability=reliability,
    )
