"""`twinflash audit` from the command line: a report, and one-line errors with exit 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _run(*args: str) -> subprocess.CompletedProcess:
    code = "from twinflash.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "audit", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_writes_the_report_and_prints_the_headline(
    planted_files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "rep"
    res = _run(
        str(planted_files["gt"]),
        "--model",
        f"predictions:{planted_files['preds']}",
        "--task",
        "person-detection",
        "--out",
        str(out),
        "--metadata",
        str(planted_files["meta"]),
        "--bootstrap",
        "200",
        "--seed",
        "1",
    )
    assert res.returncode == 0, res.stderr
    assert "is_night = True" in res.stdout
    assert (out / "report.html").is_file() and (out / "report.json").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--model", "yolo-magic", "--task", "person-detection"],
            "unknown model adapter 'yolo-magic'; known: hog-people",
        ),
        (["--model", "hog-people", "--task", "dance"], "--task 'dance': unknown; known"),
        (
            ["--model", "predictions:nope.json", "--task", "person-detection"],
            "nope.json: file not found",
        ),
        (
            ["--model", "onnx-yolo:nope.onnx", "--task", "person-detection"],
            "nope.onnx: file not found",
        ),
        (
            ["--model", "python:json", "--task", "person-detection"],
            "expected python:package.module:function",
        ),
        (
            ["--model", "hog-people", "--task", "person-detection", "--slice", "moon_phase"],
            "--slice moon_phase: no such metadata column",
        ),
        (
            ["--model", "hog-people", "--task", "person-detection", "--cross", "is_night"],
            "--cross 'is_night': expected COLUMN_A,COLUMN_B",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    planted_files: dict[str, Path], tmp_path: Path, args: list[str], message: str
) -> None:
    res = _run(
        str(planted_files["gt"]),
        "--out",
        str(tmp_path / "r"),
        "--metadata",
        str(planted_files["meta"]),
        *args,
    )
    assert res.returncode == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], res.stderr


def test_missing_dataset_is_named(tmp_path: Path) -> None:
    res = _run(
        str(tmp_path / "nothing"),
        "--model",
        "hog-people",
        "--task",
        "person-detection",
        "--out",
        str(tmp_path / "r"),
    )
    assert res.returncode == 2 and "nothing: no such dataset" in res.stderr
