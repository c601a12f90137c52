"""Small audit problems: a planted problem as files (COCO, images, predictions, metadata
CSV), a COCO dict of hand-placed objects, and a small twinflash dataset directory."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from twinflash.annotations import Annotations, encode_rle
from twinflash.audit.compare_side import Side, load_side
from twinflash.audit.data import from_coco
from twinflash.audit.run import predictions_to_json
from twinflash.audit.synthetic import planted_coco
from twinflash.camera import CameraModel
from twinflash.formats import coco as coco_format
from twinflash.formats import metadata
from twinflash.formats.coco import annotations_to_coco, merge_coco
from twinflash.formats.metadata import image_row, object_rows
from twinflash.scene.models import Person, Scene


def write_planted(
    root: Path, n_images: int = 60, seed: int = 3, **planted: float
) -> dict[str, Path]:
    """Planted night effect as files: gt.json, preds.json, meta.csv and grey images;
    `planted` goes to `planted_coco` (night_factor, small_factor, p_detect...)."""
    coco, rows, dets = planted_coco(n_images, 6, seed=seed, **planted)
    ds = from_coco(coco, rows, root, "coco")
    root.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(ds.file_names):
        img = np.full((480, 640, 3), 90, np.uint8)
        for r in np.flatnonzero(ds.object_image == i):
            x, y, w, h = (int(v) for v in ds.truth.xywh[r])
            cv2.rectangle(img, (x, y), (x + w, y + h), (200, 180, 160), -1)
        cv2.imwrite(str(root / name), img)
    (root / "gt.json").write_text(json.dumps(coco))
    (root / "preds.json").write_text(json.dumps(predictions_to_json(dets, ds, 1)))
    cols = ["is_night", "weather_kind", "camera_pitch_deg", "placebo"]
    with open(root / "meta.csv", "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file_name", *cols])
        for i, name in enumerate(ds.file_names):
            writer.writerow([name, *[ds.images[c][i] for c in cols]])
    return {"gt": root / "gt.json", "preds": root / "preds.json", "meta": root / "meta.csv"}


def write_planted_audit(
    root: Path, n_images: int, seed: int, n_boot: int = 200, **planted: float
) -> Path:
    """An audit (person detection, saved predictions) of a planted problem written as
    files in `root`; returns the report folder `root/report`."""
    from twinflash.audit.analysis import AnalysisSettings
    from twinflash.audit.run import audit

    files = write_planted(root / "data", n_images, seed, **planted)
    audit(
        files["gt"],
        f"predictions:{files['preds']}",
        "person-detection",
        root / "report",
        metadata=files["meta"],
        analysis=AnalysisSettings(n_boot=n_boot),
        n_failures=0,
    )
    return root / "report"


@pytest.fixture
def planted_files(tmp_path: Path) -> dict[str, Path]:
    return write_planted(tmp_path / "data")


def coco_of(objects: list[tuple[int, str, list[float], dict]], n_images: int) -> dict:
    """A COCO dict of 200x200 images holding (image index, category, xywh, attributes)."""
    return {
        "images": [
            {"id": i + 1, "file_name": f"{i}.png", "width": 200, "height": 200}
            for i in range(n_images)
        ],
        "annotations": [
            {
                "id": k + 1,
                "image_id": img + 1,
                "category_id": 1 if cat == "person" else 2,
                "bbox": box,
                "area": box[2] * box[3],
                "iscrowd": 0,
                "attributes": attrs,
            }
            for k, (img, cat, box, attrs) in enumerate(objects)
        ],
        "categories": [{"id": 1, "name": "person"}, {"id": 2, "name": "vehicle"}],
    }


W, H = 64, 48


def _sample(k: int, night: bool) -> dict:
    """One sample's COCO: two people (boxes of known size), person 2 lying, dark skin."""
    scene = Scene(
        name=f"s{k}",
        seed=k,
        people=[
            Person(x_m=10, y_m=0, skin_tone=2, top_color="#d01010"),
            Person(x_m=12, y_m=1, skin_tone=9, pose="lying", top_color="#1030c0"),
        ],
    )
    masks = [np.zeros((H, W), bool), np.zeros((H, W), bool)]
    masks[0][10:30, 20:28] = True
    masks[1][30:36, 30:50] = True
    ann = Annotations(
        image_wh=(W, H),
        instance_id=[1, 2],
        category_id=[1, 1],
        xyxy=[[20, 10, 28, 30], [30, 30, 50, 36]],
        amodal_xyxy=[[20, 10, 28, 30], [30, 30, 50, 36]],
        rle=[encode_rle(m) for m in masks],
        area=[160, 120],
        amodal_area=[160, 200],
        visibility=[1.0, 0.6],
        distance_m=[10.0, 12.0],
        head_xy=[[24, 12], [32, 33]],
        head_visible=[True, True],
        plate_corners_xy=np.full((2, 4, 2), np.nan),
        parent_id=[0, 0],
        amodal_rle=[encode_rle(m) for m in masks],
        attributes=[
            {"scene_index": i, **p.model_dump(mode="json")} for i, p in enumerate(scene.people)
        ],
    )
    cam = CameraModel(np.zeros(3), 0.0, 0.0, 36.0, 36.0, (W, H))
    return annotations_to_coco(
        ann,
        camera=cam,
        scene=scene.model_dump(mode="json"),
        derived={"is_night": night, "sun_elevation_deg": -10.0 if night else 30.0},
    )


def twinflash_dataset_dir(root: Path, with_parquet: bool) -> Path:
    """Four samples of `_sample` (odd ones at night) as a dataset directory, two splits."""
    samples = [_sample(k, k % 2 == 1) for k in range(4)]
    splits = {"train": [0, 1], "test": [2, 3]}
    rows = []
    for split, idx in splits.items():
        items = [(k + 1, f"samples/{k:06d}/image.png", samples[k]) for k in idx]
        coco_format.write(merge_coco(items, split), root / "coco" / f"instances_{split}.json")
        for k in idx:
            row = image_row(k, f"{k:06d}", split, samples[k])
            rows += [row, *object_rows(row, samples[k])]
    if with_parquet:
        metadata.write(rows, root / "metadata.parquet")
    return root


# Hand-made report.json files, for the comparison of audits.


def report_row(column: str, label: str, value: float, gap: float = 0.0, status: str = "x") -> dict:
    """A primary-metric slice row of report.json (status "x": no significant gap)."""
    return {
        "metric": "recall",
        "column": column,
        "label": label,
        "level": "object",
        "compared_with": "the rest",
        "value": value,
        "lo": value - 0.05,
        "hi": value + 0.05,
        "rest": value - gap,
        "gap": gap,
        "gap_lo": gap - 0.05,
        "gap_hi": gap + 0.05,
        "p": 0.01,
        "p_adjusted": 0.02,
        "units": 100,
        "images": 50,
        "status": "no significant gap" if status == "x" else status,
    }


def report_dict(rows: list[dict], task: str = "person-detection", **settings: Any) -> dict:
    """A minimal report.json of a recall audit holding `rows`."""
    return {
        "schema_version": 1,
        "task": task,
        "model": "m",
        "dataset": "d",
        "images": 50,
        "settings": {
            "n_boot": 100,
            "seed": 0,
            "alpha": 0.05,
            "correction": "holm",
            "min_support": 30,
            "min_images": 10,
            "min_height_px": 20.0,
            "min_visibility": 0.2,
            "split": None,
            "category": "person",
            **settings,
        },
        "summary": {"score_threshold": 0.5},
        "analysis": {
            "overall": {
                "recall": {
                    "value": 0.6,
                    "lo": 0.5,
                    "hi": 0.7,
                    "units": 500,
                    "images": 50,
                    "title": "recall",
                    "higher_is_better": True,
                    "primary": True,
                }
            },
            "slices": rows,
            "tested": len(rows),
            "significant": 0,
        },
    }


def write_json(path: Path, data: Any) -> Path:
    """`data` as JSON (a str is written as it is: broken JSON for tests)."""
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def report_side(tmp_path: Path, name: str, rows: list[dict], **kw: Any) -> Side:
    """`report_dict` written as NAME.json in `tmp_path` and loaded as one side."""
    return load_side(write_json(tmp_path / f"{name}.json", report_dict(rows, **kw)))
