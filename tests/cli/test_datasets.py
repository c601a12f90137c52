"""Hostile input to `twinflash generate` and `twinflash dataset check` (issue #11).

`generate` refuses a bad plan, bad overrides or an unwritable output before rendering
anything: one line on stderr, exit 2, no traceback, no output directory. `dataset check`
reports a deleted export or a corrupt metadata.parquet as a problem (exit 1), one line.
No case here renders: they all stop before the first sample (or use synthetic samples).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from datasets.conftest import read_only_command, synthetic_dataset, tiny_plan_mapping, tree


def run_cli(args: list[str], prefix: list[str] | None = None) -> subprocess.CompletedProcess:
    cmd = [*(prefix or []), sys.executable, "-m", "twinflash", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def assert_one_line(res: subprocess.CompletedProcess, code: int, message: str) -> None:
    assert res.returncode == code, res.stderr
    assert "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert message in lines[0], res.stderr


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """tmp_path/plans/: tiny.yaml (renders), hold_out_typo.yaml, and a file `taken`."""
    d = tmp_path / "plans"
    d.mkdir()
    (d / "tiny.yaml").write_text(yaml.safe_dump(tiny_plan_mapping(3)))
    typo = tiny_plan_mapping(3)
    typo["splits"]["hold_out"] = {"key": "weather.kindd", "values": ["fog"], "split": "test"}
    (d / "hold_out_typo.yaml").write_text(yaml.safe_dump(typo))
    (d / "taken").write_text("a file, not a directory\n")
    return d


GENERATE_CASES = [
    (["--count", "0"], 2, "tiny.yaml with --count 0: count: Input should be greater than"),
    (["--count", "-3"], 2, "tiny.yaml with --count -3: count:"),
    (["--samples", "0"], 2, "tiny.yaml with --samples 0: sample 0: quality.samples:"),
    (["--resolution", "8x8"], 2, "tiny.yaml with --resolution 8x8: sample 0: camera.resolution_wh"),
    (
        ["--resolution", "9000x64", "--samples", "2"],
        2,
        "with --resolution 9000x64, --samples 2: sample 0: camera.resolution_wh",
    ),
    (["--resolution", "big"], 2, "--resolution: expected WIDTHxHEIGHT"),
    (["--samples", "many"], 2, "Invalid value for '--samples'"),
    (["--workers", "0"], 2, "--workers: must be >= 1 (got 0)"),
    (["--threads-per-worker", "-1"], 2, "--threads-per-worker: must be >= 1"),
    (["--executor", "slurm"], 2, "--executor: unknown executor 'slurm'; known: local, ray"),
    (["--address", "auto"], 2, "--address: the local executor takes no cluster address"),
    (
        ["PLAN=hold_out_typo.yaml"],
        2,
        "hold_out_typo.yaml: splits.hold_out.key: no metadata column 'weather.kindd'; "
        "did you mean weather_kind",
    ),
    (["PLAN=missing.yaml"], 2, "missing.yaml: file not found"),
    (["OUT=taken"], 2, "taken: exists and is not a directory"),
    (["OUT=taken/ds"], 2, "taken is not a directory"),
]


@pytest.mark.parametrize(("args", "code", "message"), GENERATE_CASES)
def test_generate_refuses_before_rendering_and_creates_nothing(
    plans: Path, tmp_path: Path, args: list[str], code: int, message: str
) -> None:
    plan, out = plans / "tiny.yaml", tmp_path / "ds"
    options = []
    for a in args:  # PLAN=... and OUT=... replace the plan file and the --out directory
        if a.startswith("PLAN="):
            plan = plans / a.removeprefix("PLAN=")
        elif a.startswith("OUT="):
            out = plans / a.removeprefix("OUT=")
        else:
            options.append(a)
    before = tree(tmp_path)
    res = run_cli(["generate", str(plan), "--out", str(out), *options])
    assert_one_line(res, code, message)
    assert tree(tmp_path) == before  # no dataset skeleton, no lock, no temporary file


def test_generate_refuses_a_read_only_location_before_rendering(
    plans: Path, tmp_path: Path
) -> None:
    locked = tmp_path / "locked"
    prefix = read_only_command(locked)
    out = locked / "ds"
    res = run_cli(["generate", str(plans / "tiny.yaml"), "--out", str(out)], prefix)
    assert_one_line(res, 2, f"--out {out}: cannot write in {locked}")
    assert not out.exists()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete dataset of synthetic samples (no Blender), copied by each test."""
    return synthetic_dataset(tmp_path_factory.mktemp("synthetic") / "ds", count=3)


def _remove(path: Path) -> None:
    shutil.rmtree(path) if path.is_dir() else path.unlink()


def _corrupt(path: Path) -> None:
    path.write_bytes(b"PAR1 not really a parquet file")


CHECK_CASES = [
    (None, None, 0, "3 samples"),
    ("coco", _remove, 1, "coco: missing (the plan exports coco; rerun generate)"),
    ("yolo", _remove, 1, "yolo: missing (the plan exports yolo; rerun generate)"),
    ("crowd", _remove, 1, "crowd: missing"),
    ("vehicles", _remove, 1, "vehicles: missing"),
    ("splits", _remove, 1, "splits: missing"),
    ("yolo/data.yaml", _remove, 1, "yolo/data.yaml: missing"),
    ("metadata.parquet", _remove, 1, "metadata.parquet: missing"),
    ("metadata.parquet", _corrupt, 1, "metadata.parquet: unreadable Parquet"),
]


@pytest.mark.parametrize(("target", "damage", "code", "message"), CHECK_CASES)
def test_check_reports_each_missing_export_in_one_line(
    dataset: Path, tmp_path: Path, target: str | None, damage, code: int, message: str
) -> None:
    copy = tmp_path / "ds"
    shutil.copytree(dataset, copy)
    if target is not None:
        damage(copy / target)
    res = run_cli(["dataset", "check", str(copy)])
    assert res.returncode == code, res.stdout + res.stderr
    assert "Traceback" not in res.stderr, res.stderr
    if code == 0:
        assert res.stderr == "" and message in res.stdout
        return
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("problem ") and message in lines[0], res.stderr
    assert "1 problems" in res.stdout


PLANS = sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.yaml"))


def test_cli_bad_input_is_one_line_exit_2_and_check_of_nothing_fails(tmp_path: Path) -> None:
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "twinflash", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    bad = tmp_path / "plan.yaml"
    bad.write_text("count: 3\nvary: {weather.kind: {choice: {fog: -1}}}\n")
    out = run("generate", str(bad), "--out", str(tmp_path / "ds"))
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert out.stderr.startswith(f"error: {bad}: vary.weather.kind")
    out = run("generate", str(PLANS[0]), "--out", str(tmp_path / "ds"), "--executor", "dask")
    assert out.returncode == 2 and "known: local, ray" in out.stderr
    for option in ("--workers", "--threads-per-worker", "--recycle-every"):
        out = run("generate", str(PLANS[0]), "--out", str(tmp_path / "ds"), option, "0")
        assert out.returncode == 2 and out.stderr == f"error: {option}: must be >= 1 (got 0)\n"
    assert not (tmp_path / "ds").exists()
    out = run("dataset", "check", str(tmp_path / "nothing"))
    assert out.returncode == 1 and "not a directory" in out.stdout + out.stderr
