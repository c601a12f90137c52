"""COCO, both directions: `Annotations` <-> one-image COCO dicts, dataset files.

Verbs: `read` (a COCO JSON file), `write` (deterministic JSON, atomically),
`annotations_to_coco` / `coco_to_annotations` (pure converters), `merge_coco` (per-sample
dicts into one dataset file).

Standard fields load with `pycocotools.coco.COCO` and evaluate with `COCOeval`. Extra
per-annotation fields: `amodal_bbox` (xywh, may reach beyond the image), `amodal_area`,
`amodal_segmentation` (RLE, in-image part), `visibility`, `distance_m`, `attributes`;
persons add `head_point`, `head_visible` and COCO `keypoints` [x, y, v] for the single
keypoint "head" (v=2 visible, 1 hidden or off-image, 0 behind the camera); plates add
`text`, `corners` (TL, TR, BR, BL pixel xy) and `vehicle_id`.

In a one-image file, annotation ids are the instance ids. Objects with no visible pixel
are not in `annotations` (COCO tools choke on empty boxes); they are listed in the image
entry's `hidden_objects` with the same extra fields and a `hidden_reason`: "occluded"
(its amodal mask reaches into the image), "out_of_frame" or "behind_camera".

Merged dataset files (`coco/instances_{split}.json`): image id = sample index + 1;
annotation ids are renumbered 1..N across the split (COCO needs them unique) and each
annotation and hidden object keeps `instance_id`, its id within its image (what
`instances.png` holds and what a plate's `vehicle_id` refers to). `file_name` is relative
to the dataset root (`samples/000042/image.png`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.annotations import (
    CATEGORIES,
    CATEGORY_NAMES,
    SUPERCATEGORIES,
    Annotations,
    encode_rle,
    xywh_to_xyxy,
    xyxy_to_xywh,
)
from twinflash.camera import CameraModel
from twinflash.errors import InputError
from twinflash.files import atomic_write_text, dumps_json

COCO_SCHEMA_VERSION = 1


def coco_categories() -> list[dict[str, Any]]:
    """twinflash's categories as COCO lists them (persons with the one keypoint "head")."""
    cats: list[dict[str, Any]] = []
    for name, cid in sorted(CATEGORIES.items(), key=lambda kv: kv[1]):
        cat: dict[str, Any] = {"id": cid, "name": name, "supercategory": SUPERCATEGORIES[name]}
        if name == "person":
            cat |= {"keypoints": ["head"], "skeleton": []}
        cats.append(cat)
    return cats


def _bbox(xyxy: np.ndarray) -> list[float] | None:
    """A COCO `bbox` (xywh list) of one box; None for an unknown (NaN) box."""
    if np.isnan(xyxy).any():
        return None
    return [float(v) for v in xyxy_to_xywh(xyxy)]


def _finite_or_none(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


def _extras(ann: Annotations, i: int) -> dict[str, Any]:
    """Fields shared by visible annotations and hidden_objects entries."""
    cid = int(ann.category_id[i])
    out: dict[str, Any] = {
        "id": int(ann.instance_id[i]),
        "category_id": cid,
        "amodal_bbox": _bbox(ann.amodal_xyxy[i]),
        "amodal_area": int(ann.amodal_area[i]),
        "amodal_segmentation": ann.amodal_rle[i],
        "visibility": float(ann.visibility[i]),
        "distance_m": _finite_or_none(ann.distance_m[i]),
        "attributes": ann.attributes[i],
    }
    name = CATEGORY_NAMES[cid]
    if name == "person":
        head = ann.head_xy[i]
        known = bool(np.isfinite(head).all())
        v = 2 if ann.head_visible[i] else (1 if known else 0)
        out["head_point"] = [float(head[0]), float(head[1])] if known else None
        out["head_visible"] = bool(ann.head_visible[i])
        out["keypoints"] = [float(head[0]), float(head[1]), v] if known else [0.0, 0.0, 0]
        out["num_keypoints"] = int(v > 0)
    elif name == "license_plate":
        corners = ann.plate_corners_xy[i]
        out["text"] = ann.attributes[i].get("text")
        out["corners"] = corners.tolist() if np.isfinite(corners).all() else None
        out["vehicle_id"] = int(ann.parent_id[i])
    return out


def annotations_to_coco(
    ann: Annotations,
    *,
    camera: CameraModel,
    scene: dict[str, Any],
    derived: dict[str, Any] | None = None,
    image_id: int = 1,
    file_name: str = "image.png",
) -> dict[str, Any]:
    """A COCO dataset dict with one image. Values are plain Python (JSON-ready).

    `scene` is the scene as JSON (`Scene.model_dump(mode="json")`): the file embeds it,
    and this floor knows files, not scene models."""
    w, h = ann.image_wh
    if tuple(camera.resolution_wh) != (w, h):
        raise ValueError(
            f"camera resolution {camera.resolution_wh} != annotations image_wh {ann.image_wh}"
        )
    annotations, hidden = [], []
    in_frame = ann.in_frame
    reasons = [
        "behind_camera"
        if np.isnan(ann.amodal_xyxy[i]).all()
        else "occluded"
        if in_frame[i]
        else "out_of_frame"
        for i in range(len(ann))
    ]
    for i in range(len(ann)):
        entry = _extras(ann, i)
        if ann.area[i] == 0:
            hidden.append(entry | {"hidden_reason": reasons[i]})
            continue
        entry |= {
            "image_id": image_id,
            "bbox": _bbox(ann.xyxy[i]),
            "area": int(ann.area[i]),
            "segmentation": ann.rle[i],
            "iscrowd": 0,
        }
        annotations.append(entry)
    image = {
        "id": image_id,
        "file_name": file_name,
        "width": w,
        "height": h,
        "camera": camera.to_dict(),
        "scene": scene,
        "derived": dict(derived or {}),
        "hidden_objects": hidden,
    }
    return {
        "info": {
            "description": f"twinflash scene {scene['name']}",
            "schema_version": COCO_SCHEMA_VERSION,
        },
        "licenses": [],
        "categories": coco_categories(),
        "images": [image],
        "annotations": annotations,
    }


def merge_coco(items: list[tuple[int, str, dict[str, Any]]], description: str) -> dict[str, Any]:
    """One COCO dict from (image_id, file_name, one-image COCO dict) triples."""
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
        "info": {"description": description, "schema_version": COCO_SCHEMA_VERSION},
        "licenses": [],
        "categories": coco_categories(),
        "images": images,
        "annotations": annotations,
    }


def _nan_if_none(value: Any, shape: tuple[int, ...]) -> np.ndarray:
    return (
        np.full(shape, np.nan) if value is None else np.asarray(value, dtype=float).reshape(shape)
    )


def _xyxy(bbox: list[float] | None) -> np.ndarray:
    """The xyxy box of a COCO `bbox`; NaN where there is none (a hidden object)."""
    return np.full(4, np.nan) if bbox is None else xywh_to_xyxy(bbox)


def coco_to_annotations(coco: dict[str, Any], image_id: int | None = None) -> Annotations:
    """The `Annotations` of one image of a twinflash COCO dict, hidden objects included.

    Works on one-image files and merged dataset files alike: rows are keyed on each
    entry's `instance_id` (its `id` in a one-image file) and come in ascending order.
    `image_id` may be left out when the dict holds one image; an unknown one is a
    ValueError listing the known ids.
    """
    images = {img["id"]: img for img in coco["images"]}
    if image_id is None:
        if len(images) != 1:
            raise ValueError(f"image_id needed: the COCO dict holds {len(images)} images")
        image_id = next(iter(images))
    if image_id not in images:
        known = sorted(images)
        shown = ", ".join(map(str, known[:10])) + (", ..." if len(known) > 10 else "")
        raise ValueError(f"no image with id {image_id} in the COCO dict; known: {shown}")
    image = images[image_id]
    w, h = int(image["width"]), int(image["height"])
    visible = [a for a in coco["annotations"] if a["image_id"] == image_id]
    entries = sorted(
        visible + list(image.get("hidden_objects", [])),
        key=lambda a: a.get("instance_id", a["id"]),
    )
    empty = encode_rle(np.zeros((h, w), dtype=bool))
    n = len(entries)
    return Annotations(
        image_wh=(w, h),
        instance_id=np.array([a.get("instance_id", a["id"]) for a in entries], dtype=np.int64),
        category_id=np.array([a["category_id"] for a in entries], dtype=np.int64),
        xyxy=np.array([_xyxy(a.get("bbox")) for a in entries]).reshape(n, 4),
        amodal_xyxy=np.array([_xyxy(a.get("amodal_bbox")) for a in entries]).reshape(n, 4),
        rle=[a.get("segmentation", empty) for a in entries],
        amodal_rle=[a.get("amodal_segmentation", empty) for a in entries],
        area=np.array([a.get("area", 0) for a in entries], dtype=np.int64),
        amodal_area=np.array([a["amodal_area"] for a in entries], dtype=np.int64),
        visibility=np.array([a["visibility"] for a in entries], dtype=float),
        distance_m=np.array(
            [np.nan if a["distance_m"] is None else a["distance_m"] for a in entries]
        ),
        head_xy=np.array([_nan_if_none(a.get("head_point"), (2,)) for a in entries]).reshape(n, 2),
        head_visible=np.array([bool(a.get("head_visible", False)) for a in entries], dtype=bool),
        plate_corners_xy=np.array(
            [_nan_if_none(a.get("corners"), (4, 2)) for a in entries]
        ).reshape(n, 4, 2),
        parent_id=np.array([a.get("vehicle_id", 0) for a in entries], dtype=np.int64),
        attributes=[dict(a.get("attributes", {})) for a in entries],
    )


def read(path: str | Path) -> dict[str, Any]:
    """Read a COCO JSON file; InputError names the file when it is missing or broken."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: broken JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: not a COCO file (top level is not an object)")
    missing = [k for k in ("images", "annotations", "categories") if k not in data]
    if missing:
        raise InputError(f"{path}: not a COCO file, missing {', '.join(missing)}")
    return data


def read_sample(path: str | Path) -> dict[str, Any]:
    """Read one rendered sample's COCO file (exactly one image). A plain ValueError names the
    file on any failure: a dataset check lists it as a problem, a resume renders it again."""
    path = Path(path)
    try:
        coco = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: unreadable ({type(exc).__name__}: {exc})") from None
    if not isinstance(coco, dict) or len(coco.get("images", [])) != 1:
        raise ValueError(f"{path}: expected a COCO dict with one image")
    return coco


def write(coco: dict[str, Any], path: str | Path) -> Path:
    """Deterministic JSON (sorted keys, rounded floats), written atomically."""
    path = Path(path)
    atomic_write_text(path, dumps_json(coco))
    return path
