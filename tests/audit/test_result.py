"""The typed report: report.json's keys come from it in their order, crops stay out."""

from __future__ import annotations

from twinflash.audit.result import (
    Analysis,
    AuditReport,
    CountingSummary,
    CountRow,
    FailureExample,
    OverallFigure,
    ReportSettings,
    SliceAPFigures,
    SliceDetection,
    SliceRow,
    Timings,
)


def _row(detection: SliceDetection | None) -> SliceRow:
    return SliceRow(
        "recall", "is_night", "True", "image", "the rest", 0.4, 0.3, 0.5, 0.8, -0.4,
        -0.5, -0.3, 0.001, 0.002, 40, 20, "significantly worse", detection,
    )  # fmt: skip


def _analysis() -> Analysis:
    mae = OverallFigure(1.0, 0.5, 1.5, 30, 30, "mean absolute count error", False, True)
    return Analysis({"mae": mae}, ["Night is worse."], [_row(None)], [], 1, 1)


def _report(per_image: list[CountRow] | None) -> AuditReport:
    return AuditReport(
        task="crowd-counting",
        model="predictions:c.json",
        dataset="d",
        images=1,
        settings=ReportSettings(10, 0, 0.05, "holm", 30, 10, 20.0, 0.2, None),
        summary=CountingSummary(1.0, 1.0, 0.5, 0.0, 2.0, 1),
        analysis=_analysis(),
        details=None,
        timings_s=Timings(0.5, 1.25),
        per_image=per_image,
    )


def test_to_json_lists_the_fields_in_report_order() -> None:
    data = _report([CountRow("a.png", 3.0, 2.0)]).to_json()
    assert list(data) == [
        "task",
        "model",
        "dataset",
        "images",
        "settings",
        "summary",
        "analysis",
        "details",
        "timings_s",
        "per_image",
    ]
    assert list(data["settings"]) == [
        "n_boot",
        "seed",
        "alpha",
        "correction",
        "min_support",
        "min_images",
        "min_height_px",
        "min_visibility",
        "split",
        "category",
    ]
    assert data["timings_s"] == {"predict_and_match": 0.5, "slice_and_bootstrap": 1.25}
    assert data["per_image"] == [{"file_name": "a.png", "true": 3.0, "predicted": 2.0}]


def test_only_counting_reports_have_per_image_rows_and_headline_reads_the_analysis() -> None:
    report = _report(None)
    assert "per_image" not in report.to_json()
    assert report.headline == ["Night is worse."]


def test_a_failure_example_leaves_its_png_out_of_the_json() -> None:
    f = FailureExample("missed", "a.png", [1.0, 2.0, 3.0, 4.0], [0, 0, 5, 5], b"\x89PNG", "c")
    assert f.to_json() == {
        "kind": "missed",
        "file_name": "a.png",
        "box_xyxy": [1.0, 2.0, 3.0, 4.0],
        "crop_xyxy": [0, 0, 5, 5],
        "caption": "c",
    }


def test_analysis_json_keeps_the_report_keys_and_drops_what_a_row_lacks() -> None:
    data = _analysis().to_json()
    assert list(data) == ["overall", "headline", "slices", "curves", "tested", "significant"]
    assert "replicates" not in data["overall"]["mae"]  # only COCO AP has its own count
    row = data["slices"][0]
    assert list(row)[-1] == "status" and "log_average_miss_rate" not in row
    assert row["gap"] == -0.4 and row["p_adjusted"] == 0.002


def test_a_detection_slice_lists_miss_rate_then_ap_figures_flat() -> None:
    ap = SliceAPFigures(*[0.1 * k for k in range(12)])
    row = _row(SliceDetection(None, ap)).to_json()
    tail = list(row)[list(row).index("status") + 1 :]
    assert tail[:2] == ["log_average_miss_rate", "ap"] and tail[-1] == "ap50_gap_hi"
    assert row["log_average_miss_rate"] is None and row["ap50"] == 0.1 * 6
    assert "ap" not in _row(SliceDetection(0.3)).to_json()


def test_a_summary_writes_nan_as_null_and_counting_names_its_threshold_once_set() -> None:
    s = CountingSummary(1.0, float("nan"), 0.5, 0.0, 2.0, 3)
    assert s.to_json() == {
        "mae": 1.0,
        "rmse": None,
        "relative_error": 0.5,
        "bias": 0.0,
        "true_count_mean": 2.0,
        "images": 3,
    }
    s.score_threshold = 0.4
    assert list(s.to_json())[-1] == "score_threshold" and s.to_json()["score_threshold"] == 0.4
