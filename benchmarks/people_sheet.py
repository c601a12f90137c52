"""Contact sheet of the clothing and accessories of issue #17, from the front and the side.

    nice -n 10 .venv/bin/python benchmarks/people_sheet.py --out docs/img/people-clothing.png

One row of people (one outfit each, labelled) on a bare ground in sunlight, rendered
twice: facing the camera, then walking past it (side view). Also times the build of the
row against the same people in the default outfit (trousers, no accessories), so the cost
of the new geometry is measured in the same run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from twinflash.render import engine, people
from twinflash.render.camera import camera_model
from twinflash.render.context import BuildContext
from twinflash.scene.io import parse_scene
from twinflash.scene.models import Scene
from twinflash.scene.sun import sun_state

SPACING_M = 1.3
OUTFITS: list[tuple[str, dict[str, Any]]] = [
    ("default", {}),
    (
        "coat scarf beanie",
        {"outerwear": "coat", "scarf": True, "headwear": "beanie", "outerwear_color": "#6b5a44"},
    ),
    (
        "jacket shorts cap",
        {
            "outerwear": "jacket",
            "bottom": "shorts",
            "headwear": "cap",
            "outerwear_color": "#1d2a44",
        },
    ),
    (
        "dress, long hair, bag",
        {"bottom": "dress", "hair_style": "long", "bag": "shoulder_bag", "top_color": "#8e1b1b"},
    ),
    ("skirt, bob, hat", {"bottom": "skirt", "hair_style": "bob", "headwear": "hat"}),
    ("backpack, curly", {"bag": "backpack", "hair_style": "curly", "sleeves": "short"}),
    (
        "suitcase",
        {
            "bag": "suitcase",
            "outerwear": "jacket",
            "outerwear_color": "#6f7f8f",
            "bag_color": "#8e1b1b",
        },
    ),
    ("pushchair", {"pushchair": True, "bottom": "skirt", "hair_style": "bun"}),
]


def _people(heading: float, pose: str) -> list[dict[str, Any]]:
    n = len(OUTFITS)
    return [
        {
            "x_m": (i - (n - 1) / 2) * SPACING_M - (0.75 if fields.get("pushchair") else 0.0),
            "y_m": 0.0,
            "heading_deg": heading,
            "pose": pose,
            "skin_tone": 2 + (3 * i) % 9,
            "stride_phase": 0.3,
            **fields,
        }
        for i, (_, fields) in enumerate(OUTFITS)
    ]


def row_scene(heading: float, pose: str, size_wh: tuple[int, int], samples: int) -> Scene:
    return parse_scene(
        {
            "seed": 5,
            "place": {"road_width_m": 20.0, "sidewalk_width_m": 6.0},
            "light": {"local_time": "11:00:00"},
            "people": _people(heading, pose),
            "camera": {
                "x_m": 0.3,
                "y_m": -10.2,
                "height_m": 0.95,
                "yaw_deg": 90.0,
                "pitch_deg": 0.0,
                "focal_length_mm": 35.0,
                "resolution_wh": list(size_wh),
            },
            "quality": {"preset": "custom", "samples": samples, "denoise": True},
        }
    )


def build_seconds(fields_on: bool, repeats: int) -> float:
    """Seconds to build the row of people (no render), mean over `repeats`."""
    row = _people(-90.0, "walking")
    if not fields_on:
        row = [{k: p[k] for k in ("x_m", "y_m", "heading_deg", "pose", "skin_tone")} for p in row]
    scene = parse_scene({"people": row})
    total = 0.0
    for _ in range(repeats):
        engine.reset_blender()
        ctx = BuildContext(scene=scene, sun=sun_state(scene.light))
        start = time.perf_counter()
        for i, p in enumerate(scene.people):
            people.build_person(ctx, p, i)
        total += time.perf_counter() - start
    return total / repeats


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="contact sheet PNG")
    ap.add_argument("--size", default="1200x400", help="render size WxH of one row")
    ap.add_argument("--samples", type=int, default=16)
    ap.add_argument("--colors", type=int, default=160, help="palette size of the sheet")
    ap.add_argument("--repeats", type=int, default=3, help="build timings averaged over")
    args = ap.parse_args()
    n = len(OUTFITS)
    base, new = build_seconds(False, args.repeats), build_seconds(True, args.repeats)
    print(
        f"build of {n} people: default outfit {base * 1e3 / n:.1f} ms/person, "
        f"these outfits {new * 1e3 / n:.1f} ms/person ({new / base:.2f}x)"
    )
    engine.street.build_place = engine.street.build_bare_ground
    w, h = (int(v) for v in args.size.split("x"))
    rows = []
    for heading, pose in ((-90.0, "standing"), (0.0, "walking")):
        scene = row_scene(heading, pose, (w, h), args.samples)
        start = time.perf_counter()
        img = Image.fromarray(engine.render_scene(scene).rgb)
        print(f"row heading {heading:+.0f} {pose}: {time.perf_counter() - start:.1f} s")
        cam = camera_model(scene.camera)
        uv, _ = cam.project(np.array([[p.x_m, p.y_m, z] for p in scene.people for z in (0, 1.9)]))
        top, bottom = int(uv[:, 1].min()) - 4, int(uv[:, 1].max()) + 10
        rows.append(img.crop((0, max(0, top), w, min(h, bottom))))
    label_h = 14
    sheet = Image.new("RGB", (w, label_h + sum(r.height for r in rows)), "white")
    draw = ImageDraw.Draw(sheet)
    xs = uv[::2, 0]  # the walking row's people, where their feet are
    for (name, _), x in zip(OUTFITS, xs, strict=True):
        draw.text((int(x) - 3 * len(name), 1), name, fill="black")
    y = label_h
    for img in rows:
        sheet.paste(img, (0, y))
        y += img.height
    args.out.parent.mkdir(parents=True, exist_ok=True)
    sheet.quantize(args.colors).save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} kB)")


if __name__ == "__main__":
    main()
