"""The ground of an OSM place: carriageway, buildings, crossings, from a hand-made map."""

from __future__ import annotations

import pytest

from twinflash.scene.models import MapBuilding, MapPoint, MapRoad, OsmMap, OsmPlace
from twinflash.scene.osm_layout import crossing_rect, nearest_road_width, osm_layout

# an east-west road 10 m wide, one building north of it, a crossing at x = 5
MAP = OsmMap(
    buildings=[
        MapBuilding(
            osm_id="w1",
            footprint_m=[(-10, 12), (10, 12), (10, 30), (-10, 30)],
            height_m=20,
            levels=6,
            height_from="height",
        )
    ],
    roads=[
        MapRoad(
            osm_id="w2",
            highway="residential",
            line_m=[(-100, 0), (100, 0)],
            width_m=10,
            lanes=2,
            width_from="width",
        )
    ],
    points=[MapPoint(osm_id="n3", kind="crossing", x_m=5, y_m=0)],
)
PLACE = OsmPlace(kind="osm", extract="x.osm", centre=(48.8, 2.3), radius_m=50, map=MAP)


def test_road_buildings_and_open_ground() -> None:
    layout = osm_layout(PLACE)
    assert layout.on_road(0, 4.9) and not layout.on_road(0, 5.1)
    assert layout.in_building(0, 20) and not layout.in_building(0, 8)
    assert layout.in_building(0, 11, margin_m=1.5)  # within 1.5 m of the wall
    assert layout.is_open_ground(0, 8) and not layout.is_open_ground(0, 20)
    assert not layout.is_open_ground(0, 10, margin_m=3.0)  # 2 m from the wall
    assert not layout.is_open_ground(60, 0)  # outside the radius
    assert layout.on_crossing(5, 3) and not layout.on_crossing(10, 3)
    assert not layout.on_crossing(5, 7)  # a crossing stops at the kerb


def test_layout_is_built_once_per_map() -> None:
    assert osm_layout(PLACE) is osm_layout(PLACE)


def test_an_unresolved_place_has_no_layout() -> None:
    with pytest.raises(ValueError, match="resolve the scene first"):
        osm_layout(OsmPlace(kind="osm", extract="x.osm", centre=(48.8, 2.3)))


def test_crossing_is_three_metres_along_the_road_and_as_wide_as_it() -> None:
    corners = crossing_rect(0.0, 0.0, 90.0, 8.0)  # a north-south road 8 m wide
    xs, ys = zip(*corners, strict=True)
    assert max(xs) - min(xs) == pytest.approx(8.0)
    assert max(ys) - min(ys) == pytest.approx(3.0)


def test_nearest_road_width_falls_back_without_roads() -> None:
    assert nearest_road_width(MAP, 0, 40) == 10
    assert nearest_road_width(OsmMap(), 0, 0) == 6.0
