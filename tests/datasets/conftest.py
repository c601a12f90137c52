"""Tiny plans (renders of a few pixels, one sample) and synthetic annotations with known truth."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from twinflash.annotate import annotate_frame
from twinflash.annotations import Annotations
from twinflash.camera import CameraModel
from twinflash.datasets.worker import Task
from twinflash.frame import Frame, ObjectGeometry
from twinflash.scene.models import Person, Scene, Vehicle

W, H = 64, 48


def tiny_plan_mapping(count: int = 4, **extra: Any) -> dict[str, Any]:
    """A plan whose samples render in about a second each on one core."""
    return {
        "name": "tiny",
        "seed": 5,
        "count": count,
        "base": {
            "place": {
                "kind": "street",
                "length_m": 20.0,
                "trees": False,
                "benches": False,
                "bollards": False,
                "zebra_crossing_x_m": None,
            },
            "camera": {"preset": "pedestrian", "resolution_wh": [W, H]},
            "quality": {"preset": "custom", "samples": 1, "denoise": False},
        },
        "vary": {
            "weather.kind": {"choice": {"clear": 0.7, "overcast": 0.3}},
            "light.local_time": {"uniform": [9.0, 17.0]},
        },
        "people": {"count": {"uniform_int": [1, 2]}, "zone": "sidewalk", "x_range_m": [-3, 9]},
        "vehicles": {"count": {"uniform_int": [0, 1]}, "parked_share": 0.0, "x_range_m": [0, 8]},
        "splits": {"fractions": {"train": 0.5, "test": 0.5}},
        "exports": {"contact_sheet": 2},
        **extra,
    }


def _quad(x: float, y0: float, y1: float, z0: float, z1: float) -> tuple[np.ndarray, np.ndarray]:
    v = np.array([[x, y0, z0], [x, y1, z0], [x, y1, z1], [x, y0, z1]], dtype=float)
    return v, np.array([[0, 1, 2], [0, 2, 3]])


def synthetic_frame() -> tuple[Frame, Scene]:
    """Camera at the origin looking down +x, f = 64 px at 64x48 (principal point 32, 24).

    id 1 person 0: ids rows 10:30, cols 20:28, head at pixel ~(24, 12), visible.
    id 2 vehicle 0: ids rows 30:46, cols 36:60; id 3 its plate at rows 40:44, cols 44:52.
    id 4 person 1: no pixel (hidden).
    """
    cam = CameraModel(np.zeros(3), 0.0, 0.0, 36.0, 36.0, (W, H))
    scene = Scene(
        people=[Person(x_m=10, y_m=0, skin_tone=3), Person(x_m=20, y_m=2, skin_tone=9)],
        vehicles=[Vehicle(model="citroen_c3_3", x_m=8, y_m=-2, plate_text="AB-123-CD")],
    )
    ids = np.zeros((H, W), np.uint16)
    ids[10:30, 20:28] = 1
    ids[30:46, 36:60] = 2
    ids[40:44, 44:52] = 3
    depth = np.where(ids > 0, 10.0, np.inf).astype(np.float32)
    rgb = np.full((H, W, 3), 120, np.uint8)
    # world quads matching the pixel boxes at depth 10 m: u = 32 - 6.4 y, v = 24 - 6.4 z
    p0 = _quad(10, (32 - 20) / 6.4, (32 - 28) / 6.4, (24 - 30) / 6.4, (24 - 10) / 6.4)
    v0 = _quad(10, (32 - 36) / 6.4, (32 - 60) / 6.4, (24 - 46) / 6.4, (24 - 30) / 6.4)
    pl = _quad(9.9, (32 - 44) / 6.4, (32 - 52) / 6.4, (24 - 44) / 6.4, (24 - 40) / 6.4)
    p1 = _quad(20, -2.1, -1.9, 0.0, 0.2)
    objects = [
        ObjectGeometry(1, "person", 0, *p0, head_center_world=np.array([10, 1.25, 1.875])),
        ObjectGeometry(2, "vehicle", 0, *v0),
        ObjectGeometry(
            3,
            "license_plate",
            0,
            *pl,
            plate_corners_world=pl[0][[3, 2, 1, 0]],
            plate_text="AB-123-CD",
        ),
        ObjectGeometry(4, "person", 1, *p1, head_center_world=np.array([20, -2, 0.2])),
    ]
    return Frame(rgb=rgb, instance_ids=ids, depth_m=depth, camera=cam, objects=objects), scene


@pytest.fixture
def annotated() -> tuple[Frame, Scene, Annotations]:
    frame, scene = synthetic_frame()
    return frame, scene, annotate_frame(frame, scene)


def read_only_command(directory: Path) -> list[str]:
    """A command prefix under which `directory` is read-only for the command it runs.

    Permission bits do not stop root, so as root the directory gets a read-only tmpfs
    mounted over it in a private mount namespace (`unshare -m`: nothing to undo, nothing
    visible outside the command); otherwise it is made mode 555. Skips the test with the
    reason when neither is possible here.
    """
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        directory.chmod(0o555)
        return []
    script = 'mount -t tmpfs -o ro tmpfs "$0" && exec "$@"'
    prefix = ["unshare", "-m", "sh", "-c", script, str(directory)]
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: cannot make a read-only directory")
    probe = subprocess.run(
        [*prefix, "sh", "-c", 'touch "$0/x"', str(directory)], capture_output=True
    )
    if probe.returncode == 0 or b"Read-only" not in probe.stderr:
        pytest.skip(f"cannot mount a read-only tmpfs here: {probe.stderr.decode()[-200:]}")
    return prefix


def tree(root: Path) -> set[str]:
    """Every path under `root`, relative: what a refused command must leave unchanged."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


class SyntheticExecutor:
    """An executor that writes `synthetic_frame()` as every sample, in this process: the
    coordinator's whole path (manifest, journal, exports) without Blender."""

    threads_per_worker = 1

    def run(self, tasks: Iterable[Task]) -> Iterator[dict[str, Any]]:
        from twinflash.annotate import write_scene_outputs

        for task in tasks:
            frame, scene = synthetic_frame()
            write_scene_outputs(Path(task.out_dir), frame, scene, annotate_frame(frame, scene))
            yield {"index": task.index, "ok": True, "error": None, "pid": os.getpid()}


def synthetic_dataset(root: Path, count: int = 2) -> Path:
    """A complete dataset directory of `count` synthetic samples (every export)."""
    from twinflash.datasets.generate import generate
    from twinflash.datasets.plan import parse_plan

    plan = parse_plan(tiny_plan_mapping(count), source="tiny.yaml")
    report = generate(plan, root, executor=SyntheticExecutor(), source="tiny.yaml")
    assert report.rendered == count and not report.failures
    return root


# the example plans, and a tolerance of four standard deviations for drawn frequencies
PLANS = sorted((Path(__file__).resolve().parents[2] / "examples" / "plans").glob("*.yaml"))


def within(observed: float, expected: float, sd: float) -> bool:
    return abs(observed - expected) <= 4 * sd
