"""Dataset exports rebuilt from the sample directories (no Blender: synthetic samples whose
truth is known, see conftest.synthetic_frame)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from twinflash.datasets.exports import build_all
from twinflash.datasets.plan import parse_plan
from twinflash.datasets.store import DatasetDir
from twinflash.formats import coco as coco_format
from twinflash.formats import crowd, metadata, yolo

from .conftest import synthetic_dataset, tiny_plan_mapping


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_every_export_holds_the_known_truth_of_each_sample(tmp_path: Path) -> None:
    root = synthetic_dataset(tmp_path / "d", count=2)
    splits = {p.stem: p.read_text().split() for p in (root / "splits").glob("*.txt")}
    assert sorted(n for names in splits.values() for n in names) == ["000000", "000001"]
    for split, names in splits.items():
        coco = coco_format.read(root / "coco" / f"instances_{split}.json")
        assert [img["file_name"] for img in coco["images"]] == [
            f"samples/{n}/image.png" for n in names
        ]
        for img in coco["images"]:
            ann = coco_format.coco_to_annotations(coco, img["id"])
            assert ann.category == ["person", "vehicle", "license_plate", "person"]
            assert ann.xyxy[0].tolist() == [20, 10, 28, 30]
        labels = yolo.read(root / "yolo")["labels"][split]
        assert all(text.splitlines()[0].startswith("0 0.375000 ") for text in labels.values())
        points = crowd.read(root / "crowd", split)
        assert {name: len(p) for name, (p, _) in points.items()} == dict.fromkeys(names, 1)
    assert (root / "vehicles").is_dir()
    assert not list((root / "vehicles").rglob("*.png"))  # the 24x16 car is under 24 px
    rows = metadata.read(root / "metadata.parquet").to_pylist()
    assert [r["row"] for r in rows].count("image") == 2
    assert [r["category"] for r in rows if r["row"] == "object"] == [
        "person",
        "vehicle",
        "license_plate",
        "person",
    ] * 2


def test_rebuilding_gives_the_same_bytes(tmp_path: Path) -> None:
    root = synthetic_dataset(tmp_path / "d", count=2)
    before = _digest(root / "coco") | _digest(root / "yolo") | _digest(root / "crowd")
    for name in ("coco", "yolo", "crowd"):
        shutil.rmtree(root / name)
    written = build_all(DatasetDir(root), parse_plan(tiny_plan_mapping(2), source="tiny.yaml"))
    assert written["samples"] == 2 and written["objects"] == 8
    assert _digest(root / "coco") | _digest(root / "yolo") | _digest(root / "crowd") == before
