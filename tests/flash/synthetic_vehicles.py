"""Synthetic 2-D "vehicles" with known labels and plate corners, for recogniser tests.

Three classes differ by silhouette only (colours, position, size and tilt are random), so a
model that beats chance on held-out photos has learnt shapes, as it must on twinflash renders:

- Renault Twingo (city_car): low rounded body, a dome cabin;
- Peugeot 3008 (suv): wide box, flat roof, high bonnet;
- Renault Master (large_van): tall narrow box, windscreen high up.

Sizes are in plate widths (pw) so that plate-anchored crops frame every class alike.
"""

from __future__ import annotations

import csv
from pathlib import Path

import cv2
import numpy as np

CLASSES = {
    "twingo": ("Renault", "Twingo"),
    "3008": ("Peugeot", "3008"),
    "master": ("Renault", "Master"),
}
PLATE_ASPECT = 520 / 110


def draw_vehicle(kind: str, rng: np.random.Generator, wh: tuple[int, int] = (160, 120)):
    """(RGB photo, plate corners TL, TR, BR, BL) of one vehicle of `kind`."""
    w, h = wh
    img = np.full((h, w, 3), rng.integers(60, 190), np.uint8)
    img = np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)
    pw = rng.uniform(14, 20)  # plate width in px
    cx, cy = rng.uniform(0.4, 0.6) * w, rng.uniform(0.68, 0.8) * h
    colour = tuple(int(v) for v in rng.integers(0, 256, 3))
    glass = (30, 35, 45)

    def box(x0, y0, x1, y1, c):  # in pw around the plate centre
        cv2.rectangle(
            img,
            (int(cx + x0 * pw), int(cy + y0 * pw)),
            (int(cx + x1 * pw), int(cy + y1 * pw)),
            c,
            -1,
        )

    if kind == "twingo":
        cv2.ellipse(
            img,
            (int(cx), int(cy - 0.3 * pw)),
            (int(1.5 * pw), int(0.8 * pw)),
            0,
            0,
            360,
            colour,
            -1,
        )
        cv2.ellipse(
            img,
            (int(cx), int(cy - 0.9 * pw)),
            (int(1.1 * pw), int(1.0 * pw)),
            0,
            180,
            360,
            colour,
            -1,
        )
        cv2.ellipse(
            img,
            (int(cx), int(cy - 1.0 * pw)),
            (int(0.8 * pw), int(0.7 * pw)),
            0,
            180,
            360,
            glass,
            -1,
        )
    elif kind == "3008":
        box(-1.8, -1.6, 1.8, 0.6, colour)
        box(-1.5, -2.6, 1.5, -1.6, colour)
        box(-1.3, -2.4, 1.3, -1.7, glass)
    else:  # master
        box(-1.5, -3.9, 1.5, 0.6, colour)
        box(-1.3, -3.6, 1.3, -2.6, glass)
    reach = 1.3 if kind == "master" else 1.6  # wheels
    box(-reach, 0.6, -1.0, 1.0, (20, 20, 20))
    box(1.0, 0.6, reach, 1.0, (20, 20, 20))
    # the plate, slightly tilted
    a = np.deg2rad(rng.uniform(-6, 6))
    u, v = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    c = np.array([cx, cy])
    half_w, half_h = pw / 2, pw / PLATE_ASPECT / 2
    corners = np.array([c - u * half_w - v * half_h, c + u * half_w - v * half_h,
                        c + u * half_w + v * half_h, c - u * half_w + v * half_h])  # fmt: skip
    cv2.fillPoly(img, [np.round(corners).astype(np.int32)], (240, 240, 240))
    return img, corners


def write_manifest(
    root: Path,
    per_class: dict[str, int],
    seed: int = 0,
    split: str = "",
    planted: list[tuple[str, str]] | None = None,
    manifest: str = "manifest.csv",
) -> Path:
    """Photos under `root`/photos and a CSV manifest (path, make, model, plate corners, split).

    `planted`: (drawn kind, labelled kind) pairs appended, photos named ``planted_*``.
    """
    rng = np.random.default_rng(seed)
    (root / "photos").mkdir(parents=True, exist_ok=True)
    rows = []
    items = [(k, k) for k, n in per_class.items() for _ in range(n)] + list(planted or [])
    for i, (drawn, label) in enumerate(items):
        img, q = draw_vehicle(drawn, rng)
        name = f"{'planted_' if drawn != label else ''}{split or 'all'}_{i:03d}_{drawn}.png"
        cv2.imwrite(str(root / "photos" / name), cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
        make, model = CLASSES[label]
        rows.append([f"photos/{name}", make, model, *np.round(q.ravel(), 2).tolist(), split])
    path = root / manifest
    new = not path.exists()
    with path.open("a", newline="") as fh:
        w = csv.writer(fh)
        if new:
            w.writerow(["path", "make", "model", "tl_x", "tl_y", "tr_x", "tr_y",
                        "br_x", "br_y", "bl_x", "bl_y", "split"])  # fmt: skip
        w.writerows(rows)
    return path
