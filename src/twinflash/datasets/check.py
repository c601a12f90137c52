"""`twinflash dataset check DIR`: verify a generated dataset and list every problem found.

Checks: the manifest reads; every planned sample is present or recorded as failed; each
sample directory is complete, its image and instance map have the annotated size, every
box lies inside the image, every mask's extent and area equal its box and area, and every
mask equals its ids in instances.png; each COCO export loads with pycocotools and points
at existing images; YOLO labels and images pair up; metadata.parquet has one image row
per sample; nothing else (temporary leftovers, stray files) lies in the directory.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from twinflash.annotate.annotator import mask_xyxy
from twinflash.annotate.write import SCENE_FILES
from twinflash.annotations import CATEGORIES, decode_rle
from twinflash.datasets.planspec import FORMATS
from twinflash.datasets.store import DatasetDir, read_sample_coco, sample_name
from twinflash.files import MARKER

TOP_LEVEL = {
    "manifest.json", "plan.yaml", "samples", "journal.jsonl", "failures.jsonl", ".lock",
    "coco", "yolo", "crowd", "vehicles", "mot", "splits", "metadata.parquet", "README.md", "card",
}  # fmt: skip
BOX_TOLERANCE_PX = 1e-6


@dataclass
class CheckReport:
    root: Path
    problems: list[str] = field(default_factory=list)
    samples: int = 0
    objects: int = 0
    failed: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _check_sample(d: Path, coco: dict[str, Any], problems: list[str]) -> int:
    image = coco["images"][0]
    w, h = image["width"], image["height"]
    rgb = cv2.imread(str(d / "image.png"), cv2.IMREAD_UNCHANGED)
    ids = cv2.imread(str(d / "instances.png"), cv2.IMREAD_UNCHANGED)
    for name, arr in (("image.png", rgb), ("instances.png", ids)):
        if arr is None or arr.shape[:2] != (h, w):
            got = None if arr is None else arr.shape[:2][::-1]
            problems.append(f"{d / name}: size {got}, annotations say {(w, h)}")
            return 0
    plates_of: dict[int, list[int]] = {}
    for a in coco["annotations"] + image["hidden_objects"]:
        if a["category_id"] == CATEGORIES["license_plate"]:
            plates_of.setdefault(a["vehicle_id"], []).append(a["id"])
    for a in coco["annotations"]:
        where = f"{d / 'annotations.json'}: annotation {a['id']}"
        x, y, bw, bh = a["bbox"]
        if x < 0 or y < 0 or x + bw > w + BOX_TOLERANCE_PX or y + bh > h + BOX_TOLERANCE_PX:
            problems.append(f"{where}: box {a['bbox']} outside the {w}x{h} image")
        if bw <= 0 or bh <= 0:
            problems.append(f"{where}: empty box {a['bbox']}")
        mask = decode_rle(a["segmentation"])
        if mask.shape != (h, w):
            problems.append(f"{where}: mask size {mask.shape[::-1]} != image {(w, h)}")
            continue
        extent = mask_xyxy(mask)
        if not np.allclose(extent, [x, y, x + bw, y + bh], atol=1e-3):
            problems.append(f"{where}: mask extent {extent.tolist()} != box {a['bbox']}")
        if int(mask.sum()) != a["area"]:
            problems.append(f"{where}: mask area {int(mask.sum())} != area {a['area']}")
        own = [a["id"]] + (plates_of.get(a["id"], []) if a["category_id"] == 2 else [])
        if not np.array_equal(mask, np.isin(ids, own)):
            problems.append(f"{where}: mask differs from instances.png ids {own}")
    return len(coco["annotations"])


def _check_samples(store: DatasetDir, count: int, report: CheckReport) -> set[str]:
    failed = {int(r["index"]) for r in store.read_jsonl(store.failures)}
    names = {sample_name(i, count): i for i in range(count)}
    present = set()
    if store.samples.is_dir():
        for d in sorted(store.samples.iterdir()):
            if d.name not in names or not d.is_dir():
                report.problems.append(f"{d}: orphan (not a sample of this plan)")
                continue
            missing = [f for f in SCENE_FILES if not (d / f).is_file()]
            extra = sorted(p.name for p in d.iterdir() if p.name not in (*SCENE_FILES, MARKER))
            if missing:
                report.problems.append(f"{d}: incomplete sample, missing {', '.join(missing)}")
                continue
            if extra:
                report.problems.append(f"{d}: orphan files {', '.join(extra)}")
            try:
                coco = read_sample_coco(d)
            except ValueError as exc:
                report.problems.append(str(exc))
                continue
            present.add(d.name)
            report.objects += _check_sample(d, coco, report.problems)
    for name, i in names.items():
        if name not in present and not (store.samples / name).exists():
            if i in failed:
                report.failed += 1
            else:
                report.problems.append(f"{store.samples / name}: missing (never rendered)")
    report.samples = len(present)
    return present


def _check_coco(root: Path, present: set[str], problems: list[str]) -> None:
    from pycocotools.coco import COCO

    seen: set[int] = set()
    for path in sorted((root / "coco").glob("instances_*.json")):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                api = COCO(str(path))
        except Exception as exc:
            problems.append(f"{path}: pycocotools cannot load it ({type(exc).__name__}: {exc})")
            continue
        for img in api.dataset["images"]:
            if img["id"] in seen:
                problems.append(f"{path}: image id {img['id']} also in another split")
            seen.add(img["id"])
            m = re.fullmatch(r"samples/([^/]+)/image\.png", img["file_name"])
            if not m or m.group(1) not in present:
                problems.append(f"{path}: image {img['file_name']} is not a present sample")
    if present and len(seen) != len(present):
        problems.append(f"{root / 'coco'}: {len(seen)} images exported, {len(present)} samples")


def _check_yolo(root: Path, problems: list[str]) -> None:
    yolo = root / "yolo"
    images = {p.relative_to(yolo / "images").with_suffix("") for p in yolo.glob("images/*/*")}
    labels = {p.relative_to(yolo / "labels").with_suffix("") for p in yolo.glob("labels/*/*")}
    for stem in sorted(images ^ labels):
        problems.append(f"{yolo}: {stem} has an image or a label but not both")


def _expected_exports(plan: dict[str, Any]) -> list[str]:
    """What the end of a generation writes for this plan (`exports.build_all`)."""
    formats = (plan.get("exports") or {}).get("formats", list(FORMATS))
    out = ["splits", "README.md"]
    for name in formats:
        if name != "mot" or plan.get("sequence") is not None:  # MOT: sequence plans only
            out.append(name)
    return out


def _exported_samples(root: Path, name: str) -> int | None:
    """How many samples an export holds (None: not counted per sample)."""
    if name == "splits":
        return sum(len(f.read_text(encoding="utf-8").split()) for f in root.glob("splits/*.txt"))
    if name == "yolo":
        return len(list(root.glob("yolo/images/*/*")))
    if name == "crowd":
        return len(list(root.glob("crowd/*/ground_truth/*.txt")))
    return None


def _check_exports(
    root: Path, plan: dict[str, Any], present: set[str], problems: list[str]
) -> None:
    """Every export the manifest's plan lists exists and holds each present sample."""
    for name in _expected_exports(plan):
        path = root / name
        if not path.exists():
            problems.append(f"{path}: missing (the plan exports {name}; rerun generate)")
            continue
        n = _exported_samples(root, name) if present else None
        if n is not None and n != len(present):
            problems.append(f"{path}: {n} samples exported, {len(present)} present")
        if name == "yolo" and not (path / "data.yaml").is_file():
            problems.append(f"{path / 'data.yaml'}: missing")


def _check_metadata(meta: Path, present: set[str], problems: list[str]) -> None:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(meta, columns=["row"])
    except Exception as exc:  # pyarrow raises several types for a broken file
        reason = " ".join(str(exc).split())[:200]
        problems.append(f"{meta}: unreadable Parquet ({type(exc).__name__}: {reason})")
        return
    n_images = int(pc.sum(pc.equal(table["row"], "image")).as_py() or 0)
    if n_images != len(present):
        problems.append(f"{meta}: {n_images} image rows, {len(present)} samples")


def check_dataset(root: str | Path) -> CheckReport:
    store = DatasetDir(root)
    report = CheckReport(root=store.root)
    if not store.root.is_dir():
        report.problems.append(f"{store.root}: not a directory")
        return report
    try:
        manifest = store.read_manifest()
    except ValueError as exc:
        manifest = None
        report.problems.append(str(exc))
    if manifest is None:
        report.problems.append(f"{store.manifest}: missing or unreadable")
        return report
    plan = manifest.get("plan") if isinstance(manifest, dict) else None
    try:
        if not isinstance(plan, dict):
            raise TypeError("no plan")
        count = int(plan["count"])
    except (TypeError, KeyError, ValueError):
        report.problems.append(f"{store.manifest}: no plan with a count")
        return report
    for p in sorted(store.root.iterdir()):
        if p.name not in TOP_LEVEL:
            report.problems.append(f"{p}: orphan (temporary leftover or stray file)")
    present = _check_samples(store, count, report)
    _check_exports(store.root, plan, present, report.problems)
    if (store.root / "coco").is_dir():
        _check_coco(store.root, present, report.problems)
    if (store.root / "yolo").is_dir():
        _check_yolo(store.root, report.problems)
    meta = store.root / "metadata.parquet"
    if meta.exists():
        _check_metadata(meta, present, report.problems)
    elif present:
        report.problems.append(f"{meta}: missing")
    return report
