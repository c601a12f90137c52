"""Seconds per image for the beauty pass and the exact annotation pass, and peak memory,
for each example scene at 640x480 (each scene in a fresh process, so peaks do not mix).

    .venv/bin/python benchmarks/render.py [--resolution 640x480] [--scenes examples/scenes]

Prints a Markdown table; record it in docs/benchmarks.md with the date and machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, resource, sys, time
from pathlib import Path
from twinflash.pipeline import load_scene_with_overrides
from twinflash.render.engine import render_scene
from twinflash.annotate import annotate_frame
w, h = map(int, sys.argv[2].split("x"))
scene = load_scene_with_overrides(Path(sys.argv[1]), (w, h))
frame = render_scene(scene)
t = time.perf_counter()
annotate_frame(frame, scene)
annotate_s = time.perf_counter() - t
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
counts = {"people": len(scene.people), "vehicles": len(scene.vehicles)}
result = {**frame.timings_s, **counts, "annotate": annotate_s, "peak_rss_mb": peak_mb}
print("RESULT " + json.dumps({**result, "samples": scene.quality.samples}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", default="640x480")
    parser.add_argument(
        "--scenes", type=Path, default=Path(__file__).parents[1] / "examples" / "scenes"
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}, resolution {args.resolution}"
    )
    columns = [
        "scene",
        "people",
        "vehicles",
        "samples",
        "build s",
        "image pass s",
        "annotation pass s",
        "annotate s",
        "peak RSS MB",
    ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for path in sorted(args.scenes.glob("*.yaml")):
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), args.resolution],
            capture_output=True,
            text=True,
        )
        line = next((x for x in proc.stdout.splitlines() if x.startswith("RESULT ")), None)
        if line is None:
            print(f"| {path.stem} | failed: {proc.stderr.strip().splitlines()[-1:]} |")
            continue
        r = json.loads(line.removeprefix("RESULT "))
        cells = [path.stem, r["people"], r["vehicles"], r["samples"]]
        cells += [f"{r[k]:.2f}" for k in ("build", "image", "passes", "annotate")]
        cells.append(f"{r['peak_rss_mb']:.0f}")
        print("| " + " | ".join(map(str, cells)) + " |")


if __name__ == "__main__":
    main()
