"""One side of a comparison: an audit's report.json, validated and reduced to what a
comparison reads (the primary metric's slices, the settings that change its meaning).

Only the part of the file the comparison uses is validated (pydantic, so an error names
the field); a report of another schema version is refused rather than misread.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from twinflash.audit.report import REPORT_SCHEMA_VERSION
from twinflash.errors import InputError

INSUFFICIENT = "insufficient support"


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore")
    metric: str
    column: str
    label: str
    level: str
    compared_with: str
    value: float | None
    lo: float | None
    hi: float | None
    rest: float | None
    gap: float | None
    gap_lo: float | None
    gap_hi: float | None
    p_adjusted: float | None = None
    units: int
    images: int
    status: str


class _Overall(BaseModel):
    model_config = ConfigDict(extra="ignore")
    value: float | None
    lo: float | None
    hi: float | None
    units: int
    images: int
    title: str
    higher_is_better: bool
    primary: bool


class _Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")
    n_boot: int
    alpha: float
    correction: str
    min_support: int
    min_images: int
    min_height_px: float
    min_visibility: float
    category: str = "person"


class _Analysis(BaseModel):
    model_config = ConfigDict(extra="ignore")
    overall: dict[str, _Overall]
    slices: list[_Row]
    tested: int
    significant: int


class _ReportFile(BaseModel):
    """The part of report.json a comparison reads (the rest is ignored)."""

    model_config = ConfigDict(extra="ignore")
    schema_version: int
    task: str
    model: str
    dataset: str
    images: int
    settings: _Settings
    summary: dict[str, Any]
    analysis: _Analysis


@dataclass(frozen=True)
class SideRow:
    """One slice of the primary metric as one audit reports it."""

    label: str
    compared_with: str
    value: float | None
    lo: float | None
    hi: float | None
    gap: float | None  # slice minus what it is compared with
    gap_lo: float | None
    gap_hi: float | None
    p_adjusted: float | None
    units: int
    images: int
    status: str

    @property
    def significant(self) -> bool:
        return self.status.startswith("significantly")

    @property
    def enough_support(self) -> bool:
        return self.status != INSUFFICIENT


@dataclass(frozen=True)
class Side:
    """One audit: what it measured, on what, and its primary metric's slices."""

    path: str
    task: str
    model: str
    dataset: str
    images: int
    category: str
    metric: str
    metric_title: str
    higher_is_better: bool
    overall: float | None
    overall_lo: float | None
    overall_hi: float | None
    alpha: float
    correction: str
    settings: dict[str, Any]
    rows: dict[tuple[str, str], SideRow] = field(repr=False)

    def info(self) -> dict[str, Any]:
        """The side as compare.json describes it (slices are in the shared table)."""
        out = {k: v for k, v in asdict(self).items() if k != "rows"}
        out["slices"] = len(self.rows)
        return out


def _report_path(path: Path) -> Path:
    """A report directory stands for its report.json."""
    if path.is_dir():
        inside = path / "report.json"
        if not inside.is_file():
            raise InputError(f"{path}: folder holds no report.json (not an audit report folder)")
        return inside
    if not path.is_file():
        raise InputError(f"{path}: no such report file or folder")
    return path


def load_side(path: str | Path) -> Side:
    """One audit's report.json (or its folder), validated; InputError naming the file."""
    from twinflash.scene.io import format_validation_error

    path = _report_path(Path(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or "analysis" not in data or "task" not in data:
        raise InputError(
            f"{path}: not a twinflash audit report (no analysis and task fields): "
            "give the report.json that twinflash audit writes in its output folder"
        )
    version = data.get("schema_version")
    if version != REPORT_SCHEMA_VERSION:
        raise InputError(
            f"{path}: schema_version: {version!r}, this twinflash reads audit reports of "
            f"version {REPORT_SCHEMA_VERSION}"
        )
    try:
        report = _ReportFile.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_validation_error(str(path), exc)) from None
    primaries = [(k, v) for k, v in report.analysis.overall.items() if v.primary]
    if len(primaries) != 1:
        raise InputError(f"{path}: analysis.overall: expected one primary metric")
    key, figure = primaries[0]
    rows = {
        (r.column, r.label): SideRow(
            r.label,
            r.compared_with,
            r.value,
            r.lo,
            r.hi,
            r.gap,
            r.gap_lo,
            r.gap_hi,
            r.p_adjusted,
            r.units,
            r.images,
            r.status,
        )
        for r in report.analysis.slices
        if r.metric == key
    }
    settings = report.settings.model_dump()
    threshold = report.summary.get("score_threshold")
    if threshold is not None:
        settings["score_threshold"] = threshold
    return Side(
        path=str(path),
        task=report.task,
        model=report.model,
        dataset=report.dataset,
        images=report.images,
        category=report.settings.category,
        metric=key,
        metric_title=figure.title,
        higher_is_better=figure.higher_is_better,
        overall=figure.value,
        overall_lo=figure.lo,
        overall_hi=figure.hi,
        alpha=report.settings.alpha,
        correction=report.settings.correction,
        settings=settings,
        rows=rows,
    )
