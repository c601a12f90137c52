"""How wide the verdict's plate reader's box is against the plate's exact corners (issue #13).

    PYTHONPATH=src python benchmarks/plate_box.py out/flash [--split test]

On a demo folder's photos of `split` (the fresh batch: 800x600, plates 15-21 px high),
the best reading of `AccusingReader` against the render's exact plate corners: box width /
plate width and box height / plate height. `verdict.plate_corners_from_text_box` takes
the plate as 1.25 box widths (a text line spanning 80 % of the plate); this says how far
that is from what the reader returns on renders. Prints one line per photo and a summary.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from twinflash.clonedemo.photos import rendered_photos
from twinflash.flash.recogniser.preprocess import read_image
from twinflash.privacy.plate_reading import AccusingReader


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("demo", type=Path, help="a demo folder (twinflash flash demo --out)")
    ap.add_argument("--split", default="test")
    args = ap.parse_args()
    reader = AccusingReader(threads=1)
    widths, heights = [], []
    for p in (p for p in rendered_photos(args.demo) if p.split == args.split):
        q = np.array(p.corners_xy)
        pw = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
        ph = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
        found = sorted(reader.read(read_image(args.demo / p.path)), key=lambda r: -r.confidence)
        if not found:
            print(f"{p.name}: no reading")
            continue
        x0, y0, x1, y1 = found[0].xyxy
        widths.append((x1 - x0) / pw)
        heights.append((y1 - y0) / ph)
        print(f"{p.name}: read {found[0].text} (true {p.plate}, {found[0].confidence:.2f}); "
              f"plate {pw:.1f}x{ph:.1f} px; box/plate width {widths[-1]:.3f}, "
              f"height {heights[-1]:.3f}")  # fmt: skip
    if widths:
        w = np.array(widths)
        sd = w.std(ddof=1) if len(w) > 1 else 0.0
        print(f"n={len(w)}: box / plate width {w.mean():.3f} ± {sd:.3f} "
              f"({w.min():.2f}-{w.max():.2f}); height {np.mean(heights):.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
