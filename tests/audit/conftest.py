"""Small on-disk audit problems: a COCO file, images, predictions and a metadata CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from twinflash.audit.data import from_coco
from twinflash.audit.run import predictions_to_json
from twinflash.audit.synthetic import planted_coco


def write_planted(root: Path, n_images: int = 60, seed: int = 3) -> dict[str, Path]:
    """Planted night effect as files: gt.json, preds.json, meta.csv and grey images."""
    coco, rows, dets = planted_coco(n_images, 6, seed=seed)
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


@pytest.fixture
def planted_files(tmp_path: Path) -> dict[str, Path]:
    return write_planted(tmp_path / "data")
