"""An OSM place read from a small hand-written extract: footprints, heights, roads,
points, the camera by latitude/longitude/heading, and the errors a user can make."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from tests.scene.osm_xml import CENTRE, crossroads, latlon, write_osm

from twinflash.errors import InputError
from twinflash.scene.io import dump_scene, load_scene, parse_scene
from twinflash.scene.layout import CURB_HEIGHT_M, ground_height_m, is_open_ground
from twinflash.scene.models import OsmPlace, Scene
from twinflash.scene.osm import parse_length_m
from twinflash.scene.osm_resolve import yaw_from_bearing

CAMERA = {"lat_lon": list(latlon(-6.5, -7.5)), "height_m": 6.0, "heading_deg": 50.0}


@pytest.fixture(scope="module")
def extract(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_osm(tmp_path_factory.mktemp("osm") / "crossroads.osm", crossroads())


def _scene(extract: Path, **place: object) -> Scene:
    spec = {"kind": "osm", "extract": str(extract), "centre": list(CENTRE), "radius_m": 60}
    return parse_scene({"place": spec | place, "camera": CAMERA}, source="s.yaml")


def _place(scene: Scene) -> OsmPlace:
    assert isinstance(scene.place, OsmPlace) and scene.place.map is not None
    return scene.place


def test_each_building_stands_on_its_footprint(extract: Path) -> None:
    place = _place(_scene(extract))
    truth = crossroads().buildings
    assert len(place.map.buildings) == len(truth)
    for b, t in zip(place.map.buildings, truth, strict=True):
        assert len(b.footprint_m) == len(t.footprint)
        for x, y in t.footprint:
            gap = min(math.hypot(x - bx, y - by) for bx, by in b.footprint_m)
            assert gap < 0.1, (b.osm_id, (x, y), gap)


def test_heights_follow_the_tags_and_defaults_are_seeded(extract: Path) -> None:
    place = _place(_scene(extract))
    for b, t in zip(place.map.buildings, crossroads().buildings, strict=True):
        if t.expected_height_m is not None:
            assert b.height_m == pytest.approx(t.expected_height_m), b.osm_id
            assert b.height_from != "default"
        else:
            assert b.height_from == "default"
            assert 5 <= b.levels <= 7
            assert b.height_m == pytest.approx(4.0 + 3.0 * (b.levels - 1))
    drawn = {
        next(b.levels for b in _place(_scene(extract, layout_seed=s)).map.buildings
             if b.height_from == "default")
        for s in range(12)
    }  # fmt: skip
    assert len(drawn) > 1  # the seed draws the missing heights
    taller = _place(_scene(extract, storey_height_m=3.5)).map.buildings[1]
    assert taller.height_m == pytest.approx(4.0 + 5 * 3.5)  # building:levels=6


def test_roads_take_their_width_or_lanes(extract: Path) -> None:
    roads = {r.highway: r for r in _place(_scene(extract)).map.roads}
    assert (roads["tertiary"].width_m, roads["tertiary"].width_from) == (10.0, "width")
    assert (roads["residential"].width_m, roads["residential"].width_from) == (6.0, "lanes")
    lanes = _place(_scene(extract, lane_width_m=3.5)).map.roads
    assert {r.width_m for r in lanes} == {10.0, 7.0}


def test_points_are_where_they_are_tagged(extract: Path) -> None:
    points = _place(_scene(extract)).map.points
    kinds = sorted(p.kind for p in points)
    assert kinds.count("tree") == 3 and kinds.count("street_lamp") == 3
    assert {"bench", "bollard", "bus_shelter", "crossing"} <= set(kinds)
    for x, y, tags in crossroads().points:
        gap = min(math.hypot(p.x_m - x, p.y_m - y) for p in points)
        assert gap < 0.1, (tags, gap)
    crossing = next(p for p in points if p.kind == "crossing" and abs(p.y_m) < 0.5)
    assert crossing.heading_deg == pytest.approx(0.0, abs=0.1)  # along rue A


def test_radius_keeps_what_is_near(extract: Path) -> None:
    place = _place(_scene(extract, radius_m=10))
    assert all(math.hypot(p.x_m, p.y_m) <= 10 for p in place.map.points)
    assert len(place.map.points) < len(crossroads().points)


def test_ground_and_open_ground_follow_the_map(extract: Path) -> None:
    place = _place(_scene(extract))
    assert ground_height_m(place, 20.0, 2.0) == 0.0  # rue A, 10 m wide
    assert ground_height_m(place, 20.0, 6.0) == CURB_HEIGHT_M  # its sidewalk
    assert ground_height_m(place, 2.5, 30.0) == 0.0  # rue B, 6 m wide
    assert ground_height_m(place, 3.5, 30.0) == CURB_HEIGHT_M
    assert not is_open_ground(place, 20.0, 15.0)  # inside a building
    assert not is_open_ground(place, 70.0, 0.0)  # beyond the radius
    assert is_open_ground(place, 20.0, 8.0)


def test_camera_by_lat_lon_height_heading(extract: Path) -> None:
    cam = _scene(extract).camera
    assert (cam.x_m, cam.y_m) == (pytest.approx(-6.5, abs=0.01), pytest.approx(-7.5, abs=0.01))
    assert cam.yaw_deg == pytest.approx(40.0)
    assert [yaw_from_bearing(h) for h in (0, 90, 180, 270)] == [90, 0, -90, 180]  # N, E, S, W


def test_light_is_at_the_place(extract: Path) -> None:
    light = _scene(extract).light
    assert (light.latitude_deg, light.longitude_deg) == CENTRE
    assert light.street_azimuth_deg == 90.0


def test_resolved_scene_reloads_unchanged_without_its_extract(
    extract: Path, tmp_path: Path
) -> None:
    scene = _scene(extract)
    copy = tmp_path / "gone.osm"
    copy.write_bytes(extract.read_bytes())
    data = yaml.safe_load(dump_scene(scene))
    data["place"]["extract"] = str(copy)
    copy.unlink()  # the map is in the scene: the extract is read no more
    again = parse_scene(data, source="resolved.yaml")
    assert again.place.map == scene.place.map
    assert again.camera == scene.camera


def test_extract_path_is_relative_to_the_scene_file(extract: Path, tmp_path: Path) -> None:
    (tmp_path / "places").mkdir()
    (tmp_path / "places" / "x.osm").write_bytes(extract.read_bytes())
    scene_file = tmp_path / "scene.yaml"
    place = {"kind": "osm", "extract": "places/x.osm", "centre": list(CENTRE)}
    scene_file.write_text(yaml.safe_dump({"place": place, "camera": CAMERA}))
    loaded = load_scene(scene_file)
    assert Path(loaded.place.extract) == (tmp_path / "places" / "x.osm").resolve()


def test_absurd_tags_are_clamped_not_crashed(tmp_path: Path) -> None:
    c = crossroads()
    c.buildings[0] = type(c.buildings[0])(
        c.buildings[0].footprint, {"building": "yes", "building:levels": "500"}, None
    )
    c.roads[0] = (c.roads[0][0], {"highway": "primary", "lanes": "40"})
    place = _place(_scene(write_osm(tmp_path / "odd.osm", c)))
    assert place.map.buildings[0].levels == 120
    assert max(r.lanes for r in place.map.roads) == 12


@pytest.mark.parametrize(
    ("text", "metres"),
    [("12", 12.0), ("12.5 m", 12.5), ("7,5", 7.5), ("40 ft", 12.192), ("a lot", None)],
)
def test_length_tags(text: str, metres: float | None) -> None:
    got = parse_length_m(text)
    assert got == (pytest.approx(metres) if metres is not None else None)


def _error(extract: Path | str, **overrides: object) -> str:
    spec = {"kind": "osm", "extract": str(extract), "centre": list(CENTRE), "radius_m": 60}
    data: dict = {"place": spec, "camera": CAMERA}
    for key, value in overrides.items():
        section, field = key.split("__")
        data[section] = {**data[section], field: value}
    with pytest.raises(InputError) as err:
        parse_scene(data, source="s.yaml")
    msg = str(err.value)
    assert "\n" not in msg
    return msg


def test_errors_name_what_and_where(extract: Path, tmp_path: Path) -> None:
    missing = _error(tmp_path / "nope.osm")
    assert "s.yaml: place.extract:" in missing and "file not found" in missing
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node id='1' lat=", encoding="utf-8")
    assert "not a readable OSM file" in _error(bad)
    pbf = tmp_path / "bad.osm.pbf"
    pbf.write_bytes(b"\x00garbage" * 20)
    assert "not a readable OSM file" in _error(pbf)
    (tmp_path / "x.geojson").write_text("{}", encoding="utf-8")
    assert "unknown extension" in _error(tmp_path / "x.geojson")
    far = latlon(80.0, 80.0)
    empty = _error(extract, place__centre=list(far), place__radius_m=10)
    assert "no building and no road" in empty and "place.radius_m" in empty
    outside = _error(extract, place__centre=[48.9, 2.4])
    assert "place.centre" in outside and "outside the extract" in outside
    inside = _error(extract, camera__lat_lon=list(latlon(20.0, 18.0)))
    assert "inside building w" in inside
    assert "place.centre[0]" in _error(extract, place__centre=[95.0, 2.0])


def test_people_inside_buildings_are_refused(extract: Path) -> None:
    spec = {"kind": "osm", "extract": str(extract), "centre": list(CENTRE)}
    with pytest.raises(InputError, match=r"people\[0\]: .* inside a building"):
        parse_scene({"place": spec, "camera": CAMERA, "people": [{"x_m": 20, "y_m": 18}]})
    ok = parse_scene({"place": spec, "camera": CAMERA, "people": [{"x_m": 20, "y_m": 8}]})
    assert len(ok.people) == 1


def test_lat_lon_needs_an_osm_place() -> None:
    with pytest.raises(InputError, match=r"camera\.lat_lon: only an osm place"):
        parse_scene({"camera": {"lat_lon": [48.85, 2.35]}})
