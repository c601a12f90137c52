"""The dataset under audit: typed ground truth, image-level and object-level columns.

Two sources, one shape:

- a twinflash dataset directory (`coco/instances_{split}.json`, `metadata.parquet`): image
  columns come from the parquet's image rows (every scene value and derived value), or
  from each image's `scene`/`derived` entries when the parquet is missing;
- any COCO JSON file, with an optional CSV/Parquet keyed by `file_name` for image columns.

Object columns (one row per COCO annotation, in file order) are read from the annotations
themselves: box size in pixels, `visibility`, `distance_m`, `head_visible` and every
scalar in `attributes` (pose, skin_tone, build, make, color...). They equal the object
rows of `metadata.parquet`, which are built from the same annotations.

COCO files are read by `twinflash.formats.coco` and turned once into typed arrays
(`GroundTruth`): the tasks never see the JSON. They are not `Annotations`: any COCO file
may be audited (any categories, none of twinflash's extra fields), and the audit needs
only ids, categories, boxes and head points.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from twinflash.annotations import xywh_to_xyxy
from twinflash.errors import InputError
from twinflash.formats import coco as coco_format

Columns = dict[str, np.ndarray]

# Attribute keys that are identifiers or positions, not conditions to slice on.
_OBJECT_SKIP = {"scene_index", "x_m", "y_m", "plate_text", "text", "vehicle_id", "vehicle_model"}


@dataclass(frozen=True)
class GroundTruth:
    """The annotated objects, row k = the k-th COCO annotation (file order)."""

    annotation_id: np.ndarray  # (n_objects,) int64, unique
    category_id: np.ndarray  # (n_objects,) int64
    xywh: np.ndarray  # (n_objects, 4) float64 COCO boxes, NaN where an annotation has none
    head_xy: np.ndarray  # (n_objects, 2) float64 head points, NaN where unknown

    @property
    def xyxy(self) -> np.ndarray:
        return xywh_to_xyxy(self.xywh)


@dataclass
class AuditDataset:
    """Ground truth and slicing columns; `objects` row k is `truth` row k."""

    root: Path  # image file names are relative to it
    truth: GroundTruth
    categories: dict[str, int]  # category name -> COCO id, in file order
    image_ids: np.ndarray  # (n_images,) COCO image ids, unique
    image_wh: np.ndarray  # (n_images, 2) float64 width, height in pixels
    file_names: list[str]
    images: Columns  # image-level columns, (n_images,) each
    objects: Columns  # object-level columns, (n_objects,) each
    object_image: np.ndarray  # (n_objects,) image index of each annotation
    source: str  # "twinflash" or "coco"

    @property
    def n_images(self) -> int:
        return len(self.image_ids)

    def image_path(self, index: int) -> Path:
        return self.root / self.file_names[index]

    def load_image(self, index: int) -> np.ndarray:
        """(H,W,3) uint8 RGB; InputError naming the file if it cannot be read."""
        import cv2

        path = self.image_path(index)
        bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if bgr is None:
            raise InputError(f"{path}: image missing or unreadable")
        return np.ascontiguousarray(bgr[..., ::-1])


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Several splits in one COCO dict; annotation ids renumbered (each split starts at 1)."""
    if len(parts) == 1:
        return parts[0]
    images, annotations = [], []
    for part in parts:
        images.extend(part["images"])
        annotations.extend(part["annotations"])
    annotations = [{**a, "id": k + 1} for k, a in enumerate(annotations)]
    return {**parts[0], "images": images, "annotations": annotations}


def to_array(values: list[Any]) -> np.ndarray:
    """A float array when every present value is a number (None -> NaN), else object."""
    present = [v for v in values if v is not None]
    numeric = all(
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
        for v in present
    )
    if present and numeric:
        return np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _columns(rows: list[dict[str, Any]]) -> Columns:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return {k: to_array([row.get(k) for row in rows]) for k in keys}


def _parse_cell(text: str) -> Any:
    if text == "":
        return None
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else None


def read_table_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a CSV or Parquet file (by suffix); InputError naming the file otherwise."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        try:
            return pq.read_table(path).to_pylist()
        except Exception as exc:  # pyarrow raises several types for a broken file
            raise InputError(f"{path}: unreadable Parquet ({exc})") from None
    if path.suffix.lower() == ".csv":
        with open(path, newline="", encoding="utf-8") as fh:
            return [{k: _parse_cell(v or "") for k, v in r.items()} for r in csv.DictReader(fh)]
    raise InputError(f"{path}: metadata must be .csv or .parquet")


def _image_rows_from_scenes(coco: dict[str, Any]) -> list[dict[str, Any]]:
    """Image rows built as `metadata.parquet` builds them, from each image's scene."""
    from twinflash.formats.metadata import image_row

    rows = []
    for k, image in enumerate(coco["images"]):
        anns = [a for a in coco["annotations"] if a["image_id"] == image["id"]]
        one = {"images": [image], "annotations": anns}
        rows.append(image_row(k, Path(image["file_name"]).parent.name, "", one))
    return rows


def _keyed(rows: list[dict[str, Any]], source: Path, file_names: list[str]) -> list[dict]:
    """Rows aligned with `file_names` (exact match, else by base name); {} where absent."""
    if rows and "file_name" not in rows[0]:
        raise InputError(f"{source}: field file_name: missing (the key to the images)")
    exact = {str(r["file_name"]): r for r in rows}
    base = {Path(str(r["file_name"])).name: r for r in rows}
    out = [exact.get(f) or base.get(Path(f).name) or {} for f in file_names]
    if rows and not any(out):
        raise InputError(f"{source}: field file_name: no value matches an image of the dataset")
    return out


def _object_rows(coco: dict[str, Any]) -> list[dict[str, Any]]:
    names = {c["id"]: c["name"] for c in coco["categories"]}
    rows = []
    for ann in coco["annotations"]:
        _, _, w, h = ann.get("bbox") or [np.nan] * 4
        row: dict[str, Any] = {
            "category": names.get(ann["category_id"], str(ann["category_id"])),
            "box_height_px": h,
            "box_width_px": w,
            "area_px": ann.get("area"),
        }
        for key in ("visibility", "distance_m", "head_visible"):
            if key in ann:
                row[key] = ann[key]
        for key, value in (ann.get("attributes") or {}).items():
            if key not in _OBJECT_SKIP and not isinstance(value, dict | list):
                row[key if key not in row else f"object_{key}"] = value
        rows.append(row)
    return rows


def load_dataset(
    path: str | Path,
    split: str | None = None,
    metadata: str | Path | None = None,
    images_dir: str | Path | None = None,
) -> AuditDataset:
    """Read a twinflash dataset directory or a COCO JSON file (see the module docstring)."""
    path = Path(path)
    extra = Path(metadata) if metadata else None
    if path.is_dir():
        coco_dir = path / "coco"
        files = sorted(coco_dir.glob("instances_*.json"))
        if not files:
            raise InputError(f"{path}: not a twinflash dataset (no coco/instances_*.json)")
        if split is not None:
            files = [coco_dir / f"instances_{split}.json"]
            if not files[0].is_file():
                known = [f.stem.removeprefix("instances_") for f in coco_dir.glob("*.json")]
                raise InputError(f"{path}: no split {split!r}; known: {', '.join(known)}")
        coco = _merge([coco_format.read(f) for f in files])
        root, source = path, "twinflash"
    elif path.is_file():
        coco, root, source = coco_format.read(path), path.parent, "coco"
    else:
        raise InputError(f"{path}: no such dataset directory or COCO file")
    if images_dir is not None:
        root = Path(images_dir)
    images = coco["images"]
    ids = np.array([int(img["id"]) for img in images], dtype=np.int64)
    if len(set(ids.tolist())) != len(ids):
        raise InputError(f"{path}: images: duplicate image ids")
    file_names = [str(img["file_name"]) for img in images]
    index = {int(i): k for k, i in enumerate(ids)}
    unknown = [a["image_id"] for a in coco["annotations"] if int(a["image_id"]) not in index]
    if unknown:
        raise InputError(f"{path}: annotations: image_id {unknown[0]} is not in images")

    rows: list[dict[str, Any]] = [{} for _ in images]
    parquet = path / "metadata.parquet" if source == "twinflash" else None
    if parquet is not None and parquet.is_file():
        # the parquet's image rows hold every object column too, as nulls: drop them
        table = [
            {k: v for k, v in r.items() if v is not None}
            for r in read_table_rows(parquet)
            if r.get("row", "image") == "image"
        ]
        rows = _keyed(table, parquet, file_names)
    elif source == "twinflash" or any("scene" in img for img in images):
        rows = _image_rows_from_scenes(coco)
    if extra is not None:
        rows = [
            a | b
            for a, b in zip(rows, _keyed(read_table_rows(extra), extra, file_names), strict=True)
        ]
    return from_coco(coco, rows, root, source)


def _ground_truth(annotations: list[dict[str, Any]]) -> GroundTruth:
    """The typed arrays of a COCO `annotations` list (missing box or head point: NaN)."""
    n = len(annotations)
    boxes = [a.get("bbox") or [np.nan] * 4 for a in annotations]
    heads = [a.get("head_point") or [np.nan] * 2 for a in annotations]
    return GroundTruth(
        annotation_id=np.array([int(a["id"]) for a in annotations], dtype=np.int64),
        category_id=np.array([int(a["category_id"]) for a in annotations], dtype=np.int64),
        xywh=np.array(boxes, dtype=float).reshape(n, 4),
        head_xy=np.array(heads, dtype=float).reshape(n, 2),
    )


def from_coco(
    coco: dict[str, Any], rows: list[dict[str, Any]], root: Path, source: str
) -> AuditDataset:
    """An AuditDataset from a COCO dict and one dict of image columns per image."""
    categories: dict[str, int] = {}
    for c in coco["categories"]:
        categories.setdefault(str(c["name"]), int(c["id"]))
    ids = np.array([int(img["id"]) for img in coco["images"]], dtype=np.int64)
    file_names = [str(img["file_name"]) for img in coco["images"]]
    index = {int(i): k for k, i in enumerate(ids)}
    object_image = np.array([index[int(a["image_id"])] for a in coco["annotations"]], int)
    rows = [
        r | {"file_name": f, "image_id": int(i)}
        for r, f, i in zip(rows, file_names, ids, strict=True)
    ]
    return AuditDataset(
        root=root,
        truth=_ground_truth(coco["annotations"]),
        categories=categories,
        image_ids=ids,
        image_wh=np.array(
            [[img["width"], img["height"]] for img in coco["images"]], dtype=float
        ).reshape(-1, 2),
        file_names=file_names,
        images=_columns(rows),
        objects=_columns(_object_rows(coco)),
        object_image=object_image.reshape(-1),
        source=source,
    )
