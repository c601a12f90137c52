"""What Cycles' world importance map costs a daylight render, whatever its size.

    PYTHONPATH=src .venv/bin/python benchmarks/sky_map_cost.py [--resolution 32x24] [--repeats 3]

Renders the default street at 13:00 (no people, no vehicles) at a tiny size, with the
world's sampling map as twinflash sets it and with it off
(`world.cycles.sampling_method = "NONE"`), alternating, and prints the process CPU
seconds of each `render_scene` (build, beauty and exact passes). The difference is the
map: Cycles evaluates the sky over it before every render. Turning it off changes every
image's noise, so it is measured here, not changed.
"""

from __future__ import annotations

import argparse
import resource
import statistics

import bpy

from twinflash.render import engine
from twinflash.render.context import BuildContext, Built
from twinflash.scene.io import parse_scene


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--resolution", default="32x24")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    w, h = (int(v) for v in args.resolution.split("x"))
    scene = parse_scene(
        {
            "light": {"local_time": "13:00"},
            "quality": {"preset": "custom", "samples": 4, "denoise": False},
            "camera": {"preset": "pedestrian", "resolution_wh": [w, h]},
        }
    )
    build = engine.build_world
    map_off = False

    def build_then_set_map(ctx: BuildContext) -> list[Built]:
        built = build(ctx)
        if map_off:
            bpy.context.scene.world.cycles.sampling_method = "NONE"
        return built

    engine.build_world = build_then_set_map
    cpu: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.repeats):
        for map_off in (False, True):
            start = _cpu_s()
            engine.render_scene(scene)
            cpu[map_off].append(_cpu_s() - start)
    on, off = statistics.median(cpu[False]), statistics.median(cpu[True])
    print(f"{w}x{h} daylight street, median of {args.repeats} (process CPU-s per render):")
    print(f"  sampling map on (as shipped): {on:.2f}   off: {off:.2f}   the map: {on - off:.2f}")


if __name__ == "__main__":
    main()
