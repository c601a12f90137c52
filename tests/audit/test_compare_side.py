"""`load_side`: a report.json (or its folder) read as one side of a comparison; anything
else refused on one line naming the file and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from audit.conftest import report_dict as report
from audit.conftest import report_row as _row
from audit.conftest import write_json as write
from twinflash.audit.compare_side import SideRow, load_side
from twinflash.errors import InputError


def test_a_report_is_reduced_to_its_primary_metric(tmp_path: Path) -> None:
    data = report([_row("is_night", "True", 0.4, -0.2, "significantly worse")])
    other = {**_row("is_night", "True", 0.1), "metric": "false_positives_per_image"}
    data["analysis"]["slices"].append(other)
    side = load_side(write(tmp_path / "r.json", data))
    assert (side.metric, side.metric_title, side.higher_is_better) == ("recall", "recall", True)
    assert list(side.rows) == [("is_night", "True")]
    row = side.rows[("is_night", "True")]
    assert (row.value, row.gap, row.status) == (0.4, -0.2, "significantly worse")
    assert side.settings["score_threshold"] == 0.5 and side.settings["min_height_px"] == 20.0
    info = json.loads(json.dumps(side.info()))
    assert info["slices"] == 1 and "rows" not in info


def test_a_report_folder_stands_for_its_report(tmp_path: Path) -> None:
    (tmp_path / "rep").mkdir()
    write(tmp_path / "rep" / "report.json", report([_row("c", "a", 0.5)]))
    assert load_side(tmp_path / "rep").path == str(tmp_path / "rep" / "report.json")


def _bad_row() -> dict:
    row = _row("c", "a", 0.5)
    del row["status"]
    return report([row])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such report file or folder"),
        ("{not json", "not JSON"),
        ([1, 2], "not a twinflash audit report"),
        ({"images": [], "annotations": []}, "not a twinflash audit report"),
        ({**report([]), "schema_version": 2}, "schema_version: 2, this twinflash reads"),
        (_bad_row(), "analysis.slices[0].status: Field required"),
    ],
)
def test_bad_reports_are_refused_by_name(tmp_path: Path, content: Any, message: str) -> None:
    path = tmp_path / "r.json"
    if content is not None:
        write(path, content)
    with pytest.raises(InputError) as err:
        load_side(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert "\n" not in str(err.value)


def test_a_folder_without_report_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"holds no report\.json"):
        load_side(tmp_path)


def test_side_rows_know_support_and_significance() -> None:
    row = SideRow(
        "a", "the rest", 0.5, 0.4, 0.6, -0.1, -0.2, 0.0, 0.01, 40, 20, "significantly worse"
    )
    assert row.significant and row.enough_support
    thin = SideRow(
        "a", "the rest", 0.5, 0.4, 0.6, -0.1, -0.2, 0.0, None, 4, 2, "insufficient support"
    )
    assert not thin.significant and not thin.enough_support
