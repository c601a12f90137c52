"""YOLO detection labels: `yolo/images/{split}/`, `yolo/labels/{split}/`, `yolo/data.yaml`.

One `.txt` per image, one line per visible object: `class cx cy w h`, normalised to the
image size, class = COCO category id - 1 (0 person, 1 vehicle, 2 license_plate, 3 waste).
Images are hard links to the sample images (a copy where links are impossible).
YOLO holds boxes only, so the way back is `yolo_to_boxes`, not full `Annotations`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

from twinflash.annotations import CATEGORIES, Annotations
from twinflash.files import link_or_copy

NAMES = {cid - 1: name for name, cid in CATEGORIES.items()}


def annotations_to_yolo(ann: Annotations) -> str:
    """Label file text for one image (visible objects only, in instance order)."""
    w, h = ann.image_wh
    lines = []
    for i in range(len(ann)):
        if ann.area[i] == 0:
            continue
        x0, y0, x1, y1 = ann.xyxy[i]
        cx, cy, bw, bh = (x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h
        lines.append(f"{int(ann.category_id[i]) - 1} {cx:.6f} {cy:.6f} {bw:.6f} {bh:.6f}")
    return "".join(line + "\n" for line in lines)


def yolo_to_boxes(text: str, image_wh: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(category_id (K,), xyxy (K,4) pixels) from a label file's text."""
    w, h = image_wh
    rows = [line.split() for line in text.splitlines() if line.strip()]
    if any(len(r) != 5 for r in rows):
        raise ValueError("YOLO label lines must have 5 fields: class cx cy w h")
    arr = np.array(rows, dtype=float).reshape(-1, 5)
    cx, cy, bw, bh = arr[:, 1] * w, arr[:, 2] * h, arr[:, 3] * w, arr[:, 4] * h
    xyxy = np.stack([cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2], axis=1)
    return arr[:, 0].astype(np.int64) + 1, xyxy


def write(root: Path, items: list[tuple[str, str, Path, Annotations]]) -> Path:
    """Write (split, name, image path, annotations) items and data.yaml under `root`."""
    splits = sorted({split for split, *_ in items})
    for split, name, image, ann in items:
        link_or_copy(image, root / "images" / split / f"{name}.png")
        label = root / "labels" / split / f"{name}.txt"
        label.parent.mkdir(parents=True, exist_ok=True)
        label.write_text(annotations_to_yolo(ann), encoding="utf-8")
    data: dict[str, Any] = {"path": ".", "names": NAMES}
    data |= {split: f"images/{split}" for split in splits}
    (root / "data.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return root


def read(root: Path) -> dict[str, Any]:
    """data.yaml plus {split: {name: label text}}."""
    data = yaml.safe_load((root / "data.yaml").read_text(encoding="utf-8"))
    labels = {}
    for split_dir in sorted((root / "labels").iterdir()):
        labels[split_dir.name] = {
            p.stem: p.read_text(encoding="utf-8") for p in sorted(split_dir.glob("*.txt"))
        }
    return {"data": data, "labels": labels}
