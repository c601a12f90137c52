"""Recogniser accuracy on a demo folder's renders: training recipes side by side (issue #13).

    PYTHONPATH=src python benchmarks/recogniser_accuracy.py /tmp/fd/demo \\
        --recipe head96 --recipe whole96-e40

Each recipe trains on the demo's train photos (early stopping and temperature on its val
photos), then is scored with onnxruntime on the held-out photos (the demo's cal and test
splits: never seen in training): top-1 at the model, make and body level, overall and by
condition, and the model-level confusion matrix (rows: the vehicle on the photo, columns:
the recogniser's top answer). Models are written under ``DEMO/recipes/<recipe>`` and reused
when rerun. Prints Markdown for docs/benchmarks.md. Small samples: read the n.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from twinflash.clonedemo.photos import Photo, rendered_photos, write_train_manifest

# name -> (input size, train the backbone too, augmentation strength (1 = the default),
# epochs max, patience). An epoch is as many draws as train photos: 30 in the demo, two
# batches of 16, so 12 epochs are only 24 steps.
RECIPES: dict[str, tuple[int, bool, float, int, int]] = {
    "head96": (96, False, 1.0, 12, 4),  # the demo until now: last layer only, 24 steps
    "head96-e40": (96, False, 1.0, 40, 10),
    "head96-e60": (96, False, 1.0, 60, 12),
    "head96-e60-light": (96, False, 0.5, 60, 12),
    "whole96": (96, True, 1.0, 12, 4),  # every layer, the backbone at 1/10 the head's rate
    "whole96-e40": (96, True, 1.0, 40, 10),
    "whole96-e40-light": (96, True, 0.5, 40, 10),
    "whole128-e40": (128, True, 1.0, 40, 10),
}


def fit(root: Path, photos: list[Photo], name: str) -> tuple[Path, dict]:
    """Train one recipe (reused if its card exists); (model dir, val accuracy). Its
    wall and CPU seconds go to ``train_seconds.json`` beside the model."""
    from twinflash.flash.recogniser.augment import AugmentConfig
    from twinflash.flash.recogniser.fit import FitConfig
    from twinflash.flash.recogniser.train import train

    model_dir = root / "recipes" / name
    card = model_dir / "card.json"
    if card.is_file():
        doc = json.loads(card.read_text())
        return model_dir, doc["metrics"]["val_accuracy"]
    size, whole, strength, epochs, patience = RECIPES[name]
    a = AugmentConfig()
    aug = replace(a, p_infrared=a.p_infrared * strength, p_glare=a.p_glare * strength,
                  p_motion_blur=a.p_motion_blur * strength, p_noise=a.p_noise * strength,
                  p_jpeg=a.p_jpeg * strength, max_shift=a.max_shift * strength)  # fmt: skip
    manifest = root / f"recipe_{name}.csv"  # photo paths are relative to the demo folder
    write_train_manifest(manifest, [p for p in photos if p.split in ("train", "val")], None)
    cfg = FitConfig(input_size=size, epochs=epochs, batch_size=16, lr=3e-3, patience=patience,
                    train_backbone=whole, augment=aug, seed=0)  # fmt: skip
    t0, c0 = time.perf_counter(), time.process_time()
    out = train(manifest, model_dir, cfg)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    (model_dir / "train_seconds.json").write_text(json.dumps({"wall": wall, "cpu": cpu}))
    return model_dir, out.metrics["val_accuracy"]


def score(root: Path, model_dir: Path, held: list[Photo]) -> dict:
    """Top-1 by level and condition, and the model-level confusion counts."""
    from twinflash.flash.recognise import Recogniser
    from twinflash.flash.recogniser.preprocess import read_image

    rec = Recogniser(model_dir, threads=2)
    hits: Counter = Counter()
    n: Counter = Counter()
    confusion: Counter = Counter()
    for p in held:
        image = read_image(root / p.path)
        answer = rec.recognise([image], plate_corners=[np.array(p.corners_xy)], top_k=1)[0]
        make, model = answer.models[0].label.split(" | ")
        from twinflash.clonedemo.registry import body

        truth = {"model": (p.make, p.model), "make": p.make, "body": body(p.make, p.model)}
        got = {"model": (make, model), "make": make, "body": answer.bodies[0].label}
        for group in ("all", p.condition):
            n[group] += 1
            for level in truth:
                hits[(group, level)] += truth[level] == got[level]
        confusion[(p.model, model)] += 1
    acc = {g: {lv: hits[(g, lv)] / n[g] for lv in ("model", "make", "body")} for g in n}
    return {"n": dict(n), "top1": acc, "confusion": confusion}


def confusion_table(confusion: Counter, models: list[str]) -> str:
    head = "| photo \\ answer | " + " | ".join(models) + " |"
    rows = [head, "|" + "---|" * (len(models) + 1)]
    for t in models:
        rows.append(f"| {t} | " + " | ".join(str(confusion[(t, g)]) for g in models) + " |")
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("demo", type=Path, help="a demo folder (twinflash flash demo --out)")
    ap.add_argument("--recipe", action="append", choices=sorted(RECIPES), required=True)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(2)
    photos = rendered_photos(args.demo)
    held = [p for p in photos if p.split in ("cal", "test")]
    models = sorted({p.model for p in photos})
    counts = Counter(p.split for p in photos)
    print(f"{len(photos)} photos: {dict(counts)}; held out (cal + test): {len(held)}")
    for name in args.recipe:
        model_dir, val = fit(args.demo, photos, name)
        secs = json.loads((model_dir / "train_seconds.json").read_text())
        s = score(args.demo, model_dir, held)
        card = json.loads((model_dir / "card.json").read_text())
        print(f"\n### {name} (training {secs['wall']:.0f} s wall, {secs['cpu']:.0f} s CPU, "
              f"best epoch {card['metrics'].get('best_epoch')})\n")  # fmt: skip
        print("val top-1: " + ", ".join(f"{k} {v:.2f}" for k, v in val.items()))
        for group, acc in s["top1"].items():
            print(f"held-out top-1, {group} (n={s['n'][group]}): "
                  + ", ".join(f"{k} {v:.2f}" for k, v in acc.items()))  # fmt: skip
        print()
        print(confusion_table(s["confusion"], models))


if __name__ == "__main__":
    main()
