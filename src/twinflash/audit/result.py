"""What an audit returns, typed; `report.json` is `AuditReport.to_json()` (plus the schema
version and the failure examples, added by `report.write_report`)."""

from __future__ import annotations

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
class AuditReport:
    """The figures of one audit: what `twinflash.audit.run.audit` returns."""

    task: str
    model: str
    dataset: str
    images: int
    settings: ReportSettings
    summary: dict[str, Any]  # the task's headline figures (NaN written as null)
    analysis: dict[str, Any]  # overall, headline, slices, curves (`analysis.analyse`)
    details: dict[str, Any]  # the task's own tables (classification: per class, confusions)
    timings_s: Timings
    per_image: list[CountRow] | None = None  # counting audits only

    @property
    def headline(self) -> list[str]:
        """The significant findings in plain words, worst first."""
        return list(self.analysis["headline"])

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready values, in the order report.json lists them."""
        out: dict[str, Any] = {
            "task": self.task,
            "model": self.model,
            "dataset": self.dataset,
            "images": self.images,
            "settings": asdict(self.settings),
            "summary": self.summary,
            "analysis": self.analysis,
            "details": self.details,
            "timings_s": asdict(self.timings_s),
        }
        if self.per_image is not None:
            out["per_image"] = [asdict(row) for row in self.per_image]
        return out
