"""MeshKit: local façade frames mapped to the world, faces per material, linked duplicates."""

from __future__ import annotations

import math

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import extent, fresh  # noqa: E402

from twinflash.render.meshkit import MeshKit, instance, lights_on  # noqa: E402

pytestmark = pytest.mark.blender


def test_the_local_frame_is_placed_by_origin_and_heading() -> None:
    kit = MeshKit(origin=(10.0, 5.0), heading_rad=math.pi / 2)
    assert kit.world((1.0, 0.0, 2.0)) == pytest.approx((10.0, 6.0, 2.0))  # u runs along +y
    assert kit.world((0.0, 1.0, 0.0)) == pytest.approx((9.0, 5.0, 0.0))  # v out of the façade


def test_boxes_skip_faces_and_materials_get_one_slot_each() -> None:
    fresh()
    stone, iron = bpy.data.materials.new("stone"), bpy.data.materials.new("iron")
    kit = MeshKit()
    kit.box((0, 0, 0), (1, 1, 1), stone)
    kit.box((0, 0, 1), (1, 1, 2), iron, skip="bk")
    kit.cylinder((3, 0, 0), 0.2, 0.1, 1.0, stone, sides=6)
    assert len(kit.faces) == 6 + 4 + 6 + 1 and kit.materials == [stone, iron]
    obj = kit.to_object("thing")
    lo, hi = extent(obj)
    hexagon_y = 0.2 * math.sin(math.pi / 3)  # the six-sided cylinder's flat sides
    assert lo.tolist() == pytest.approx([0, -hexagon_y, 0])
    assert hi.tolist() == pytest.approx([3.2, 1, 2])
    slots = [p.material_index for p in obj.data.polygons]
    assert slots.count(1) == 4 and len(obj.data.materials) == 2


def test_instances_share_the_mesh_and_lights_follow_the_sun() -> None:
    ctx = fresh({"light": {"local_time": "23:30:00"}})
    kit = MeshKit()
    kit.box((0, 0, 0), (1, 1, 1), bpy.data.materials.new("m"))
    src = kit.to_object("src")
    copy = instance(src, "copy", (5.0, 0.0, 0.15), rotation_z=1.0, scale=2.0)
    assert copy.data is src.data and tuple(copy.scale) == (2.0, 2.0, 2.0)
    assert lights_on(ctx)
    assert not lights_on(fresh({"light": {"local_time": "14:00:00"}}))
    assert lights_on(fresh({"light": {"local_time": "22:10:00"}}))  # twilight: lamps on
