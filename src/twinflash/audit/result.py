"""What an audit returns, typed; `report.json` is `AuditReport.to_json()` (plus the schema
version and the failure examples, added by `report.write_report`). Every `to_json` keeps
the order of the report's keys, so the file reads the same whatever produced it."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class ReportSettings:
    """The settings an audit ran with, as the report states them."""

    n_boot: int
    seed: int
    alpha: float
    correction: str
    min_support: int
    min_images: int
    min_height_px: float
    min_visibility: float
    split: str | None
    category: str = "person"  # what was detected (object-detection: --category)


@dataclass(frozen=True)
class Timings:
    """Seconds spent running the model and matching, then slicing and bootstrapping."""

    predict_and_match: float
    slice_and_bootstrap: float


@dataclass(frozen=True)
class CountRow:
    """One image of a counting audit."""

    file_name: str
    true: float
    predicted: float


@dataclass(frozen=True)
class FailureExample:
    """A crop of a detection failure: a missed person or a false detection."""

    kind: str  # "missed" or "false detection"
    file_name: str
    box_xyxy: list[float]
    crop_xyxy: list[int]
    png: bytes  # the crop, boxes drawn (embedded in the HTML, not in the JSON)
    caption: str

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "png"}


@dataclass
class Summary:
    """A task's headline figures (NaN where undefined, e.g. recall without people)."""

    def to_json(self) -> dict[str, Any]:
        """The figures in field order, NaN written as null (JSON has no NaN)."""
        return {
            k: None if isinstance(v, float) and not math.isfinite(v) else v
            for k, v in asdict(self).items()
        }


@dataclass
class DetectionSummary(Summary):
    ap: float
    ap50: float
    log_average_miss_rate: float
    recall: float  # at the score threshold, of the people counted
    precision: float
    false_positives_per_image: float
    score_threshold: float
    objects_counted: int
    objects_ignored: int  # too small or hidden (lying-person-detection: not lying)
    images: int


@dataclass
class CountingSummary(Summary):
    mae: float
    rmse: float
    relative_error: float  # |pred - true| / max(true, 1)
    bias: float  # pred - true
    true_count_mean: float
    images: int
    score_threshold: float | None = None  # set by the audit when counting from detections

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        if self.score_threshold is None:
            del out["score_threshold"]
        return out


@dataclass
class ClassificationSummary(Summary):
    top1: float
    top5: float
    ece: float  # expected calibration error
    vehicles: int
    classes: int
    images: int


@dataclass(frozen=True)
class ClassAccuracy:
    """Top-1 accuracy on the vehicles of one true class."""

    label: str
    accuracy: float
    count: int


@dataclass(frozen=True)
class Confusion:
    """How often a true class was taken (at top-1) for another label."""

    true: str
    predicted: str
    count: int


@dataclass(frozen=True)
class ReliabilityBin:
    """One confidence bin of the reliability table behind the ECE."""

    bin: int
    confidence: float  # mean top-1 score in the bin
    accuracy: float  # top-1 accuracy in the bin
    count: int


@dataclass
class ClassificationDetails:
    """The classification audit's own tables, beside the slices."""

    per_class: list[ClassAccuracy]  # worst first
    confusions: list[Confusion]  # most frequent first
    reliability: list[ReliabilityBin]  # bins with at least one vehicle, in order

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class OverallFigure:
    """A metric over the whole dataset with its bootstrap interval."""

    value: float | None
    lo: float | None
    hi: float | None
    units: int
    images: int
    title: str
    higher_is_better: bool
    primary: bool  # the metric tested slice by slice
    replicates: int | None = None  # COCO AP only: its bootstrap may use fewer replicates

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        if self.replicates is None:
            del out["replicates"]
        return out


@dataclass
class SliceAPFigures:
    """COCO AP and AP@0.5 of an image-level slice, and their gaps to the rest, with
    intervals (`ap_bootstrap.SliceAP.summary`)."""

    ap: float | None
    ap_lo: float | None
    ap_hi: float | None
    ap_gap: float | None
    ap_gap_lo: float | None
    ap_gap_hi: float | None
    ap50: float | None
    ap50_lo: float | None
    ap50_hi: float | None
    ap50_gap: float | None
    ap50_gap_lo: float | None
    ap50_gap_hi: float | None


@dataclass
class SliceDetection:
    """What detection adds to a tested image-level slice (AP only on small datasets)."""

    log_average_miss_rate: float | None
    ap: SliceAPFigures | None = None


@dataclass
class SliceRow:
    """One metric on one slice, against what it is compared with."""

    metric: str
    column: str
    label: str
    level: str  # "object" or "image"
    compared_with: str
    value: float | None
    lo: float | None
    hi: float | None
    rest: float | None
    gap: float | None  # slice minus rest
    gap_lo: float | None
    gap_hi: float | None
    p: float | None  # primary metric with enough support only
    p_adjusted: float | None
    units: int
    images: int
    status: str  # "not tested", "insufficient support", "no significant gap", ...
    detection: SliceDetection | None = None

    @property
    def significant(self) -> bool:
        return self.status.startswith("significantly")

    def to_json(self) -> dict[str, Any]:
        out = {k: v for k, v in asdict(self).items() if k != "detection"}
        if self.detection is not None:
            out["log_average_miss_rate"] = self.detection.log_average_miss_rate
            if self.detection.ap is not None:
                out |= asdict(self.detection.ap)
        return out


@dataclass(frozen=True)
class CurvePoint:
    """One bin of a continuous parameter."""

    x: float
    label: str
    value: float | None
    lo: float | None
    hi: float | None
    units: int
    enough_support: bool


@dataclass
class CurveTable:
    """The primary metric along a continuous parameter."""

    metric: str
    column: str
    level: str
    points: list[CurvePoint]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Analysis:
    """Every table and figure of the report (`analysis.analyse`); no image data."""

    overall: dict[str, OverallFigure]  # by metric key, the primary first
    headline: list[str]
    slices: list[SliceRow]
    curves: list[CurveTable]
    tested: int  # slices of the primary metric given a p-value
    significant: int

    @property
    def primary(self) -> str:
        return next(k for k, v in self.overall.items() if v.primary)

    def to_json(self) -> dict[str, Any]:
        return {
            "overall": {k: v.to_json() for k, v in self.overall.items()},
            "headline": list(self.headline),
            "slices": [r.to_json() for r in self.slices],
            "curves": [c.to_json() for c in self.curves],
            "tested": self.tested,
            "significant": self.significant,
        }


@dataclass
class AuditReport:
    """The figures of one audit: what `twinflash.audit.run.audit` returns."""

    task: str
    model: str
    dataset: str
    images: int
    settings: ReportSettings
    summary: Summary  # the task's headline figures
    analysis: Analysis
    details: ClassificationDetails | None  # the task's own tables (classification only)
    timings_s: Timings
    per_image: list[CountRow] | None = None  # counting audits only

    @property
    def headline(self) -> list[str]:
        """The significant findings in plain words, worst first."""
        return list(self.analysis.headline)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready values, in the order report.json lists them."""
        out: dict[str, Any] = {
            "task": self.task,
            "model": self.model,
            "dataset": self.dataset,
            "images": self.images,
            "settings": asdict(self.settings),
            "summary": self.summary.to_json(),
            "analysis": self.analysis.to_json(),
            "details": {} if self.details is None else self.details.to_json(),
            "timings_s": asdict(self.timings_s),
        }
        if self.per_image is not None:
            out["per_image"] = [asdict(row) for row in self.per_image]
        return out
