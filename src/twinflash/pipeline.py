"""One scene file to one annotated output directory: load, render, annotate, write.

Blender is imported only when a render actually runs, so `twinflash --help` stays fast.
"""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from twinflash.errors import InputError
from twinflash.files import check_replaceable_dir, check_writable_dir, sweep_stale, temp_sibling
from twinflash.scene.io import anchor_extract, parse_scene, read_yaml_mapping
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
    data: dict[str, Any] = anchor_extract(read_yaml_mapping(path), Path(path).parent)
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


@dataclass(frozen=True)
class Rendered:
    """What `render_to_dir` wrote and how long each stage took."""

    out_dir: Path
    timings_s: dict[str, float]  # render_<stage> (the renderer's), render, annotate, write
    render_threads: int  # the CPU threads Cycles had


def render_to_dir(
    scene: Scene,
    out_dir: Path,
    *,
    work_dir: Path | None = None,
    threads: int | None = None,
    before_write: Callable[[], None] | None = None,
) -> Rendered:
    """Render, annotate and atomically write one scene into `out_dir`.

    The renderer's scratch goes to `work_dir` (created if needed, left for the caller to
    remove) or, by default, to a hidden pid-stamped folder beside the output, removed
    after the render and swept by the next run if this one is killed. `threads` caps
    Cycles' CPU threads (None = every core). `before_write` runs just before the output
    is written (a dataset worker checks there that its coordinator still lives).
    """
    check_output_dir(out_dir)
    from twinflash.annotate import annotate_frame, write_scene_outputs
    from twinflash.render.entry import render_frame

    t0 = time.perf_counter()
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True)
        frame, used_threads = render_frame(scene, work_dir, threads)
    else:
        parent = out_dir.resolve().parent
        sweep_stale(parent, [SCRATCH])
        scratch = temp_sibling(parent / SCRATCH)
        scratch.mkdir()
        try:
            frame, used_threads = render_frame(scene, scratch, threads)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    t1 = time.perf_counter()
    annotations = annotate_frame(frame, scene)
    t2 = time.perf_counter()
    if before_write is not None:
        before_write()
    write_scene_outputs(out_dir, frame, scene, annotations)
    t3 = time.perf_counter()
    timings = {f"render_{k}": v for k, v in frame.timings_s.items()}
    timings |= {"render": t1 - t0, "annotate": t2 - t1, "write": t3 - t2}
    return Rendered(out_dir, timings, used_threads)
