"""Sky and sun: the sun lamp points where astral says the sun is; none at night."""

from __future__ import annotations

import pytest

bpy = pytest.importorskip("bpy")

from mathutils import Vector  # noqa: E402
from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.lighting import WORLD_NAME, setup_lighting  # noqa: E402

pytestmark = pytest.mark.blender


def test_the_sun_lamp_shines_from_the_computed_sun() -> None:
    ctx = fresh({"light": {"local_time": "10:00:00", "cloud_cover": 0.0}})
    setup_lighting(ctx)
    assert bpy.context.scene.world.name == WORLD_NAME
    sun = bpy.data.objects["sun"]
    bpy.context.view_layer.update()
    towards_sun = sun.matrix_world.to_3x3() @ Vector((0, 0, 1))
    assert tuple(towards_sun) == pytest.approx(ctx.sun.direction_world, abs=1e-6)
    assert sun.data.energy > 0 and max(sun.data.color) == pytest.approx(1.0)
    sky = next(n for n in bpy.context.scene.world.node_tree.nodes if n.type == "TEX_SKY")
    assert not sky.sun_disc  # the lamp carries the direct light, counted once


def test_no_sun_lamp_at_night() -> None:
    ctx = fresh({"light": {"local_time": "23:30:00"}})
    setup_lighting(ctx)
    assert "sun" not in bpy.data.objects and bpy.context.scene.world is not None
