"""Frame + Scene -> Annotations: exact masks and boxes from the renderer's instance pass.

Decisions (each one is what a reader of the annotations would otherwise have to guess):

- Visible mask = pixels of `frame.instance_ids` equal to the object's id. A vehicle's mask
  also takes its plates' pixels (the plate is part of the vehicle for a detector), and its
  amodal mask takes the plates' meshes.
- Amodal mask = rasterised mesh (see `raster`) united with the visible mask, so
  `visibility = area / amodal_area` is <= 1 by construction; it is also clipped to [0, 1].
- `distance_m` = median of `frame.depth_m` (planar depth) over the visible pixels; for a
  fully hidden object, planar depth of its mesh's vertex centroid (NaN if behind camera).
- Fully hidden objects stay in `Annotations` (area 0, xyxy NaN, visibility 0); the COCO
  writer lists them under the image's `hidden_objects` instead of `annotations`.
- Head point: projection of `head_center_world`; `head_visible` is True when the pixel
  under it shows this person (False when off-image, behind the camera or occluded).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from twinflash.annotate.raster import NEAR_M, rasterise_amodal
from twinflash.annotations import CATEGORIES, Annotations, encode_rle
from twinflash.camera import CameraModel
from twinflash.frame import Frame, ObjectGeometry
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.models import Scene


def mask_xyxy(mask: np.ndarray) -> np.ndarray:
    """Exact extent of a bool mask in pixel edges (columns 10..19 -> x0=10, x1=20); NaN if empty."""
    cols = np.flatnonzero(mask.any(axis=0))
    rows = np.flatnonzero(mask.any(axis=1))
    if not len(cols):
        return np.full(4, np.nan)
    return np.array([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1], dtype=float)


def _scene_item(scene: Scene, obj: ObjectGeometry) -> Any:
    field = {"person": "people", "waste": "waste"}.get(obj.kind, "vehicles")
    items = getattr(scene, field)
    if not 0 <= obj.scene_index < len(items):
        raise ValueError(
            f"object {obj.instance_id} ({obj.kind}): scene_index {obj.scene_index} outside "
            f"scene.{field} (0..{len(items) - 1})"
        )
    return items[obj.scene_index]


def _attributes(scene: Scene, obj: ObjectGeometry, vehicle_ids: dict[int, int]) -> dict[str, Any]:
    """Everything a bias audit slices on, taken from the resolved scene and the catalog."""
    item = _scene_item(scene, obj)
    if obj.kind in ("person", "waste"):  # waste: kind, size, colour, pile, against_wall...
        return {"scene_index": obj.scene_index, **item.model_dump(mode="json")}
    spec = get_vehicle_model(item.model)
    if obj.kind == "vehicle":
        return {
            "scene_index": obj.scene_index,
            "vehicle_model": spec.key,
            "make": spec.make,
            "model": spec.model,
            "generation": spec.generation,
            "body_type": spec.body_type,
            "color": item.color,
            "plate_text": item.plate_text,
            "heading_deg": item.heading_deg,
            "headlights": item.headlights,
        }
    return {
        "scene_index": obj.scene_index,
        "text": obj.plate_text or item.plate_text,
        "vehicle_id": vehicle_ids.get(obj.scene_index, 0),
        "vehicle_model": spec.key,
    }


def _head(camera: CameraModel, obj: ObjectGeometry, ids: np.ndarray) -> tuple[np.ndarray, bool]:
    if obj.head_center_world is None:
        raise ValueError(f"person {obj.instance_id}: head_center_world is missing")
    uv, z = camera.project(np.asarray(obj.head_center_world, dtype=float).reshape(1, 3))
    if z[0] < NEAR_M:
        return np.full(2, np.nan), False
    x, y = uv[0]
    h, w = ids.shape
    col, row = int(np.floor(x)), int(np.floor(y))
    visible = 0 <= col < w and 0 <= row < h and int(ids[row, col]) == obj.instance_id
    return uv[0], visible


def _plate_corners(camera: CameraModel, obj: ObjectGeometry) -> np.ndarray:
    if obj.plate_corners_world is None:
        raise ValueError(f"license_plate {obj.instance_id}: plate_corners_world is missing")
    corners = np.asarray(obj.plate_corners_world, dtype=float)
    if corners.shape != (4, 3):
        raise ValueError(
            f"license_plate {obj.instance_id}: plate_corners_world must be (4,3), "
            f"got {corners.shape}"
        )
    uv, z = camera.project(corners)
    uv[z < NEAR_M] = np.nan
    return uv


def _distance(frame: Frame, mask: np.ndarray, obj: ObjectGeometry) -> float:
    depths = frame.depth_m[mask]
    depths = depths[np.isfinite(depths)]
    if len(depths):
        return float(np.median(depths))
    if not len(obj.vertices_world):
        return float("nan")
    z = frame.camera.to_camera(obj.vertices_world.mean(axis=0, keepdims=True))[0, 2]
    return float(z) if z > 0 else float("nan")


ROW_FIELDS = (
    "instance_id", "category_id", "xyxy", "amodal_xyxy", "rle", "amodal_rle", "area",
    "amodal_area", "visibility", "distance_m", "head_xy", "head_visible", "plate_corners_xy",
    "parent_id", "attributes",
)  # fmt: skip


def _annotate_one(
    frame: Frame,
    scene: Scene,
    obj: ObjectGeometry,
    parts: list[ObjectGeometry],
    vehicle_ids: dict[int, int],
) -> dict[str, Any]:
    """One row of `Annotations`; `parts` = the object and what belongs to it (its plates)."""
    camera, ids = frame.camera, frame.instance_ids
    visible = np.isin(ids, [p.instance_id for p in parts])
    raster = rasterise_amodal(camera, [(p.vertices_world, p.triangles) for p in parts])
    area = int(visible.sum())
    amodal_area = raster.area_px + int((visible & ~raster.mask).sum())
    attrs = _attributes(scene, obj, vehicle_ids)
    head_xy, head_visible = np.full(2, np.nan), False
    if obj.kind == "person":
        head_xy, head_visible = _head(camera, obj, ids)
    is_plate = obj.kind == "license_plate"
    return {
        "instance_id": obj.instance_id,
        "category_id": CATEGORIES[obj.kind],
        "xyxy": mask_xyxy(visible),
        "amodal_xyxy": raster.xyxy,
        "rle": encode_rle(visible),
        "amodal_rle": encode_rle(raster.mask | visible),
        "area": area,
        "amodal_area": amodal_area,
        "visibility": float(np.clip(area / amodal_area, 0.0, 1.0)) if amodal_area else 0.0,
        "distance_m": _distance(frame, visible, obj),
        "head_xy": head_xy,
        "head_visible": head_visible,
        "plate_corners_xy": _plate_corners(camera, obj) if is_plate else np.full((4, 2), np.nan),
        "parent_id": attrs["vehicle_id"] if is_plate else 0,
        "attributes": attrs,
    }


def annotate_frame(frame: Frame, scene: Scene) -> Annotations:
    """Annotations of every object in `frame.objects`, in that order."""
    vehicle_ids = {o.scene_index: o.instance_id for o in frame.objects if o.kind == "vehicle"}
    plates_of: dict[int, list[ObjectGeometry]] = {}
    for o in frame.objects:
        if o.kind == "license_plate":
            plates_of.setdefault(o.scene_index, []).append(o)
    rows = []
    for obj in frame.objects:
        parts = [obj] + (plates_of.get(obj.scene_index, []) if obj.kind == "vehicle" else [])
        rows.append(_annotate_one(frame, scene, obj, parts, vehicle_ids))
    n = len(rows)
    shapes = {
        "xyxy": (n, 4),
        "amodal_xyxy": (n, 4),
        "head_xy": (n, 2),
        "plate_corners_xy": (n, 4, 2),
    }
    columns: dict[str, Any] = {}
    for key in ROW_FIELDS:
        values = [r[key] for r in rows]
        columns[key] = (
            np.asarray(values, dtype=float).reshape(shapes[key]) if key in shapes else values
        )
    return Annotations(image_wh=frame.camera.resolution_wh, **columns)
