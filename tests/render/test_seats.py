"""The seats sitting people sit on: hips on the seat's top, soles on their rest, the seat
scenery (never in the person's mask) that may hide the person."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

pytest.importorskip("bpy")

from twinflash.annotate.annotator import annotate_frame
from twinflash.render import engine, people, street
from twinflash.render.camera import camera_model
from twinflash.render.people_seats import SEAT_REACH_M, seat_spec
from twinflash.scene.io import parse_scene
from twinflash.scene.layout import CURB_HEIGHT_M

from .blender_build import fresh, world_vertices

pytestmark = pytest.mark.blender

KINDS = ("bench", "cafe_chair", "steps", "curb")


def _evaluated(objects: list[Any]) -> np.ndarray:
    import bpy

    bpy.context.view_layer.update()
    depsgraph = bpy.context.evaluated_depsgraph_get()
    out = []
    for obj in objects:
        ev = obj.evaluated_get(depsgraph)
        mesh = ev.to_mesh()
        m = np.array(obj.matrix_world)
        co = np.array([v.co[:] for v in mesh.vertices])
        out.append(co @ m[:3, :3].T + m[:3, 3])
        ev.to_mesh_clear()
    return np.concatenate(out)


def _top_under(seat: Any, x: float, y: float) -> float:
    """Height of the seat's surface under (x, y): a ray cast down onto its mesh."""
    from mathutils import Vector

    inv = seat.matrix_world.inverted()
    hit, loc, _, _ = seat.ray_cast(inv @ Vector((x, y, 3.0)), inv.to_3x3() @ Vector((0, 0, -1)))
    assert hit, f"nothing under ({x}, {y})"
    return float((seat.matrix_world @ loc).z)


def _sit(kind: str, heading: float = 30.0, **fields: Any) -> tuple[Any, Any, Any]:
    import bpy

    ctx = fresh(
        {
            "people": [
                {
                    "x_m": 1.0,
                    "y_m": 2.0,
                    "heading_deg": heading,
                    "pose": "sitting",
                    "seat": kind,
                    **fields,
                }
            ]
        }
    )
    built = people.build_person(ctx, ctx.scene.people[0], 0)
    bpy.context.view_layer.update()
    mine = set(built.objects)
    seats = [o for o in bpy.data.objects if o.name.endswith("_seat") and o not in mine]
    assert len(seats) == 1
    return ctx, built, seats[0]


@pytest.mark.parametrize("kind", KINDS)
def test_hips_on_the_seat_soles_on_their_rest_and_the_seat_is_not_the_person(kind: str) -> None:
    _, built, seat = _sit(kind)
    assert seat not in built.objects and seat.parent in built.objects
    body = _evaluated(built.objects)
    spec = seat_spec(kind)
    assert spec is not None
    assert body[:, 2].min() == pytest.approx(spec.foot_z, abs=1e-4)  # soles on the rest
    # The buttocks: the body's lowest point within 12 cm of the hips, over the seat.
    a = math.radians(30.0)
    fwd = (body[:, 0] - 1.0) * math.cos(a) + (body[:, 1] - 2.0) * math.sin(a)
    side = -(body[:, 0] - 1.0) * math.sin(a) + (body[:, 1] - 2.0) * math.cos(a)
    under = body[(np.abs(fwd) < 0.12) & (np.abs(side) < 0.12), 2].min()
    top = _top_under(seat, 1.0, 2.0)
    assert top == pytest.approx(spec.top_z, abs=1e-3)
    assert -0.01 < under - top < 0.03, (under, top)
    # the seat stands on the ground and keeps within the reach furniture keeps clear of
    verts = world_vertices(seat)
    assert verts[:, 2].min() == pytest.approx(0.0, abs=1e-6)
    reach = np.hypot(verts[:, 0] - 1.0, verts[:, 1] - 2.0).max()
    assert reach <= SEAT_REACH_M[kind]


def test_a_curb_sitter_at_a_real_curb_has_the_feet_in_the_gutter() -> None:
    """Hips on the sidewalk's edge, facing the road: lifted onto the sidewalk by the
    engine, the soles are on the road and the kerb stone laid on the curb."""
    half_road = 4.5  # the default street
    _, built, seat = _sit("curb", heading=90.0, y_m=-half_road - 0.1)
    built = engine._stand_on_ground(built, CURB_HEIGHT_M)
    body = _evaluated(built.objects)
    assert body[:, 2].min() == pytest.approx(0.0, abs=1e-4)  # the gutter, at road level
    feet = body[body[:, 2] < 0.03]
    assert feet[:, 1].min() > -half_road  # over the road
    verts = world_vertices(seat)
    assert verts[:, 2].min() == pytest.approx(0.0, abs=1e-6)
    assert verts[:, 2].max() == pytest.approx(CURB_HEIGHT_M + 0.004, abs=1e-6)


def test_a_child_on_a_bench_sits_on_it_with_the_feet_dangling() -> None:
    _, built, seat = _sit("bench", height_m=1.2, age_group="child")
    body = _evaluated(built.objects)
    assert body[:, 2].min() > 0.08  # off the ground
    assert world_vertices(seat)[:, 2].min() == pytest.approx(0.0, abs=1e-6)


def test_the_seat_is_background_in_the_id_pass_and_hides_the_person(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A café sitter seen past their table: the table is not in the person's mask, and the
    person's visibility drops by what it hides (the exact passes see the seat)."""
    monkeypatch.setattr(street, "build_place", street.build_bare_ground)
    person = {"x_m": 0.0, "y_m": 0.0, "heading_deg": 180.0, "pose": "sitting", "height_m": 1.75}
    camera = {
        "x_m": 0.0,
        "y_m": -4.0,
        "height_m": 1.0,
        "yaw_deg": 90.0,
        "pitch_deg": 5.0,
        "focal_length_mm": 35.0,
        "resolution_wh": [320, 240],
    }
    quality = {"preset": "custom", "samples": 1, "denoise": False}
    seen = {}
    for kind in ("block", "cafe_chair"):
        scene = parse_scene(
            {"people": [{**person, "seat": kind}], "camera": camera, "quality": quality}
        )
        frame = engine.render_scene(scene)
        ann = annotate_frame(frame, scene)
        seen[kind] = (scene, frame, ann)
    scene, frame, ann = seen["cafe_chair"]
    assert ann.attributes[0]["seat"] == "cafe_chair"
    # heading 180: the table (body x 0.3, y 0.66) stands at world (-0.3, -0.66), between
    # the camera and the sitter's right side; its marble top is background.
    cam = camera_model(scene.camera)
    (uv,), _ = cam.project(np.array([[-0.3, -0.66, 0.725]]))
    u, v = int(uv[0]), int(uv[1])
    assert frame.instance_ids[v, u] == 0
    assert ann.visibility[0] < seen["block"][2].visibility[0] - 0.02
