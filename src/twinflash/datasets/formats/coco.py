"""Dataset-level COCO: per-sample COCO files merged into `coco/instances_{split}.json`.

The per-image converter `annotations_to_coco` lives in `twinflash.annotate.coco` (the
scene writer uses it); this module merges images, and reads COCO back into `Annotations`.

Merged ids: image id = sample index + 1; annotation ids are renumbered 1..N across the
split (COCO needs them unique) and each annotation keeps `instance_id`, its id within its
image (what `instances.png` holds and what a plate's `vehicle_id` refers to).
`file_name` is relative to the dataset root (`samples/000042/image.png`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from twinflash.annotate.coco import coco_categories
from twinflash.annotate.coco import load_coco as load_coco  # one reader, one set of errors
from twinflash.annotate.container import Annotations, encode_rle
from twinflash.files import atomic_write_text, dumps_json


def merge_coco(items: list[tuple[int, str, dict[str, Any]]], description: str) -> dict[str, Any]:
    """One COCO dict from (image_id, file_name, per-sample COCO) triples."""
    images, annotations = [], []
    next_id = 1
    for image_id, file_name, coco in items:
        image = dict(coco["images"][0])
        image |= {"id": image_id, "file_name": file_name}
        image["hidden_objects"] = [
            {**h, "instance_id": h["id"], "image_id": image_id} for h in image["hidden_objects"]
        ]
        images.append(image)
        for ann in coco["annotations"]:
            annotations.append(
                {**ann, "instance_id": ann["id"], "id": next_id, "image_id": image_id}
            )
            next_id += 1
    return {
        "info": {"description": description, "schema_version": 1},
        "licenses": [],
        "categories": coco_categories(),
        "images": images,
        "annotations": annotations,
    }


def save_coco(coco: dict[str, Any], path: str | Path) -> Path:
    """Deterministic JSON (sorted keys, rounded floats), written atomically."""
    path = Path(path)
    atomic_write_text(path, dumps_json(coco))
    return path


def _empty_rle(image_wh: tuple[int, int]) -> dict[str, Any]:
    return encode_rle(np.zeros((image_wh[1], image_wh[0]), dtype=bool))


def _box(xywh: list[float] | None) -> list[float]:
    if xywh is None:
        return [np.nan] * 4
    x, y, w, h = xywh
    return [x, y, x + w, y + h]


def coco_to_annotations(coco: dict[str, Any], image_id: int | None = None) -> Annotations:
    """The `Annotations` of one image (the only one if `image_id` is None), hidden ones too."""
    images = {img["id"]: img for img in coco["images"]}
    if image_id is None:
        if len(images) != 1:
            raise ValueError(f"image_id is needed: the COCO dict has {len(images)} images")
        image_id = next(iter(images))
    if image_id not in images:
        raise KeyError(f"no image {image_id}; known: {sorted(images)[:10]}...")
    image = images[image_id]
    wh = (int(image["width"]), int(image["height"]))
    visible = [a for a in coco["annotations"] if a["image_id"] == image_id]
    entries = [(a, True) for a in visible] + [(h, False) for h in image["hidden_objects"]]
    entries.sort(key=lambda e: e[0].get("instance_id", e[0]["id"]))
    n = len(entries)
    nan2 = [np.nan, np.nan]
    return Annotations(
        image_wh=wh,
        instance_id=[e.get("instance_id", e["id"]) for e, _ in entries],
        category_id=[e["category_id"] for e, _ in entries],
        xyxy=np.array([_box(e["bbox"]) if v else [np.nan] * 4 for e, v in entries]).reshape(n, 4),
        amodal_xyxy=np.array([_box(e.get("amodal_bbox")) for e, _ in entries]).reshape(n, 4),
        rle=[e["segmentation"] if v else _empty_rle(wh) for e, v in entries],
        amodal_rle=[e["amodal_segmentation"] if v else _empty_rle(wh) for e, v in entries],
        area=[e["area"] if v else 0 for e, v in entries],
        amodal_area=[e["amodal_area"] for e, _ in entries],
        visibility=[e["visibility"] for e, _ in entries],
        distance_m=[np.nan if e["distance_m"] is None else e["distance_m"] for e, _ in entries],
        head_xy=np.array([e.get("head_point") or nan2 for e, _ in entries], float).reshape(n, 2),
        head_visible=[bool(e.get("head_visible", False)) for e, _ in entries],
        plate_corners_xy=np.array(
            [e.get("corners") or [nan2] * 4 for e, _ in entries], float
        ).reshape(n, 4, 2),
        parent_id=[e.get("vehicle_id", 0) for e, _ in entries],
        attributes=[e.get("attributes", {}) for e, _ in entries],
    )
