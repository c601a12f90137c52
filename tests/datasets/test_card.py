"""The dataset card: README counts, failures, the plan, and its two pictures."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from twinflash.datasets.card import THUMB_W, _values, contact_sheet_png, write_card

ROWS = [
    {"row": "image", "split": "train", "weather_kind": "rain", "hour": 9.5},
    {"row": "image", "split": "train", "weather_kind": "clear", "hour": 14.0},
    {"row": "image", "split": "val", "weather_kind": "clear", "hour": None},
    {"row": "object", "category": "person", "visible": True, "pose": "lying"},
    {"row": "object", "category": "person", "visible": False, "pose": "standing"},
    {"row": "object", "category": "vehicle", "visible": True, "make": "Renault"},
]
PLAN = {"name": "night_rain", "count": 4, "vary": {"weather.kind": {}}}


def _sample(root: Path, name: str, colour: tuple[int, int, int]) -> Path:
    d = root / name
    d.mkdir(parents=True)
    for f in ("image.png", "overlay.png"):
        Image.fromarray(np.full((60, 120, 3), colour, np.uint8)).save(d / f)
    return d


def test_values_come_from_the_right_rows_and_skip_missing() -> None:
    assert _values(ROWS, "hour", "image") == [9.5, 14.0]
    assert _values(ROWS, "pose", "person") == ["lying", "standing"]
    assert _values(ROWS, "pose", "vehicle") == []


def test_contact_sheet_pairs_image_and_overlay_of_evenly_spaced_samples(tmp_path: Path) -> None:
    dirs = [_sample(tmp_path, f"{k:06d}", (40 * k, 0, 0)) for k in range(5)]
    sheet = Image.open(io.BytesIO(contact_sheet_png(dirs, 3) or b""))
    # three tiles of two thumbnails, two tiles per row
    tile_w, tile_h = 2 * THUMB_W + 4, 120 + 14
    assert sheet.size == (2 * (tile_w + 8), 2 * (tile_h + 8))
    # evenly spaced: the first, middle and last samples (red 0, 80, 160)
    pixels = np.asarray(sheet)
    assert pixels[14 + 50, 10, 0] == 0
    assert pixels[14 + 50, tile_w + 8 + 10, 0] == 80
    assert pixels[tile_h + 8 + 14 + 50, 10, 0] == 160
    assert contact_sheet_png(dirs, 0) is None and contact_sheet_png([], 3) is None


def test_card_counts_visible_objects_and_lists_failures(tmp_path: Path) -> None:
    dirs = [_sample(tmp_path / "samples", "000000", (0, 0, 0))]
    failures = [{"index": 3, "error": "Blender crashed | exit 9"}]
    readme = write_card(tmp_path, PLAN, ROWS, dirs, failures, contact=4)
    text = readme.read_text()
    assert text.startswith("# night_rain\n")
    assert "4 samples planned, 3 present, 1 failed." in text
    assert "| train | 2 |" in text and "| val | 1 |" in text
    assert "| person | 1 |" in text and "| vehicle | 1 |" in text  # the hidden person not
    assert "| 3 | Blender crashed \\| exit 9 |" in text  # a pipe in an error keeps the table
    assert "weather.kind: {}" in text  # the plan, as YAML
    for png in ("histograms.png", "contact_sheet.png"):
        assert Image.open(tmp_path / "card" / png).format == "PNG"
