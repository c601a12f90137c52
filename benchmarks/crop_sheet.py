"""What the recogniser sees: the same scenes' plate-anchored crops at two render sizes.

    PYTHONPATH=src python benchmarks/crop_sheet.py SMALL BIG sheet.png --key day_1 \\
        --small-input 96 --big-input 160 --big-input 224

SMALL and BIG are demo-layout folders (``photos/<vehicle>_<condition>_<round>/``) holding
the same scenes rendered at two sizes (e.g. 192x144 and 800x600). One row per photo whose
name ends with ``--key``: the small photo's crop at ``--small-input`` px, then the big
photo's crop at each ``--big-input``, every cell shown at ``--cell`` px (nearest-neighbour,
so the pixels the network gets stay visible). A person judges from it whether the models
can be told apart at each size (issue #17).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from twinflash.clonedemo.photos import Photo, rendered_photos
from twinflash.flash.crops import CropSpec, crop_vehicle
from twinflash.flash.recogniser.preprocess import read_image, to_rgb


def crop(root: Path, p: Photo, size: int, cell: int) -> np.ndarray:
    """The recogniser's crop of `p` at `size` px, shown at `cell` px."""
    spec = CropSpec(size_wh=(size, size))
    image = read_image(root / p.path)
    c = crop_vehicle(image, plate_corners_xy=np.array(p.corners_xy), spec=spec).image
    return cv2.resize(to_rgb(c), (cell, cell), interpolation=cv2.INTER_NEAREST)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("small", type=Path)
    ap.add_argument("big", type=Path)
    ap.add_argument("out", type=Path, help="the sheet (PNG)")
    ap.add_argument("--key", default="day_1", help="photo names ending with this")
    ap.add_argument("--small-input", type=int, default=96)
    ap.add_argument("--big-input", type=int, action="append")
    ap.add_argument("--cell", type=int, default=200)
    args = ap.parse_args()
    bigs = args.big_input or [160, 224]
    small = {p.name: p for p in rendered_photos(args.small)}
    big = {p.name: p for p in rendered_photos(args.big)}
    names = sorted(n for n in big if n.endswith(args.key) and n in small)
    if not names:
        raise SystemExit(f"no photo ending with {args.key!r} in both {args.small} and {args.big}")
    cell, rows = args.cell, []
    for name in names:
        s, b = small[name], big[name]
        cells = [crop(args.small, s, args.small_input, cell)]
        cells += [crop(args.big, b, n, cell) for n in bigs]
        row = np.concatenate([np.pad(c, ((2, 2), (2, 2), (0, 0)), constant_values=255)
                              for c in cells], 1)  # fmt: skip
        label = b.model.replace("é", "e") + f" {b.distance_m:.1f} m"  # OpenCV fonts: ASCII
        cv2.putText(row, label, (6, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (255, 255, 0), 1,
                    cv2.LINE_AA)  # fmt: skip
        rows.append(row)
    head = np.full((20, rows[0].shape[1], 3), 255, np.uint8)
    w0, h0 = (int(v) for v in rendered_photos_size(args.small, small[names[0]]))
    w1, h1 = (int(v) for v in rendered_photos_size(args.big, big[names[0]]))
    titles = [f"{w0}x{h0} photo, {args.small_input} px crop"]
    titles += [f"{w1}x{h1}, {n} px crop" for n in bigs]
    for i, t in enumerate(titles):
        cv2.putText(head, t, (6 + i * (cell + 4), 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0),
                    1, cv2.LINE_AA)  # fmt: skip
    sheet = np.concatenate([head, *rows], 0)
    from PIL import Image

    # 256 colours: a docs/img figure stays small
    Image.fromarray(sheet).quantize(256, dither=Image.Dither.NONE).save(args.out, optimize=True)
    print(f"{args.out}: {len(names)} rows, {sheet.shape[1]}x{sheet.shape[0]}")


def rendered_photos_size(root: Path, p: Photo) -> tuple[int, int]:
    """(width, height) of a rendered photo."""
    h, w = read_image(root / p.path).shape[:2]
    return w, h


if __name__ == "__main__":
    main()
