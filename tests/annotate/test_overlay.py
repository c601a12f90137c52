"""The overlay: tinted masks in each instance's colour, boxes, head dots, labels."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.annotate.overlay import draw_overlay, instance_color, label_for
from twinflash.annotations import CATEGORIES, Annotations, encode_rle

W, H = 160, 120
NAN4 = [np.nan] * 4


def _annotations(objects: list[dict]) -> Annotations:
    """One row per object: {category, box (x0, y0, x1, y1), visibility, attributes}."""
    rles, amodal, areas, amodal_areas = [], [], [], []
    for o in objects:
        whole = np.zeros((H, W), bool)
        x0, y0, x1, y1 = o["box"]
        whole[y0:y1, x0:x1] = True
        mask = whole & (o.get("visibility", 1.0) > 0)
        rles.append(encode_rle(mask))
        amodal.append(encode_rle(whole))
        areas.append(int(mask.sum()))
        amodal_areas.append(int(whole.sum()))
    n = len(objects)
    return Annotations(
        image_wh=(W, H),
        instance_id=np.arange(1, n + 1),
        category_id=[CATEGORIES[o["category"]] for o in objects],
        xyxy=[o["box"] if a else NAN4 for o, a in zip(objects, areas, strict=True)],
        amodal_xyxy=[o["box"] for o in objects],
        rle=rles,
        area=areas,
        amodal_area=amodal_areas,
        visibility=[o.get("visibility", 1.0) for o in objects],
        distance_m=[10.0 + k for k in range(n)],
        head_xy=[o.get("head", [np.nan, np.nan]) for o in objects],
        head_visible=[bool(o.get("head")) for o in objects],
        plate_corners_xy=np.full((n, 4, 2), np.nan),
        parent_id=np.zeros(n),
        attributes=[o.get("attributes", {}) for o in objects],
        amodal_rle=amodal,
    )


def test_instance_colours_are_stable_and_distinct() -> None:
    colours = [instance_color(i) for i in range(1, 21)]
    assert instance_color(3) == colours[2]
    assert len(set(colours)) == 20
    assert all(0 <= c <= 255 for rgb in colours for c in rgb)


@pytest.mark.parametrize(
    ("obj", "label"),
    [
        ({"category": "person", "attributes": {"skin_tone": 5, "pose": "lying"}},
         "person 1 skin5 lying"),
        ({"category": "vehicle", "attributes": {"make": "Citroën", "model": "C3",
                                                "plate_text": "AB-123-CD"}},
         "Citroen C3 AB-123-CD"),
        ({"category": "waste", "attributes": {"kind": "bin_bag"}}, "waste bin bag"),
        ({"category": "license_plate"}, ""),
        ({"category": "person", "visibility": 0.42, "attributes": {"pose": "walking"}},
         "person 1 skin? walking 42%"),
        ({"category": "person", "visibility": 0.0, "attributes": {"pose": "sitting"}},
         "person 1 skin? sitting (hidden)"),
    ],
)  # fmt: skip
def test_labels(obj: dict, label: str) -> None:
    assert label_for(_annotations([{"box": (10, 10, 40, 60)} | obj]), 0) == label


def test_masks_are_tinted_and_the_rest_untouched() -> None:
    ann = _annotations(
        [
            {"category": "person", "box": (20, 20, 60, 100), "head": [40.0, 30.0]},
            {"category": "vehicle", "box": (100, 40, 150, 90), "visibility": 0.0},
        ]
    )
    rgb = np.full((H, W, 3), 100, np.uint8)
    out = draw_overlay(rgb, ann, alpha=0.5)
    assert out.shape == rgb.shape and (rgb == 100).all()  # drawn on a copy
    expected = np.round(100 * 0.5 + np.array(instance_color(1)) * 0.5)
    assert (out[70, 40] == expected).all()  # inside the person's mask, away from lines
    assert (out[110, 80] == 100).all()  # background
    assert (out[30, 40] == 255).all()  # a visible head: white centre
    # the hidden vehicle: no tint inside, a dashed amodal box on its edge
    assert (out[65, 125] == 100).all()
    edge = out[40, 100:150]
    assert (edge != 100).any() and (edge == 100).any()
    # the visible person is labelled above its box (dark fill, white text); the hidden not
    assert (out[4:19, 20:60] == 255).all(-1).any()
    assert not (out[20:40, 100:150] == 255).all(-1).any()
