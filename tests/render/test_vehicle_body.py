"""A vehicle's parts from its catalogue profile: the body at its dimensions, four wheels on the
ground, fittings on the shell, two dipped beams at the headlamps."""

from __future__ import annotations

import math

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.vehicle_body import Palette, build_body, headlight_spots  # noqa: E402
from twinflash.scene.catalog import get_vehicle_model  # noqa: E402

pytestmark = pytest.mark.blender


def _evaluated_extent(obj) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """World extent of the shape as rendered (modifiers applied)."""
    dg = bpy.context.evaluated_depsgraph_get()
    ev = obj.evaluated_get(dg)
    mesh = ev.to_mesh()
    v = np.array([tuple(ev.matrix_world @ p.co) for p in mesh.vertices])
    ev.to_mesh_clear()
    return v.min(axis=0), v.max(axis=0)


@pytest.mark.parametrize("model", ["renault_clio_5", "renault_master_3"])
def test_the_body_has_the_catalogue_dimensions(model: str) -> None:
    fresh()
    spec = get_vehicle_model(model)
    pal = Palette(*(bpy.data.materials.new(n) for n in ("paint", "glass", "trim", "tyre", "rim",
                    "head", "tail", "signature", "chrome", "groove")))  # fmt: skip
    root = bpy.data.objects.new("car", None)
    bpy.context.scene.collection.objects.link(root)
    parts = build_body("car", spec, pal, root, subdivision=1)
    bpy.context.view_layer.update()
    lo, hi = _evaluated_extent(parts[0])
    assert hi[0] - lo[0] == pytest.approx(spec.length_m, abs=0.03)
    assert hi[1] - lo[1] == pytest.approx(spec.width_m, abs=0.03)
    assert hi[2] == pytest.approx(spec.height_m, abs=0.03)
    wheels = [p for p in parts if "_wheel_" in p.name]
    assert len(wheels) == 4
    for wheel in wheels:
        assert _evaluated_extent(wheel)[0][2] == pytest.approx(0.0, abs=0.01)  # on the ground
    assert all(p.parent is root for p in parts)
    assert {"car_headlight-1", "car_headlight+1", "car_mirror-1"} <= {p.name for p in parts}


def test_two_dipped_beams_at_the_front() -> None:
    fresh()
    spec = get_vehicle_model("renault_clio_5")
    root = bpy.data.objects.new("car", None)
    bpy.context.scene.collection.objects.link(root)
    beams = headlight_spots("car", spec, root, 40.0)
    assert [b.data.type for b in beams] == ["SPOT", "SPOT"] and beams[0].data.energy == 40.0
    assert beams[0].location.y == pytest.approx(-beams[1].location.y)
    assert all(b.location.x > spec.length_m / 2 - 0.5 for b in beams)
    assert math.degrees(beams[0].rotation_euler.y) == pytest.approx(-88.0)  # 2° down
