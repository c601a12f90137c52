"""From per-unit scores to the audit's findings: slice table, curves and headline.

Only the task's primary metric is tested slice by slice (one family, corrected by Holm or
Benjamini-Hochberg); the other metrics are shown with their intervals, untested. A slice
with fewer than `min_support` units or `min_images` images (or whose rest is that small)
is labelled "insufficient support": no p-value, never a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from twinflash.audit.ap_bootstrap import SliceAP
from twinflash.audit.data import AuditDataset
from twinflash.audit.result import (
    Analysis,
    CurvePoint,
    CurveTable,
    OverallFigure,
    SliceAPFigures,
    SliceDetection,
    SliceRow,
)
from twinflash.audit.slices import Curve, Slice, plan_slices
from twinflash.audit.stats import CORRECTIONS, bootstrap_weights, slice_stats
from twinflash.audit.tasks import DetectionOutput, Metric, TaskOutput, slice_miss_rate

INSUFFICIENT = "insufficient support"


@dataclass
class AnalysisSettings:
    n_boot: int = 1000
    seed: int = 0
    alpha: float = 0.05
    correction: str = "holm"
    min_support: int = 30
    min_images: int = 10
    n_bins: int = 3
    slice_ap_max_images: int = 2000  # COCO AP (with intervals) per image-level slice up to this
    ap_boot_budget: int = 2_000_000  # detections x replicates of AP (< 100 replicates: none)
    columns: list[str] | None = None
    crossings: list[tuple[str, str]] | None = None


def _unit_masks(metric: Metric, slices: list[Slice]) -> tuple[np.ndarray, np.ndarray]:
    """(n_units, 1 + S) masks of the slices and of what each is compared with; column 0
    is every unit (the overall figure, compared with nothing)."""
    n = len(metric.values)
    cols, refs = [np.ones(n, bool)], [np.zeros(n, bool)]
    for s in slices:
        index = metric.unit_image if s.level == "image" else metric.unit_object
        cols.append(s.mask[index])
        refs.append(~s.mask[index] if s.reference is None else s.reference[index])
    return np.column_stack(cols), np.column_stack(refs)


def _f(x: Any) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def metric_table(
    metric: Metric,
    slices: list[Slice],
    weights: np.ndarray,
    settings: AnalysisSettings,
    primary: bool,
) -> tuple[OverallFigure, list[SliceRow]]:
    """(overall value with interval, one row per applicable slice)."""
    usable = [s for s in slices if metric.level == "object" or s.level == "image"]
    masks, refs = _unit_masks(metric, usable)
    st = slice_stats(
        metric.unit_image, metric.values, masks, weights, metric.transform, rest_masks=refs
    )
    overall = OverallFigure(
        value=_f(st.value[0]),
        lo=_f(st.lo[0]),
        hi=_f(st.hi[0]),
        units=int(st.n_units[0]),
        images=int(st.n_images[0]),
        title=metric.title,
        higher_is_better=metric.higher_is_better,
        primary=primary,
    )
    rows = []
    for k, s in enumerate(usable, start=1):
        rest_units = int(st.n_rest[k])
        enough = (
            st.n_units[k] >= settings.min_support
            and st.n_images[k] >= settings.min_images
            and rest_units >= settings.min_support
        )
        rows.append(
            SliceRow(
                metric=metric.key,
                column=s.column,
                label=s.label,
                level=s.level,
                compared_with=s.compared_with,
                value=_f(st.value[k]),
                lo=_f(st.lo[k]),
                hi=_f(st.hi[k]),
                rest=_f(st.rest[k]),
                gap=_f(st.gap[k]),
                gap_lo=_f(st.gap_lo[k]),
                gap_hi=_f(st.gap_hi[k]),
                p=_f(st.p[k]) if enough else None,
                p_adjusted=None,
                units=int(st.n_units[k]),
                images=int(st.n_images[k]),
                status="not tested" if enough else INSUFFICIENT,
            )
        )
    return overall, rows


def flag(rows: list[SliceRow], higher_is_better: bool, settings: AnalysisSettings) -> None:
    """Correct the family of tested rows in place and set each row's status."""
    p = np.array([np.nan if r.p is None else r.p for r in rows], dtype=float)
    adjusted = CORRECTIONS[settings.correction](p)
    for r, q in zip(rows, adjusted, strict=True):
        if r.status == INSUFFICIENT:
            continue
        r.p_adjusted = _f(q)
        if np.isfinite(q) and q < settings.alpha and r.gap is not None:
            worse = (r.gap < 0) == higher_is_better
            r.status = "significantly worse" if worse else "significantly better"
        else:
            r.status = "no significant gap"


def curve_table(
    metric: Metric, curve: Curve, weights: np.ndarray, settings: AnalysisSettings
) -> CurveTable:
    fake = [
        Slice(curve.column, lb, curve.level, m)
        for lb, m in zip(curve.labels, curve.masks, strict=True)
    ]
    masks, refs = _unit_masks(metric, fake)
    st = slice_stats(
        metric.unit_image, metric.values, masks, weights, metric.transform, rest_masks=refs
    )
    points = []
    for k in range(len(fake)):
        enough = (
            st.n_units[k + 1] >= settings.min_support and st.n_images[k + 1] >= settings.min_images
        )
        points.append(
            CurvePoint(
                x=float(curve.x[k]),
                label=curve.labels[k],
                value=_f(st.value[k + 1]),
                lo=_f(st.lo[k + 1]),
                hi=_f(st.hi[k + 1]),
                units=int(st.n_units[k + 1]),
                enough_support=bool(enough),
            )
        )
    return CurveTable(metric.key, curve.column, curve.level, points)


def _num(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}" if abs(x) < 10 else f"{x:.1f}"


def headline(
    rows: list[SliceRow],
    metric: Metric,
    settings: AnalysisSettings,
    n_tested: int,
    unit_word: str,
    top: int = 5,
) -> list[str]:
    """The largest significant gaps, worse ones first, one per column, in plain words.

    One per column: the other side of a two-level column, or the other bins of a
    parameter, mostly restate its largest gap, and would crowd other parameters out.
    """
    sig = [r for r in rows if r.significant and r.gap is not None]
    sig.sort(key=lambda r: (r.status != "significantly worse", -abs(r.gap or 0.0)))
    name = {"holm": "Holm", "bh": "Benjamini-Hochberg"}[settings.correction]
    if not sig:
        return [
            f"No slice's {metric.title} differs significantly from the rest of the data "
            f"({n_tested} slices with enough support tested, {name}-adjusted, "
            f"alpha = {settings.alpha:g})."
        ]
    out: list[str] = []
    seen: set[str] = set()
    for r in sig:
        if r.column in seen or len(out) >= top:
            continue
        seen.add(r.column)
        gap = r.gap or 0.0
        word = "lower" if gap < 0 else "higher"
        judgement = "worse" if r.status == "significantly worse" else "better"
        p = r.p_adjusted
        p_text = "p < 0.001" if p is not None and p < 0.001 else f"p = {p:.3f}"
        out.append(
            f"{metric.title.capitalize()} is {word} ({judgement}) for {r.column} = "
            f"{r.label}: {_num(r.value)} [95% CI {_num(r.lo)}-{_num(r.hi)}] "
            f"against {_num(r.rest)} for {r.compared_with}, a gap of {gap:+.3f} "
            f"[{r.gap_lo:+.3f}, {r.gap_hi:+.3f}] ({name}-adjusted {p_text}; "
            f"{r.units} {unit_word} in {r.images} images)."
        )
    return out


def _detection_columns(
    out: DetectionOutput,
    rows: list[SliceRow],
    slices: list[Slice],
    weights: np.ndarray,
    settings: AnalysisSettings,
) -> dict[str, OverallFigure]:
    """Add the log-average miss rate and COCO AP / AP@0.5 (with bootstrap intervals and
    gaps) to the rows of image-level slices; return the overall AP entries."""
    match = out.match
    with_ap = match.n_images <= settings.slice_ap_max_images
    if with_ap:  # an AP replicate costs its detections: at most `ap_boot_budget` in all
        n_dets = max(1, len(match.image_eval.det_image))
        ap = SliceAP(match.image_eval, weights[: settings.ap_boot_budget // n_dets])
    for r, s in zip(rows, slices, strict=True):
        if s.level == "image" and r.status != INSUFFICIENT:
            r.detection = SliceDetection(_f(slice_miss_rate(out, s.mask)))
            if with_ap:
                rest = ~s.mask if s.reference is None else s.reference
                r.detection.ap = SliceAPFigures(**ap.summary(s.mask, rest))
    if not with_ap:
        return {}
    every = ap.summary(np.ones(match.n_images, bool))
    units, images = int(match.image_eval.positives.sum()), int(match.n_images)
    return {
        key: OverallFigure(
            value=every[key],
            lo=every[f"{key}_lo"],
            hi=every[f"{key}_hi"],
            units=units,
            images=images,
            title=title,
            higher_is_better=True,
            primary=False,
            replicates=len(ap.weights),
        )
        for key, title in (("ap", "COCO AP@[.5:.95]"), ("ap50", "COCO AP@0.5"))
    }


def analyse(ds: AuditDataset, out: TaskOutput, settings: AnalysisSettings) -> Analysis:
    """Every table and figure of the report (no image data)."""
    slices, curves = plan_slices(
        ds, out.object_rows, settings.columns, settings.crossings, settings.n_bins
    )
    weights = bootstrap_weights(ds.n_images, settings.n_boot, settings.seed)
    primary = out.metrics[0]
    overall: dict[str, OverallFigure] = {}
    table: list[SliceRow] = []
    for k, metric in enumerate(out.metrics):
        overall[metric.key], rows = metric_table(metric, slices, weights, settings, k == 0)
        if k == 0:
            flag(rows, metric.higher_is_better, settings)
            if isinstance(out, DetectionOutput):
                usable = [s for s in slices if metric.level == "object" or s.level == "image"]
                overall |= _detection_columns(out, rows, usable, weights, settings)
        else:
            for r in rows:  # untested: an uncorrected p-value would invite over-reading
                r.p = None
        table.extend(rows)
    curve_data = [
        curve_table(primary, c, weights, settings)
        for c in curves
        if primary.level == "object" or c.level == "image"
    ]
    tested = [r for r in table if r.metric == primary.key and r.p is not None]
    unit_word = {"object": "objects", "image": "images"}[primary.level]
    if out.task.endswith("person-detection"):
        unit_word = "people" if primary.level == "object" else unit_word
    return Analysis(
        overall=overall,
        headline=headline(
            [r for r in table if r.metric == primary.key],
            primary,
            settings,
            len(tested),
            unit_word,
        ),
        slices=table,
        curves=curve_data,
        tested=len(tested),
        significant=sum(r.significant for r in tested),
    )
