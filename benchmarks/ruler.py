"""The plate as a ruler (issue #13): vehicle size from the plate, its error, its use.

    PYTHONPATH=src python benchmarks/ruler.py DEMO_DIR

DEMO_DIR: a folder written by `twinflash flash demo` (its renders, their exact plate
corners and vehicle boxes, its recogniser and thresholds). Prints:

1. The error of the width and height estimated from plate corners + the vehicle's visible
   box (`twinflash.flash.ruler`), against the catalogue's dimensions, by condition and
   angle, on the photos other than `train` and `val`. As in the demo (`calibrate_ruler`),
   a constant bias factor per dimension is fitted on the `train` and `val` photos (median
   of truth / estimate) and the tolerance is the largest deviation among the `cal` ones.
2. Whether it helps the verdict: every `test` photo is checked as honest and as a clone of
   every other model (as benchmarks/clones.py). Recogniser alone: flagged when the clone
   score reaches its level's threshold (thresholds.json). With the ruler: also flagged
   when the estimated height or width differs from the registered model's by more than
   the tolerance (which flags none of the `cal` photos: the rule the recogniser's
   thresholds follow at these sample sizes). Recall and false alarms of both.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

import numpy as np


def estimates(photos: list) -> list:
    """(size estimate, catalogue (width, height)) per photo."""
    from twinflash.flash.ruler import vehicle_size
    from twinflash.scene.catalog import get_vehicle_model

    out = []
    for p in photos:
        x, y, w, h = p.box_xywh
        spec = get_vehicle_model(p.vehicle)
        out.append((vehicle_size(np.array(p.corners_xy), (x, y, x + w, y + h)),
                    (spec.width_m, spec.height_m)))  # fmt: skip
    return out


def error_table(photos: list, pairs: list, cal) -> None:
    rel = np.array([cal.deviation(e, t) for e, t in pairs])
    groups: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(photos):
        groups["all"].append(i)
        groups[p.condition].append(i)
        groups["head-on (< 6°)" if p.angle_deg < 6 else "angled (6-12°)"].append(i)
    print("| photos | n | width: median abs. error | width: 90th pct | height: median abs. "
          "error | height: 90th pct |\n|---|---|---|---|---|---|")  # fmt: skip
    for name, idx in groups.items():
        a = np.abs(rel[idx])
        print(f"| {name} | {len(idx)} | {np.median(a[:, 0]):.1%} | {np.quantile(a[:, 0], 0.9):.1%}"
              f" | {np.median(a[:, 1]):.1%} | {np.quantile(a[:, 1], 0.9):.1%} |")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("demo", type=Path)
    args = ap.parse_args()
    from twinflash.clonedemo.photos import rendered_photos
    from twinflash.flash.recognise import Recogniser
    from twinflash.flash.recogniser.preprocess import read_image
    from twinflash.flash.ruler import calibrate_ruler
    from twinflash.flash.thresholds import load_thresholds
    from twinflash.scene.catalog import get_vehicle_model

    photos = rendered_photos(args.demo)
    pairs = estimates(photos)
    fit = [i for i, p in enumerate(photos) if p.split in ("train", "val")]
    cal_idx = [i for i, p in enumerate(photos) if p.split == "cal"]
    cal = calibrate_ruler([pairs[i] for i in fit], [pairs[i] for i in cal_idx])
    print(f"{len(photos)} renders; bias fitted on {len(fit)} train+val photos: width "
          f"x{cal.bias_wh[0]:.3f}, height x{cal.bias_wh[1]:.3f}; tolerance (largest honest "
          f"deviation on {len(cal_idx)} cal photos, >= 5 %): width {cal.tolerance_wh[0]:.1%}, "
          f"height {cal.tolerance_wh[1]:.1%}\n")  # fmt: skip
    rest = [i for i, p in enumerate(photos) if p.split not in ("train", "val")]
    error_table([photos[i] for i in rest], [pairs[i] for i in rest], cal)
    print()
    vehicles = sorted({p.vehicle for p in photos})
    dims = {v: (get_vehicle_model(v).width_m, get_vehicle_model(v).height_m) for v in vehicles}

    model_dir = args.demo / "model"
    rec = Recogniser(model_dir)
    th = load_thresholds(model_dir)
    tally: dict = defaultdict(lambda: [0, 0])  # (rule, honest) -> [flagged, n]
    kinds: dict = defaultdict(lambda: [0, 0])
    from twinflash.clonedemo.registry import KINDS, kind_of

    for i, p in enumerate(photos):
        if p.split != "test":
            continue
        answer = rec.recognise([read_image(args.demo / p.path)],
                               plate_corners=[np.array(p.corners_xy)])[0]  # fmt: skip
        for v in vehicles:
            spec = get_vehicle_model(v)
            judged = rec.judge(answer, spec.make, spec.model)
            lt = th.for_level(judged.level) if judged.level else None
            by_rec = bool(lt and lt.threshold is not None and judged.p is not None
                          and 1 - judged.p >= lt.threshold)  # fmt: skip
            by_size = cal.contradicts(pairs[i][0], dims[v])
            honest = v == p.vehicle
            kind = kind_of((p.make, p.model), (spec.make, spec.model))
            for rule, flagged in (("recogniser", by_rec), ("recogniser + ruler", by_rec or by_size),
                                  ("ruler alone", by_size)):  # fmt: skip
                tally[(rule, honest)][0] += flagged
                tally[(rule, honest)][1] += 1
                if not honest:
                    kinds[(rule, kind)][0] += flagged
                    kinds[(rule, kind)][1] += 1
    print("| rule | honest photos flagged | clones flagged | other body | same body, other make "
          "| same make, other model |\n|---|---|---|---|---|---|")  # fmt: skip
    for rule in ("recogniser", "recogniser + ruler", "ruler alone"):
        h, c = tally[(rule, True)], tally[(rule, False)]
        ks = " | ".join(f"{kinds[(rule, k)][0]} / {kinds[(rule, k)][1]}" for k in KINDS)
        print(f"| {rule} | {h[0]} / {h[1]} | {c[0]} / {c[1]} ({c[0] / max(c[1], 1):.0%}) | {ks} |")
    print("\n" + json.dumps({"thresholds": {k: v.threshold for k, v in th.levels.items()}}))


if __name__ == "__main__":
    main()
