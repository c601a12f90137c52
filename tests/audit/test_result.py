"""The typed report: report.json's keys come from it in their order, crops stay out."""

from __future__ import annotations

from twinflash.audit.result import AuditReport, CountRow, FailureExample, ReportSettings, Timings


def _report(per_image: list[CountRow] | None) -> AuditReport:
    return AuditReport(
        task="crowd-counting",
        model="predictions:c.json",
        dataset="d",
        images=1,
        settings=ReportSettings(10, 0, 0.05, "holm", 30, 10, 20.0, 0.2, None),
        summary={"mae": 1.0},
        analysis={"headline": ["Night is worse."]},
        details={},
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
