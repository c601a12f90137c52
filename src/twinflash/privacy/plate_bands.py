"""Plates found by their two blue bands, for blurring only (no reading needed).

A French SIV plate carries the blue EU band ("F") at its left end and the blue regional band
at its right end, one plate width (4.4 plate heights between the bands' centres, less when
seen from the side) apart, at one height. Rain streaks, glare, noise and motion blur break
the characters and the plate's outline that the text detector and the panel proposals rely
on, but two small saturated blue blobs of one size on one row survive them: such a pair with
no blue between them is blurred as a plate. Cheap: a colour threshold and connected
components on the whole image.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import cv2
import numpy as np

from twinflash.privacy.regions import Region, coverage

# A band is 40 x 110 mm: width / height 0.36 (narrower seen from the side, wider when blurred).
BAND_MIN_H, BAND_MAX_H = 7, 60
BAND_MIN_ASPECT, BAND_MAX_ASPECT = 0.15, 0.9
# Band centres 480 mm apart on a 110 mm plate: 4.4 heights level, ~2.6 at 55 deg from the side.
PAIR_MIN_GAP, PAIR_MAX_GAP = 2.4, 5.2
MAX_PAIRS = 8  # recognised per image at most
_ALNUM = re.compile(r"[^A-Z0-9]")
Recogniser = Callable[[list[np.ndarray]], list[tuple[str, float]]]  # crops -> (text, score)


def _blue_mask(rgb: np.ndarray) -> np.ndarray:
    """Pixels bluer than their surroundings: blue's lead over red and green, above its local
    median by a margin that scales with it. A band by day (lead 150), at night (lead 4 on a
    black car) and behind rain (lead 6 where the street around has 1) all count."""
    r, g, b = (rgb[..., k].astype(np.int16) for k in range(3))
    lead = np.clip(b - np.maximum(r, g), 0, 255).astype(np.uint8)
    local = cv2.blur(lead, (25, 25))
    return ((lead >= 3) & (lead.astype(np.int16) - local >= np.maximum(3, local))).astype(np.uint8)


def _bands(blue: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Band-shaped blue blobs (x, y, w, h): upright, narrow, mostly filled."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(blue, connectivity=8)
    out = []
    for x, y, w, h, area in stats[1:n]:
        if not BAND_MIN_H <= h <= BAND_MAX_H:
            continue
        if not BAND_MIN_ASPECT <= w / h <= BAND_MAX_ASPECT or area < 0.45 * w * h:
            continue
        out.append((int(x), int(y), int(w), int(h)))
    return out


def band_pairs(rgb: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Plate boxes `xyxy` spanned by two bands of one height on one row, a plate width apart,
    with hardly any blue between them and a brighter inside than the bands (the plate's
    white or yellow ground)."""
    blue = _blue_mask(rgb)
    bands = sorted(_bands(blue))
    if len(bands) < 2:
        return []
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    out: list[tuple[float, float, float, float]] = []
    for i, (xa, ya, wa, ha) in enumerate(bands):
        for xb, yb, wb, hb in bands[i + 1 :]:
            h = max(ha, hb)
            gap = (xb + wb / 2) - (xa + wa / 2)
            if gap > PAIR_MAX_GAP * h:
                break  # sorted by x: the rest are further
            if min(ha, hb) < 0.7 * h or gap < PAIR_MIN_GAP * h:
                continue
            if abs((ya + ha / 2) - (yb + hb / 2)) > 0.35 * h + 0.15 * gap:  # tilt up to ~8 deg
                continue
            x1, x2 = xa, xb + wb
            y1, y2 = min(ya, yb), max(ya + ha, yb + hb)
            inner = (slice(y1, y2), slice(xa + wa, xb))
            if blue[inner].size == 0 or blue[inner].mean() > 0.15:
                continue  # a blue panel, a blue car: no plate between two bands
            band_level = min(grey[ya : ya + ha, xa : xa + wa].mean(),
                             grey[yb : yb + hb, xb : xb + wb].mean())  # fmt: skip
            text = grey[inner].astype(np.float32)
            if float(np.median(text)) <= band_level or text.std() < 8:
                continue  # no light ground, or no characters on it
            around = np.concatenate(
                [
                    blue[max(0, y1 - h // 2) : y1, x1:x2].ravel(),
                    blue[y2 : y2 + h // 2, x1:x2].ravel(),
                ]
            )
            if around.size == 0 or around.mean() > 0.1:
                continue  # blue above or below: sky, a blue car, a sign; bands end at the rim
            out.append((float(x1), float(y1), float(x2), float(y2)))
    return out


def band_regions(
    rgb: np.ndarray, recognise: Recogniser, skip: Sequence[Region] = ()
) -> list[Region]:
    """Plate regions of `band_pairs` whose inside reads as >= 3 characters (any: rain leaves
    a damaged reading; a stained or sky texture between two blue blobs reads as nothing),
    grown to the plate's rim; pairs mostly inside a region of `skip` are left out."""
    ih, iw = rgb.shape[:2]
    boxes: list[tuple[float, float, float, float]] = []
    for b in band_pairs(rgb):  # one box per plate (a band found twice pairs twice)
        if not any(coverage(b, s.xyxy) > 0.7 for s in skip) and not any(
            coverage(b, k) > 0.5 or coverage(k, b) > 0.5 for k in boxes
        ):
            boxes.append(b)
    boxes = boxes[:MAX_PAIRS]
    crops = []
    for x1, y1, x2, y2 in boxes:
        m = 0.25 * (y2 - y1)
        crop = rgb[max(0, round(y1 - m)) : round(y2 + m), max(0, round(x1 - m)) : round(x2 + m)]
        scale = 48 / crop.shape[0]
        crops.append(cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC))
    out = []
    for (x1, y1, x2, y2), (text, score) in zip(
        boxes, recognise(crops) if crops else [], strict=True
    ):
        if len(_ALNUM.sub("", text.upper())) < 3:
            continue
        m = 0.15 * (y2 - y1)
        box = (max(0.0, x1 - m), max(0.0, y1 - m), min(float(iw), x2 + m), min(float(ih), y2 + m))
        out.append(Region("plate", box, max(score, 0.01)))
    return out
