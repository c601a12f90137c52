"""Plane-tree crowns are leaves with gaps, and the exact id pass sees the image's gaps.

One tree stands before a red wall on a grey ground (the street swapped out); the tree is
given an instance id through the person builder so its pixels can be read exactly.
Renders are small (320x240, 4 samples, no denoiser).
"""

from __future__ import annotations

import numpy as np
import pytest

bpy = pytest.importorskip("bpy")


from tests.render.blender_build import fresh  # noqa: E402

from twinflash.frame import Frame  # noqa: E402
from twinflash.render import engine, foliage, props  # noqa: E402
from twinflash.render.context import BuildContext, Built  # noqa: E402
from twinflash.render.materials import principled  # noqa: E402
from twinflash.render.mesh import box  # noqa: E402
from twinflash.render.meshkit import instance  # noqa: E402
from twinflash.scene.io import parse_scene  # noqa: E402
from twinflash.scene.models import Person  # noqa: E402

pytestmark = pytest.mark.blender


def _ground_and_red_wall(ctx: BuildContext) -> None:
    box("ground", (400.0, 400.0, 0.1), (0.0, 0.0, -0.05), principled(ctx, "g", "#808080", 1.0))
    box("wall", (0.3, 40.0, 20.0), (8.0, 0.0, 10.0), principled(ctx, "w", "#b03030", 1.0))


def _tree_as_person(ctx: BuildContext, person: Person, index: int) -> Built:
    src = props.tree(ctx, index)
    return Built("person", index, [instance(src, f"t{index}", (person.x_m, person.y_m, 0.0))])


def _render_tree(weather: str) -> Frame:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.street, "build_place", _ground_and_red_wall)
        mp.setattr(engine.people, "build_person", _tree_as_person)
        scene = parse_scene(
            {
                "seed": 3,
                "light": {"local_time": "14:00"},
                "weather": {"kind": weather},
                "camera": {
                    "x_m": -14.0,
                    "height_m": 1.6,
                    "pitch_deg": -15,
                    "focal_length_mm": 24,
                    "resolution_wh": [320, 240],
                },
                "people": [{"x_m": 0.0, "y_m": 0.0}],
                "quality": {"preset": "custom", "samples": 4, "denoise": False},
            }
        )
        return engine.render_scene(scene)


@pytest.fixture(scope="module")
def tree_frame() -> Frame:
    return _render_tree("clear")


@pytest.fixture(scope="module")
def snow_tree_frame() -> Frame:
    return _render_tree("snow")


def _crown_spans(mask: np.ndarray) -> np.ndarray:
    """Pixels between the leftmost and rightmost tree pixel of each row wider than the
    trunk: the crown's silhouette, gaps included."""
    inside = np.zeros_like(mask)
    for r in np.where(mask.any(axis=1))[0]:
        xs = np.where(mask[r])[0]
        if xs.max() - xs.min() > 20:
            inside[r, xs.min() : xs.max() + 1] = True
    return inside


def _interior(mask: np.ndarray) -> np.ndarray:
    """Pixels whose 3x3 neighbourhood is all in `mask` (the beauty's filter blends edges)."""
    out = mask.copy()
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            out &= np.roll(np.roll(mask, dy, 0), dx, 1)
    return out


def test_the_crown_has_gaps_the_wall_shows_through(tree_frame: Frame) -> None:
    """Blob canopies left ~4 % of the silhouette open; leaf clusters leave ~20 %."""
    tree = tree_frame.instance_ids == 1
    crown = _crown_spans(tree)
    assert crown.sum() > 2000  # the crown is in view and large
    gaps = crown & ~tree
    assert gaps.sum() / crown.sum() > 0.12


def test_the_id_pass_sees_the_same_gaps_as_the_image(tree_frame: Frame) -> None:
    """Where the ids say wall the image shows the red wall, where they say tree, leaves:
    a person behind a crown is annotated exactly where the picture shows them."""
    tree = tree_frame.instance_ids == 1
    crown = _crown_spans(tree)
    rgb = tree_frame.rgb.astype(float)
    red = rgb[..., 0] > 1.6 * rgb[..., 1]
    gap_px = _interior(crown & ~tree)
    leaf_px = _interior(crown & tree)
    assert gap_px.sum() > 30 and leaf_px.sum() > 300
    assert red[gap_px].mean() > 0.9
    assert red[leaf_px].mean() < 0.1


def test_cards_are_seeded_quads_with_the_whole_texture_on_each() -> None:
    clumps = [(0.0, 0.0, 7.0, 1.0), (2.0, 0.0, 8.0, 0.8)]
    verts, uv = foliage.leaf_cards(clumps, seed=4)
    again, _ = foliage.leaf_cards(clumps, seed=4)
    assert verts.shape == (4 * 2 * foliage.CARDS_PER_CLUMP, 3) and np.array_equal(verts, again)
    assert uv.min() == 0.0 and uv.max() == 1.0
    centres = verts.reshape(-1, 4, 3).mean(axis=1)
    near = np.linalg.norm(centres[: foliage.CARDS_PER_CLUMP] - (0.0, 0.0, 7.0), axis=1)
    assert near.max() <= 1.0 + 1e-9  # each card sits inside its clump
    assert np.median(near) > 0.6  # most near the clump's outside, where the light falls


@pytest.mark.parametrize(("weather", "bare"), [("snow", True), ("clear", False), ("rain", False)])
def test_trees_are_bare_in_snow_only(weather: str, bare: bool) -> None:
    """Paris plane trees are leafless in winter: in snow, twigs and no leaf cards."""
    ctx = fresh({"weather": {"kind": weather}})
    mesh = props.tree(ctx, 0).data
    names = [m.name for m in mesh.materials]
    assert ("plane_leaves" in names) == (not bare)
    quads = len(mesh.polygons)
    if bare:  # trunk, limbs, branches and the twigs reaching the summer crown's height
        assert quads < 2000
        assert max(v.co.z for v in mesh.vertices) > 8.5
        assert quads > 4 * foliage.CLUMPS * foliage.TWIGS_PER_CLUMP
    else:
        assert quads > foliage.CLUMPS * foliage.CARDS_PER_CLUMP


def test_a_bare_crown_shows_the_wall_and_the_ids_see_the_branches(
    snow_tree_frame: Frame, tree_frame: Frame
) -> None:
    """In snow the crown is mostly open (leaves: ~20 % open); where the ids say tree the
    image shows bark, not the red wall (snowflakes are hidden in the id pass only)."""
    bare = snow_tree_frame.instance_ids == 1
    crown = _crown_spans(bare)
    assert crown.sum() > 1000  # the twigs still span the summer crown's width
    assert (crown & ~bare).sum() / crown.sum() > 0.5  # 0.69 measured, leaves 0.15
    assert bare.sum() < 0.5 * (tree_frame.instance_ids == 1).sum()
    rgb = snow_tree_frame.rgb.astype(float)
    red = rgb[..., 0] > 1.6 * rgb[..., 1]
    assert red[bare].mean() < 0.2
    assert red[_interior(crown & ~bare)].mean() > 0.6  # 0.75: flakes cover some wall
