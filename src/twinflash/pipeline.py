"""One scene file to one annotated output directory: load, render, annotate, write.

Blender is imported only when a render actually runs, so `twinflash --help` stays fast.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

from twinflash.errors import InputError
from twinflash.files import check_replaceable_dir, check_writable_dir, sweep_stale, temp_sibling
from twinflash.scene.io import parse_scene, read_yaml_mapping
from twinflash.scene.models import Scene

log = logging.getLogger(__name__)
SCRATCH = "twinflash-render"  # scratch folders: .twinflash-render.tmp-PID-RANDOM


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
    """Before any rendering: refuse a user's folder, a file in the way or an unwritable place.

    Replacing is allowed only for an empty folder or a previous render (see
    `twinflash.files.check_replaceable_dir`); the parent is created and proven writable.
    """
    from twinflash.annotate.write import SCENE_FILES

    check_replaceable_dir(out_dir, SCENE_FILES)
    check_writable_dir(out_dir.resolve().parent, "output")


def render_to_dir(scene: Scene, out_dir: Path) -> Path:
    """Render, annotate and atomically write one scene; returns the output directory.

    The renderer's scratch lives in a hidden pid-stamped folder beside the output, swept by
    the next run if this one is killed.
    """
    check_output_dir(out_dir)
    from twinflash.annotate import annotate_frame, write_scene_outputs
    from twinflash.render.engine import render_scene

    parent = out_dir.resolve().parent
    sweep_stale(parent, [SCRATCH])
    scratch = temp_sibling(parent / SCRATCH)
    scratch.mkdir()
    try:
        frame = render_scene(scene, work_dir=scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    annotations = annotate_frame(frame, scene)
    write_scene_outputs(out_dir, frame, scene, annotations)
    return out_dir
