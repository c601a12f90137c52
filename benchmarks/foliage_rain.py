"""Cost of the leaf-card tree crowns and of the day-time rain: this tree against a baseline.

    .venv/bin/python benchmarks/foliage_rain.py [--baseline main] [--resolution 480x270]
        [--samples 16] [--cases sunny,rain_day,rain_night] [--threads 1]
        (other cases: snow, boulevard_night)

Each case renders an example scene in a fresh process, once with the baseline's source
(`git archive BASELINE src`, extracted to a temporary folder) and once with this
checkout's, alternating, in the same run: build, beauty and exact-pass wall seconds, the
process CPU seconds and the faces Blender holds. On a shared machine the CPU seconds are
the steadier figure; the load average is printed before each pair.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES = {  # scene file, overrides
    "sunny": ("examples/scenes/sunny_street.yaml", {}),
    "rain_day": ("examples/scenes/rainy_night.yaml", {"light": {"local_time": "13:30:00"}}),
    "rain_night": ("examples/scenes/rainy_night.yaml", {}),
    # issue #17, street details: bare trees in snow, masts on a boulevard
    "snow": ("examples/scenes/sunny_street.yaml", {"weather": {"kind": "snow"}}),
    "boulevard_night": ("examples/scenes/boulevard_night.yaml", {}),
}
CHILD = """
import json, resource, sys
import bpy, yaml
from twinflash.scene.io import parse_scene
from twinflash.render.engine import render_scene
raw = yaml.safe_load(open(sys.argv[1]))
for section, values in json.loads(sys.argv[2]).items():
    raw.setdefault(section, {}).update(values)
w, h = map(int, sys.argv[3].split("x"))
raw["camera"]["resolution_wh"] = [w, h]
raw["quality"] = {"preset": "custom", "samples": int(sys.argv[4]), "denoise": True}
threads = int(sys.argv[5]) or None
frame = render_scene(parse_scene(raw), threads=threads)
r = resource.getrusage(resource.RUSAGE_SELF)
faces = sum(len(o.data.polygons) for o in bpy.data.objects if o.type == "MESH")
print("RESULT " + json.dumps({**frame.timings_s, "cpu": r.ru_utime + r.ru_stime, "faces": faces}))
"""


def _baseline_src(ref: str, into: Path) -> Path:
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def _run(src: Path, case: str, resolution: str, samples: int, threads: int) -> dict[str, float]:
    scene_file, overrides = CASES[case]
    env = {**os.environ, "PYTHONPATH": str(src)}
    args = [str(ROOT / scene_file), json.dumps(overrides), resolution, str(samples), str(threads)]
    out = subprocess.run(
        [sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")]
    if out.returncode != 0 or not lines:
        sys.exit(f"{case} ({src}): render failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(lines[-1][7:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="main", help="git ref to compare against")
    parser.add_argument("--resolution", default="480x270")
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--cases", default="sunny,rain_day,rain_night")
    parser.add_argument("--threads", type=int, default=0, help="Cycles threads (0: all)")
    args = parser.parse_args()
    cases = args.cases.split(",")
    if unknown := set(cases) - set(CASES):
        sys.exit(f"--cases: unknown {sorted(unknown)}; known: {sorted(CASES)}")
    print(f"cores={os.cpu_count()} {args.resolution} {args.samples} spp, baseline={args.baseline}")
    print("| case | source | build s | beauty s | passes s | CPU s | faces |")
    print("|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        sides = {args.baseline: _baseline_src(args.baseline, Path(tmp)), "this": ROOT / "src"}
        for case in cases:
            print(f"<!-- load {os.getloadavg()[0]:.1f} -->", flush=True)
            for name, src in sides.items():
                r = _run(src, case, args.resolution, args.samples, args.threads)
                print(
                    f"| {case} | {name} | {r['build']:.2f} | {r['image']:.1f} | "
                    f"{r['passes']:.1f} | {r['cpu']:.1f} | {int(r['faces'])} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
