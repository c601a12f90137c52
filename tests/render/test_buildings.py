"""Façade rows follow the layout: a street has its two sides, a square opens a plaza."""

from __future__ import annotations

import math

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import fresh  # noqa: E402

from twinflash.render.buildings import build_buildings, facade_rows  # noqa: E402
from twinflash.scene.layout import is_open_ground  # noqa: E402
from twinflash.scene.models import Place  # noqa: E402

pytestmark = pytest.mark.blender


def test_a_street_has_two_long_rows_and_two_closing_cross_street_rows() -> None:
    place = Place(length_m=60, road_width_m=10, sidewalk_width_m=4)
    rows = facade_rows(place)
    assert len(rows) == 4
    sides = sorted(r.origin[1] for r in rows if r.heading_rad in (0.0, math.pi))
    assert sides == [-9.0, 9.0]  # the façade lines of scene/layout.py


def test_a_square_splits_the_rows_around_its_plaza() -> None:
    place = Place(kind="square", length_m=100, square_size_m=40, road_width_m=10)
    rows = facade_rows(place)
    assert len(rows) > 4
    plaza = [r for r in rows if abs(r.origin[1]) == 20.0]
    assert len(plaza) == 2 and all((r.u0, r.u1) == (-20.0, 20.0) for r in plaza)
    # no façade row runs across open ground
    for r in rows:
        mid = (r.u0 + r.u1) / 2
        x = r.origin[0] + math.cos(r.heading_rad) * mid
        y = r.origin[1] + math.sin(r.heading_rad) * mid
        assert not is_open_ground(place, x, y, margin_m=0.5)


def test_buildings_line_every_row_and_are_seeded() -> None:
    scene = {"place": {"length_m": 30, "layout_seed": 4}, "camera": {"x_m": -10}}
    count = build_buildings(fresh(scene))
    names = sorted(o.name for o in bpy.data.objects if o.type == "MESH")
    assert count >= 4
    assert build_buildings(fresh(scene)) == count
    assert sorted(o.name for o in bpy.data.objects if o.type == "MESH") == names
