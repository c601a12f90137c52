"""`--task object-detection --category NAME`: any category of a dataset (e.g. waste) is
audited like people are, and only that category counts as truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.audit.conftest import write_planted

from twinflash.audit.analysis import AnalysisSettings
from twinflash.audit.run import audit
from twinflash.audit.tasks import AuditSettings
from twinflash.errors import InputError


@pytest.fixture
def waste_files(tmp_path: Path) -> dict[str, Path]:
    """The planted night effect, its objects renamed `waste`, plus people the waste
    detector never sees (category 1 is person, 4 is waste, as twinflash writes them)."""
    files = write_planted(tmp_path / "data", n_images=80)
    coco = json.loads(files["gt"].read_text())
    people = []
    for a in coco["annotations"]:
        a["category_id"] = 4
        people.append({**a, "id": a["id"] + 100_000, "category_id": 1})
    coco["annotations"] += people
    coco["categories"] = [{"id": 1, "name": "person"}, {"id": 4, "name": "waste"}]
    files["gt"].write_text(json.dumps(coco))
    preds = json.loads(files["preds"].read_text())
    files["preds"].write_text(json.dumps([{**p, "category_id": 4} for p in preds]))
    return files


def _audit(files: dict[str, Path], out: Path, category: str) -> dict:
    return audit(
        files["gt"],
        f"predictions:{files['preds']}",
        "object-detection",
        out,
        settings=AuditSettings(target_class=category),
        analysis=AnalysisSettings(n_boot=200, seed=1, columns=["is_night"]),
        metadata=files["meta"],
    ).to_json()


def test_waste_detector_is_measured_by_condition(waste_files: dict[str, Path], tmp_path: Path):
    report = _audit(waste_files, tmp_path / "rep", "waste")
    assert report["settings"]["category"] == "waste"
    coco = json.loads(waste_files["gt"].read_text())
    n_waste = sum(a["category_id"] == 4 for a in coco["annotations"])
    counted = report["summary"]["objects_counted"] + report["summary"]["objects_ignored"]
    assert counted == n_waste  # the people are not the waste detector's truth
    night = next(
        r
        for r in report["analysis"]["slices"]
        if r["column"] == "is_night" and r["label"] == "True" and r["metric"] == "recall"
    )
    assert night["status"].startswith("significantly worse")  # the planted effect


def test_unknown_category_names_the_known_ones(waste_files: dict[str, Path], tmp_path: Path):
    with pytest.raises(InputError, match="no category 'rubbish'; categories: person, waste"):
        _audit(waste_files, tmp_path / "rep", "rubbish")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--task", "object-detection"], "give the category to detect, e.g. --category waste"),
        (["--task", "person-detection", "--category", "waste"], "only for --task object-detection"),
    ],
)
def test_category_goes_with_object_detection(
    waste_files: dict[str, Path], tmp_path: Path, args: list[str], message: str
) -> None:
    from tests.cli.test_audit import _run

    res = _run(str(waste_files["gt"]), "--model", f"predictions:{waste_files['preds']}", *args,
               "--out", str(tmp_path / "rep"))  # fmt: skip
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert message in res.stderr
    assert not (tmp_path / "rep").exists()
