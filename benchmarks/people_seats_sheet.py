"""Picture of the five seats a sitting person may use (issue #17), for docs/people.md.

    nice -n 10 .venv/bin/python benchmarks/people_seats_sheet.py --out docs/img/people-seats.png

One row of people sitting at the edge of a street's sidewalk, facing the road at an angle,
seen from across the road: on the builder's stone block, a slatted bench, a bistro café
chair (its table beside it), stone steps and the curb (feet in the gutter). Prints each
body's lowest point (the soles: 0.15 m on the sidewalk, 0.31 m on the steps' first step,
0.00 m in the gutter) and the render time, so a floating or sunken body shows too.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from twinflash.render import engine
from twinflash.render.camera import camera_model
from twinflash.render.people_seats import CURB_AHEAD_M
from twinflash.scene.io import parse_scene
from twinflash.scene.models import Scene

SEATS = ("block", "bench", "cafe_chair", "steps", "curb")
SPACING_M = 2.1
ROAD_W_M = 8.0
HEADING_DEG = -65.0  # towards the road (-y), turned a little to show the seats' sides
BACK_M = {"block": 0.3, "bench": 0.3, "cafe_chair": 0.6, "steps": 1.0}  # from the curb


def seats_scene(size_wh: tuple[int, int], samples: int) -> Scene:
    edge = ROAD_W_M / 2 + CURB_AHEAD_M  # the hips just behind the curb's face
    people = [
        {
            "x_m": (i - 2) * SPACING_M,
            "y_m": edge + BACK_M.get(seat, 0.0),
            "heading_deg": -90.0 if seat == "curb" else HEADING_DEG,  # square to the curb
            "pose": "sitting",
            "seat": seat,
            "skin_tone": 1 + 2 * i,
            "top_color": ("#3a5f8a", "#8e1b1b", "#5a6b3a", "#6b5a44", "#d0c8b0")[i],
            "bottom": "skirt" if seat == "cafe_chair" else "trousers",
            "hair_style": ("short", "long", "bun", "curly", "short")[i],
        }
        for i, seat in enumerate(SEATS)
    ]
    return parse_scene(
        {
            "seed": 5,
            "place": {"road_width_m": ROAD_W_M, "sidewalk_width_m": 5.0, "trees": False},
            "light": {"local_time": "11:00:00"},
            "people": people,
            "camera": {
                "x_m": 0.0,
                "y_m": -2.5,
                "height_m": 1.9,
                "yaw_deg": 90.0,
                "pitch_deg": 14.0,
                "focal_length_mm": 24.0,
                "resolution_wh": list(size_wh),
            },
            "quality": {"preset": "custom", "samples": samples, "denoise": True},
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="picture PNG")
    ap.add_argument("--size", default="960x440", help="render size WxH")
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--colors", type=int, default=128, help="palette size of the picture")
    args = ap.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    scene = seats_scene((w, h), args.samples)
    start = time.perf_counter()
    frame = engine.render_scene(scene)
    print(f"render {w}x{h}, {args.samples} samples: {time.perf_counter() - start:.1f} s")
    for seat, obj in zip(SEATS, frame.objects, strict=True):
        print(f"{seat:>10}: lowest z {obj.vertices_world[:, 2].min():+.4f} m")
    img = Image.fromarray(frame.rgb)
    draw = ImageDraw.Draw(img)
    cam = camera_model(scene.camera)
    curb_y = ROAD_W_M / 2 - 0.35
    uv, _ = cam.project(np.array([[p.x_m, curb_y, 0.0] for p in scene.people]))
    for seat, (u, v) in zip(SEATS, uv, strict=True):
        draw.text((int(u) - 3 * len(seat), min(h - 12, int(v))), seat, fill="white")
    span, _ = cam.project(np.array([[0.0, ROAD_W_M / 2 + 1.0, 1.6], [0.0, curb_y, 0.0]]))
    img = img.crop((0, max(0, int(span[0, 1])), w, min(h, int(span[1, 1]) + 14)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(args.colors).save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
