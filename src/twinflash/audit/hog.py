"""OpenCV's built-in HOG people detector as an audit adapter, and the recall it reaches.

Pure OpenCV/numpy. The detector is the pretrained Dalal-Triggs linear SVM that ships
inside OpenCV (no download), run exactly as in OpenCV's `peopledetect.py` sample,
including its box shrink: HOG windows are larger than the person they contain, so
without the shrink a correct detection can miss an IoU threshold against a tight box.

An image whose padded size is smaller than the 64x128 detection window (under 96 px tall
or 32 px wide with the default padding) holds no window position, so it has no
detections: `detect_people` returns none without calling OpenCV, whose window count goes
negative there (a segmentation fault, or an exception for narrow images). Small images
are not upscaled: that would make a detector that cannot see people under ~100 px look
as if it could.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

SHRINK_W = 0.15  # per side, of the window width (peopledetect.py)
SHRINK_H = 0.05  # per side, of the window height
WINDOW_WH = (64, 128)  # the default people detector's window
BLOCK_STRIDE = (8, 8)


def window_fits(
    image_wh: tuple[int, int],
    win_stride: tuple[int, int] = (8, 8),
    padding: tuple[int, int] = (16, 16),
) -> bool:
    """Whether the detection window fits at least once in the padded image.

    OpenCV rounds the padding up to a multiple of gcd(win_stride, block stride) and pads
    each side by it; smaller images have no window position at all.
    """
    for size, win, stride, pad, block in zip(
        image_wh, WINDOW_WH, win_stride, padding, BLOCK_STRIDE, strict=True
    ):
        cache = math.gcd(stride, block)
        pad = -(-max(pad, 0) // cache) * cache
        if size + 2 * pad < win:
            return False
    return True


def detect_people(
    image_rgb: np.ndarray,
    win_stride: tuple[int, int] = (8, 8),
    padding: tuple[int, int] = (16, 16),
    scale: float = 1.05,
) -> tuple[np.ndarray, np.ndarray]:
    """HOG people detections: (N,4) xyxy pixel boxes (shrunk as in the sample) and scores."""
    image = np.asarray(image_rgb)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"image_rgb must be (H,W,3) uint8, got {image.shape} {image.dtype}")
    if not window_fits((image.shape[1], image.shape[0]), win_stride, padding):
        return np.zeros((0, 4)), np.zeros(0)  # OpenCV would crash (see the module docstring)
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(np.asarray(cv2.HOGDescriptor.getDefaultPeopleDetector()))
    bgr = np.ascontiguousarray(image[..., ::-1])
    rects, weights = hog.detectMultiScale(bgr, winStride=win_stride, padding=padding, scale=scale)
    if len(rects) == 0:
        return np.zeros((0, 4)), np.zeros(0)
    r = np.asarray(rects, dtype=float).reshape(-1, 4)
    x, y, w, h = r.T
    pw, ph = np.floor(SHRINK_W * w), np.floor(SHRINK_H * h)  # int() in the sample
    boxes = np.c_[x + pw, y + ph, x + w - pw, y + h - ph]
    return boxes, np.asarray(weights, dtype=float).reshape(-1)


def boxes_from_instance_ids(instance_ids: np.ndarray, ids: list[int]) -> dict[int, np.ndarray]:
    """Tight xyxy boxes (pixel edges) of the visible pixels of each id; absent ids omitted."""
    out: dict[int, np.ndarray] = {}
    for i in ids:
        ys, xs = np.nonzero(instance_ids == i)
        if len(xs):
            out[i] = np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], dtype=float)
    return out


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N,M) intersection over union of xyxy boxes."""
    a, b = np.asarray(a, float).reshape(-1, 4), np.asarray(b, float).reshape(-1, 4)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def match_one_to_one(
    gt_xyxy: np.ndarray, det_xyxy: np.ndarray, iou_threshold: float = 0.4
) -> np.ndarray:
    """Index of the detection matched to each ground-truth box (-1 if none), greedily by IoU.

    Each detection matches at most one box, so one large window over a group counts once.
    """
    iou = box_iou(gt_xyxy, det_xyxy)
    match = np.full(len(iou), -1)
    if iou.size == 0:
        return match
    pairs = np.argwhere(iou >= iou_threshold)
    used: set[int] = set()
    for g, d in sorted(pairs.tolist(), key=lambda p: -iou[p[0], p[1]]):
        if match[g] < 0 and d not in used:
            match[g] = d
            used.add(d)
    return match


@dataclass(frozen=True)
class RecallResult:
    """How many eligible people the detector found, with per-box detail for reports."""

    eligible: np.ndarray  # (N,) bool: counted in the figure
    matched: np.ndarray  # (N,) index of the matched detection, -1 if none
    detections_xyxy: np.ndarray

    @property
    def n_eligible(self) -> int:
        return int(self.eligible.sum())

    @property
    def n_found(self) -> int:
        return int((self.eligible & (self.matched >= 0)).sum())

    @property
    def recall(self) -> float:
        """Found / eligible; NaN when nobody is eligible (no figure, rather than a fake one)."""
        return self.n_found / self.n_eligible if self.n_eligible else float("nan")


def hog_people_recall(
    image_rgb: np.ndarray,
    gt_xyxy: np.ndarray,
    visible_fraction: np.ndarray | None = None,
    min_height_px: float = 128.0,
    min_visible: float = 0.8,
    iou_threshold: float = 0.4,
) -> RecallResult:
    """Recall of the HOG people detector on people at least min_height_px tall and visible.

    All ground-truth boxes take part in the matching (a detection on an ineligible person
    is not credited to a neighbour); only eligible ones count in the figure.
    """
    gt = np.nan_to_num(np.asarray(gt_xyxy, dtype=float).reshape(-1, 4), nan=0.0)  # NaN: hidden
    vis = np.ones(len(gt)) if visible_fraction is None else np.asarray(visible_fraction, float)
    if vis.shape != (len(gt),):
        raise ValueError(f"visible_fraction must have shape ({len(gt)},), got {vis.shape}")
    det, _ = detect_people(image_rgb)
    eligible = ((gt[:, 3] - gt[:, 1]) >= min_height_px) & (vis >= min_visible)
    return RecallResult(
        eligible=eligible, matched=match_one_to_one(gt, det, iou_threshold), detections_xyxy=det
    )


@dataclass(frozen=True)
class NoisyRecall:
    """People found in each noisy copy of one image, and the median that decides."""

    n_eligible: int
    found: tuple[int, ...]

    @property
    def n_found(self) -> int:
        return int(np.median(self.found))

    @property
    def recall(self) -> float:
        return self.n_found / self.n_eligible if self.n_eligible else float("nan")


def hog_people_recall_under_noise(
    image_rgb: np.ndarray,
    gt_xyxy: np.ndarray,
    visible_fraction: np.ndarray | None = None,
    sigma: float = 1.0,
    draws: int = 7,
    seed: int = 0,
) -> NoisyRecall:
    """`hog_people_recall` on `draws` copies of the image with Gaussian noise of `sigma` grey
    levels added (seeded), summarised by the median count found.

    HOG's window grouping makes its answer a step function of the pixels: a window that
    scores the same can be dropped because a coarser window around a neighbour moved by a
    few pixels. On a path-traced render, noise of one grey level (less than any camera
    sensor adds) moves one person of the sunny example in or out (6 to 8 of 9 over eight
    draws; docs/people.md). A realism bar decided by the noise one render seed drew measures
    the seed; the median over small sensor-like noise measures the render.
    """
    if draws < 1 or draws % 2 == 0:
        raise ValueError(f"draws must be a positive odd number (a median of counts), not {draws}")
    image = np.asarray(image_rgb)
    rng = np.random.default_rng(seed)
    counts = []
    n_eligible = 0
    for _ in range(draws):
        noisy = np.clip(image + rng.normal(0.0, sigma, image.shape), 0, 255).astype(np.uint8)
        result = hog_people_recall(noisy, gt_xyxy, visible_fraction)
        counts.append(result.n_found)
        n_eligible = result.n_eligible
    return NoisyRecall(n_eligible=n_eligible, found=tuple(counts))
