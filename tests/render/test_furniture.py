"""Street furniture keeps clear of people, vehicles, waste and the lens, and lines the street."""

from __future__ import annotations

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.furniture import (  # noqa: E402
    CLEARANCE_M,
    _along,
    _rect_distance,
    build_furniture,
    is_clear,
)
from twinflash.scene.io import parse_scene  # noqa: E402

pytestmark = pytest.mark.blender

FAR_CAMERA = {"x_m": -30, "y_m": 0, "height_m": 20}


def test_distance_to_an_oriented_rectangle() -> None:
    assert _rect_distance(0, 0, 0, 0, 0, 2, 1) == 0.0  # inside
    assert _rect_distance(3, 0, 0, 0, 0, 2, 1) == pytest.approx(1.0)
    assert _rect_distance(0, 3, 0, 0, 90, 2, 1) == pytest.approx(1.0)  # turned a quarter
    assert _rect_distance(3, 2, 0, 0, 0, 2, 1) == pytest.approx(2**0.5)  # past a corner


def test_props_keep_clear_of_everything_placed() -> None:
    scene = parse_scene({
        "camera": {"x_m": -20, "y_m": 0, "height_m": 1.6},
        "people": [{"x_m": 0, "y_m": 6}, {"x_m": 10, "y_m": 6, "pose": "lying"}],
        "vehicles": [{"model": "renault_clio_5", "x_m": 20, "y_m": 2}],
        "waste": [{"kind": "mattress", "x_m": 30, "y_m": 6}],
    })  # fmt: skip
    assert not is_clear(scene, 0, 6 + 0.3 + CLEARANCE_M + 0.1 - 0.05, 0.1)
    assert is_clear(scene, 0, 6 + 0.3 + CLEARANCE_M + 0.1 + 0.05, 0.1)
    assert not is_clear(scene, 11.5, 6, 0.1)  # a lying body reaches a full height out
    assert not is_clear(scene, 20, 3.5, 0.1) and is_clear(scene, 20, 5.0, 0.1)
    assert not is_clear(scene, 30.5, 6.3, 0.1)
    assert not is_clear(scene, -19, 0, 0.3)  # in front of the low camera's lens
    assert _along(0, 10, 4, 1) == [1, 5, 9]


def test_furniture_lines_the_street_away_from_a_person() -> None:
    ctx = fresh({"camera": FAR_CAMERA, "people": [{"x_m": 0, "y_m": 5.0}],
                 "place": {"zebra_crossing_x_m": None, "trees": False}})  # fmt: skip
    counts = build_furniture(ctx)
    assert counts["lamp"] >= 6 and counts.get("tree", 0) == 0
    half_road = ctx.scene.place.half_road_m
    lamps = [o for o in bpy.data.objects if o.name.startswith("lamp_") and o.name != "lamp_src"]
    assert all(abs(abs(o.location.y) - (half_road + 0.55)) < 1e-6 for o in lamps)
    for o in bpy.data.objects:
        if o.name.split("_")[0] in ("lamp", "bench", "bollard") and not o.name.endswith("src"):
            assert is_clear(ctx.scene, o.location.x, o.location.y, 0.0)
    assert not any(o.type == "LIGHT" for o in bpy.data.objects)  # daytime: lamps unlit
