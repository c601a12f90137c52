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

import cv2
import numpy as np
from rapidfuzz.distance import Hamming

from twinflash.flash.plates import Plate, plate_candidates
from twinflash.privacy.regions import Region

_ALNUM = re.compile(r"[^A-Z0-9]")
# Aspect (width / height) of the text of one plate line, with or without the "F" band.
MIN_ASPECT, MAX_ASPECT = 1.6, 11.0
SWAP_PENALTY = 0.8  # confidence kept per look-alike character swapped


@dataclass(frozen=True)
class PlateReading:
    """One candidate reading: canonical text, format, confidence in [0, 1], raw OCR text."""

    text: str
    format: str
    confidence: float
    raw: str
    xyxy: tuple[float, float, float, float]


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
        return float(w), float(max(h, 1.0))


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


@lru_cache(maxsize=4)
def _engine(threads: int, crops: bool):  # -> rapidocr.RapidOCR
    """rapidocr engine; for whole images the detector's input is scaled to >= 736 px on its
    short side (finds small plates), for plate crops it is never upscaled (a 100 x 400 crop
    would otherwise be run at 736 x 2944)."""
    from rapidocr import RapidOCR

    params: dict[str, object] = {
        "Global.log_level": "error",
        "Global.use_cls": False,
        "Global.text_score": 0.0,  # keep weak readings: we filter by plate rules ourselves
    }
    if crops:
        params |= {"Det.limit_type": "max", "Det.limit_side_len": 960}
    if threads > 0:
        params["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
    return RapidOCR(params=params)


class PlateReader:
    """Plate finder and reader on rapidocr's PP-OCR detector and recogniser (CPU)."""

    def __init__(self, min_height_px: float = 6.0, threads: int = 0) -> None:
        self.min_height_px = min_height_px
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
        """
        res = self.ocr(
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
    rgb: np.ndarray, box_xywh: Sequence[float]
) -> tuple[np.ndarray, tuple[float, float, float]]:
    """Crop with a margin of half the box height, upscaled so the plate is >= 48 px high."""
    x, y, w, h = (float(v) for v in box_xywh)
    if w <= 1 or h <= 1:
        raise ValueError(f"plate box {list(box_xywh)}: width and height must be > 1 px")
    ih, iw = rgb.shape[:2]
    if x >= iw or y >= ih or x + w <= 0 or y + h <= 0:
        raise ValueError(f"plate box {list(box_xywh)} lies outside the {iw}x{ih} image")
    pad = max(8.0, 0.5 * h)
    x1, y1, x2, y2 = round(x - pad), round(y - pad), round(x + w + pad), round(y + h + pad)
    crop = rgb[max(0, y1) : min(ih, y2), max(0, x1) : min(iw, x2)]
    crop = cv2.copyMakeBorder(  # replicate the edge where the margin leaves the image
        crop, max(0, -y1), max(0, y2 - ih), max(0, -x1), max(0, x2 - iw), cv2.BORDER_REPLICATE
    )
    scale = min(6.0, max(1.0, 48.0 / h))
    if scale > 1.0:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return crop, (float(x1), float(y1), scale)
