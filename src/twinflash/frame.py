"""What the renderer hands to the annotator: numpy arrays and geometry, no Blender."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from twinflash.camera import CameraModel

ObjectKind = Literal["person", "vehicle", "license_plate", "waste"]


@dataclass
class ObjectGeometry:
    """One annotated object as rendered: its instance id and its evaluated mesh.

    `scene_index` points into `Scene.people`, `Scene.vehicles` or `Scene.waste`; a plate
    points to its vehicle. The mesh (world coordinates, triangles) gives the amodal extent.
    """

    instance_id: int
    kind: ObjectKind
    scene_index: int
    vertices_world: np.ndarray  # (N,3) float
    triangles: np.ndarray  # (M,3) int
    head_center_world: np.ndarray | None = None  # persons
    plate_corners_world: np.ndarray | None = (
        None  # plates: (4,3) TL, TR, BR, BL seen from the front
    )
    plate_text: str | None = None

    def __post_init__(self) -> None:
        v = np.asarray(self.vertices_world, dtype=float)
        t = np.asarray(self.triangles, dtype=np.int64)
        if v.ndim != 2 or v.shape[1] != 3:
            raise ValueError(f"vertices_world must be (N,3), got {v.shape}")
        if t.ndim != 2 or t.shape[1] != 3:
            raise ValueError(f"triangles must be (M,3), got {t.shape}")
        if t.size and (t.min() < 0 or t.max() >= len(v)):
            raise ValueError(f"triangles index outside 0..{len(v) - 1}")
        self.vertices_world, self.triangles = v, t


@dataclass
class Frame:
    """A rendered image with its exact passes.

    rgb: (H,W,3) uint8 sRGB after sensor effects. instance_ids: (H,W) uint16,
    0 = background, else `ObjectGeometry.instance_id`. depth_m: (H,W) float32
    planar camera depth in metres (inf where nothing is hit).
    """

    rgb: np.ndarray
    instance_ids: np.ndarray
    depth_m: np.ndarray
    camera: CameraModel
    objects: list[ObjectGeometry] = field(default_factory=list)
    scene_values: dict[str, object] = field(default_factory=dict)  # derived: sun elevation...
    timings_s: dict[str, float] = field(
        default_factory=dict
    )  # build / image / passes, for benchmarks

    def __post_init__(self) -> None:
        w, h = self.camera.resolution_wh
        for name, arr, shape in (
            ("rgb", self.rgb, (h, w, 3)),
            ("instance_ids", self.instance_ids, (h, w)),
            ("depth_m", self.depth_m, (h, w)),
        ):
            if arr.shape != shape:
                raise ValueError(f"Frame.{name} must have shape {shape}, got {arr.shape}")
        ids = {o.instance_id for o in self.objects}
        if len(ids) != len(self.objects):
            raise ValueError("Frame.objects have duplicate instance ids")
