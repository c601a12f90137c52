"""Blurring and plate reading on a twinflash render, whose plate corners are exact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from twinflash.pipeline import load_scene_with_overrides, render_to_dir

pytestmark = pytest.mark.blender

SPEED_CAMERA = Path(__file__).resolve().parents[2] / "examples" / "scenes" / "speed_camera.yaml"
MIN_PLATE_HEIGHT_PX = 15


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "twinflash", *args], capture_output=True, text=True, timeout=600
    )


def _read_plates(image: Path) -> set[str]:
    proc = _cli("plate", "read", str(image), "--json")
    return {r["text"] for r in json.loads(proc.stdout or "[]")}


@pytest.fixture(scope="module")
def render(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("speed") / "render"
    render_to_dir(load_scene_with_overrides(SPEED_CAMERA), out)
    return out


def test_plates_of_a_render_are_read_then_blurred_beyond_reading(
    render: Path, tmp_path: Path
) -> None:
    coco = json.loads((render / "annotations.json").read_text())
    plates = [a for a in coco["annotations"] if a["category_id"] == 3]
    readable = []
    for a in plates:
        corners = np.array(a["corners"], dtype=float)
        if np.ptp(corners[:, 1]) >= MIN_PLATE_HEIGHT_PX and a["visibility"] > 0.95:
            readable.append((a["attributes"]["text"], corners))
    assert readable, "the speed-camera example must show at least one readable plate"

    before = _read_plates(render / "image.png")
    for text, _ in readable:
        assert text in before

    proc = _cli("blur", str(render / "image.png"), "--out", str(tmp_path / "blurred"))
    assert proc.returncode == 0, proc.stderr
    sidecar = json.loads((tmp_path / "blurred" / "image.png.json").read_text())
    boxes = [np.array(b["xyxy"], float) for b in sidecar["blurred"] if b["kind"] == "plate"]
    for text, corners in readable:
        lo, hi = corners.min(axis=0), corners.max(axis=0)
        covered = [b for b in boxes if (b[:2] <= lo + 2).all() and (b[2:] >= hi - 2).all()]
        assert covered, f"plate {text} at {lo}-{hi} not inside any blurred box {boxes}"

    after = _read_plates(tmp_path / "blurred" / "image.png")
    assert not after & {text for text, _ in readable}
