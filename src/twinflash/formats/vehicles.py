"""Vehicle crops for make/model recognition: `vehicles/{split}/{Make}/{Model}/<name>_<id>.png`.

A vehicle is cropped around its visible box with a 10% margin if its box is at least
`min_box_px` on its short side and at least `min_visibility` of it shows. Folder names are
the catalog's make and model with accents stripped and spaces as underscores
(`Citroen/C3`, `Tesla/Model_3`), so every tool and file system reads them.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import cv2
import numpy as np

from twinflash.annotations import CATEGORIES, Annotations

MARGIN = 0.10


def folder_name(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", ascii_text).strip("_") or "unknown"


def annotations_to_crops(
    rgb: np.ndarray, ann: Annotations, min_box_px: int = 24, min_visibility: float = 0.5
) -> list[tuple[int, str, str, np.ndarray]]:
    """(instance_id, make, model, crop RGB) for each vehicle worth a classification crop."""
    h, w = rgb.shape[:2]
    out = []
    for i in np.flatnonzero(ann.category_id == CATEGORIES["vehicle"]):
        if ann.area[i] == 0 or ann.visibility[i] < min_visibility:
            continue
        x0, y0, x1, y1 = ann.xyxy[i]
        if min(x1 - x0, y1 - y0) < min_box_px:
            continue
        mx, my = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
        c0, r0 = int(max(0, np.floor(x0 - mx))), int(max(0, np.floor(y0 - my)))
        c1, r1 = int(min(w, np.ceil(x1 + mx))), int(min(h, np.ceil(y1 + my)))
        attrs = ann.attributes[i]
        out.append((int(ann.instance_id[i]), attrs["make"], attrs["model"], rgb[r0:r1, c0:c1]))
    return out


def write(
    root: Path, split: str, name: str, crops: list[tuple[int, str, str, np.ndarray]]
) -> list[Path]:
    paths = []
    for instance_id, make, model, crop in crops:
        path = root / split / folder_name(make) / folder_name(model) / f"{name}_{instance_id}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not cv2.imwrite(str(path), cv2.cvtColor(crop, cv2.COLOR_RGB2BGR)):
            raise OSError(f"{path}: OpenCV could not write the crop")
        paths.append(path)
    return paths


def read(root: Path) -> list[tuple[Path, str, str, str]]:
    """(path, split, make folder, model folder) of every crop under `root`."""
    return [
        (p, p.parts[-4], p.parts[-3], p.parts[-2]) for p in sorted(Path(root).glob("*/*/*/*.png"))
    ]
