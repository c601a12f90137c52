"""Render time of one street per weather and hour (full builders, no people or vehicles).

    .venv/bin/python benchmarks/weather_cost.py [--resolution 640x480] [--samples 16]

Prints one line per case: seconds for render_scene (build + beauty + exact passes) and the
mean image luminance. The machine's load average is printed too: figures taken on a busy
shared machine are upper bounds.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from twinflash.render.engine import render_scene
from twinflash.scene.io import parse_scene

CASES: dict[str, dict[str, dict[str, object]]] = {
    "clear noon": {"light": {"local_time": "13:30"}, "weather": {"kind": "clear"}},
    "overcast": {"light": {"local_time": "13:30"}, "weather": {"kind": "overcast"}},
    "fog 200 m": {
        "light": {"local_time": "10:00"},
        "weather": {"kind": "fog", "fog_visibility_m": 200},
    },
    "fog 30 m": {
        "light": {"local_time": "10:00"},
        "weather": {"kind": "fog", "fog_visibility_m": 30},
    },
    "rain 0.7": {
        "light": {"local_time": "13:30"},
        "weather": {"kind": "rain", "rain_intensity": 0.7, "wetness": 0.8},
    },
    "snow": {"light": {"date": "2026-01-15", "local_time": "12:30"}, "weather": {"kind": "snow"}},
    "night": {"light": {"local_time": "23:55"}, "weather": {"kind": "clear"}},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resolution", default="640x480")
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--only", nargs="*", default=None, help="case names to run")
    args = parser.parse_args()
    w, h = (int(v) for v in args.resolution.split("x"))
    print(f"load average before: {os.getloadavg()[0]:.1f}; {w}x{h}, {args.samples} samples")
    for name, case in CASES.items():
        if args.only and name not in args.only:
            continue
        scene = parse_scene(
            {
                "seed": 7,
                **case,
                "camera": {
                    "x_m": -20,
                    "y_m": -1.5,
                    "height_m": 1.7,
                    "pitch_deg": 3,
                    "focal_length_mm": 28,
                    "resolution_wh": [w, h],
                },
                "quality": {"preset": "custom", "samples": args.samples},
            }
        )
        start = time.perf_counter()
        frame = render_scene(scene)
        seconds = time.perf_counter() - start
        luma = float((frame.rgb.astype(float) @ np.array([0.2126, 0.7152, 0.0722])).mean())
        print(
            f"{name:12s} {seconds:6.1f} s  mean luma {luma:5.1f}  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
