"""Write one scene's output directory, atomically and byte-reproducibly.

Files: image.png (RGB), annotations.json (COCO, see `twinflash.formats.coco`), depth.npy
(float32 metres, inf where nothing was hit), instances.png (uint16 instance ids),
overlay.png, scene.yaml.

Atomicity and safety come from `twinflash.files.atomic_directory`: everything is written
into a hidden temporary sibling renamed onto the target, which also gets the `.twinflash`
marker; an existing target is replaced only if twinflash wrote it (a user's folder is
refused), and what a killed run left beside it is swept by the next write.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from twinflash.annotate.overlay import draw_overlay
from twinflash.annotations import Annotations
from twinflash.files import atomic_directory, dumps_json
from twinflash.formats.coco import annotations_to_coco
from twinflash.frame import Frame
from twinflash.scene.io import dump_scene
from twinflash.scene.models import Scene

SCENE_FILES = (
    "image.png",
    "annotations.json",
    "depth.npy",
    "instances.png",
    "overlay.png",
    "scene.yaml",
)


def _imwrite(path: Path, image: np.ndarray) -> None:
    if not cv2.imwrite(str(path), image):
        raise OSError(f"{path}: OpenCV could not write the image")


def write_scene_outputs(
    out_dir: str | Path, frame: Frame, scene: Scene, annotations: Annotations
) -> Path:
    """Write the scene directory `out_dir` (replacing it if present); return its path."""
    out_dir = Path(out_dir)
    w, h = frame.camera.resolution_wh
    if annotations.image_wh != (w, h):
        raise ValueError(
            f"annotations.image_wh {annotations.image_wh} != frame resolution {(w, h)}"
        )
    if (
        frame.instance_ids.max(initial=0) > np.iinfo(np.uint16).max
        or frame.instance_ids.min(initial=0) < 0
    ):
        raise ValueError("Frame.instance_ids must fit in uint16 for instances.png")
    rgb = np.ascontiguousarray(frame.rgb, dtype=np.uint8)
    coco = annotations_to_coco(
        annotations,
        camera=frame.camera,
        scene=scene.model_dump(mode="json"),
        derived=frame.scene_values,
        file_name="image.png",
    )
    with atomic_directory(out_dir, SCENE_FILES, marker="twinflash render\n") as tmp:
        _imwrite(tmp / "image.png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        (tmp / "annotations.json").write_text(dumps_json(coco), encoding="utf-8")
        np.save(tmp / "depth.npy", np.asarray(frame.depth_m, dtype=np.float32), allow_pickle=False)
        _imwrite(tmp / "instances.png", np.asarray(frame.instance_ids, dtype=np.uint16))
        _imwrite(
            tmp / "overlay.png", cv2.cvtColor(draw_overlay(rgb, annotations), cv2.COLOR_RGB2BGR)
        )
        (tmp / "scene.yaml").write_text(dump_scene(scene), encoding="utf-8")
    return out_dir
