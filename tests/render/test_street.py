"""The place as built and rendered: road at z = 0, façades where scene/layout.py says,
layout from layout_seed only, and nothing of the place inside a person or a vehicle.

People and vehicles are swapped for nothing in the render tests, so every pixel is the
place's; the clearance test builds the place alone and checks it against the volumes
the scene's people and vehicles occupy.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator

import numpy as np
import pytest

pytest.importorskip("bpy")

import bpy
from mathutils import Vector
from mathutils.bvhtree import BVHTree

from twinflash.errors import InputError
from twinflash.frame import Frame
from twinflash.render import engine, furniture, street
from twinflash.render.buildings import REVEAL_M
from twinflash.render.context import BuildContext
from twinflash.render.road import GUTTER_WIDTH_M
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.io import parse_scene
from twinflash.scene.layout import CURB_HEIGHT_M, plaza_half_m
from twinflash.scene.models import Scene
from twinflash.scene.sun import sun_state

pytestmark = pytest.mark.blender


@pytest.fixture
def place_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """People and vehicles build nothing: the frame shows the place alone."""
    monkeypatch.setattr(engine, "people", _Nothing())
    monkeypatch.setattr(engine, "vehicles", _Nothing())
    yield


class _Nothing:
    @staticmethod
    def build_person(*_: object) -> None:
        raise AssertionError("no people in these scenes")

    @staticmethod
    def build_vehicle(*_: object) -> list:
        return []


def _render(place: dict, camera: dict) -> tuple[Scene, Frame]:
    scene = parse_scene(
        {
            "place": place,
            "quality": {"preset": "custom", "samples": 1, "denoise": False},
            "camera": {"preset": "custom", "resolution_wh": [64, 48], **camera},
        }
    )
    return scene, engine.render_scene(scene)


def _pixel_centres(w: int, h: int) -> np.ndarray:
    jj, ii = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    return np.c_[jj.ravel(), ii.ravel()]


def test_road_depth_matches_the_ray_plane_intersection(place_only: None) -> None:
    _scene, frame = _render(
        {"road_width_m": 10.0, "zebra_crossing_x_m": None},
        {"x_m": -10.0, "y_m": 2.2, "height_m": 6.0, "pitch_deg": 55.0},
    )
    cam = frame.camera
    xy = _pixel_centres(*cam.resolution_wh)
    d = cam.pixel_ray(xy)
    t = -cam.position_m[2] / d[:, 2]
    hit = cam.position_m + t[:, None] * d
    _, expected = cam.project(hit)
    road = (
        (d[:, 2] < 0) & (np.abs(hit[:, 1]) > 0.3) & (np.abs(hit[:, 1]) < 5.0 - GUTTER_WIDTH_M - 0.1)
    )
    road &= np.abs(hit[:, 0]) < 35.0  # beyond: lamps and trees may stand in front of it
    assert road.sum() > 500
    got = frame.depth_m.ravel()[road]
    np.testing.assert_allclose(got, expected[road], rtol=1e-4, atol=2e-3)


@pytest.mark.parametrize("kind", ["street", "square"])
def test_facades_stand_on_the_layout_line(place_only: None, kind: str) -> None:
    """Looking across at 14.5 m (4th floor, above trees, lamps and balconies of any height),
    the wall is at the façade line, and nothing opens deeper than the window recess."""
    place = {"kind": kind, "road_width_m": 9.0, "sidewalk_width_m": 4.0, "square_size_m": 40.0}
    scene, frame = _render(
        place,
        {
            "x_m": 3.0,
            "y_m": 0.0,
            "height_m": 14.5,
            "yaw_deg": 90.0,
            "pitch_deg": 0.0,
            "focal_length_mm": 50.0,
        },
    )
    facade = plaza_half_m(scene.place) if kind == "square" else scene.place.facade_y_m
    cam = frame.camera
    d = cam.pixel_ray(_pixel_centres(*cam.resolution_wh))
    hit_z = cam.position_m[2] + d[:, 2] * (facade - cam.position_m[1]) / d[:, 1]
    band = (hit_z > 13.4) & (hit_z < 16.0)  # the 4th floor: below the roof of any building
    depth = frame.depth_m.ravel()[band]  # planar depth = distance along +y from the camera
    assert band.sum() > 500
    on_wall = np.abs(depth - facade) < 0.005
    assert on_wall.mean() > 0.3, np.unique(depth.round(2))
    assert np.all(depth <= facade + REVEAL_M + 0.01), "something opens through the façade"
    assert np.all(depth >= facade - 1.0), "something stands in front of the façade"


def _road_brightness(weather: dict) -> float:
    """Mean brightness of road pixels seen from 8 m up, looking down on the asphalt."""
    scene = parse_scene(
        {
            "place": {"zebra_crossing_x_m": None, "trees": False},
            "weather": weather,
            "quality": {"preset": "custom", "samples": 4, "denoise": False},
            "camera": {
                "preset": "custom",
                "resolution_wh": [48, 32],
                "x_m": 0.0,
                "y_m": 2.2,
                "height_m": 8.0,
                "yaw_deg": 90.0,
                "pitch_deg": 90.0,
                "focal_length_mm": 50.0,
            },
        }
    )
    frame = engine.render_scene(scene)
    road = np.abs(frame.depth_m - 8.0) < 1e-3
    assert road.mean() > 0.9
    return float(frame.rgb[road].mean())


def test_wetness_changes_the_road_and_snow_whitens_it(place_only: None) -> None:
    """Seen from above under an overcast dome, a wet road mirrors the bright sky (darker
    albedo, far lower roughness): it must look clearly different from the dry one."""
    dry = _road_brightness({"kind": "overcast"})
    wet = _road_brightness({"kind": "overcast", "wetness": 1.0})
    snow = _road_brightness({"kind": "snow", "snow_cover": 1.0})
    assert abs(wet - dry) > 0.15 * dry
    assert snow > 1.5 * dry


def _build_place(scene: Scene) -> BuildContext:
    engine.reset_blender()
    ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
    street.build_place(ctx)
    bpy.context.view_layer.update()
    return ctx


def _fingerprint() -> str:
    """Hash of every rendered object's name, transform and vertices."""
    digest = hashlib.sha256()
    for obj in sorted(bpy.data.objects, key=lambda o: o.name):
        if obj.hide_render or obj.type != "MESH":
            continue
        co = np.empty(len(obj.data.vertices) * 3)
        obj.data.vertices.foreach_get("co", co)
        digest.update(obj.name.encode())
        digest.update(np.array(obj.matrix_world).round(6).tobytes())
        digest.update(co.round(5).tobytes())
    return digest.hexdigest()


def test_layout_seed_alone_decides_the_place() -> None:
    base = {"place": {"layout_seed": 7}, "seed": 1}
    a = _fingerprint_of(base)
    assert _fingerprint_of(base) == a
    assert _fingerprint_of({**base, "seed": 2}) == a, "the scene seed must not move the place"
    assert _fingerprint_of({"place": {"layout_seed": 8}, "seed": 1}) != a


def _fingerprint_of(data: dict) -> str:
    _build_place(parse_scene(data))
    return _fingerprint()


def test_same_layout_seed_renders_identically(place_only: None) -> None:
    cam = {"x_m": -20.0, "y_m": -3.0, "height_m": 1.6, "yaw_deg": 15.0}
    _, a = _render({"layout_seed": 3}, cam)
    _, b = _render({"layout_seed": 3}, cam)
    _, c = _render({"layout_seed": 4}, cam)
    np.testing.assert_array_equal(a.depth_m, b.depth_m)
    np.testing.assert_array_equal(a.rgb, b.rgb)
    far = 1e6  # sky pixels are inf: compare them as one far value
    da, dc = (np.nan_to_num(f.depth_m, posinf=far) for f in (a, c))
    assert np.mean(np.abs(da - dc) > 0.05) > 0.02, "another layout_seed changes the buildings"


def _volumes(scene: Scene) -> list[tuple[str, BVHTree, np.ndarray, np.ndarray]]:
    """Occupied volume of each person (cylinder as a box, from above the curb to the head)
    and each vehicle (its oriented box): a BVH, the 4x4 world->box-unit matrix and the
    box's world corners."""
    out = []
    for i, p in enumerate(scene.people):
        r = 0.3 if p.pose != "lying" else p.height_m
        out.append(
            (
                f"people[{i}]",
                *_box(p.x_m, p.y_m, 0.0, 2 * r, 2 * r, CURB_HEIGHT_M + 0.02, p.height_m),
            )
        )
    for i, v in enumerate(scene.vehicles):
        spec = get_vehicle_model(v.model)
        out.append(
            (
                f"vehicles[{i}]",
                *_box(
                    v.x_m, v.y_m, v.heading_deg, spec.length_m, spec.width_m, 0.05, spec.height_m
                ),
            )
        )
    return out


def _box(
    x: float, y: float, heading_deg: float, length: float, width: float, z0: float, z1: float
) -> tuple[BVHTree, np.ndarray, np.ndarray]:
    h = math.radians(heading_deg)
    c, s = math.cos(h), math.sin(h)
    corners = []
    for dz in (z0, z1):
        for du, dv in ((-1, -1), (1, -1), (1, 1), (-1, 1)):
            u, v = du * length / 2, dv * width / 2
            corners.append((x + c * u - s * v, y + s * u + c * v, dz))
    faces = [(0, 1, 2, 3), (4, 5, 6, 7), (0, 1, 5, 4), (1, 2, 6, 5), (2, 3, 7, 6), (3, 0, 4, 7)]
    to_unit = np.linalg.inv(
        np.array(
            [
                [c * length / 2, -s * width / 2, 0, x],
                [s * length / 2, c * width / 2, 0, y],
                [0, 0, (z1 - z0) / 2, (z0 + z1) / 2],
                [0, 0, 0, 1],
            ]
        )
    )
    return BVHTree.FromPolygons([Vector(p) for p in corners], faces), to_unit, np.array(corners)


def _intrusions(scene: Scene) -> list[str]:
    """Objects of the place that cut into or sit inside a person's or vehicle's volume.

    An object whose world bounding box misses a volume's can neither hold a vertex inside
    it nor overlap it, so only the volumes it meets are tested, and its BVH (the costly
    part: ~1,100 objects) is built once, when first needed."""
    found = []
    vols = _volumes(scene)
    for obj in bpy.data.objects:
        if obj.hide_render or obj.type != "MESH":
            continue
        mw = np.array(obj.matrix_world)
        co = np.empty(len(obj.data.vertices) * 3)
        obj.data.vertices.foreach_get("co", co)
        world = co.reshape(-1, 3) @ mw[:3, :3].T + mw[:3, 3]
        if not len(world):
            continue
        lo, hi = world.min(axis=0), world.max(axis=0)
        moved = None
        for name, vol, to_unit, corners in vols:
            if (lo > corners.max(axis=0) + 1e-6).any() or (hi < corners.min(axis=0) - 1e-6).any():
                continue  # bounding boxes apart
            local = world @ to_unit[:3, :3].T + to_unit[:3, 3]
            inside = np.all(np.abs(local) < 1.0, axis=1).any()
            if moved is None:
                moved = BVHTree.FromPolygons(
                    [Vector(p) for p in world], [tuple(p.vertices) for p in obj.data.polygons]
                )
            if inside or moved.overlap(vol):
                found.append(f"{obj.name} in {name}")
    return found


CROWD = {
    "place": {"road_width_m": 9.0, "sidewalk_width_m": 4.0, "layout_seed": 5},
    # people where lamps, bollards, trees and benches line up, and one car along the curb
    "people": [{"x_m": x, "y_m": y} for x in range(-30, 31, 5) for y in (-4.85, -5.9, 4.85, 6.5)],
    "vehicles": [{"model": "renault_clio_5", "x_m": 12.0, "y_m": -3.4}],
}


def test_nothing_of_the_place_occupies_people_or_vehicles() -> None:
    scene = parse_scene(CROWD)
    _build_place(scene)
    assert _intrusions(scene) == []
    kinds = {o.name.split("_")[0] for o in bpy.data.objects if not o.hide_render}
    assert {"lamp", "bollard", "tree", "bench"} <= kinds, "furniture vanished entirely"


def test_the_intrusion_check_sees_furniture_placed_blindly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the clearance rule the same crowd is hit: the test above can fail."""
    monkeypatch.setattr(furniture, "is_clear", lambda *_: True)
    scene = parse_scene(CROWD)
    _build_place(scene)
    assert _intrusions(scene)


def test_zebra_crossing_outside_the_street_is_refused() -> None:
    scene = parse_scene({"place": {"length_m": 40.0, "zebra_crossing_x_m": 30.0}})
    with pytest.raises(InputError, match=r"place\.zebra_crossing_x_m"):
        _build_place(scene)


def _far_road_brightness(weather: dict) -> float:
    """Mean brightness of the road 12-30 m ahead of a camera 1.2 m up looking down the
    street: seen this flat, a water film reflects a third of the light (Fresnel)."""
    scene = parse_scene(
        {
            "place": {"zebra_crossing_x_m": None, "trees": False},
            "light": {"local_time": "13:00"},
            "weather": weather,
            "quality": {"preset": "custom", "samples": 4, "denoise": False},
            "camera": {
                "preset": "custom",
                "resolution_wh": [64, 48],
                "x_m": -20.0,
                "y_m": 0.0,
                "height_m": 1.2,
                "yaw_deg": 0.0,
                "pitch_deg": 4.0,
                "focal_length_mm": 35.0,
            },
        }
    )
    frame = engine.render_scene(scene)
    cam = frame.camera
    d = cam.pixel_ray(_pixel_centres(*cam.resolution_wh))
    t = np.where(d[:, 2] < 0, -cam.position_m[2] / np.minimum(d[:, 2], -1e-9), np.inf)
    hit = cam.position_m + d * t[:, None]
    road = (np.abs(hit[:, 1]) < 3.0) & (hit[:, 0] > -8.0) & (hit[:, 0] < 10.0)
    assert road.sum() > 60
    return float(frame.rgb.reshape(-1, 3)[road].mean())


def test_a_wet_street_shines_by_day(place_only: None) -> None:
    """Looking down the street at grazing angles, wet asphalt mirrors the bright sky and
    the façades: brighter than the dry road, though its own albedo is darker."""
    dry = _far_road_brightness({"kind": "overcast"})
    wet = _far_road_brightness({"kind": "overcast", "wetness": 0.8})
    assert wet > 1.3 * dry


def test_bare_ground_is_one_floor_whose_top_is_z0() -> None:
    engine.reset_blender()
    ctx = BuildContext(scene=parse_scene({}), sun=sun_state(parse_scene({}).light))
    street.build_bare_ground(ctx)
    bpy.context.view_layer.update()
    (floor,) = [o for o in bpy.data.objects if o.type == "MESH"]
    zs = [(floor.matrix_world @ v.co).z for v in floor.data.vertices]
    assert max(zs) == pytest.approx(0.0, abs=1e-6)
    xs = [(floor.matrix_world @ v.co).x for v in floor.data.vertices]
    assert min(xs) <= -25.0 and max(xs) >= 25.0  # wide enough for a row of people
