"""How wide the verdict's plate reader's box is against the plate's exact corners (issue #13).

    PYTHONPATH=src python benchmarks/plate_box.py out/flash [--split test] [--fit-split cal]

On a demo folder's photos of `split` (the fresh batch: 800x600, plates 15-21 px high),
the best reading of `AccusingReader` against the render's exact plate corners: box width /
plate width and box height / plate height. `verdict.plate_corners_from_text_box` takes
the plate as `verdict.PLATE_WIDTHS_PER_TEXT_BOX` box widths; this says how far that is
from what the reader returns on renders. Prints one line per photo and a summary.

``--fit-split cal``: the factor is also fitted (plate width / box width, median) on the
photos of another split and both factors, the shipped one as the baseline, are scored on
`split`: the error of the estimated plate width, against the size check's 5 % tolerance
(a plate width off by e makes the vehicle look off by about -e).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from twinflash.clonedemo.photos import Photo, rendered_photos
from twinflash.flash.recogniser.preprocess import read_image
from twinflash.flash.verdict import PLATE_WIDTHS_PER_TEXT_BOX
from twinflash.privacy.plate_reading import AccusingReader

SIZE_TOLERANCE = 0.05  # the size check's floor (flash.ruler): what an estimate must meet


def box_ratios(reader: AccusingReader, root: Path, photos: list[Photo]) -> list[tuple]:
    """(photo, box width / plate width, box height / plate height) of each photo read."""
    out = []
    for p in photos:
        q = np.array(p.corners_xy)
        pw = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
        ph = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
        found = sorted(reader.read(read_image(root / p.path)), key=lambda r: -r.confidence)
        if not found:
            print(f"{p.name}: no reading")
            continue
        x0, y0, x1, y1 = found[0].xyxy
        w, h = (x1 - x0) / pw, (y1 - y0) / ph
        out.append((p, w, h))
        print(f"{p.name}: read {found[0].text} (true {p.plate}, {found[0].confidence:.2f}); "
              f"plate {pw:.1f}x{ph:.1f} px at {p.distance_m:.1f} m; box/plate width {w:.3f}, "
              f"height {h:.3f}")  # fmt: skip
    return out


def summary(label: str, rows: list[tuple]) -> np.ndarray:
    w = np.array([r[1] for r in rows])
    sd = w.std(ddof=1) if len(w) > 1 else 0.0
    print(f"{label} n={len(w)}: box / plate width {w.mean():.3f} ± {sd:.3f} "
          f"({w.min():.2f}-{w.max():.2f}); height {np.mean([r[2] for r in rows]):.3f}")  # fmt: skip
    return w


def score_factor(label: str, factor: float, widths: np.ndarray) -> None:
    """Error of the plate width estimated as `factor` box widths."""
    err = factor * widths - 1.0
    a = np.abs(err)
    print(f"| {label} | {factor:.3f} | {err.mean():+.1%} | {err.std(ddof=1):.1%} | "
          f"{np.median(a):.1%} | {np.percentile(a, 90):.1%} | {a.max():.1%} | "
          f"{(a <= SIZE_TOLERANCE).sum()} / {len(a)} |")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("demo", type=Path, help="a demo folder (twinflash flash demo --out)")
    ap.add_argument("--split", default="test")
    ap.add_argument("--fit-split", default=None, help="fit the factor on this split's photos")
    args = ap.parse_args()
    photos = rendered_photos(args.demo)
    reader = AccusingReader(threads=1)
    fit = None
    if args.fit_split:
        fitting = [p for p in photos if p.split == args.fit_split]
        if not fitting:
            raise SystemExit(f"{args.demo}: no photo of split {args.fit_split!r} to fit on")
        fit_rows = box_ratios(reader, args.demo, fitting)
        fit = float(np.median([1.0 / r[1] for r in fit_rows]))
        summary(f"fit ({args.fit_split})", fit_rows)
    rows = box_ratios(reader, args.demo, [p for p in photos if p.split == args.split])
    if not rows:
        raise SystemExit(f"{args.demo}: no plate read on the photos of split {args.split!r}")
    widths = summary(args.split, rows)
    for cond in sorted({r[0].condition for r in rows}):
        summary(f"  {cond}", [r for r in rows if r[0].condition == cond])
    for name, sel in (("near (< 10 m)", lambda d: d < 10), ("far (>= 10 m)", lambda d: d >= 10)):
        if picked := [r for r in rows if sel(r[0].distance_m)]:
            summary(f"  {name}", picked)
    print(f"\nplate width estimated from the box, on {args.split} (n = {len(widths)}):\n")
    print("| factor | plate widths per box width | mean error | sd | median abs. | 90th pct "
          f"abs. | max abs. | within {SIZE_TOLERANCE:.0%} |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    score_factor("shipped", PLATE_WIDTHS_PER_TEXT_BOX, widths)
    if fit is not None:
        score_factor(f"fitted on {args.fit_split}", fit, widths)


if __name__ == "__main__":
    main()
