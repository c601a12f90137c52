"""An OSM place as Blender builds and renders it: buildings on their footprints at their
heights, and a tagged lamp and tree where the camera model says they are in the image.

One small render (320x240, 2 samples) of the test crossroads, no people or vehicles.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("bpy")

import bpy
from tests.scene.osm_xml import CENTRE, crossroads, latlon, write_osm

from twinflash.frame import Frame
from twinflash.render import engine
from twinflash.scene.io import parse_scene
from twinflash.scene.layout import CURB_HEIGHT_M
from twinflash.scene.models import OsmPlace, Scene

pytestmark = pytest.mark.blender

LAMP = (12.0, 5.6)  # base radius ~0.2 m, 0.25..0.95 m high
TREE = (18.0, 7.0)  # trunk radius 0.2 -> 0.15 m, up to 3.4 m


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scene, Frame]:
    path = write_osm(tmp_path_factory.mktemp("osm") / "crossroads.osm", crossroads())
    scene = parse_scene(
        {
            "seed": 3,
            "place": {"kind": "osm", "extract": str(path), "centre": list(CENTRE)},
            "camera": {
                "lat_lon": list(latlon(4.0, -7.0)),
                "height_m": 1.6,
                "heading_deg": 38.0,
                "pitch_deg": 3.0,
                "focal_length_mm": 35.0,
                "resolution_wh": [320, 240],
            },
            "light": {"local_time": "11:00:00"},
            "quality": {"preset": "custom", "samples": 2, "denoise": False},
        }
    )
    frame = engine.render_scene(scene, work_dir=tmp_path_factory.mktemp("work"))
    return scene, frame


def _world_vertices(prefix: str) -> np.ndarray:
    out = []
    for obj in bpy.data.objects:
        if obj.name.startswith(prefix) and obj.type == "MESH":
            co = np.array([v.co[:] for v in obj.data.vertices])
            mw = np.array(obj.matrix_world)
            out.append(co @ mw[:3, :3].T + mw[:3, 3])
    assert out, f"no object named {prefix}*"
    return np.concatenate(out)


def test_buildings_stand_on_their_footprints_at_their_heights(
    rendered: tuple[Scene, Frame],
) -> None:
    scene, _ = rendered
    assert isinstance(scene.place, OsmPlace) and scene.place.map is not None
    for b in scene.place.map.buildings:
        body = _world_vertices(f"building_{b.osm_id}")  # roof and plain walls
        front = _world_vertices(f"facade_{b.osm_id}_")  # the street fronts
        verts = np.concatenate([body, front])
        for x, y in b.footprint_m:
            at_corner = np.hypot(verts[:, 0] - x, verts[:, 1] - y) < 0.1
            assert (at_corner & (np.abs(verts[:, 2]) < 1e-6)).any(), (b.osm_id, x, y)
        assert body[:, 2].max() == pytest.approx(b.height_m, abs=1e-4), b.osm_id
        assert front[:, 2].max() <= b.height_m + 1e-4  # nothing of the front above the roof


def _depth_at(frame: Frame, point: tuple[float, float, float]) -> tuple[float, float, float]:
    """(rendered depth at the point's pixel, the point's own depth, depth 12 px aside)."""
    uv, z = frame.camera.project(np.array([point]))
    col, row = (math.floor(c) for c in uv[0])
    h, w = frame.depth_m.shape
    assert 12 <= col < w - 12 and 0 <= row < h, (uv, point)
    aside = min(frame.depth_m[row, col - 12], frame.depth_m[row, col + 12])
    return float(frame.depth_m[row, col]), float(z[0]), float(aside)


@pytest.mark.parametrize(("where", "z", "radius"), [(LAMP, 0.6, 0.22), (TREE, 1.5, 0.2)])
def test_tagged_objects_appear_where_the_map_puts_them(
    rendered: tuple[Scene, Frame], where: tuple[float, float], z: float, radius: float
) -> None:
    _, frame = rendered
    seen, expected, aside = _depth_at(frame, (*where, CURB_HEIGHT_M + z))
    assert expected - radius - 0.1 <= seen <= expected + 0.05, (seen, expected)
    assert aside > expected + 1.0, (aside, expected)  # the pixel shows the object, not a wall
