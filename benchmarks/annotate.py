"""Seconds for annotate_frame and write_scene_outputs on a synthetic crowd (no Blender).

    .venv/bin/python benchmarks/annotate.py [--people 30] [--resolution 1280x720] [--repeats 5]

People are closed cylinders of 3,072 triangles (0.25 m radius, 1.75 m tall) on a grid 6 to
30 m in front of a level camera 1.6 m high; instance ids come from a painter's algorithm
on the same rasteriser, so the numbers measure the annotator, not a renderer.
Prints a Markdown table row (median of the repeats).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from twinflash.annotate import annotate_frame, write_scene_outputs
from twinflash.annotate.raster import rasterise_amodal
from twinflash.camera import CameraModel
from twinflash.frame import Frame, ObjectGeometry
from twinflash.scene.models import Person, Scene


def cylinder(
    x: float, y: float, segments: int = 48, rings: int = 32
) -> tuple[np.ndarray, np.ndarray]:
    a = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    z = np.linspace(0, 1.75, rings + 1)
    ring = np.c_[x + 0.25 * np.cos(a), y + 0.25 * np.sin(a)]
    v = np.array([[px, py, pz] for pz in z for px, py in ring])
    tris = []
    for r in range(rings):
        for s in range(segments):
            i, j = r * segments + s, r * segments + (s + 1) % segments
            tris += [[i, j, j + segments], [i, j + segments, i + segments]]
    return v, np.array(tris)


def synthetic_frame(n_people: int, resolution_wh: tuple[int, int]) -> tuple[Frame, Scene]:
    cam = CameraModel(np.array([0.0, 0.0, 1.6]), 0.0, 0.0, 35.0, 36.0, resolution_wh)
    w, h = resolution_wh
    cols = 6
    spots = [(6 + 4 * (k // cols), -3 + 1.2 * (k % cols)) for k in range(n_people)]
    objects, people = [], []
    ids = np.zeros((h, w), np.uint16)
    depth = np.full((h, w), np.inf, np.float32)
    for k, (x, y) in sorted(enumerate(spots), key=lambda kv: -kv[1][0]):  # far first
        v, t = cylinder(x, y)
        mask = rasterise_amodal(cam, [(v, t)]).mask
        ids[mask], depth[mask] = k + 1, x
        objects.append(
            ObjectGeometry(k + 1, "person", k, v, t, head_center_world=np.array([x, y, 1.62]))
        )
        people.append(Person(x_m=x, y_m=y))
    rgb = np.full((h, w, 3), 120, np.uint8)
    scene = Scene(people=people)
    return Frame(rgb, ids, depth, cam, sorted(objects, key=lambda o: o.instance_id)), scene


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=30)
    parser.add_argument("--resolution", default="1280x720")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    w, h = (int(v) for v in args.resolution.split("x"))
    frame, scene = synthetic_frame(args.people, (w, h))
    t_ann, t_write = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            ann = annotate_frame(frame, scene)
            t1 = time.perf_counter()
            write_scene_outputs(Path(tmp) / "scene", frame, scene, ann)
            t_write.append(time.perf_counter() - t1)
            t_ann.append(t1 - t0)
    tris = sum(len(o.triangles) for o in frame.objects)
    print("| resolution | people | triangles | annotate_frame s | write_scene_outputs s |")
    print("|---|---|---|---|---|")
    print(
        f"| {w}x{h} | {args.people} | {tris} | {statistics.median(t_ann):.3f} "
        f"| {statistics.median(t_write):.3f} |"
    )


if __name__ == "__main__":
    main()
