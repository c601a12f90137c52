"""The way into Blender from outside `render/`: a scene in, a Frame out.

Importing this module imports no Blender; `render_frame` does, on first use, so callers
(`twinflash.pipeline`, the dataset workers) stay light until they really render.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from twinflash.frame import Frame
from twinflash.scene.models import Scene


def _drop_inherited_blender_paths() -> None:
    """Let `import bpy` find the bpy module again in a spawned worker.

    A parent that already imported bpy has Blender's script folders (inside the bpy wheel)
    on sys.path, and spawned workers inherit that list: there, `import bpy` finds Blender's
    inner `bpy` package first and fails with "No module named '_bpy'". bpy puts those
    folders back itself once imported.
    """
    if "bpy" in sys.modules:
        return
    marker = f"{os.sep}bpy{os.sep}"
    sys.path[:] = [p for p in sys.path if marker not in p]


def render_frame(scene: Scene, work_dir: Path, threads: int | None = None) -> tuple[Frame, int]:
    """Render `scene` with scratch files in `work_dir`; returns the frame and the CPU
    threads Cycles actually had (`threads` caps them; None = every core)."""
    _drop_inherited_blender_paths()
    import bpy

    from twinflash.render.engine import render_scene

    frame = render_scene(scene, work_dir=work_dir, threads=threads)
    return frame, int(bpy.context.scene.render.threads)
