"""Windows: one mesh per kind shared by its duplicates, lit at night; railings at rail height."""

from __future__ import annotations

import random

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import extent, fresh  # noqa: E402

from twinflash.render.facade import RAIL_HEIGHT_M, WindowUnits, railing  # noqa: E402
from twinflash.render.meshkit import MeshKit  # noqa: E402

pytestmark = pytest.mark.blender


def test_windows_of_one_kind_share_one_hidden_mesh() -> None:
    units = WindowUnits(fresh({"light": {"local_time": "12:00:00"}}))
    rng = random.Random(0)
    for k in range(30):
        units.place(1.25, 2.2, False, rng, (k * 3.0, 0.0, 4.0), 0.0)
    assert units.count == 30 and 1 <= len(units.cache) <= 2  # dark or curtained, never lit
    assert all(src.hide_render for src in units.cache.values())
    shared = {o.data.name for o in bpy.data.objects if o.name.startswith("win_")}
    assert len(shared) == len(units.cache)
    lo, hi = extent(units.source(1.25, 2.2, False, "dark"))
    assert (hi[0] - lo[0], hi[2] - lo[2]) == pytest.approx((1.25, 2.2))


def test_some_windows_are_lit_at_night() -> None:
    units = WindowUnits(fresh({"light": {"local_time": "23:30:00"}}))
    rng = random.Random(0)
    for k in range(40):
        units.place(1.25, 2.2, True, rng, (k * 3.0, 0.0, 4.0), 0.0)
    assert any(variant == "lit" for *_, variant in units.cache)


def test_a_railing_reaches_rail_height() -> None:
    ctx = fresh()
    kit = MeshKit()
    railing(kit, -1.0, 1.0, 0.3, 10.0, ctx)
    lo, hi = extent(kit.to_object("rail"))
    assert hi[2] == pytest.approx(10.0 + RAIL_HEIGHT_M) and lo[2] == pytest.approx(10.0)
    assert "railing" in ctx.materials
