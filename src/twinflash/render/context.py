"""What builders share while turning a Scene into a Blender world."""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from twinflash.frame import ObjectKind
from twinflash.render.daylight import light_levels, lux_per_scene_unit
from twinflash.scene.models import Scene
from twinflash.scene.sun import SunState

if TYPE_CHECKING:
    import bpy


@dataclass
class Built:
    """One annotated instance: every Blender object that makes it, and its key points."""

    kind: ObjectKind
    scene_index: int
    objects: list[bpy.types.Object]
    head_center_world: np.ndarray | None = None
    plate_corners_world: np.ndarray | None = None  # (4,3): TL, TR, BR, BL seen from the front
    plate_text: str | None = None


@dataclass
class BuildContext:
    """Shared state of one build: the scene, its sun, seeded generators, a material cache.

    Every random choice comes from `rng(stream)`, seeded by (scene seed, stream name), so
    adding a builder never shifts another builder's draws.
    """

    scene: Scene
    sun: SunState
    materials: dict[str, bpy.types.Material] = field(default_factory=dict)
    media_objects: list[bpy.types.Object] = field(
        default_factory=list
    )  # hidden in the id/depth pass

    def rng(self, stream: str) -> random.Random:
        return random.Random(f"{self.scene.seed}:{stream}")

    def np_rng(self, stream: str) -> np.random.Generator:
        return np.random.default_rng([self.scene.seed, zlib.crc32(stream.encode())])

    @property
    def is_night(self) -> bool:
        return self.sun.is_night

    @cached_property
    def lux_per_unit(self) -> float:
        """Lux of one scene unit of irradiance under this frame's exposure: what turns the
        photometric figures of lamps, shop windows and headlights into Blender units."""
        return lux_per_scene_unit(light_levels(self.sun, self.scene.light, self.scene.weather))
