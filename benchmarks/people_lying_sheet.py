"""Picture of the four lying poses (issue #17), for docs/people.md.

    nice -n 10 .venv/bin/python benchmarks/people_lying_sheet.py --out docs/img/people-lying.png

One row of people lying along +x (head towards +x) on a bare ground in sunlight, seen
from above and to the side: on the back, on the side (recovery position), face down,
curled. Prints each body's lowest point and render time, so a floating or sunken body
shows in the output too.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from twinflash.render import engine
from twinflash.render.camera import camera_model
from twinflash.scene.io import parse_scene
from twinflash.scene.models import Scene

POSES = ("back", "side", "face_down", "curled")
SPACING_M = 2.2


def lying_scene(size_wh: tuple[int, int], samples: int) -> Scene:
    people = [
        {
            "x_m": (i - 1.5) * SPACING_M - 0.85,
            "y_m": 0.0,
            "heading_deg": 0.0,
            "pose": "lying",
            "lying_pose": pose,
            "skin_tone": 2 + 2 * i,
            "top_color": ("#3a5f8a", "#8e1b1b", "#5a6b3a", "#6b5a44")[i],
        }
        for i, pose in enumerate(POSES)
    ]
    return parse_scene(
        {
            "seed": 5,
            "place": {"road_width_m": 20.0, "sidewalk_width_m": 6.0},
            "light": {"local_time": "11:00:00"},
            "people": people,
            "camera": {
                "x_m": 0.0,
                "y_m": -6.0,
                "height_m": 2.6,
                "yaw_deg": 90.0,
                "pitch_deg": 22.0,
                "focal_length_mm": 24.0,
                "resolution_wh": list(size_wh),
            },
            "quality": {"preset": "custom", "samples": samples, "denoise": True},
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="picture PNG")
    ap.add_argument("--size", default="800x300", help="render size WxH")
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--colors", type=int, default=128, help="palette size of the picture")
    args = ap.parse_args()
    engine.street.build_place = engine.street.build_bare_ground
    w, h = (int(v) for v in args.size.split("x"))
    scene = lying_scene((w, h), args.samples)
    start = time.perf_counter()
    frame = engine.render_scene(scene)
    print(f"render {w}x{h}, {args.samples} samples: {time.perf_counter() - start:.1f} s")
    for pose, obj in zip(POSES, frame.objects, strict=True):
        print(f"{pose:>9}: lowest z {obj.vertices_world[:, 2].min():+.4f} m")
    img = Image.fromarray(frame.rgb)
    draw = ImageDraw.Draw(img)
    cam = camera_model(scene.camera)
    uv, _ = cam.project(np.array([[p.x_m + 0.85, p.y_m - 0.9, 0.0] for p in scene.people]))
    for pose, (u, v) in zip(POSES, uv, strict=True):
        draw.text((int(u) - 3 * len(pose), min(h - 12, int(v))), pose, fill="white")
    span, _ = cam.project(np.array([[0.0, 1.0, 0.6], [0.0, -0.9, 0.0]]))  # row and labels
    img = img.crop((0, max(0, int(span[0, 1])), w, min(h, int(span[1, 1]) + 14)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(args.colors).save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
