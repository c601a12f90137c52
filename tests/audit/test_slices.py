"""Slicing: which slices a dataset's columns give, colour names, conditional columns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tests.audit.conftest import twinflash_dataset_dir

from twinflash.audit.data import load_dataset
from twinflash.audit.slices import colour_name, plan_slices


def test_slices_of_a_twinflash_dataset(tmp_path: Path) -> None:
    ds = load_dataset(twinflash_dataset_dir(tmp_path / "d", True))
    slices, _ = plan_slices(ds, np.arange(8), crossings=[])
    labels = {(s.column, s.label) for s in slices}
    assert ("is_night", "True") in labels and ("pose", "lying") in labels
    assert ("box_height_px", "far (<30 px)") in labels
    assert ("skin_tone", "MST 1-3") in labels and ("skin_tone", "MST 7-10") in labels
    assert ("top_color", "red") in labels and ("top_color", "blue") in labels
    far = next(s for s in slices if s.label == "far (<30 px)")
    assert far.level == "object" and far.mask.sum() == 8


def test_colour_names() -> None:
    assert colour_name("#d01010") == "red" and colour_name("#f5f5f5") == "white"
    assert colour_name("#1a1a1a") == "black"


def test_fog_visibility_is_sliced_among_fog_images_only(tmp_path: Path) -> None:
    from twinflash.audit.data import from_coco

    coco = {
        "images": [
            {"id": i + 1, "file_name": f"{i}.png", "width": 10, "height": 10} for i in range(16)
        ],
        "annotations": [],
        "categories": [{"id": 1, "name": "person"}],
    }
    kinds = ["fog", "clear"] * 8
    rows = [
        {"weather_kind": k, "weather_fog_visibility_m": float(20 + 40 * i)}
        for i, k in enumerate(kinds)
    ]
    ds = from_coco(coco, rows, tmp_path, "coco")
    slices, curves = plan_slices(ds, None, columns=["weather_fog_visibility_m"], crossings=[])
    covered = np.zeros(16, bool)
    for s in slices:
        covered |= s.mask
    np.testing.assert_array_equal(covered, [k == "fog" for k in kinds])
    assert [c.column for c in curves] == ["weather_fog_visibility_m"]
    assert curves[0].x.max() <= 20 + 40 * 14  # fog images only (even indices)
