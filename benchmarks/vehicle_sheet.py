"""Contact sheet of every catalog model as the speed camera sees it, by day and by night.

    nice -n 10 .venv/bin/python benchmarks/vehicle_sheet.py \\
        --out docs/img/vehicle-fronts.png --crop 0.7 --colors 128

Each model is flashed by the `speed_camera` preset (street replaced by nothing, so every
pixel is the vehicle builder's) at --size and --samples; renders are cached as PNGs in
--cache keyed by model, light and size, so a rerun only renders what is missing (clear the
cache after changing the builder). Prints the render seconds per view.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from PIL import Image, ImageDraw

from twinflash.render import engine
from twinflash.scene.catalog import vehicle_models
from twinflash.scene.io import parse_scene

LIGHTS = {"day": "14:00:00", "night": "23:30:00"}


def render_view(model: str, light: str, size_wh: tuple[int, int], samples: int) -> Image.Image:
    """One flashed view of `model` (grey paint, plate AB-123-CD)."""
    scene = parse_scene(
        {
            "seed": 3,
            "light": {"local_time": LIGHTS[light]},
            "vehicles": [
                {
                    "model": model,
                    "x_m": 0.0,
                    "y_m": -2.0,
                    "color": "#8a9096",
                    "plate_text": "AB-123-CD",
                }
            ],
            "camera": {"preset": "speed_camera", "resolution_wh": list(size_wh)},
            "quality": {"preset": "custom", "samples": samples, "denoise": True},
        }
    )
    return Image.fromarray(engine.render_scene(scene).rgb)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, required=True, help="contact sheet PNG")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/vehicle_sheet"))
    ap.add_argument("--size", default="240x180", help="render size WxH")
    ap.add_argument("--samples", type=int, default=8)
    ap.add_argument("--models", help="comma-separated keys (default: the whole catalog)")
    ap.add_argument("--light", action="append", choices=sorted(LIGHTS), help="default: both")
    ap.add_argument("--crop", type=float, default=1.0, help="keep this central fraction")
    ap.add_argument("--colors", type=int, default=192, help="palette size of the sheet")
    args = ap.parse_args()
    engine.street.build_place = lambda ctx: None
    rw, rh = (int(v) for v in args.size.split("x"))
    w, h = round(rw * args.crop), round(rh * args.crop)
    box = ((rw - w) // 2, (rh - h) // 2, (rw - w) // 2 + w, (rh - h) // 2 + h)
    models = args.models.split(",") if args.models else list(vehicle_models())
    lights = args.light or list(LIGHTS)
    args.cache.mkdir(parents=True, exist_ok=True)
    cols = min(4, len(models))
    rows = -(-len(models) // cols)
    sheet = Image.new("RGB", (cols * w * len(lights), rows * (h + 14)), "white")
    draw = ImageDraw.Draw(sheet)
    for i, model in enumerate(models):
        for j, light in enumerate(lights):
            path = args.cache / f"{model}_{light}_{rw}x{rh}_{args.samples}.png"
            if not path.is_file():
                start = time.perf_counter()
                render_view(model, light, (rw, rh), args.samples).save(path)
                print(f"{model:20s} {light:5s} {time.perf_counter() - start:6.1f} s", flush=True)
            x, y = ((i % cols) * len(lights) + j) * w, (i // cols) * (h + 14)
            sheet.paste(Image.open(path).convert("RGB").crop(box), (x, y + 14))
        draw.text(((i % cols) * len(lights) * w + 4, (i // cols) * (h + 14) + 1), model,
                  fill="black")  # fmt: skip
    small = sheet.quantize(colors=args.colors, method=Image.Quantize.MEDIANCUT)
    small.save(args.out, optimize=True)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
