"""Amodal masks: rasterise an object's projected triangles, hidden and off-screen parts too.

Why not `cv2.fillPoly` on all triangles at once: it fills with the even-odd rule, so
overlapping triangles cancel out. Each triangle is filled on its own (`fillConvexPoly`).

Rules, chosen so the amodal mask is comparable with the renderer's visible mask:

- Triangles are clipped against the near plane (camera z >= `NEAR_M`) in 3D before
  projection; parts behind it are dropped.
- The canvas extends `PAD_FRACTION` of the image size beyond each image border, so
  objects cut by the frame keep their off-screen pixels in `area_px`. Parts beyond that
  margin are not counted (polygons are clipped to the canvas, as OpenCV mis-fills
  coordinates far outside it).
- OpenCV fills every pixel whose centre lies within half a pixel of the polygon, which
  would dilate every silhouette by ~0.5 px. The canvas is therefore supersampled `k`
  times (k = 4, or less on very large canvases) and a pixel belongs to the mask when at
  least half of its k x k samples are filled: the residual dilation is ~0.5/k px.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from twinflash.camera import CameraModel

NEAR_M = 0.05
PAD_FRACTION = 1.0
SUPERSAMPLING = (4, 2, 1)
MAX_CANVAS_SAMPLES = 16_000_000
_SHIFT = 8  # fixed-point bits for cv2 coordinates


@dataclass
class AmodalRaster:
    """Amodal extent of one object (possibly several meshes)."""

    xyxy: np.ndarray  # (4,) projected extent in pixel edges, NaN if nothing in front
    area_px: int  # mask pixels on the padded canvas
    mask: np.ndarray  # (H,W) bool, the part inside the image


def _clip_near(tri_world: np.ndarray, z: np.ndarray, near: float) -> np.ndarray:
    """Sutherland–Hodgman of one triangle against camera z >= near (world coordinates)."""
    out = []
    for a in range(3):
        b = (a + 1) % 3
        if z[a] >= near:
            out.append(tri_world[a])
        if (z[a] >= near) != (z[b] >= near):
            t = (near - z[a]) / (z[b] - z[a])
            out.append(tri_world[a] + t * (tri_world[b] - tri_world[a]))
    return np.asarray(out)


def _clip_rect(poly: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """Sutherland–Hodgman of a convex 2D polygon against an axis-aligned rectangle."""
    for axis, bound, keep_greater in ((0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)):
        if len(poly) == 0:
            break
        inside = poly[:, axis] >= bound if keep_greater else poly[:, axis] <= bound
        out = []
        for i in range(len(poly)):
            j = (i + 1) % len(poly)
            if inside[i]:
                out.append(poly[i])
            if inside[i] != inside[j]:
                t = (bound - poly[i, axis]) / (poly[j, axis] - poly[i, axis])
                out.append(poly[i] + t * (poly[j] - poly[i]))
        poly = np.asarray(out).reshape(-1, 2)
    return poly


def project_polygons(
    camera: CameraModel, vertices_world: np.ndarray, triangles: np.ndarray, near: float = NEAR_M
) -> list[np.ndarray]:
    """Pixel-space polygons (each (k,2)) of the triangles in front of the near plane."""
    if len(triangles) == 0:
        return []
    uv, z = camera.project(vertices_world)
    tz = z[triangles]
    front = (tz >= near).all(axis=1)
    mixed = (tz >= near).any(axis=1) & ~front
    polys: list[np.ndarray] = list(uv[triangles[front]])
    for tri in triangles[mixed]:
        clipped = _clip_near(vertices_world[tri], z[tri], near)
        polys.append(camera.project(clipped)[0])
    return polys


def _pick_supersampling(w: int, h: int) -> int:
    for k in SUPERSAMPLING:
        if w * h * k * k <= MAX_CANVAS_SAMPLES:
            return k
    return 1


def rasterise_amodal(
    camera: CameraModel,
    meshes: Sequence[tuple[np.ndarray, np.ndarray]],
    near: float = NEAR_M,
    pad_fraction: float = PAD_FRACTION,
) -> AmodalRaster:
    """Union of the projections of `meshes` ((vertices_world, triangles) pairs)."""
    w_img, h_img = camera.resolution_wh
    polys = [p for v, t in meshes for p in project_polygons(camera, v, t, near)]
    empty = np.zeros((h_img, w_img), dtype=bool)
    if not polys:
        return AmodalRaster(np.full(4, np.nan), 0, empty)
    allpts = np.concatenate(polys)
    xyxy = np.r_[allpts.min(axis=0), allpts.max(axis=0)]
    pad_x, pad_y = round(w_img * pad_fraction), round(h_img * pad_fraction)
    wx0 = max(int(np.floor(xyxy[0])), -pad_x)
    wy0 = max(int(np.floor(xyxy[1])), -pad_y)
    wx1 = min(int(np.ceil(xyxy[2])), w_img + pad_x)
    wy1 = min(int(np.ceil(xyxy[3])), h_img + pad_y)
    if wx1 <= wx0 or wy1 <= wy0:
        return AmodalRaster(xyxy, 0, empty)
    cw, ch = wx1 - wx0, wy1 - wy0
    k = _pick_supersampling(cw, ch)
    canvas = np.zeros((ch * k, cw * k), dtype=np.uint8)
    origin = np.array([wx0, wy0], dtype=float)
    scale = float(1 << _SHIFT)
    for poly in polys:
        if (poly.min(axis=0) < (wx0, wy0)).any() or (poly.max(axis=0) > (wx1, wy1)).any():
            poly = _clip_rect(poly, wx0, wy0, wx1, wy1)
            if len(poly) < 3:
                continue
        # pixel-corner coordinates -> supersampled cv2 coordinates (integer = sample centre)
        pts = np.round(((poly - origin) * k - 0.5) * scale).astype(np.int32)
        cv2.fillConvexPoly(canvas, pts, 1, lineType=cv2.LINE_8, shift=_SHIFT)
    coverage = canvas.reshape(ch, k, cw, k).sum(axis=(1, 3), dtype=np.int32)
    mask_canvas = 2 * coverage >= k * k
    mask = empty
    ix0, iy0, ix1, iy1 = max(wx0, 0), max(wy0, 0), min(wx1, w_img), min(wy1, h_img)
    if ix1 > ix0 and iy1 > iy0:
        mask = empty.copy()
        mask[iy0:iy1, ix0:ix1] = mask_canvas[iy0 - wy0 : iy1 - wy0, ix0 - wx0 : ix1 - wx0]
    return AmodalRaster(xyxy, int(mask_canvas.sum()), mask)
