"""Crowd counting: head points and density maps, in the ShanghaiTech-style layout

    crowd/{split}/images/<name>.png
    crowd/{split}/ground_truth/<name>.txt   one "x y" head point per line (pixels)
    crowd/{split}/ground_truth/<name>.npy   float32 (H,W) density map

A person counts if any part of them is visible and their head point projects inside the
image (a head hidden behind someone still counts, as annotators of real crowds do).
Each point spreads as a Gaussian of `sigma_px` truncated at 3 sigma and renormalised
inside the image, so a map sums exactly to its count.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from twinflash.annotations import CATEGORIES, Annotations
from twinflash.files import link_or_copy


def annotations_to_crowd(ann: Annotations) -> np.ndarray:
    """(K,2) head points (x, y pixels) of the persons that count."""
    w, h = ann.image_wh
    keep = (ann.category_id == CATEGORIES["person"]) & (ann.area > 0)
    pts = ann.head_xy[keep]
    inside = np.isfinite(pts).all(axis=1)
    inside &= (pts[:, 0] >= 0) & (pts[:, 0] < w) & (pts[:, 1] >= 0) & (pts[:, 1] < h)
    return pts[inside].reshape(-1, 2)


def density_map(points: np.ndarray, image_wh: tuple[int, int], sigma_px: float) -> np.ndarray:
    """(H,W) float32 density: one truncated, renormalised Gaussian per point."""
    w, h = image_wh
    out = np.zeros((h, w), dtype=np.float64)
    r = max(1, int(np.ceil(3 * sigma_px)))
    for x, y in np.asarray(points, dtype=float).reshape(-1, 2):
        cx, cy = int(np.floor(x)), int(np.floor(y))
        x0, x1, y0, y1 = max(cx - r, 0), min(cx + r + 1, w), max(cy - r, 0), min(cy + r + 1, h)
        xs = np.arange(x0, x1) + 0.5 - x
        ys = np.arange(y0, y1) + 0.5 - y
        g = np.exp(-(ys[:, None] ** 2 + xs[None, :] ** 2) / (2 * sigma_px**2))
        out[y0:y1, x0:x1] += g / g.sum()
    return out.astype(np.float32)


def crowd_points_text(points: np.ndarray) -> str:
    return "".join(f"{x:.3f} {y:.3f}\n" for x, y in points)


def write(root: Path, items: list[tuple[str, str, Path, Annotations]], sigma_px: float) -> Path:
    """Write (split, name, image path, annotations) items in the crowd layout."""
    for split, name, image, ann in items:
        link_or_copy(image, root / split / "images" / f"{name}.png")
        gt = root / split / "ground_truth"
        gt.mkdir(parents=True, exist_ok=True)
        pts = annotations_to_crowd(ann)
        (gt / f"{name}.txt").write_text(crowd_points_text(pts), encoding="utf-8")
        np.save(gt / f"{name}.npy", density_map(pts, ann.image_wh, sigma_px), allow_pickle=False)
    return root


def read(root: Path, split: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{name: (points (K,2), density (H,W))} of one split."""
    gt = root / split / "ground_truth"
    out = {}
    for txt in sorted(gt.glob("*.txt")):
        pts = np.loadtxt(txt, ndmin=2).reshape(-1, 2) if txt.stat().st_size else np.zeros((0, 2))
        out[txt.stem] = (pts, np.load(gt / f"{txt.stem}.npy"))
    return out
