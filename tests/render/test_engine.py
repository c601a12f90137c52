"""The engine's exact passes against the camera model, independent of the builders' art.

Builders are swapped for plain boxes here so that any error is the engine's.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from twinflash.render import engine, sampling
from twinflash.render.context import BuildContext, Built
from twinflash.render.mesh import box
from twinflash.scene.io import parse_scene
from twinflash.scene.layout import ground_height_m
from twinflash.scene.models import Person

pytestmark = pytest.mark.blender

BOX_WXYZ = (0.4, 0.6, 1.8)


def _box_person(ctx: BuildContext, person: Person, index: int) -> Built:
    sx, sy, sz = BOX_WXYZ
    obj = box(
        f"p{index}",
        (sx, sy, sz),
        (person.x_m, person.y_m, sz / 2),
        rotation_z=math.radians(person.heading_deg),
    )
    return Built(
        "person", index, [obj], head_center_world=np.array([person.x_m, person.y_m, sz - 0.1])
    )


def _scene(**extra: object):
    data = {
        "place": {"trees": False, "bollards": False, "benches": False},
        "people": [{"x_m": 0.0, "y_m": 0.0}, {"x_m": 4.0, "y_m": -1.5}],
        "camera": {"x_m": -10.0, "y_m": 0.0, "height_m": 1.6, "resolution_wh": [320, 240]},
        "quality": {"preset": "custom", "samples": 4, "denoise": False},
    }
    data.update(extra)
    return parse_scene(data)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine.people, "build_person", _box_person)
    monkeypatch.setattr(engine.street, "build_place", lambda ctx: None)


def test_mask_extent_and_depth_match_the_camera_model(boxes: None) -> None:
    frame = engine.render_scene(_scene())
    sx, sy, sz = BOX_WXYZ
    corners = np.array(
        [[x, y, z] for x in (-sx / 2, sx / 2) for y in (-sy / 2, sy / 2) for z in (0, sz)]
    )
    uv, _ = frame.camera.project(corners)
    ys, xs = np.nonzero(frame.instance_ids == 1)
    # pixel centres inside the projected outline: extent within one pixel of the analytic box
    assert xs.min() == pytest.approx(uv[:, 0].min(), abs=1.0)
    assert xs.max() + 1 == pytest.approx(uv[:, 0].max(), abs=1.0)
    assert ys.min() == pytest.approx(uv[:, 1].min(), abs=1.0)
    assert ys.max() + 1 == pytest.approx(uv[:, 1].max(), abs=1.0)
    # planar depth of the front face (x = -sx/2) seen from x = -10
    cy, cx = int(np.median(ys)), int(np.median(xs))
    assert frame.depth_m[cy, cx] == pytest.approx(10.0 - sx / 2, abs=1e-3)
    # the nearer box partly hides nothing here: both ids present, background is 0 and infinite depth
    assert set(np.unique(frame.instance_ids)) == {0, 1, 2}
    assert np.isinf(frame.depth_m[0, 0])
    head_uv, _ = frame.camera.project(frame.objects[0].head_center_world[None])
    assert frame.instance_ids[int(head_uv[0, 1]), int(head_uv[0, 0])] == 1


def test_media_do_not_reach_the_exact_passes(boxes: None, monkeypatch: pytest.MonkeyPatch) -> None:
    clear = engine.render_scene(_scene())

    def veil(ctx: BuildContext) -> None:
        ctx.media_objects.append(box("veil", (0.05, 6.0, 4.0), (-6.0, 0.0, 1.5)))

    monkeypatch.setattr(engine.weather, "setup_weather", veil)
    veiled = engine.render_scene(_scene())
    assert np.array_equal(clear.instance_ids, veiled.instance_ids)
    assert np.array_equal(clear.depth_m, veiled.depth_m)
    assert (
        np.abs(clear.rgb.astype(int) - veiled.rgb.astype(int)).mean() > 5
    )  # the veil is in the image


def test_annotation_passes_do_not_depend_on_the_beauty_settings(boxes: None) -> None:
    """Cheap and dear beauty settings (bounces, denoiser, persistent data) differ in the
    image only: the ids and depth come from a pass with its own fixed settings."""
    cheap = sampling.PRESETS["draft"].with_overrides(samples=1, persistent_data=True)
    dear = sampling.BLENDER_DEFAULT.with_overrides(samples=8, persistent_data=False)
    a = engine.render_scene(_scene(), beauty=cheap)
    b = engine.render_scene(_scene(), beauty=dear)
    assert np.array_equal(a.instance_ids, b.instance_ids)
    assert np.array_equal(a.depth_m, b.depth_m)
    assert not np.array_equal(a.rgb, b.rgb)  # the settings did reach the beauty pass


def test_same_scene_renders_identically(boxes: None) -> None:
    a = engine.render_scene(_scene())
    b = engine.render_scene(_scene())
    assert np.array_equal(a.instance_ids, b.instance_ids)
    assert np.array_equal(a.depth_m, b.depth_m)
    assert np.array_equal(a.rgb, b.rgb)
    assert [o.vertices_world.tolist() for o in a.objects] == [
        o.vertices_world.tolist() for o in b.objects
    ]


def test_people_on_a_sidewalk_stand_on_the_curb_not_in_it(boxes: None) -> None:
    x, y = 10.0, 6.0  # on the sidewalk, in view of the camera at (-10, 0)
    scene = _scene(people=[{"x_m": x, "y_m": y}])
    frame = engine.render_scene(scene)
    sx, _, sz = BOX_WXYZ
    curb = ground_height_m(scene.place, x, y)
    assert curb > 0.1
    front = x - sx / 2
    (bottom, top), _ = frame.camera.project(np.array([[front, y, curb], [front, y, curb + sz]]))
    ys, _ = np.nonzero(frame.instance_ids == 1)
    assert ys.max() + 1 == pytest.approx(bottom[1], abs=1.0)
    assert ys.min() == pytest.approx(top[1], abs=1.5)
    assert frame.objects[0].head_center_world[2] == pytest.approx(curb + sz - 0.1)
