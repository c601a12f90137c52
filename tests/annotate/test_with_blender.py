"""A real render through the real builders: the amodal raster must reproduce the
renderer's own silhouettes, so an object nothing hides has visibility 1."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

pytest.importorskip("bpy")

from pycocotools.coco import COCO

from twinflash.annotate import annotate_frame, write_scene_outputs
from twinflash.annotate.raster import rasterise_amodal
from twinflash.render import engine
from twinflash.scene.io import parse_scene

pytestmark = pytest.mark.blender


@pytest.fixture(scope="module")
def rendered():
    scene = parse_scene(
        {
            "place": {"trees": False, "bollards": False, "benches": False},
            "people": [{"x_m": 0.0, "y_m": -2.0, "pose": "walking", "skin_tone": 8}],
            "vehicles": [{"model": "renault_clio_5", "x_m": 2.0, "y_m": 2.25, "heading_deg": 180}],
            "camera": {"x_m": -10.0, "y_m": 0.0, "height_m": 1.6, "resolution_wh": [320, 240]},
            "quality": {"preset": "custom", "samples": 1, "denoise": False},
        }
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.street, "build_place", lambda ctx: None)  # objects only: faster
        frame = engine.render_scene(scene)
    return frame, scene


def test_raster_reproduces_the_rendered_silhouettes(rendered) -> None:
    frame, _ = rendered
    for obj in frame.objects:
        visible = frame.instance_ids == obj.instance_id
        if not visible.any():
            continue
        raster = rasterise_amodal(frame.camera, [(obj.vertices_world, obj.triangles)]).mask
        missed = (visible & ~raster).sum()
        extra = (raster & ~visible & (frame.instance_ids == 0)).sum()
        assert missed <= 0.005 * visible.sum() + 1, (obj.kind, missed)
        assert extra <= 0.005 * visible.sum() + 1, (obj.kind, extra)


def test_unoccluded_objects_have_visibility_one(rendered, tmp_path) -> None:
    frame, scene = rendered
    ann = annotate_frame(frame, scene)
    for i, name in enumerate(ann.category):
        if name in ("person", "vehicle"):
            assert ann.area[i] > 100 and ann.visibility[i] >= 0.99, (name, ann.visibility[i])
    out = write_scene_outputs(tmp_path / "s", frame, scene, ann)
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(str(out / "annotations.json"))
    assert {a["category_id"] for a in coco.loadAnns(coco.getAnnIds())} >= {1, 2}
    person = ann.index_of(int(ann.instance_id[ann.category_id == 1][0]))
    assert bool(ann.head_visible[person])
    assert np.isfinite(ann.distance_m).all()
