"""The ground of a street: where it stops, the road and the curbs, a crossing on the street."""

from __future__ import annotations

import pytest

bpy = pytest.importorskip("bpy")

from tests.render.blender_build import extent, fresh  # noqa: E402

from twinflash.errors import InputError  # noqa: E402
from twinflash.render.road import END_EXTENSION_M, FAR_SIDE_M, Extents, build_ground  # noqa: E402
from twinflash.scene.layout import CURB_HEIGHT_M  # noqa: E402
from twinflash.scene.models import Place  # noqa: E402

pytestmark = pytest.mark.blender


def test_extents_follow_the_place() -> None:
    place = Place(length_m=80, road_width_m=10, sidewalk_width_m=4)
    ext = Extents.of(place)
    assert ext.half_length_m == 40 and ext.row_end_m == 40 + END_EXTENSION_M
    assert ext.cross_far_m == ext.row_end_m + 10 + 2 * 4
    assert ext.far_y_m == 9 + FAR_SIDE_M
    square = Extents.of(Place(kind="square", square_size_m=60, road_width_m=10))
    assert square.far_y_m == 30 + FAR_SIDE_M  # the plaza is wider than the street


def test_road_sidewalks_and_markings_are_built_at_their_heights() -> None:
    ctx = fresh({"place": {"length_m": 60, "road_width_m": 10, "sidewalk_width_m": 4}})
    build_ground(ctx)
    road, walks, marks = (bpy.data.objects[n] for n in ("road", "sidewalks", "markings"))
    lo, hi = extent(road)
    ext = Extents.of(ctx.scene.place)
    assert (lo[2], hi[2]) == (0.0, 0.0) and hi[0] == pytest.approx(ext.cross_far_m)
    assert extent(walks)[1][2] == pytest.approx(CURB_HEIGHT_M)
    assert 0 < extent(marks)[0][2] < 0.01  # paint just above the asphalt


def test_a_crossing_outside_the_street_is_refused() -> None:
    ctx = fresh({"place": {"length_m": 40, "zebra_crossing_x_m": 19.0}})
    with pytest.raises(InputError, match=r"place\.zebra_crossing_x_m: 19\.0 m is outside"):
        build_ground(ctx)
