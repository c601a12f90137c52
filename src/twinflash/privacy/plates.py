"""Find and read French plates with rapidocr's shipped PP-OCR models (no download).

The PP-OCR text detector finds every line of text; pieces on one line (the OCR often splits
`AB-123-CD` or keeps the "F" of the blue band apart) are joined, then a line is kept as a plate
when its shape is plate-like and its reading is a French plate under the registry rules
(`twinflash.flash.plates`), or at least looks like a plate (letters and digits mixed), since
for blurring a missed plate costs more than a blurred shop sign.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import cv2
import numpy as np
from rapidfuzz.distance import Hamming

from twinflash.flash.plates import Plate, plate_candidates
from twinflash.privacy.regions import Region, coverage

_ALNUM = re.compile(r"[^A-Z0-9]")
# Aspect (width / height) of the text of one plate line, with or without the "F" band.
MIN_ASPECT, MAX_ASPECT = 1.6, 11.0
SWAP_PENALTY = 0.8  # confidence kept per look-alike character swapped


@dataclass(frozen=True)
class PlateReading:
    """One candidate reading: canonical text, format, confidence in [0, 1], raw OCR text.

    `confident` is always True here: this reader has no calibrated threshold, so callers
    judge `confidence` themselves (the calibrated reader is `plate_reading.AccusingReader`).
    """

    text: str
    format: str
    confidence: float
    raw: str
    xyxy: tuple[float, float, float, float]
    confident: bool = True


@dataclass(frozen=True)
class _Line:
    quad: np.ndarray  # 4x2 corners, image pixels
    text: str
    score: float

    @property
    def xyxy(self) -> tuple[float, float, float, float]:
        x1, y1 = self.quad.min(axis=0)
        x2, y2 = self.quad.max(axis=0)
        return float(x1), float(y1), float(x2), float(y2)

    @property
    def size_wh(self) -> tuple[float, float]:
        """Width and height along the text direction (rotation removed)."""
        q = self.quad
        w = (np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2
        h = (np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2
        return float(w), max(float(h), 1.0)


def compact(text: str) -> str:
    return _ALNUM.sub("", text.upper())


def readings_of(text: str, score: float) -> list[tuple[Plate, float]]:
    """French plates a raw OCR string may denote, with confidences, best first.

    The whole string is tried first; then windows of it (6-9 characters, e.g. "FAB123CD"
    with the band's F read in), with one look-alike swap at most.
    """
    raw = compact(text)
    found: dict[str, tuple[Plate, float]] = {}

    def add(source: str, max_swaps: int, factor: float) -> None:
        for plate in plate_candidates(source, max_substitutions=max_swaps):
            swaps = (
                Hamming.distance(source, plate.compact)
                if len(source) == len(plate.compact)
                else max_swaps
            )
            conf = score * factor * SWAP_PENALTY**swaps
            if plate.text not in found or found[plate.text][1] < conf:
                found[plate.text] = (plate, conf)

    add(raw, 2, 1.0)
    if not found:
        for length in range(min(9, len(raw) - 1), 5, -1):
            for start in range(len(raw) - length + 1):
                add(raw[start : start + length], 1, 0.9)
    return sorted(found.values(), key=lambda pc: -pc[1])


def looks_like_plate(text: str) -> bool:
    """Letters and digits mixed, plate length: blurred even when not a valid French plate."""
    raw = compact(text)
    digits = sum(c.isdigit() for c in raw)
    return 4 <= len(raw) <= 10 and digits >= 2 and len(raw) - digits >= 1


def plate_ish(text: str) -> bool:
    """Looser than `looks_like_plate`, for blurring only: a partial or damaged reading of a
    plate (3-12 characters with 2 digits, or 5-12 with a digit and 2 letters)."""
    raw = compact(text)
    digits = sum(c.isdigit() for c in raw)
    letters = len(raw) - digits
    return (3 <= len(raw) <= 12 and digits >= 2) or (
        5 <= len(raw) <= 12 and digits >= 1 and letters >= 2
    )


# Eager finding (for blurring): the detector's thresholds lowered from rapidocr's 0.3 / 0.5,
# a looser shape test, and plate-ish readings accepted.
EAGER_DET = {"Det.thresh": 0.2, "Det.box_thresh": 0.3}
EAGER_MIN_ASPECT, EAGER_MAX_ASPECT, EAGER_MIN_HEIGHT = 0.9, 24.0, 5.0
SMALL_LIMIT = 12  # panels recognised per image by `find_small` (the plate ranks <= 8)
SMALL_MIN_H, SMALL_MAX_H = 5, 24
SMALL_IMAGE_PX = 368  # short side under which `find` also tries the unscaled detector
SMALL_DAMAGED_SCORE = 0.6  # below: a reading of >= 5 characters is a damaged plate


@lru_cache(maxsize=6)
def _engine(threads: int, crops: bool, eager: bool = False):  # -> rapidocr.RapidOCR
    """rapidocr engine; for whole images the detector's input is scaled to >= 736 px on its
    short side (finds small plates), for plate crops it is never upscaled (a 100 x 400 crop
    would otherwise be run at 736 x 2944). `eager` lowers the detector's thresholds."""
    from rapidocr import RapidOCR

    params: dict[str, object] = {
        "Global.log_level": "error",
        "Global.use_cls": False,
        "Global.text_score": 0.0,  # keep weak readings: we filter by plate rules ourselves
    }
    if eager:
        params |= EAGER_DET
    if crops:
        params |= {"Det.limit_type": "max", "Det.limit_side_len": 960}
    if threads > 0:
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
    return RapidOCR(params=params)


class PlateReader:
    """Plate finder and reader on rapidocr's PP-OCR detector and recogniser (CPU)."""

    def __init__(self, min_height_px: float = 6.0, threads: int = 0) -> None:
        self.min_height_px = min_height_px
        self.threads = threads
        self.ocr = _engine(threads, crops=False)
        self.crop_ocr = _engine(threads, crops=True)

    def _crop_lines(self, crop: np.ndarray) -> list[_Line]:
        """Text lines (detector + recogniser) of a plate crop."""
        # flags on every call: rapidocr keeps the flags of the previous call otherwise
        res = self.crop_ocr(
            cv2.cvtColor(crop, cv2.COLOR_RGB2BGR), use_det=True, use_cls=False, use_rec=True
        )
        if res.boxes is None or res.txts is None:
            return []
        return [
            _Line(np.asarray(b, dtype=np.float32), t, float(s))
            for b, t, s in zip(res.boxes, res.txts, res.scores, strict=True)
        ]

    def find(self, rgb: np.ndarray) -> list[Region]:
        """Plates in an RGB image; boxes widened to cover the whole plate, band included.

        The detector runs on the whole image, the recogniser only on plate-shaped lines.
        A small image (a plate cropped tight) that gives nothing is looked at again without
        upscaling: upscaled past 736 px, the plate's line comes out as a thin strip that
        the shape test rejects.
        """
        out = self._plates_in(rgb, self.ocr)
        if not out and min(rgb.shape[:2]) < SMALL_IMAGE_PX:
            out = self._plates_in(rgb, self.crop_ocr)
        return out

    def _plates_in(self, rgb: np.ndarray, engine: Any) -> list[Region]:
        res = engine(
            cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), use_det=True, use_cls=False, use_rec=False
        )
        quads = [] if res.boxes is None else [np.asarray(b, np.float32) for b in res.boxes]
        out: list[Region] = []
        for line in _join_lines([_Line(q, "", 1.0) for q in quads]):
            w, h = line.size_wh
            if h < self.min_height_px or not MIN_ASPECT <= w / h <= MAX_ASPECT:
                continue
            text, score = self._recognise(_warp(rgb, line.quad))
            readings = readings_of(text, score)
            if not readings and not looks_like_plate(text):
                continue
            x1, y1, x2, y2 = line.xyxy
            bh = y2 - y1
            box = (x1 - 0.6 * h, y1 - 0.3 * bh, x2 + 0.4 * h, y2 + 0.3 * bh)
            best = readings[0][0].text if readings else compact(text)
            out.append(Region("plate", _clip(box, rgb.shape), score, text=best))
        return out

    def find_eager(self, rgb: np.ndarray) -> list[Region]:
        """Plates for blurring, found more eagerly than `find` (which reading relies on).

        Candidates: the text lines of the detector run with lower thresholds, both joined
        along their own direction (tilted plates) and as single pieces (a large plate
        joined with its neighbours makes a strip too thin for the shape test), and groups
        of character-like blobs (MSER) in a row, which the detector misses on tilted,
        rainy or blurred plates. A candidate is blurred when its reading is a French plate,
        looks like one, or is only plate-ish (`plate_ish`: a damaged reading). Boxes are
        the candidate's rotated rectangle grown to the plate's rim, as an upright box.
        Plates too small for the detector are `find_small`'s.
        """
        eager = _engine(self.threads, crops=False, eager=True)
        res = eager(
            cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), use_det=True, use_cls=False, use_rec=False
        )
        pieces = (
            [] if res.boxes is None else [_ordered(np.asarray(b, np.float32)) for b in res.boxes]
        )
        candidates = _dedupe(_join_rotated(pieces) + pieces + _char_groups(rgb))
        shaped = []
        for quad in candidates:
            w, h = _quad_wh(quad)
            if h >= EAGER_MIN_HEIGHT and EAGER_MIN_ASPECT <= w / h <= EAGER_MAX_ASPECT:
                shaped.append(quad)
        texts = self._recognise_many([_warp(rgb, q) for q in shaped])
        out: list[Region] = []
        for quad, (text, score) in zip(shaped, texts, strict=True):
            readings = readings_of(text, score)
            if not (
                readings or looks_like_plate(text) or plate_ish(text) or _has_eu_band(rgb, quad)
            ):
                continue
            best = readings[0][0].text if readings else compact(text)
            out.append(Region("plate", _clip(_grow(quad), rgb.shape), max(score, 0.01), best))
        return _merge(out)

    def find_small(
        self, rgb: np.ndarray, limit: int = SMALL_LIMIT, skip: Sequence[Region] = ()
    ) -> list[Region]:
        """Small plates (5-24 px high) that the detector does not see at the image's scale.

        Proposals are bright, plate-shaped panels (MSER regions of aspect 2.5-7.5, mostly
        filled, with dark strokes inside): the white or yellow plate on a darker car. At most
        `limit` of them, the most textured first, are cut out with a margin, upscaled to
        48 px and recognised in one batch; a panel is blurred when its reading is plate-ish,
        is >= 5 characters read poorly (a damaged plate), or it carries a narrow blue band at
        an end (`_small_band`). Cheap next to a detector pass on an upscaled image. Panels
        inside a region of `skip` (plates already found) are neither read nor counted.
        """
        panels = [
            p for p in _plate_panels(rgb) if not any(coverage(p[:4], s.xyxy) > 0.85 for s in skip)
        ][:limit]
        if not panels:
            return []
        crops = []
        for x1, y1, x2, y2, _ in panels:
            crop, _ = _padded_crop(rgb, (x1, y1, x2 - x1, y2 - y1), pad_share=0.25)
            crops.append(crop)
        texts = self._recognise_many(crops)
        out: list[Region] = []
        for (x1, y1, x2, y2, _), (text, score) in zip(panels, texts, strict=True):
            # a plate-shaped bright panel read poorly as >= 5 characters: a damaged plate (a
            # word read clearly, such as a name tag, has no digit: no plate)
            damaged = len(compact(text)) >= 5 and score < SMALL_DAMAGED_SCORE
            plate_like = readings_of(text, score) or plate_ish(text) or damaged
            if not (plate_like or _small_band(rgb, (x1, y1, x2, y2))):
                continue
            h = y2 - y1
            box = (x1 - 0.15 * h, y1 - 0.15 * h, x2 + 0.15 * h, y2 + 0.15 * h)
            out.append(Region("plate", _clip(box, rgb.shape), max(score, 0.01), compact(text)))
        return out

    def recognise_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, score) of each RGB crop of one text line, for finders outside this module."""
        return self._recognise_many(crops)

    def _recognise_many(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Texts of line crops, recognised in batches (one call of the recogniser)."""
        if not crops:
            return []
        res = self.ocr.recognize_txt([cv2.cvtColor(c, cv2.COLOR_RGB2BGR) for c in crops])
        return [(str(t), float(s)) for t, s in zip(res.txts, res.scores, strict=True)]

    def _recognise(self, crop: np.ndarray) -> tuple[str, float]:
        """Text of one line crop (recogniser only)."""
        res = self.ocr(
            cv2.cvtColor(crop, cv2.COLOR_RGB2BGR), use_det=False, use_cls=False, use_rec=True
        )
        if not res.txts:
            return "", 0.0
        return str(res.txts[0]), float(res.scores[0])

    def read(self, rgb: np.ndarray, box_xywh: Sequence[float] | None = None) -> list[PlateReading]:
        """Candidate readings, best first: of the plate in `box_xywh`, or of every plate found.

        A tight box is padded with the surrounding image (or replicated border at the image
        edge) and small crops are upscaled: the OCR needs a margin to read `AB-123-CD` whole.
        """
        if box_xywh is None:
            out: list[PlateReading] = []
            for region in self.find(rgb):
                x1, y1, x2, y2 = region.xyxy
                out += self.read(rgb, (x1, y1, x2 - x1, y2 - y1))
            return sorted(out, key=lambda r: -r.confidence)
        crop, (ox, oy, scale) = _padded_crop(rgb, box_xywh)
        lines = _join_lines(self._crop_lines(crop))
        if not lines:  # no text found by the detector: recognise the crop as one line
            res = self.crop_ocr(
                cv2.cvtColor(crop, cv2.COLOR_RGB2BGR), use_det=False, use_cls=False, use_rec=True
            )
            h, w = crop.shape[:2]
            quad = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
            lines = [
                _Line(quad, t, float(s))
                for t, s in zip(res.txts or (), res.scores or (), strict=True)
            ]
        by_text: dict[str, PlateReading] = {}
        for line in lines:
            x1, y1, x2, y2 = line.xyxy
            xyxy = (x1 / scale + ox, y1 / scale + oy, x2 / scale + ox, y2 / scale + oy)
            for plate, conf in readings_of(line.text, line.score):
                old = by_text.get(plate.text)
                if old is None or old.confidence < conf:
                    by_text[plate.text] = PlateReading(
                        plate.text, plate.format, round(conf, 4), line.text, xyxy
                    )
        return sorted(by_text.values(), key=lambda r: -r.confidence)


def _plate_panels(rgb: np.ndarray) -> list[tuple[int, int, int, int, float]]:
    """Bright plate-shaped panels, 5-24 px high, most textured first: (x1, y1, x2, y2, score).

    MSER regions (both polarities) of aspect 2.5-7.5 filling >= 40% of their box, whose
    inside has dark strokes (5-50% of pixels well below the panel's level) and horizontal
    detail; overlapping panels keep the larger one.
    """
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    mser = cv2.MSER.create(2, 25, 2500, 0.5)
    regions, boxes = mser.detectRegions(grey)
    found = []
    for pts, (x, y, w, h) in zip(regions, boxes, strict=True):
        if not (SMALL_MIN_H <= h <= SMALL_MAX_H and 2.5 <= w / h <= 7.5):
            continue
        if len(pts) < 0.4 * w * h:
            continue
        roi = grey[y : y + h, x : x + w].astype(np.float32)
        lo, hi = float(roi.min()), float(roi.max())
        if hi - lo < 25:
            continue
        dark = float((roi < np.median(roi) - 0.25 * (hi - lo)).mean())
        detail = float(np.abs(np.diff(roi, axis=1)).mean())
        if not 0.04 <= dark <= 0.5 or detail < 2.0:
            continue
        found.append((int(x), int(y), int(x + w), int(y + h), detail / max(hi - lo, 1.0)))
    found.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    kept: list[tuple[int, int, int, int, float]] = []
    for b in found:
        if not any(_overlap(b, k) > 0.5 for k in kept):
            kept.append(b)
    return sorted(kept, key=lambda b: -b[4])


def _blue(hsv: np.ndarray) -> np.ndarray:
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    return (hue >= 95) & (hue <= 130) & (sat >= 60) & (val >= 35)


def _small_band(rgb: np.ndarray, box: tuple[int, int, int, int]) -> bool:
    """A narrow blue band at an end of a small panel (the EU band, or the regional one), with
    no blue around it: blue sky or a blue car beside a bright panel is no band."""
    x1, y1, x2, y2 = box
    h = y2 - y1
    ext, inner = max(2, round(0.8 * h)), max(1, round(0.3 * h))
    ih, iw = rgb.shape[:2]
    if x1 - ext - h < 0 or x2 + ext + h > iw or y1 - h < 0 or y2 + h > ih:
        return False
    hsv = cv2.cvtColor(rgb[y1 - h : y2 + h, x1 - ext - h : x2 + ext + h], cv2.COLOR_RGB2HSV)
    blue = _blue(hsv)
    rows, cols = blue[h:-h], blue[h:-h].mean(axis=0)  # the panel's rows
    left, right = cols[h : h + ext + inner], cols[-(h + ext + inner) : -h]
    middle = rows[:, h + ext + inner : -(h + ext + inner)]
    around = np.concatenate([blue[:h].ravel(), blue[-h:].ravel(), blue[h:-h, :h].ravel(),
                             blue[h:-h, -h:].ravel()])  # fmt: skip
    band = (left >= 0.5).any() or (right >= 0.5).any()
    return bool(band and around.mean() < 0.15 and (middle.size == 0 or middle.mean() < 0.15))


def _overlap(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over the smaller box's area."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / max(small, 1e-6)


def _ordered(quad: np.ndarray) -> np.ndarray:
    """Minimum-area rectangle of the points, corners as top-left, top-right, bottom-right,
    bottom-left (for lines tilted less than ~60 degrees)."""
    rect = cv2.minAreaRect(quad.astype(np.float32))
    pts = cv2.boxPoints(rect)
    pts = pts[np.argsort(pts[:, 0])]
    left, right = pts[:2][np.argsort(pts[:2, 1])], pts[2:][np.argsort(pts[2:, 1])]
    out = np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)
    return out


def _has_eu_band(rgb: np.ndarray, quad: np.ndarray) -> bool:
    """A line of plate shape with the blue EU band at its left end (or right: some plates
    carry a regional one there): a plate even when too blurred to read."""
    w, h = _quad_wh(quad)
    if not 1.8 <= w / h <= 9.0:
        return False
    u = (quad[1] - quad[0]) / max(float(np.linalg.norm(quad[1] - quad[0])), 1e-6)
    ext = 0.9 * h  # the band may sit outside the detected text line
    grown = np.array([quad[0] - ext * u, quad[1] + ext * u, quad[2] + ext * u, quad[3] - ext * u])
    hsv = cv2.cvtColor(_warp(rgb, grown.astype(np.float32)), cv2.COLOR_RGB2HSV)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    blue = ((hue >= 95) & (hue <= 130) & (sat >= 70) & (val >= 35)).mean(axis=0)
    sw = round(hsv.shape[1] * (ext + 0.8 * h) / (w + 2 * ext))  # the outer ends only
    band_px = max(1, round(0.06 * h * hsv.shape[1] / (w + 2 * ext)))
    # columns mostly blue at either end: a band across the plate
    return any((end >= 0.5).sum() >= band_px for end in (blue[:sw], blue[-sw:]))


def _quad_wh(quad: np.ndarray) -> tuple[float, float]:
    w = (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    h = (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    return float(w), max(float(h), 1.0)


def _join_rotated(quads: list[np.ndarray]) -> list[np.ndarray]:
    """Pieces that continue one another along their own direction, joined (tilted lines)."""
    if len(quads) < 2:
        return []
    n = len(quads)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    geo = []
    for q in quads:
        w, h = _quad_wh(q)
        u = (q[1] - q[0]) + (q[2] - q[3])
        u = u / max(np.linalg.norm(u), 1e-6)
        geo.append((q.mean(axis=0), u, w, h))
    for i in range(n):
        ci, ui, wi, hi = geo[i]
        for j in range(i + 1, n):
            cj, uj, wj, hj = geo[j]
            if max(hi, hj) > 1.6 * min(hi, hj) or abs(float(ui @ uj)) < 0.97:
                continue
            d = cj - ci
            across = abs(float(d @ np.array([-ui[1], ui[0]])))
            gap = abs(float(d @ ui)) - (wi + wj) / 2
            if across < 0.5 * min(hi, hj) and -0.3 * min(hi, hj) < gap < 1.2 * max(hi, hj):
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return [
        _ordered(np.concatenate([quads[i] for i in members]))
        for members in groups.values()
        if len(members) > 1
    ]


def _char_groups(rgb: np.ndarray) -> list[np.ndarray]:
    """Rows of >= 4 character-like blobs (MSER, dark and light) of one height, as quads."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, 1600 / max(grey.shape))
    if scale < 1.0:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    mser = cv2.MSER.create(5, 12, max(200, grey.size // 200))
    _, boxes = mser.detectRegions(grey)
    chars: list[tuple[float, float, float, float]] = []
    for x, y, w, h in boxes:
        if 6 <= h <= 240 and 0.12 <= w / h <= 1.1:
            chars.append((x + w / 2, y + h / 2, float(w), float(h)))
    chars = _unique_boxes(chars)
    chars.sort()
    n = len(chars)
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        xi, yi, wi, hi = chars[i]
        for j in range(i + 1, n):
            xj, yj, wj, hj = chars[j]
            if xj - wj / 2 - (xi + wi / 2) > 1.0 * max(hi, hj):
                break  # sorted by x: the rest are further
            if max(hi, hj) > 1.3 * min(hi, hj) or abs(yj - yi) > 0.6 * min(hi, hj):
                continue
            if xj - xi < 0.3 * min(wi, wj):  # the same blob found twice
                continue
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    quads = []
    for members in groups.values():
        if len(members) < 4:
            continue
        pts = []
        for k in members:
            cx, cy, cw, ch = chars[k]
            pts += [(cx - cw / 2, cy - ch / 2), (cx + cw / 2, cy - ch / 2),
                    (cx + cw / 2, cy + ch / 2), (cx - cw / 2, cy + ch / 2)]  # fmt: skip
        quad = _ordered(np.asarray(pts, np.float32) / scale)
        c = quad.mean(axis=0)  # grow a little: the recogniser wants a margin
        quads.append((c + (quad - c) * np.array([1.08, 1.35], np.float32)).astype(np.float32))
    return quads


def _unique_boxes(chars: list[tuple[float, float, float, float]]) -> list:
    """MSER finds a blob at several thresholds: keep one per place and size."""
    seen: dict[tuple[int, int, int], tuple[float, float, float, float]] = {}
    for c in chars:
        key = (round(c[0] / 3), round(c[1] / 3), round(c[3] / 3))
        seen.setdefault(key, c)
    return list(seen.values())


def _dedupe(quads: list[np.ndarray]) -> list[np.ndarray]:
    out: list[np.ndarray] = []
    for q in quads:
        if not any(np.abs(q - o).max() < 2.0 for o in out):
            out.append(q)
    return out


def _grow(quad: np.ndarray) -> tuple[float, float, float, float]:
    """Upright box of the text quad grown to the plate's rim (band on the left, border)."""
    w, h = _quad_wh(quad)
    c = quad.mean(axis=0)
    u = (quad[1] - quad[0]) + (quad[2] - quad[3])
    u = u / max(np.linalg.norm(u), 1e-6)
    v = np.array([-u[1], u[0]])
    half_w, half_h = w / 2 + 0.6 * h, h / 2 + 0.35 * h
    corners = [c + sx * half_w * u + sy * half_h * v for sx in (-1, 1) for sy in (-1, 1)]
    pts = np.asarray(corners)
    x1, y1 = pts.min(axis=0)
    x2, y2 = pts.max(axis=0)
    return float(x1), float(y1), float(x2), float(y2)


def _merge(regions: list[Region]) -> list[Region]:
    """One region per plate: boxes mostly inside another are dropped, the larger kept."""

    regions = sorted(regions, key=lambda r: -r.width * r.height)
    kept: list[Region] = []
    for r in regions:
        if not any(coverage(r.xyxy, k.xyxy) > 0.85 for k in kept):
            kept.append(r)
    return kept


def _join_lines(lines: list[_Line]) -> list[_Line]:
    """Merge text pieces that sit side by side on one line (same height, small gap)."""
    lines = sorted(lines, key=lambda ln: ln.xyxy[0])
    merged: list[_Line] = []
    for line in lines:
        for i, prev in enumerate(merged):
            if _same_line(prev, line):
                quad = _union_quad(prev.quad, line.quad)
                score = min(prev.score, line.score)
                merged[i] = _Line(quad, f"{prev.text} {line.text}", score)
                break
        else:
            merged.append(line)
    return merged


def _same_line(a: _Line, b: _Line) -> bool:
    _, ay1, ax2, ay2 = a.xyxy
    bx1, by1, _, by2 = b.xyxy
    ha, hb = ay2 - ay1, by2 - by1
    overlap = min(ay2, by2) - max(ay1, by1)
    gap = bx1 - ax2
    return overlap > 0.5 * min(ha, hb) and -0.2 * ha < gap < 0.8 * max(ha, hb)


def _union_quad(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Corners of the left piece's left edge and the right piece's right edge."""
    return np.array([a[0], b[1], b[2], a[3]], dtype=np.float32)


def _warp(rgb: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """The quadrilateral cut out and straightened (rotated plates become level)."""
    w = max(2, round(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3]))))
    h = max(2, round(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1]))))
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    return cv2.warpPerspective(
        rgb, matrix, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def _clip(box: tuple[float, ...], shape: tuple[int, ...]) -> tuple[float, float, float, float]:
    h, w = shape[:2]
    return (max(0.0, box[0]), max(0.0, box[1]), min(float(w), box[2]), min(float(h), box[3]))


def _padded_crop(
    rgb: np.ndarray, box_xywh: Sequence[float], pad_share: float | None = None
) -> tuple[np.ndarray, tuple[float, float, float]]:
    """Crop with a margin of half the box height, upscaled so the plate is >= 48 px high."""
    x, y, w, h = (float(v) for v in box_xywh)
    if w <= 1 or h <= 1:
        raise ValueError(f"plate box {list(box_xywh)}: width and height must be > 1 px")
    ih, iw = rgb.shape[:2]
    if x >= iw or y >= ih or x + w <= 0 or y + h <= 0:
        raise ValueError(f"plate box {list(box_xywh)} lies outside the {iw}x{ih} image")
    pad = max(8.0, 0.5 * h) if pad_share is None else pad_share * h
    x1, y1, x2, y2 = round(x - pad), round(y - pad), round(x + w + pad), round(y + h + pad)
    crop = rgb[max(0, y1) : min(ih, y2), max(0, x1) : min(iw, x2)]
    crop = cv2.copyMakeBorder(  # replicate the edge where the margin leaves the image
        crop, max(0, -y1), max(0, y2 - ih), max(0, -x1), max(0, x2 - iw), cv2.BORDER_REPLICATE
    )
    scale = min(6.0, max(1.0, 48.0 / h))
    if scale > 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return crop, (float(x1), float(y1), scale)
