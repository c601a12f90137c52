"""Print the cost of an OSM place: reading and resolving an extract, and building it in
Blender, as ratios to the procedural street (the baseline).

    PYTHONPATH=src .venv/bin/python benchmarks/osm_place.py [--blocks 1,25,100]

A synthetic city of N blocks (a grid of 2-lane streets 60 m apart, four buildings per
block, a tree and a lamp per block side) is written as OSM XML; each size is read,
projected and resolved (radius 150 m), then the place is built in Blender (no render).
Process CPU seconds are printed too: on a shared machine they are the better estimate.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.scene.osm_xml import CENTRE, Building, Crossroads, write_osm

from twinflash.scene.io import parse_scene

CAMERA = {"x_m": 5.0, "y_m": 5.0, "height_m": 40.0, "pitch_deg": 60.0, "yaw_deg": 45.0}


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def grid_city(blocks: int) -> Crossroads:
    """sqrt(blocks)^2 blocks of 60 m; streets on the block edges; buildings in each block."""
    n = max(1, round(blocks**0.5))
    half = n * 30.0
    c = Crossroads()
    for k in range(n + 1):
        at = -half + 60.0 * k
        c.roads.append(([(-half, at), (half, at)], {"highway": "residential"}))
        c.roads.append(([(at, -half), (at, half)], {"highway": "residential"}))
    for i in range(n):
        for j in range(n):
            x0, y0 = -half + 60.0 * i + 9.0, -half + 60.0 * j + 9.0
            for bx, by in ((0, 0), (22, 0), (0, 22), (22, 22)):
                a, b = x0 + bx, y0 + by
                square = [(a, b), (a + 20, b), (a + 20, b + 20), (a, b + 20)]
                c.buildings.append(Building(square, {"building": "yes"}, None))
            c.points.append((x0 - 4.5, y0 + 10.0, {"natural": "tree"}))
            c.points.append((x0 + 10.0, y0 - 4.5, {"highway": "street_lamp"}))
    return c


def _time(fn: object) -> tuple[float, float, object]:
    t0, c0 = time.perf_counter(), _cpu_s()
    out = fn()  # type: ignore[operator]
    return time.perf_counter() - t0, _cpu_s() - c0, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", default="1,25,100")
    args = parser.parse_args()
    import bpy  # noqa: F401  (loaded before timing)

    from twinflash.render import street
    from twinflash.render.context import BuildContext
    from twinflash.render.engine import reset_blender
    from twinflash.scene.sun import sun_state

    def build(scene: object) -> None:
        reset_blender(1)
        street.build_place(BuildContext(scene=scene, sun=sun_state(scene.light)))  # type: ignore[attr-defined]

    base_res, _, base = _time(lambda: parse_scene({"camera": CAMERA}))
    base_build, base_cpu, _ = _time(lambda: build(base))
    print(f"baseline procedural street: resolve {base_res * 1000:.1f} ms, "
          f"build {base_build:.2f} s ({base_cpu:.2f} CPU s)")  # fmt: skip
    print("blocks  buildings  resolve_s  build_s  build_cpu_s  build/baseline")
    with tempfile.TemporaryDirectory() as tmp:
        for blocks in (int(b) for b in args.blocks.split(",")):
            path = write_osm(Path(tmp) / f"grid{blocks}.osm", grid_city(blocks))
            place = {"kind": "osm", "extract": str(path), "centre": list(CENTRE), "radius_m": 150}
            res_s, _, scene = _time(lambda p=place: parse_scene({"place": p, "camera": CAMERA}))
            b_s, b_cpu, _ = _time(lambda s=scene: build(s))
            n = len(scene.place.map.buildings)  # type: ignore[attr-defined]
            ratio = b_s / base_build
            print(f"{blocks:6d}  {n:9d}  {res_s:9.2f}  {b_s:7.2f}  {b_cpu:11.2f}  {ratio:14.2f}")


if __name__ == "__main__":
    main()
