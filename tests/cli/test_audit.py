"""`twinflash audit` from the command line: a report and its headline; hostile input (issue
#11): one line on stderr, exit 2, no traceback, nothing written; and tiny images (under
HOG's window) audited instead of a segfault."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from audit.conftest import write_planted
from datasets.conftest import read_only_command, tree

N_IMAGES = 12


def write_tiny_coco(root: Path, wh: tuple[int, int] = (96, 64)) -> Path:
    """A COCO file of grey images with one 10x40 px person each (too small for HOG)."""
    root.mkdir(parents=True, exist_ok=True)
    w, h = wh
    images, annotations = [], []
    for i in range(N_IMAGES):
        name = f"img{i:02d}.png"
        img = np.full((h, w, 3), 90, np.uint8)
        cv2.rectangle(img, (40, 12), (50, 52), (200, 180, 160), -1)
        cv2.imwrite(str(root / name), img)
        images.append({"id": i + 1, "file_name": name, "width": w, "height": h})
        annotations.append(
            {
                "id": i + 1,
                "image_id": i + 1,
                "category_id": 1,
                "bbox": [40, 12, 10, 40],
                "area": 400,
                "iscrowd": 0,
            }
        )
    coco = {"images": images, "annotations": annotations}
    coco["categories"] = [{"id": 1, "name": "person"}]
    (root / "gt.json").write_text(json.dumps(coco))
    (root / "preds.json").write_text(json.dumps([]))
    return root / "gt.json"


def run_audit(args: list[str], prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    cmd = [*(prefix or []), sys.executable, "-m", "twinflash", "audit", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def assert_refused(res: subprocess.CompletedProcess, code: int, message: str) -> None:
    assert res.returncode == code, res.stderr
    assert "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr
    assert message in lines[0], res.stderr


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return write_tiny_coco(tmp_path / "data")


def _common(gt: Path, out: Path, model: str | None = None) -> list[str]:
    """Audit `gt` into `out` (default model: its empty predictions file, no inference)."""
    model = model or f"predictions:{gt.parent / 'preds.json'}"
    return [str(gt), "--model", model, "--task", "person-detection", "--out", str(out)]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--bootstrap", "0"], 2, "--bootstrap: must be >= 1 (got 0)"),
        (["--bootstrap", "-5"], 2, "--bootstrap: must be >= 1 (got -5)"),
        (["--alpha", "2"], 2, "--alpha: must be between 0 and 1 (got 2)"),
        (["--alpha", "0"], 2, "--alpha: must be between 0 and 1 (got 0)"),
        (["--seed", "-1"], 2, "--seed: must be >= 0 (got -1)"),
        (["--min-support", "-1"], 2, "--min-support: must be >= 0"),
        (["--min-images", "-3"], 2, "--min-images: must be >= 0"),
        (["--min-height-px", "-1"], 2, "--min-height-px: must be >= 0"),
        (["--min-visibility", "3"], 2, "--min-visibility: must be between 0 and 1 (got 3)"),
        (["--score-threshold", "nan"], 2, "--score-threshold: must be finite"),
        (["--min-height-px", "1000"], 2, "no person left to count: all 12 are ignored"),
        (["--bootstrap", "many"], 2, "Invalid value for '--bootstrap'"),
    ],
)
def test_bad_numbers_are_one_line_exit_2_and_write_nothing(
    data: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    before = tree(tmp_path)
    res = run_audit([*_common(data, tmp_path / "report"), *args])
    assert_refused(res, code, message)
    assert tree(tmp_path) == before  # no report directory, no temporary file


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("data/gt.json", "data/gt.json: exists and is not a directory"),
        ("data/gt.json/report", "gt.json is not a directory"),
    ],
)
def test_out_where_a_file_stands_is_refused_before_any_work(
    data: Path, tmp_path: Path, out: str, message: str
) -> None:
    before = tree(tmp_path)
    res = run_audit([*_common(data, tmp_path / out, "hog-people")])
    assert_refused(res, 2, message)
    assert tree(tmp_path) == before


def test_read_only_out_is_refused_before_any_work(data: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    prefix = read_only_command(locked)
    res = run_audit([*_common(data, locked / "report", "hog-people")], prefix)
    assert_refused(res, 2, f"cannot write in {locked}")
    assert not (locked / "report").exists()


def test_hog_on_images_smaller_than_its_window_gives_a_report(data: Path, tmp_path: Path) -> None:
    """96x64 images made `--model hog-people` segfault (exit -11, no message, no report)."""
    out = tmp_path / "report"
    res = run_audit([*_common(data, out, "hog-people"), "--bootstrap", "50"])
    assert res.returncode == 0, f"exit {res.returncode}: {res.stderr[-1000:]}"
    report = json.loads((out / "report.json").read_text())
    assert report["summary"]["recall"] == 0.0  # no window fits: nobody found, no crash
    assert report["summary"]["objects_counted"] == N_IMAGES


# `twinflash audit` from the command line: a report, and one-line errors with exit 2.


@pytest.fixture
def planted_files(tmp_path: Path) -> dict[str, Path]:
    return write_planted(tmp_path / "data")


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
