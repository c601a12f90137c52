"""Recogniser throughput on this machine: ONNX Runtime vs PyTorch eager, and end to end.

    PYTHONPATH=src python benchmarks/recognise.py MODEL_DIR MANIFEST [--threads 2] [--repeat 3]

MODEL_DIR: a trained model (``flash train``); MANIFEST: a ``flash train`` CSV manifest with
plate corners (``benchmarks/clones.py`` writes ``trainval.csv``). Measures photos per
second for:

- the network alone on ready crops, batch 32: onnxruntime and PyTorch eager, same weights;
- decode (PNG/JPEG) + plate-anchored crop + network (plate corners known);
- the same with the plate read on the photo by the PlateReader (rapidocr), no corners.

The goal of issue #13: a year of French speed-camera photos (20 million) in a day on one
2-core machine, ~230 photos/s. Figures depend on the machine's load: run it alone.
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np


def rate(n: int, fn, repeat: int) -> float:
    """Best photos/s over `repeat` runs of `fn` (n photos each)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return n / best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model_dir", type=Path)
    ap.add_argument("manifest", type=Path)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=64)
    ap.add_argument("--ocr-limit", type=int, default=8)
    args = ap.parse_args()

    from twinflash.flash.recognise import Recogniser
    from twinflash.flash.recogniser.preprocess import read_image, to_input

    with args.manifest.open() as fh:
        rows = list(csv.DictReader(fh))[: args.limit]
    paths = [args.manifest.parent / r["path"] for r in rows]
    cols = ["tl_x", "tl_y", "tr_x", "tr_y", "br_x", "br_y", "bl_x", "bl_y"]
    corners = [np.array([float(r[c]) for c in cols]).reshape(4, 2) for r in rows]
    rec = Recogniser(args.model_dir, threads=args.threads)
    images = [read_image(p) for p in paths]
    crops = [rec.crop(img, q)[0] for img, q in zip(images, corners, strict=True)]
    n = len(crops)
    out = {"photos": n, "input_size": rec.card.input_size}
    out["onnx network"] = rate(n, lambda: rec.probabilities(crops), args.repeat)
    try:
        import torch

        from twinflash.flash.recogniser.backbone import build

        torch.set_num_threads(args.threads)
        model = build(len(rec.classes.classes), rec.card.input_size, pretrained=False)
        model.load_state_dict(torch.load(args.model_dir / "model.pt", weights_only=True))
        model.eval()

        def eager() -> None:
            with torch.no_grad():
                for i in range(0, n, 32):
                    model(torch.from_numpy(to_input(crops[i : i + 32], rec.card.input_size)))

        out["torch eager network"] = rate(n, eager, args.repeat)
    except ImportError:
        out["torch eager network"] = float("nan")

    def end_to_end() -> None:
        imgs = [read_image(p) for p in paths]
        rec.recognise(imgs, plate_corners=corners)

    out["decode+crop+onnx"] = rate(n, end_to_end, args.repeat)
    from twinflash.privacy.plates import PlateReader

    reader = PlateReader(threads=args.threads)
    m = min(n, args.ocr_limit)

    def with_reader() -> None:
        for p in paths[:m]:
            img = read_image(p)
            found = reader.read(img)
            if found:
                x0, y0, x1, y1 = found[0].xyxy
                q = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
                rec.recognise([img], plate_corners=[q])

    out["decode+plate reading+crop+onnx"] = rate(m, with_reader, 1)
    print("| stage | photos/s |\n|---|---|")
    for k, v in out.items():
        print(f"| {k} | {v:.1f} |" if isinstance(v, float) else f"| {k} | {v} |")


if __name__ == "__main__":
    main()
