"""One scene file to one annotated output directory: load, render, annotate, write.

Blender is imported only when a render actually runs, so `twinflash --help` stays fast.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from twinflash.errors import InputError
from twinflash.scene.io import parse_scene, read_yaml_mapping
from twinflash.scene.models import Scene

log = logging.getLogger(__name__)


def load_scene_with_overrides(
    path: Path,
    resolution_wh: tuple[int, int] | None = None,
    quality: str | None = None,
    samples: int | None = None,
) -> Scene:
    """Load a scene file, applying command-line overrides before validation."""
    data: dict[str, Any] = read_yaml_mapping(path)
    if resolution_wh is not None:
        data.setdefault("camera", {})["resolution_wh"] = list(resolution_wh)
    if quality is not None or samples is not None:
        q = data.setdefault("quality", {})
        if not isinstance(q, dict):
            raise InputError(f"{path}: quality: expected a mapping")
        if quality is not None:
            q.clear()
            q["preset"] = quality
        if samples is not None:
            q["samples"] = samples
            q.setdefault("preset", "custom")
    return parse_scene(data, source=str(path))


def check_output_dir(out_dir: Path) -> None:
    """Refuse to write where a file stands, before any rendering; create missing parents."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir}: exists and is not a directory")
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(f"{out_dir}: parent {parent} is not a directory") from None


def render_to_dir(scene: Scene, out_dir: Path) -> Path:
    """Render, annotate and atomically write one scene; returns the output directory."""
    from twinflash.annotate import annotate_frame, write_scene_outputs
    from twinflash.render.engine import render_scene

    check_output_dir(out_dir)
    frame = render_scene(scene, work_dir=out_dir.resolve().parent)
    annotations = annotate_frame(frame, scene)
    write_scene_outputs(out_dir, frame, scene, annotations)
    return out_dir
