"""Shared by the builders' unit tests: an empty Blender file and a BuildContext for a scene,
and the world-space extent of what a builder made (no rendering: each test builds only)."""

from __future__ import annotations

from typing import Any

import numpy as np

from twinflash.render import engine
from twinflash.render.context import BuildContext
from twinflash.scene.io import parse_scene
from twinflash.scene.sun import sun_state


def fresh(scene: dict[str, Any] | None = None) -> BuildContext:
    """An empty Blender file and the build context of `scene` (a scene-file mapping)."""
    engine.reset_blender()
    parsed = parse_scene(scene or {})
    return BuildContext(scene=parsed, sun=sun_state(parsed.light))


def world_vertices(obj: Any) -> np.ndarray:
    """(N, 3) vertices of a mesh object in world coordinates."""
    m = obj.matrix_world
    return np.array([tuple(m @ v.co) for v in obj.data.vertices])


def extent(obj: Any) -> tuple[np.ndarray, np.ndarray]:
    """(min xyz, max xyz) of a mesh object in world coordinates."""
    v = world_vertices(obj)
    return v.min(axis=0), v.max(axis=0)
