"""Plate geometry: printed corners ordered as seen facing the plate, a thin slab behind them."""

from __future__ import annotations

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh, world_vertices  # noqa: E402

from twinflash.render.plates import (  # noqa: E402
    PLATE_THICKNESS_M,
    plate_corners_local,
    plate_material,
    plate_object,
)

pytestmark = pytest.mark.blender


@pytest.mark.parametrize(("facing", "right_y"), [("front", 1.0), ("rear", -1.0)])
def test_corners_are_tl_tr_br_bl_seen_facing_the_plate(facing: str, right_y: float) -> None:
    tl, tr, br, bl = plate_corners_local((2.0, 0.0, 0.5), facing)
    assert tl[2] > bl[2] and tr[2] > br[2]
    assert np.sign(tr[1] - tl[1]) == right_y  # the viewer's right
    assert np.linalg.norm(tr - tl) == pytest.approx(0.52) and np.linalg.norm(tl - bl) == (
        pytest.approx(0.11)
    )
    assert np.mean([tl, tr, br, bl], axis=0) == pytest.approx([2.0, 0.0, 0.5])


def test_the_plate_slab_lies_behind_its_printed_face() -> None:
    ctx = fresh()
    parent = bpy.data.objects.new("vehicle", None)
    bpy.context.scene.collection.objects.link(parent)
    corners = plate_corners_local((2.0, 0.0, 0.5), "front")
    face = plate_material(ctx, "AB-123-CD", "75")
    obj = plate_object("plate", corners, "front", face, bpy.data.materials.new("edge"), parent)
    bpy.context.view_layer.update()
    v = world_vertices(obj)
    assert v[:, 0].max() == pytest.approx(2.0) and v[:, 0].min() == pytest.approx(
        2.0 - PLATE_THICKNESS_M
    )
    assert obj.parent is parent and obj.data.materials[0] is face
    assert [p.material_index for p in obj.data.polygons] == [0, 1, 1, 1, 1, 1]
