"""Façade rows follow the layout: a street has its two sides, a square opens a plaza."""

from __future__ import annotations

import math

import numpy as np
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


def test_upper_windows_have_moulded_surrounds_standing_out_of_the_wall() -> None:
    """A horizontal ray sweep along the +y façade, 11.8 m up (3rd floor, above its guard
    rails): every window (glass 0.25 m behind the wall) is framed on both sides by a jamb
    SURROUND_W_M wide standing SURROUND_PROUD_M out of the wall."""
    from twinflash.render.buildings import SURROUND_PROUD_M, SURROUND_W_M

    ctx = fresh({"place": {"length_m": 40, "layout_seed": 2, "storeys_min": 6}})
    build_buildings(ctx)
    facade_y = ctx.scene.place.facade_y_m
    dg = bpy.context.evaluated_depsgraph_get()
    xs = np.arange(-15.0, 15.0, 0.005)
    ys = np.array(
        [bpy.context.scene.ray_cast(dg, (x, 0.0, 11.8), (0.0, 1.0, 0.0))[1].y for x in xs]
    )
    deep = ys > facade_y + 0.1  # inside a window
    jamb = np.abs(ys - (facade_y - SURROUND_PROUD_M)) < 0.002
    edges = np.flatnonzero(np.diff(deep.astype(int)))  # window starts and ends
    assert len(edges) >= 10
    n = round(SURROUND_W_M / 0.005)
    for e in edges:
        outside = slice(e - n + 2, e - 1) if deep[e + 1] else slice(e + 3, e + n)
        assert jamb[outside].all(), f"no surround beside the window edge at x={xs[e]:.2f}"
