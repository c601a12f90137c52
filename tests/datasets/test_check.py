"""`check_dataset` on a dataset of synthetic samples (no Blender): every export the
manifest lists must be there and hold every sample; a broken file is a problem, never an
exception (issue #11)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from twinflash.datasets.check import check_dataset

from .conftest import synthetic_dataset

COUNT = 3


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_dataset(tmp_path_factory.mktemp("synthetic") / "ds", count=COUNT)


@pytest.fixture
def copy(clean: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(clean, tmp_path / "ds"))


def test_a_complete_dataset_has_no_problem(clean: Path) -> None:
    report = check_dataset(clean)
    assert report.problems == [] and report.samples == COUNT


@pytest.mark.parametrize("export", ["coco", "yolo", "crowd", "vehicles", "splits", "README.md"])
def test_each_deleted_export_is_a_problem(copy: Path, export: str) -> None:
    target = copy / export
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    assert check_dataset(copy).problems == [
        f"{target}: missing (the plan exports {export}; rerun generate)"
    ]


def test_an_export_missing_samples_is_a_problem(copy: Path) -> None:
    (victim,) = list((copy / "crowd").glob("*/ground_truth/000001.txt"))
    victim.unlink()
    assert check_dataset(copy).problems == [
        f"{copy / 'crowd'}: {COUNT - 1} samples exported, {COUNT} present"
    ]


def test_only_listed_exports_are_expected(copy: Path) -> None:
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["plan"]["exports"]["formats"] = ["coco"]
    (copy / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(copy / "yolo")
    assert check_dataset(copy).problems == []  # yolo was not asked for: not missing


def test_corrupt_metadata_is_one_problem_not_a_traceback(copy: Path) -> None:
    (copy / "metadata.parquet").write_bytes(b"PAR1 garbage")
    (problem,) = check_dataset(copy).problems
    assert problem.startswith(f"{copy / 'metadata.parquet'}: unreadable Parquet (")
    assert "\n" not in problem


def test_manifest_without_a_plan_is_a_problem(copy: Path) -> None:
    (copy / "manifest.json").write_text(json.dumps({"schema_version": 1}))
    assert check_dataset(copy).problems == [f"{copy / 'manifest.json'}: no plan with a count"]
