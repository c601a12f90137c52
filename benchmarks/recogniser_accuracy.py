"""Recogniser accuracy on a demo folder's renders: training recipes side by side (issue #13).

    PYTHONPATH=src python benchmarks/recogniser_accuracy.py /tmp/fd/demo \\
        --recipe head96 --recipe whole96-e40
    PYTHONPATH=src python benchmarks/recogniser_accuracy.py /tmp/fd/demo \\
        --recipe head96 --train-per-model 6 --train-per-model 9 --train-per-model 12

Each recipe trains on the demo's train photos (early stopping and temperature on its val
photos), then is scored with onnxruntime on the held-out photos (the demo's cal and test
splits: never seen in training): top-1 at the model, make and body level, overall and by
condition, and the model-level confusion matrix (rows: the vehicle on the photo, columns:
the recogniser's top answer). Models are written under ``DEMO/recipes/<recipe>`` and reused
when rerun. Prints Markdown for docs/benchmarks.md. Small samples: read the n.

``--train-per-model N`` (repeatable): the data-volume curve. Each recipe is trained again
on the first N train photos of each model only (round by round, so every condition
stays in), under ``DEMO/recipes/<recipe>-n<N>``; val and held-out photos are the same for
every N, so the rows differ only by the training photos.

``--baseline OLD``: the same recipes, the same N and the same layout on another folder's
renders (e.g. the same scenes rendered by an older commit: the vehicles before their
identity parts, or the train photos at 192x144 where DEMO's are 400x300), run first, so
the two are compared in one run; ``--baseline-recipe`` gives the baseline its own recipes
(default: the same); ``--labels`` names the two. With a baseline, every row is also
paired with the first (photos only one of them gets right, exact McNemar p).
``--confusion-png`` draws every model-level confusion matrix of the run side by side.
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
    # at the checked photos' size (issue #17): inputs where a grille or a lamp is many pixels
    "head160": (160, False, 1.0, 12, 4),
    "head224": (224, False, 1.0, 12, 4),
    "head224-e30": (224, False, 1.0, 30, 8),
    "whole160": (160, True, 1.0, 12, 4),
    "whole224": (224, True, 1.0, 12, 4),
}


def first_per_model(photos: list[Photo], n: int | None) -> list[Photo]:
    """The train photos cut to the first `n` of each model (by round, then condition);
    every other split kept whole. `n` None: all of them."""
    if n is None:
        return photos
    train = sorted((p for p in photos if p.split == "train"),
                   key=lambda p: (int(p.name.rpartition("_")[2]), p.condition))  # fmt: skip
    kept: list[Photo] = []
    for vehicle in sorted({p.vehicle for p in train}):
        mine = [p for p in train if p.vehicle == vehicle]
        if len(mine) < n:
            raise SystemExit(f"{vehicle}: {len(mine)} train photos rendered, {n} asked")
        kept += mine[:n]
    return [p for p in photos if p.split != "train"] + kept


def fit(root: Path, photos: list[Photo], name: str, per_model: int | None = None
        ) -> tuple[Path, dict]:  # fmt: skip
    """Train one recipe (reused if its card exists) on `photos` cut to `per_model` train
    photos per model; (model dir, val accuracy). Its wall and CPU seconds (this process
    and its children) go to ``train_seconds.json`` beside the model."""
    from twinflash.flash.recogniser.augment import AugmentConfig
    from twinflash.flash.recogniser.fit import FitConfig
    from twinflash.flash.recogniser.train import train

    tag = name if per_model is None else f"{name}-n{per_model}"
    model_dir = root / "recipes" / tag
    card = model_dir / "card.json"
    if card.is_file():
        doc = json.loads(card.read_text())
        return model_dir, doc["metrics"]["val_accuracy"]
    size, whole, strength, epochs, patience = RECIPES[name]
    a = AugmentConfig()
    aug = replace(a, p_infrared=a.p_infrared * strength, p_glare=a.p_glare * strength,
                  p_motion_blur=a.p_motion_blur * strength, p_noise=a.p_noise * strength,
                  p_jpeg=a.p_jpeg * strength, max_shift=a.max_shift * strength)  # fmt: skip
    manifest = root / f"recipe_{tag}.csv"  # photo paths are relative to the demo folder
    chosen = first_per_model(photos, per_model)
    write_train_manifest(manifest, [p for p in chosen if p.split in ("train", "val")], None)
    cfg = FitConfig(input_size=size, epochs=epochs, batch_size=16, lr=3e-3, patience=patience,
                    train_backbone=whole, augment=aug, seed=0)  # fmt: skip
    t0, c0 = time.perf_counter(), _cpu()
    out = train(manifest, model_dir, cfg)
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    (model_dir / "train_seconds.json").write_text(json.dumps({"wall": wall, "cpu": cpu}))
    return model_dir, out.metrics["val_accuracy"]


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the machine is shared: wall
    time says little)."""
    import resource

    me, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def score(root: Path, model_dir: Path, held: list[Photo]) -> dict:
    """Top-1 by level and condition, and the model-level confusion counts."""
    from twinflash.flash.recognise import Recogniser
    from twinflash.flash.recogniser.preprocess import read_image

    rec = Recogniser(model_dir, threads=2)
    hits: Counter = Counter()
    n: Counter = Counter()
    confusion: Counter = Counter()
    right: dict[str, bool] = {}
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
        right[p.name] = model == p.model
    acc = {g: {lv: hits[(g, lv)] / n[g] for lv in ("model", "make", "body")} for g in n}
    return {"n": dict(n), "top1": acc, "confusion": confusion, "right": right}


def paired(curve: list[tuple]) -> None:
    """Each row against the first (the baseline's first recipe) on the same held-out photos:
    the photos only one of them gets right at the model level, and the exact two-sided
    McNemar p (a sign test on those photos): finer than two unpaired intervals."""
    from math import comb

    ref_label, ref_name, *_, ref = curve[0]
    print(f"\nPaired with {ref_label} `{ref_name}` (model level, the same held-out photos):")
    for label, name, per_model, *_, right in curve[1:]:
        shared = sorted(set(right) & set(ref))
        b = sum(right[k] and not ref[k] for k in shared)
        c = sum(ref[k] and not right[k] for k in shared)
        n = b + c
        p = min(1.0, 2 * sum(comb(n, k) for k in range(min(b, c) + 1)) / 2**n) if n else 1.0
        print(
            f"- {label} `{name}`{f' ({per_model} per model)' if per_model else ''}: right "
            f"only here {b}, only there {c} of {len(shared)}; exact McNemar p = {p:.2f}"
        )


def confusion_table(confusion: Counter, models: list[str]) -> str:
    head = "| photo \\ answer | " + " | ".join(models) + " |"
    rows = [head, "|" + "---|" * (len(models) + 1)]
    for t in models:
        rows.append(f"| {t} | " + " | ".join(str(confusion[(t, g)]) for g in models) + " |")
    return "\n".join(rows)


def confusion_png(path: Path, panels: list[tuple[str, Counter]], models: list[str]) -> None:
    """Model-level confusion matrices side by side (rows: the vehicle on the photo)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(panels), figsize=(0.4 + 2.6 * len(panels), 3.0), dpi=90,
                             squeeze=False)  # fmt: skip
    try:
        for k, (ax, (title, conf)) in enumerate(zip(axes[0], panels, strict=True)):
            m = np.array([[conf[(t, g)] for g in models] for t in models])
            top = max(int(m.sum(1).max()), 1)
            ax.imshow(m, cmap="Blues", vmin=0, vmax=top)
            for i, j in np.ndindex(m.shape):
                ax.text(j, i, str(m[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if m[i, j] > top / 2 else "black")  # fmt: skip
            ax.set_xticks(range(len(models)), models, rotation=45, ha="right", fontsize=8)
            ax.set_yticks(range(len(models)), models if k == 0 else [], fontsize=8)
            ax.set_title(title, fontsize=8)
            ax.set_xlabel("top answer", fontsize=8)
        axes[0][0].set_ylabel("vehicle on the photo", fontsize=8)
        fig.tight_layout()
        fig.savefig(path, bbox_inches="tight", pad_inches=0.05)
    finally:
        plt.close(fig)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("demo", type=Path, help="a demo folder (twinflash flash demo --out)")
    ap.add_argument(
        "--baseline",
        type=Path,
        metavar="OLD",
        help="another folder of the same layout, scored first (e.g. older renders)",
    )
    ap.add_argument("--confusion-png", type=Path, metavar="PNG",
                    help="write the model-level confusion matrices here")  # fmt: skip
    ap.add_argument("--recipe", action="append", choices=sorted(RECIPES), required=True)
    ap.add_argument("--labels", default="baseline,today", metavar="OLD,NEW",
                    help="what the tables and figure call the two folders")  # fmt: skip
    ap.add_argument("--baseline-recipe", action="append", choices=sorted(RECIPES),
                    help="the recipes run on --baseline (default: the --recipe ones)")  # fmt: skip
    ap.add_argument("--train-per-model", type=int, action="append", metavar="N",
                    help="the first N train photos of each model only (repeatable)")  # fmt: skip
    args = ap.parse_args()
    import torch

    torch.set_num_threads(2)
    old, _, new = args.labels.partition(",")
    folders = [(old, args.baseline, args.baseline_recipe or args.recipe)]
    folders = folders if args.baseline else []
    folders.append((new if args.baseline else "", args.demo, args.recipe))
    curve, panels = [], []
    for label, root, recipes in folders:
        photos = rendered_photos(root)
        if not photos:
            raise SystemExit(f"{root}: no rendered photos under {root / 'photos'}")
        held = [p for p in photos if p.split in ("cal", "test")]
        models = sorted({p.model for p in photos})
        counts = Counter(p.split for p in photos)
        print(f"\n## {label or root} ({root}): {len(photos)} photos: {dict(counts)}; "
              f"held out (cal + test): {len(held)}")  # fmt: skip
        have = min(Counter(p.model for p in photos if p.split == "train").values())
        for name in recipes:
            for per_model in args.train_per_model or [None]:
                if per_model and per_model > have:
                    print(f"\n{name}, {per_model} per model: skipped, {root} has {have}")
                    continue
                row = report(root, photos, held, models, name, per_model)
                curve.append((label, *row[:-1]))
                n_txt = f"{per_model} per model" if per_model else ""
                panels.append((", ".join(filter(None, [label, name, n_txt])), row[-1]))
    print(
        "\n| renders | recipe | train photos per model | CPU s (training) | val top-1 model / "
        f"make / body (n = {counts['val']}) | held-out top-1 model / make / body "
        f"(n = {len(held)}) |"
    )
    print("|---|---|---|---|---|---|")
    for label, name, per_model, cpu, val, acc, _ in curve:
        print(
            f"| {label} | `{name}` | {per_model or 'all'} | {cpu:.0f} | "
            + " / ".join(f"{val[k]:.2f}" for k in ("model", "make", "body"))
            + " | "
            + " / ".join(f"{acc[k]:.2f}" for k in ("model", "make", "body"))
            + " |"
        )
    if args.baseline:
        paired(curve)
    if args.confusion_png:
        confusion_png(args.confusion_png, panels, models)
        print(f"\nconfusion matrices: {args.confusion_png}")


Row = tuple[str, int | None, float, dict, dict, dict[str, bool], Counter]


def report(root: Path, photos: list[Photo], held: list[Photo], models: list[str], name: str,
           per_model: int | None) -> Row:  # fmt: skip
    """Train (or reuse) and score one recipe; print its section; (name, per model, CPU s,
    val top-1, held-out top-1, model-level right or wrong by photo, model-level confusion)."""
    model_dir, val = fit(root, photos, name, per_model)
    secs = json.loads((model_dir / "train_seconds.json").read_text())
    s = score(root, model_dir, held)
    card = json.loads((model_dir / "card.json").read_text())
    shown = name if per_model is None else f"{name}, {per_model} train photos per model"
    print(f"\n### {shown} (training {secs['wall']:.0f} s wall, {secs['cpu']:.0f} s CPU, "
          f"best epoch {card['metrics'].get('best_epoch')}"
          + ")\n")  # fmt: skip
    print("val top-1: " + ", ".join(f"{k} {v:.2f}" for k, v in val.items()))
    for group, acc in s["top1"].items():
        print(f"held-out top-1, {group} (n={s['n'][group]}): "
              + ", ".join(f"{k} {v:.2f}" for k, v in acc.items()))  # fmt: skip
    print()
    print(confusion_table(s["confusion"], models))
    return name, per_model, secs["cpu"], val, s["top1"]["all"], s["right"], s["confusion"]


if __name__ == "__main__":
    main()
