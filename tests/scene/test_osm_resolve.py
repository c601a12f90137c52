"""Resolving an OSM scene: light at the place, placements on open ground, the camera mast."""

from __future__ import annotations

import math

import pytest
from tests.scene.test_osm_layout import PLACE

from twinflash.errors import InputError
from twinflash.scene.models import Camera, Light, Person, Scene
from twinflash.scene.osm_resolve import (
    auto_mast,
    osm_placement_errors,
    resolve_osm_camera,
    resolve_osm_place,
    yaw_from_bearing,
)


@pytest.mark.parametrize(
    ("bearing", "yaw"), [(90.0, 0.0), (0.0, 90.0), (180.0, -90.0), (270.0, 180.0), (45.0, 45.0)]
)
def test_yaw_from_bearing(bearing: float, yaw: float) -> None:
    assert yaw_from_bearing(bearing) == pytest.approx(yaw)


def test_light_is_set_at_the_centre_with_x_pointing_east() -> None:
    scene = resolve_osm_place(Scene(place=PLACE), "s.yaml")  # the map is there: no extract read
    assert (scene.light.latitude_deg, scene.light.longitude_deg) == PLACE.centre
    assert scene.light.street_azimuth_deg == 90.0
    given = Scene(place=PLACE, light=Light(latitude_deg=45.0))
    assert resolve_osm_place(given, "s.yaml").light.latitude_deg == 45.0
    with pytest.raises(InputError, match=r"s\.yaml: light\.street_azimuth_deg: .*east"):
        resolve_osm_place(Scene(place=PLACE, light=Light(street_azimuth_deg=0.0)), "s.yaml")


@pytest.mark.parametrize(
    ("x", "y", "where"),
    [(0.0, 20.0, "inside a building"), (80.0, 0.0, "outside the place")],
)
def test_people_off_open_ground_are_refused(x: float, y: float, where: str) -> None:
    osm_placement_errors(Scene(place=PLACE, people=[Person(x_m=0, y_m=8)]), "s.yaml")
    scene = Scene(place=PLACE, people=[Person(x_m=0, y_m=8), Person(x_m=x, y_m=y)])
    with pytest.raises(InputError, match=rf"s\.yaml: people\[1\]: .* is {where}"):
        osm_placement_errors(scene, "s.yaml")


def test_auto_mast_stands_on_paving_and_looks_at_the_centre() -> None:
    spot = auto_mast(PLACE, height_m=6.0, pitch_deg=20.0, heading_deg=None, source="s.yaml")
    x, y = spot["x_m"], spot["y_m"]
    # off the road by the kerb margin, away from the wall, looking back at the centre
    assert abs(y) >= 5.0 + 0.6 - 1e-6 and not (-10 <= x <= 10 and y > 12 - 1.2)
    assert spot["yaw_deg"] == pytest.approx(math.degrees(math.atan2(-y, -x)), abs=1e-3)


def test_camera_inside_a_building_below_its_roof_is_refused() -> None:
    scene = Scene(place=PLACE, camera=Camera(x_m=0, y_m=20, height_m=5.0))
    with pytest.raises(InputError, match="inside building w1"):
        resolve_osm_camera(scene, "s.yaml", lambda s, src: {}, {}, {})
    high = Scene(place=PLACE, camera=Camera(x_m=0, y_m=20, height_m=25.0))
    assert resolve_osm_camera(high, "s.yaml", lambda s, src: {}, {}, {}).height_m == 25.0


def test_camera_heading_sets_yaw_and_preset_limits_hold() -> None:
    scene = Scene(place=PLACE, camera=Camera(x_m=0, y_m=8, heading_deg=0.0))
    assert resolve_osm_camera(scene, "s", lambda s, src: {}, {}, {}).yaw_deg == pytest.approx(90)
    cctv = Scene(place=PLACE, camera=Camera(preset="cctv", x_m=0, y_m=8, height_m=1.0))
    with pytest.raises(InputError, match=r"camera\.height_m: cctv cameras sit 3.0–8.0 m"):
        resolve_osm_camera(cctv, "s", lambda s, src: {}, {}, {"cctv": (3.0, 8.0, 0.0, 60.0)})
