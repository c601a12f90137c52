"""CPU cost of building people (no render): 40 standing and walking people, default
outfit or with clothing drawn as the dataset sampler draws it.

    PYTHONPATH=src .venv/bin/python benchmarks/people_build.py [--clothed]

Run it with another checkout's `src` (without --clothed) for a before/after figure;
process CPU seconds, the minimum of --repeats builds, so a loaded machine inflates less.
"""

from __future__ import annotations

import argparse
import resource

import numpy as np

from twinflash.render import engine, people
from twinflash.render.context import BuildContext
from twinflash.scene.io import parse_scene
from twinflash.scene.sun import sun_state


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clothed", action="store_true")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    row = [
        {
            "x_m": float(i % 10) - 5,
            "y_m": float(i // 10) - 2,
            "heading_deg": float(rng.uniform(0, 360)),
            "pose": ["standing", "walking"][i % 2],
            "hair_style": ["short", "long", "bald", "bun"][i % 4],
        }
        for i in range(40)
    ]
    if args.clothed:
        from twinflash.datasets.sampler import draw_clothing

        row = [p | draw_clothing(rng, {}, p | {"age_group": "adult"}) for p in row]
    scene = parse_scene({"people": row})
    runs = []
    for _ in range(args.repeats):
        engine.reset_blender()
        ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
        start = _cpu_s()
        for i, p in enumerate(scene.people):
            people.build_person(ctx, p, i)
        runs.append(_cpu_s() - start)
    best = min(runs)
    kind = "clothed" if args.clothed else "default outfit"
    print(f"{kind}: 40 people built in {best:.2f} CPU s ({best / 40 * 1e3:.1f} ms/person)")


if __name__ == "__main__":
    main()
