"""`Annotations`: one typed, validated container shared by annotate, formats and datasets.

It sits on the bottom floor (numpy and pycocotools only) so every stage can pass it on
without importing another stage. The one box-order helper pair (`xyxy_to_xywh`,
`xywh_to_xyxy`) lives here too: COCO stores xywh, everything else computes in xyxy.

Arrays of length N (one row per annotated object, fully hidden ones included), checked
once in `__post_init__` so later stages never re-validate or guess shapes.

Conventions (all pixel coordinates have (0, 0) at the top-left *corner* of the image):

- `xyxy`: visible box, exact extent of the visible mask in pixel edges (a mask covering
  columns 10..19 gives x0=10, x1=20). NaN for fully hidden objects (`area == 0`).
- `amodal_xyxy`: extent of the object's projection in front of the near plane, hidden
  parts included; may extend beyond the image. NaN if nothing is in front of the camera.
- `rle`: COCO RLE of the visible mask (`counts` as str, JSON-ready).
- `amodal_area`: pixels of the amodal mask, off-screen parts included up to a margin
  (see `twinflash.annotate.raster`); `visibility = area / amodal_area` in [0, 1].
- `distance_m`: planar camera depth (metres) of the object (see `annotate_frame`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from pycocotools import mask as mask_utils

# COCO category ids written by twinflash; stable across versions.
CATEGORIES: dict[str, int] = {"person": 1, "vehicle": 2, "license_plate": 3, "waste": 4}
SUPERCATEGORIES: dict[str, str] = {
    "person": "person",
    "vehicle": "vehicle",
    "license_plate": "vehicle",
    "waste": "waste",
}
CATEGORY_NAMES: dict[int, str] = {v: k for k, v in CATEGORIES.items()}


def _check(name: str, arr: np.ndarray, shape: tuple[int | None, ...]) -> None:
    """Raise ValueError giving expected vs actual shape (None = any size on that axis)."""
    ok = arr.ndim == len(shape) and all(
        s is None or s == a for s, a in zip(shape, arr.shape, strict=False)
    )
    if not ok:
        dims = ["*" if s is None else str(s) for s in shape]
        want = "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"
        raise ValueError(f"Annotations.{name} must have shape {want}, got {arr.shape}")


@dataclass
class Annotations:
    """Per-object annotations of one image; row i of every array is the same object."""

    image_wh: tuple[int, int]
    instance_id: np.ndarray  # (N,) int64, >= 1, unique
    category_id: np.ndarray  # (N,) int64, values of CATEGORIES
    xyxy: np.ndarray  # (N,4) float64 visible box (NaN if hidden)
    amodal_xyxy: np.ndarray  # (N,4) float64
    rle: list[dict[str, Any]]  # N COCO RLEs of the visible masks
    area: np.ndarray  # (N,) int64 visible pixels
    amodal_area: np.ndarray  # (N,) int64 amodal pixels
    visibility: np.ndarray  # (N,) float64 in [0,1]
    distance_m: np.ndarray  # (N,) float64 planar depth
    head_xy: np.ndarray  # (N,2) float64, persons only, NaN otherwise
    head_visible: np.ndarray  # (N,) bool, False for non-persons
    plate_corners_xy: np.ndarray  # (N,4,2) float64 TL,TR,BR,BL, plates only, NaN otherwise
    parent_id: np.ndarray  # (N,) int64: a plate's vehicle instance id, 0 otherwise
    attributes: list[dict[str, Any]] = field(default_factory=list)  # N dicts, JSON-ready
    amodal_rle: list[dict[str, Any]] = field(default_factory=list)  # N RLEs, amodal mask in image

    def __post_init__(self) -> None:
        self.image_wh = (int(self.image_wh[0]), int(self.image_wh[1]))
        self.instance_id = np.asarray(self.instance_id, dtype=np.int64).reshape(-1)
        n = len(self.instance_id)
        arrays: list[tuple[str, Any, tuple[int, ...]]] = [
            ("category_id", np.int64, (n,)),
            ("xyxy", np.float64, (n, 4)),
            ("amodal_xyxy", np.float64, (n, 4)),
            ("area", np.int64, (n,)),
            ("amodal_area", np.int64, (n,)),
            ("visibility", np.float64, (n,)),
            ("distance_m", np.float64, (n,)),
            ("head_xy", np.float64, (n, 2)),
            ("head_visible", bool, (n,)),
            ("plate_corners_xy", np.float64, (n, 4, 2)),
            ("parent_id", np.int64, (n,)),
        ]
        for name, dtype, shape in arrays:
            arr = np.asarray(getattr(self, name), dtype=dtype)
            if n == 0 and arr.size == 0:
                arr = arr.reshape(shape)
            _check(name, arr, shape)
            setattr(self, name, arr)
        if not self.attributes:
            self.attributes = [{} for _ in range(n)]
        if not self.amodal_rle:
            self.amodal_rle = [_empty_rle(self.image_wh) for _ in range(n)]
        for name in ("rle", "attributes", "amodal_rle"):
            if len(getattr(self, name)) != n:
                raise ValueError(
                    f"Annotations.{name} must have {n} items, got {len(getattr(self, name))}"
                )
        if n and self.instance_id.min() < 1:
            raise ValueError(
                "Annotations.instance_id must be >= 1 (0 is background), "
                f"got {self.instance_id.min()}"
            )
        if len(set(self.instance_id.tolist())) != n:
            raise ValueError("Annotations.instance_id has duplicates")
        bad = sorted(set(self.category_id.tolist()) - set(CATEGORY_NAMES))
        if bad:
            raise ValueError(
                f"Annotations.category_id must be in {sorted(CATEGORY_NAMES)}, got {bad}"
            )
        if n and ((self.visibility < 0) | (self.visibility > 1)).any():
            raise ValueError("Annotations.visibility must lie in [0, 1]")
        w, h = self.image_wh
        for name in ("rle", "amodal_rle"):
            for i, r in enumerate(getattr(self, name)):
                if list(r.get("size", [])) != [h, w]:
                    raise ValueError(
                        f"Annotations.{name}[{i}].size must be [{h}, {w}], got {r.get('size')}"
                    )

    def __len__(self) -> int:
        return len(self.instance_id)

    @property
    def category(self) -> list[str]:
        """Category names, row by row."""
        return [CATEGORY_NAMES[int(c)] for c in self.category_id]

    @property
    def hidden(self) -> np.ndarray:
        """(N,) bool: objects with no visible pixel (left out of COCO `annotations`)."""
        return self.area == 0

    @property
    def in_frame(self) -> np.ndarray:
        """(N,) bool: some of the amodal mask falls inside the image (False: out of frame)."""
        return np.array([_rle_area(r) > 0 for r in self.amodal_rle], dtype=bool)

    @property
    def xywh(self) -> np.ndarray:
        """(N,4) COCO boxes of the visible masks."""
        return xyxy_to_xywh(self.xyxy)

    def index_of(self, instance_id: int) -> int:
        """Row of `instance_id`; KeyError lists the known ids."""
        rows = np.flatnonzero(self.instance_id == instance_id)
        if not len(rows):
            raise KeyError(f"no instance {instance_id}; known: {self.instance_id.tolist()}")
        return int(rows[0])

    def mask(self, i: int) -> np.ndarray:
        """(H,W) bool visible mask of row i, decoded from its RLE."""
        return decode_rle(self.rle[i])

    def amodal_mask(self, i: int) -> np.ndarray:
        """(H,W) bool amodal mask of row i, cropped to the image."""
        return decode_rle(self.amodal_rle[i])


def xyxy_to_xywh(xyxy: ArrayLike) -> np.ndarray:
    """Boxes `[x0, y0, x1, y1]` -> `[x, y, w, h]` (float64, shape (..., 4), a new array;
    NaN stays NaN)."""
    out = np.array(xyxy, dtype=np.float64)
    out[..., 2:] -= out[..., :2]
    return out


def xywh_to_xyxy(xywh: ArrayLike) -> np.ndarray:
    """Boxes `[x, y, w, h]` -> `[x0, y0, x1, y1]` (float64, shape (..., 4), a new array)."""
    out = np.array(xywh, dtype=np.float64)
    out[..., 2:] += out[..., :2]
    return out


def encode_rle(mask: np.ndarray) -> dict[str, Any]:
    """COCO RLE of a (H,W) bool mask, with `counts` as str so it serialises to JSON."""
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return {"size": [int(s) for s in rle["size"]], "counts": rle["counts"].decode("ascii")}


def _raw(rle: dict[str, Any]) -> dict[str, Any]:
    """The RLE as pycocotools wants it (counts as bytes)."""
    counts = rle["counts"]
    return {
        "size": list(rle["size"]),
        "counts": counts.encode("ascii") if isinstance(counts, str) else counts,
    }


def decode_rle(rle: dict[str, Any]) -> np.ndarray:
    """(H,W) bool mask of a COCO RLE (`counts` as str or bytes)."""
    return mask_utils.decode(_raw(rle)).astype(bool)


def _rle_area(rle: dict[str, Any]) -> int:
    return int(mask_utils.area(_raw(rle)))


def _empty_rle(image_wh: tuple[int, int]) -> dict[str, Any]:
    w, h = image_wh
    return encode_rle(np.zeros((h, w), dtype=bool))
