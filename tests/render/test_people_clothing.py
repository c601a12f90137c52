"""Clothing changes the rendered silhouette where it is worn, and the annotation follows:
masks from the exact instance pass of small renders (one sample: masks do not need more).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("bpy")

from twinflash.render import engine, street
from twinflash.render.camera import camera_model
from twinflash.scene.io import parse_scene

pytestmark = pytest.mark.blender

H = 1.75
SPACING_M = 1.6


def _row(
    monkeypatch: pytest.MonkeyPatch, outfits: list[dict[str, Any]], heading: float
) -> tuple[Any, Any, list[np.ndarray]]:
    """Render people in a row across the view; (scene, frame, mask of each person)."""
    monkeypatch.setattr(street, "build_place", street.build_bare_ground)
    n = len(outfits)
    people = [
        {
            "x_m": (i - (n - 1) / 2) * SPACING_M,
            "y_m": 0.0,
            "heading_deg": heading,
            "height_m": H,
            "skin_tone": 2,
            "top_color": "#2040c0",
            "bottom_color": "#202020",
            **o,
        }
        for i, o in enumerate(outfits)
    ]
    scene = parse_scene(
        {
            "place": {"road_width_m": 20.0, "sidewalk_width_m": 6.0},
            "light": {"local_time": "12:00:00"},
            "people": people,
            "camera": {
                "x_m": 0.0,
                "y_m": -2.2 * n,
                "height_m": 1.0,
                "yaw_deg": 90.0,
                "pitch_deg": 0.0,
                "focal_length_mm": 35.0,
                "resolution_wh": [120 * n, 180],
            },
            "quality": {"preset": "custom", "samples": 1},
        }
    )
    frame = engine.render_scene(scene)
    ids = {o.scene_index: o.instance_id for o in frame.objects if o.kind == "person"}
    masks = [frame.instance_ids == ids[i] for i in range(n)]
    return scene, frame, masks


def _row_px(scene: Any, z: float) -> int:
    (uv,), _ = camera_model(scene.camera).project(np.array([[0.0, 0.0, z]]))
    return int(uv[1])


def _width(mask: np.ndarray, row: int) -> int:
    cols = np.flatnonzero(mask[row - 1 : row + 2].any(axis=0))
    return int(cols[-1] - cols[0] + 1) if len(cols) else 0


def test_front_view_silhouettes(monkeypatch: pytest.MonkeyPatch) -> None:
    outfits = [
        {},
        {"bottom": "skirt"},
        {"outerwear": "coat", "outerwear_color": "#c02020"},
        {"bottom": "shorts"},
        {"bag": "suitcase", "bag_color": "#20a020"},
        {"headwear": "hat"},
    ]
    scene, frame, masks = _row(monkeypatch, outfits, heading=-90.0)
    plain, skirt, coat, shorts, suitcase, hat = masks
    above_knee = _row_px(scene, 0.285 * H + 0.04 * H)  # just above the hem
    assert _width(skirt, above_knee) > 1.25 * _width(plain, above_knee)
    # the coat covers the hips: the middle of the mask there is the coat's red
    hips = _row_px(scene, 0.5 * H)
    xs = np.nonzero(coat)[1]
    r, g, b = frame.rgb[hips, int(np.median(xs))].astype(int)
    assert r > 2 * g and r > 2 * b
    r, g, b = frame.rgb[hips, int(np.median(np.nonzero(plain)[1]))].astype(int)
    assert max(r, g, b) < 90  # trousers (dark) on the plain person
    # shorts: bright skin at the shin, dark trousers on the plain person
    shin = _row_px(scene, 0.16 * H)
    lum = frame.rgb.mean(axis=2)
    assert lum[shin][shorts[shin]].mean() > lum[shin][plain[shin]].mean() + 60
    # the suitcase is part of the person's mask: wider, green pixels inside it
    case_row = _row_px(scene, 0.25)
    assert _width(suitcase, case_row) > _width(plain, case_row) + 8
    inside = frame.rgb[suitcase].astype(int)
    assert ((inside[:, 1] > 2 * inside[:, 0]) & (inside[:, 1] > 2 * inside[:, 2])).sum() > 50
    # a hat rises above height_m (documented) while the bare head reaches it
    top_h = _row_px(scene, H)
    plain_top = np.flatnonzero(plain.any(axis=1))[0]
    assert abs(plain_top - top_h) <= 2
    assert np.flatnonzero(hat.any(axis=1))[0] < plain_top - 1


def test_side_view_backpack_and_pushchair(monkeypatch: pytest.MonkeyPatch) -> None:
    outfits = [{}, {"bag": "backpack"}, {"pushchair": True}]
    scene, frame, masks = _row(monkeypatch, outfits, heading=0.0)
    plain, pack, pusher = masks
    chest = _row_px(scene, 0.68 * H)
    assert _width(pack, chest) > _width(plain, chest) + 5  # the backpack widens the side view
    # the pushchair is drawn but is not the person: dark pixels ahead, outside every mask
    xs = np.nonzero(pusher)[1]
    low = _row_px(scene, 0.45)
    ahead = slice(xs.max() + 3, xs.max() + 40)
    assert not frame.instance_ids[low - 10 : low + 10, ahead].any()
    assert (frame.rgb[low - 10 : low + 10, ahead].mean(axis=2) < 90).sum() > 30


@pytest.mark.parametrize("fields", [{"pushchair": True}, {"pose": "sitting"}])
def test_pushchair_and_seat_follow_the_lift_onto_a_sidewalk(fields: dict[str, Any]) -> None:
    """Not annotated, but parented to the person: lifted onto a curb with them."""
    import bpy

    from twinflash.render import people

    from .blender_build import fresh, world_vertices

    ctx = fresh({"people": [{"x_m": 0.0, "y_m": 0.0, **fields}]})
    built = engine._stand_on_ground(people.build_person(ctx, ctx.scene.people[0], 0), 0.14)
    bpy.context.view_layer.update()
    mine = set(built.objects)
    others = [o for o in bpy.data.objects if o.type == "MESH" and o not in mine]
    assert others and all(o.parent in mine for o in others)
    lowest = min(world_vertices(o)[:, 2].min() for o in others)
    assert lowest == pytest.approx(0.14, abs=0.02)  # wheels or seat block on the curb
