"""Planted truth end to end: dropping half of the detections at night must make the
report flag night, and nothing else of the planted problem."""

from __future__ import annotations

from typing import Any

import numpy as np

from twinflash.audit.analysis import AnalysisSettings, analyse
from twinflash.audit.result import SliceDetection, SliceRow
from twinflash.audit.synthetic import planted_problem
from twinflash.audit.tasks import AuditSettings, detection_task


def _status(rows: list[SliceRow], column: str) -> set[str]:
    return {r.status for r in rows if r.metric == "recall" and r.column == column}


def _detection(row: SliceRow) -> SliceDetection:
    assert row.detection is not None, f"{row.column} = {row.label}: no detection columns"
    return row.detection


def _ap(row: SliceRow) -> Any:  # SliceAPFigures; Any: its figures compare as floats here
    assert _detection(row).ap is not None, f"{row.column} = {row.label}: no AP"
    return _detection(row).ap


def test_night_is_flagged_and_the_placebo_is_not() -> None:
    ds, dets = planted_problem(300, 8, seed=1)
    out = detection_task(ds, dets, "person-detection", AuditSettings(), 0.5)
    res = analyse(ds, out, AnalysisSettings(n_boot=400, seed=0))
    rows = res.slices
    night = next(
        r for r in rows if r.metric == "recall" and r.column == "is_night" and r.label == "True"
    )
    assert night.status == "significantly worse"
    # planted: recall 0.85 by day, 0.425 at night
    assert abs(night.value - 0.425) < 0.06 and abs(night.rest - 0.85) < 0.04
    assert night.gap_lo < night.gap < night.gap_hi < 0
    day = next(
        r for r in rows if r.metric == "recall" and r.column == "is_night" and r.label == "False"
    )
    night_det, day_det = _detection(night), _detection(day)
    night_ap, day_ap = _ap(night), _ap(day)
    # per-slice COCO AP (with bootstrap intervals) and miss rate tell the same story
    assert night_ap.ap50 < day_ap.ap50 - 0.2
    assert night_ap.ap50_lo < night_ap.ap50 < night_ap.ap50_hi
    assert night_ap.ap50_gap_lo < night_ap.ap50_gap < night_ap.ap50_gap_hi < 0
    assert night_ap.ap_gap_hi < 0 and day_ap.ap50_gap_lo > 0
    assert res.overall["ap50"].lo < res.overall["ap50"].value < res.overall["ap50"].hi
    assert abs(res.overall["ap50"].value - out.summary.ap50) < 1e-12
    assert night_det.log_average_miss_rate > day_det.log_average_miss_rate + 0.2
    # no planted effect on the placebo: its AP gap interval covers 0
    for r in rows:
        if r.metric == "recall" and r.column == "placebo" and r.detection and r.detection.ap:
            r_ap = r.detection.ap
            assert r_ap.ap50_gap_lo is not None and r_ap.ap50_gap_hi is not None
            assert r_ap.ap50_gap_lo < 0 < r_ap.ap50_gap_hi, r.label
    for column in ("placebo", "weather_kind", "camera_pitch_deg", "skin_tone"):
        assert _status(rows, column) <= {"no significant gap", "insufficient support"}, column
    # crossings are compared within the night: skin tone has no planted effect there either
    assert _status(rows, "is_night x skin_tone") <= {"no significant gap", "insufficient support"}
    assert res.headline[0].startswith("Recall at score >= 0.5 is lower (worse) for is_night")
    assert "True" in res.headline[0]


def test_without_a_planted_effect_nothing_is_flagged() -> None:
    ds, dets = planted_problem(200, 6, seed=7, night_factor=1.0)
    out = detection_task(ds, dets, "person-detection", AuditSettings(), 0.5)
    res = analyse(ds, out, AnalysisSettings(n_boot=300))
    assert res.significant == 0
    assert res.headline[0].startswith("No slice's recall")


def test_small_slices_are_insufficient_support_never_findings() -> None:
    ds, dets = planted_problem(40, 4, seed=2, p_night=0.1)
    out = detection_task(ds, dets, "person-detection", AuditSettings(), 0.5)
    res = analyse(ds, out, AnalysisSettings(n_boot=200, min_support=30, min_images=10))
    small = [r for r in res.slices if r.metric == "recall" and r.images < 10]
    assert small, "the problem should have slices with fewer than 10 images"
    for r in small:
        assert r.status == "insufficient support" and r.p is None


def test_headline_gives_each_column_once_worst_gap_first() -> None:
    from twinflash.audit.analysis import headline
    from twinflash.audit.tasks import Metric

    def row(column: str, label: str, gap: float) -> SliceRow:
        status = "significantly worse" if gap < 0 else "significantly better"
        return SliceRow(
            metric="recall",
            column=column,
            label=label,
            level="object",
            gap=gap,
            gap_lo=gap - 0.05,
            gap_hi=gap + 0.05,
            value=0.5 + gap,
            lo=0.4 + gap,
            hi=0.6 + gap,
            rest=0.5,
            compared_with="the rest",
            p=0.00001,
            p_adjusted=0.0001,
            units=100,
            images=40,
            status=status,
        )

    rows = [
        row("weather_kind x box_height_px", "rain & medium", -0.42),
        row("weather_kind x box_height_px", "fog & medium", -0.35),
        row("box_height_px", "medium", -0.32),
        row("box_height_px", "near", 0.32),
        row("is_night", "True", -0.26),
    ]
    metric = Metric("recall", "recall", "object", np.zeros(1, int), None, np.zeros(1), True)
    lines = headline(rows, metric, AnalysisSettings(), 5, "people")
    assert len(lines) == 3
    assert "rain & medium" in lines[0] and "box_height_px = medium" in lines[1]
    assert "is_night = True" in lines[2]
