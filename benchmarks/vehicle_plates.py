"""Plate readability in speed-camera views: rapidocr on the rendered front plate, per model.

Run: .venv/bin/python benchmarks/vehicle_plates.py [--no-street] [--models a,b,...] [--save-dir D]
Renders each model flashed by the `speed_camera` preset at 1280x720 (draft quality) and
prints the plate height in pixels, what the OCR read, and whether it equals the plate.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from twinflash.flash.plates import canonical_siv
from twinflash.render import engine
from twinflash.scene.io import parse_scene

MODELS = "renault_clio_5,peugeot_3008_2,renault_kangoo_3,renault_master_3,tesla_model_3,fiat_500"


def read_plate(rgb: np.ndarray, corners_uv: np.ndarray) -> list[str]:
    """OCR texts in a crop around the projected plate, padded (tight crops split the text)."""
    from rapidocr import RapidOCR

    (x0, y0), (x1, y1) = corners_uv.min(0), corners_uv.max(0)
    mx, my = 0.25 * (x1 - x0), 0.6 * (y1 - y0)
    h, w = rgb.shape[:2]
    crop = rgb[
        int(max(0, y0 - my)) : int(min(h, y1 + my)), int(max(0, x0 - mx)) : int(min(w, x1 + mx))
    ]
    result = RapidOCR()(np.ascontiguousarray(crop))
    return list(getattr(result, "txts", None) or ())


def _canonical(text: str) -> str | None:
    try:
        return canonical_siv(text)
    except ValueError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default=MODELS)
    parser.add_argument("--no-street", action="store_true")
    parser.add_argument("--save-dir", help="write each rendered view there as <model>.png")
    args = parser.parse_args()
    if args.no_street:
        engine.street.build_place = lambda ctx: None
    print(f"{'model':18s} {'plate':10s} {'height_px':>9s} {'render_s':>8s} ok  ocr")
    hits = 0
    models = args.models.split(",")
    for i, model in enumerate(models):
        scene = parse_scene(
            {
                "seed": i,
                "vehicles": [{"model": model, "x_m": 0.0, "y_m": -2.0}],
                "camera": {"preset": "speed_camera", "resolution_wh": [1280, 720]},
            }
        )
        start = time.perf_counter()
        frame = engine.render_scene(scene)
        seconds = time.perf_counter() - start
        plate = next(o for o in frame.objects if o.kind == "license_plate")
        uv, _ = frame.camera.project(plate.plate_corners_world)
        texts = read_plate(frame.rgb, uv)
        ok = plate.plate_text in [_canonical(t) for t in texts]
        hits += ok
        height = np.linalg.norm(uv[0] - uv[3])
        if args.save_dir:
            from PIL import Image

            Image.fromarray(frame.rgb).save(f"{args.save_dir}/{model}.png")
        verdict = "yes" if ok else "NO "
        print(f"{model:18s} {plate.plate_text:10s} {height:9.1f} {seconds:8.0f} {verdict} {texts}")
    print(f"read exactly: {hits}/{len(models)}")


if __name__ == "__main__":
    main()
