"""Props are hidden sources of the heights a Paris street has; trees vary by variant only."""

from __future__ import annotations

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import extent, fresh  # noqa: E402

from twinflash.render import props  # noqa: E402

pytestmark = pytest.mark.blender


@pytest.mark.parametrize(
    ("build", "height_m"),
    [
        (props.lamp, 5.37),
        (props.mast, 9.14),
        (props.bollard, 1.04),
        (props.bench, 0.85),
        (props.grate, 0.012),
    ],
)
def test_each_prop_stands_on_the_ground_at_its_height(build, height_m: float) -> None:  # type: ignore[no-untyped-def]
    obj = build(fresh())
    lo, hi = extent(obj)
    assert lo[2] == pytest.approx(0.0) and hi[2] == pytest.approx(height_m, abs=0.01)
    assert obj.hide_render and obj.hide_viewport  # the source is never in the picture


def test_a_lamp_lantern_is_lit_only_when_lamps_are_on() -> None:
    props.lamp(fresh({"light": {"local_time": "23:30:00"}}))
    assert "lantern_lit" in bpy.data.materials
    props.lamp(fresh({"light": {"local_time": "12:00:00"}}))
    assert "lantern_lit" not in bpy.data.materials


def test_trees_are_seeded_by_place_and_variant() -> None:
    def shape(variant: int, layout_seed: int = 0) -> list[tuple[float, ...]]:
        tree = props.tree(fresh({"place": {"layout_seed": layout_seed}}), variant)
        lo, hi = extent(tree)
        assert 8.0 < hi[2] < 14.0 and lo[2] == pytest.approx(0.0, abs=0.05)
        return [tuple(round(c, 5) for c in v.co) for v in tree.data.vertices]

    assert shape(1) == shape(1)
    assert shape(1) != shape(2) and shape(1, layout_seed=5) != shape(1)
