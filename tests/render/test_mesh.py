"""The box helper: the size and place asked, turned about its centre."""

from __future__ import annotations

import math

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import extent, fresh  # noqa: E402

from twinflash.render.mesh import box  # noqa: E402

pytestmark = pytest.mark.blender


def test_a_box_has_its_size_centre_and_material() -> None:
    fresh()
    mat = bpy.data.materials.new("m")
    obj = box("b", (2.0, 1.0, 0.5), (3.0, -1.0, 0.25), mat)
    bpy.context.view_layer.update()
    lo, hi = extent(obj)
    assert lo.tolist() == pytest.approx([2.0, -1.5, 0.0]) and hi.tolist() == pytest.approx(
        [4.0, -0.5, 0.5]
    )
    assert obj.data.materials[0] is mat and obj.name in bpy.context.scene.collection.objects
    turned = box("t", (2.0, 1.0, 0.5), (0.0, 0.0, 0.0), rotation_z=math.pi / 2)
    bpy.context.view_layer.update()
    lo, hi = extent(turned)
    assert (hi - lo).tolist() == pytest.approx([1.0, 2.0, 0.5])
