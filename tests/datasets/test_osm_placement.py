"""Plans on a real layout: the centre moves along a street or over a list of places, people
stand on paving or zebras, vehicles keep right in a lane or park at the kerb, and the
mast placed for the camera stands on the paving, looking at the centre."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from shapely import LineString, Point, Polygon
from tests.scene.osm_xml import CENTRE, crossroads, latlon, write_osm

from twinflash.datasets.plan import parse_plan
from twinflash.datasets.sampler import sample_scene
from twinflash.errors import InputError
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.models import OsmPlace, Scene
from twinflash.scene.osm_layout import osm_layout

WEST, EAST = latlon(-30.0, 0.0), latlon(30.0, 0.0)


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_osm(tmp_path_factory.mktemp("osm") / "crossroads.osm", crossroads())


def _plan(extract: Path, centre: dict, count: int = 12) -> object:
    return parse_plan(
        {
            "name": "osm",
            "seed": 5,
            "count": count,
            "base": {
                "place": {"kind": "osm", "extract": str(extract), "centre": list(CENTRE),
                          "radius_m": 40},
                "camera": {"preset": "cctv", "height_m": 6.0, "pitch_deg": 25.0},
            },
            "place_centre": centre,
            "people": {"count": {"uniform_int": [4, 8]}, "zone": "open"},
            "vehicles": {"count": {"uniform_int": [2, 4]}, "parked_share": 0.5},
        },
        source="plan.yaml",
    )  # fmt: skip


def _offset_m(scene: Scene) -> tuple[float, float]:
    """Where the crossroads is in the sample's local frame (it moves with the centre)."""
    place = scene.place
    assert isinstance(place, OsmPlace) and place.map is not None
    a = next(r for r in place.map.roads if r.width_from == "width")
    b = next(r for r in place.map.roads if r.width_from == "lanes")
    return b.line_m[0][0], a.line_m[0][1]


def test_centre_moves_along_the_street(extract: Path) -> None:
    plan = _plan(extract, {"along": [list(WEST), list(EAST)]})
    offsets = [_offset_m(sample_scene(plan, i))[0] for i in range(plan.count)]
    assert all(-30.5 <= -x <= 30.5 for x in offsets)  # the centre stays on the line
    assert max(offsets) - min(offsets) > 20.0  # and spreads along it
    again = [_offset_m(sample_scene(plan, i))[0] for i in range(plan.count)]
    assert again == offsets  # seeded


def test_centre_among_places(extract: Path) -> None:
    places = [list(CENTRE), list(latlon(0.0, -40.0))]
    plan = _plan(extract, {"among": places}, count=10)
    seen = {tuple(sample_scene(plan, i).place.centre) for i in range(plan.count)}
    assert seen == {tuple(p) for p in places}


def _parallel(place: OsmPlace, heading_deg: float) -> list:
    """The roads running along a heading (either way): a car in a junction is near both."""
    assert place.map is not None
    out = []
    for r in place.map.roads:
        (ax, ay), (bx, by) = r.line_m[0], r.line_m[-1]
        diff = math.radians(heading_deg) - math.atan2(by - ay, bx - ax)
        if abs(math.sin(diff)) < 0.1:
            out.append(r)
    return out


def test_people_and_vehicles_on_the_real_layout(extract: Path) -> None:
    plan = _plan(extract, {"along": [list(WEST), list(EAST)]})
    parked = driving = 0
    for i in range(plan.count):
        scene = sample_scene(plan, i)
        place = scene.place
        assert isinstance(place, OsmPlace) and place.map is not None
        layout = osm_layout(place)
        for p in scene.people:
            assert not layout.in_building(p.x_m, p.y_m)
            if layout.on_road(p.x_m, p.y_m):
                assert layout.on_crossing(p.x_m, p.y_m) and p.pose == "walking"
        for v in scene.vehicles:
            spec = get_vehicle_model(v.model)
            h = math.radians(v.heading_deg)
            c, s = math.cos(h), math.sin(h)
            hl, hw = spec.length_m / 2, spec.width_m / 2
            corners = [
                (v.x_m + u * c - w * s, v.y_m + u * s + w * c)
                for u, w in ((hl, hw), (hl, -hw), (-hl, -hw), (-hl, hw))
            ]
            assert layout.roads.contains(Polygon(corners)), (i, v)
            here = Point(v.x_m, v.y_m)
            road = min(
                _parallel(place, v.heading_deg), key=lambda r: LineString(r.line_m).distance(here)
            )
            line = LineString(road.line_m)
            near = line.interpolate(line.project(here))
            side = (v.x_m - near.x) * s - (v.y_m - near.y) * c  # > 0: right of travel
            assert side > 0.5, (i, v, side)  # French traffic keeps right
            kerb = road.width_m / 2 - side - hw
            parked += kerb < 0.4
            driving += kerb >= 0.4
        cam = scene.camera
        assert layout.is_open_ground(cam.x_m, cam.y_m, margin_m=1.0)
        assert not layout.on_road(cam.x_m, cam.y_m)
        to_centre = math.degrees(math.atan2(-cam.y_m, -cam.x_m))
        assert abs((cam.yaw_deg - to_centre + 180) % 360 - 180) < 1.0
    assert parked and driving


def test_place_centre_needs_one_way_to_move(extract: Path) -> None:
    with pytest.raises(InputError, match=r"place_centre: .*exactly one of along"):
        _plan(extract, {"along": [list(WEST), list(EAST)], "among": [list(CENTRE)]})
