"""Read one plate for accusing: rectified, read in several crops, decoded by the plate grammar,
with alternatives and a confidence calibrated on synthetic plates.

Given the plate's corners (TL, TR, BR, BL), the plate is straightened to its 520 x 110 mm
shape and its text area read; given only a box, the text line the PP-OCR detector finds in
it stands in for the corners (an upright box holds a turned plate askew). Each of a few
crops (text area, whole plate, stretched, contrast-equalised) goes through rapidocr's
recogniser once, as one batch; its raw CTC frames are decoded into valid plates only
(`twinflash.privacy.plate_decode`) and the crops vote by averaging their plate
probabilities. The best plate's share of the vote is its `probability`; it is called
`confident` when it passes the rule that `benchmarks/plates.py --calibrate` chose on
synthetic plates (`data/plate_confidence.json`): enough crops whose unconstrained best path
spells the plate, every crop explained by some plate, the plate's margins not hidden, a text
line tall and wide enough to tell W from M, the characters where the read text's layout puts
them (no hole a lost digit left), and the probability at or above the threshold (aim: among
confident readings at most 1 in 1,000 wrong).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import astuple, dataclass, replace
from functools import cache
from importlib import resources

import cv2
import numpy as np

from twinflash.flash.plates import normalise_plate
from twinflash.privacy.plate_calibration import (
    NEVER,
    NO_FIT_GATE,
    Calibration,
    Evidence,
    load_calibrations,
)
from twinflash.privacy.plate_decode import ALPHABET, decode, reduce_columns, reduce_probs
from twinflash.privacy.plate_layout import layout_gap
from twinflash.scene.plate_art import PLATE_H_MM, PLATE_W_MM, TEXT_X_MM

REC_H = 48  # the recogniser's input height
CALIBRATION = "plate_confidence.json"
# The detector's text line (box readings) is taller than the characters: their height is its
# height times this (0.68 / the median box line over plate height, 1.21, on the 510 box
# readings of calibration seed 3; 5-95 %: 0.45-0.71).
BOX_LINE_CHARS = 0.56


@dataclass(frozen=True)
class Alternative:
    text: str
    format: str
    probability: float


@dataclass(frozen=True)
class CropRead:
    """What one crop said: its own best plate and that plate's share of the crop's plate
    mass, the overall best's share there, and the recogniser's unconstrained best path
    (compact) with the weakest of its characters' peak probabilities, and how well plates
    explain the frames at all."""

    top: str | None
    share: float
    best_share: float
    greedy: str
    greedy_min: float
    fit: float  # log of the share of the network's frame mass on paths that can spell a plate
    where: tuple[float, ...] = ()  # the best path's characters across the crop (0-1)


def greedy_path(reduced: np.ndarray, filled: float = 1.0) -> tuple[str, float, tuple[float, ...]]:
    """Best-path reading of reduced CTC frames (T, 37): the compact text, the lowest peak
    probability among its characters (1.0 for none), and where each character peaks across
    the crop (0 left edge, 1 right edge; `filled`: the share of frames the crop fills)."""
    best = reduced.argmax(axis=1)
    text: list[str] = []
    peaks: list[float] = []
    where: list[float] = []
    prev = 0
    span = max(filled * len(reduced), 1e-9)
    for t, k in enumerate(best.tolist()):
        p = float(reduced[t, k])
        if k and k != prev:
            text.append(ALPHABET[k - 1])
            peaks.append(p)
            where.append((t + 0.5) / span)
        elif k and peaks and p > peaks[-1]:
            peaks[-1], where[-1] = p, (t + 0.5) / span
        prev = k
    return "".join(text), min(peaks, default=1.0), tuple(where)


def crop_evidence(text: str | None, crops: Sequence[CropRead]) -> tuple[float, float]:
    """(share of crops whose best path holds the plate's characters in a row, worst fit)."""
    if text is None or not crops:
        return 0.0, NO_FIT_GATE
    compact = text.replace("-", "").replace(" ", "")
    agreement = sum(compact in c.greedy for c in crops) / len(crops)
    return agreement, min(c.fit for c in crops)


@dataclass(frozen=True)
class PlateRead:
    """The reading of one plate: best text (None: no valid plate), its probability, whether
    that is above the calibrated threshold, and every plausible plate, best first."""

    text: str | None
    probability: float
    confident: bool
    alternatives: tuple[Alternative, ...]
    line: np.ndarray  # corners TL, TR, BR, BL of the text line read (image pixels)
    crops: tuple[CropRead, ...] = ()
    hidden: float = 0.0  # share of the margins above and below the characters hidden
    char_scale: float = 1.0  # the characters' height / `line`'s (box readings: BOX_LINE_CHARS)
    spans: tuple[tuple[float, float], ...] | None = None  # crops across the plate
    boxed: bool = False  # read from a box (spans from the box, not the plate's corners)

    @property
    def evidence(self) -> Evidence:
        """What the confident rule looks at: the probability, the share of crops whose
        unconstrained best path spells the plate, the worst crop's fit, the share of the
        margins hidden, the characters' height, their stray from the layout, the line's
        width and whether it was read from a box."""
        return Evidence(
            self.probability,
            *crop_evidence(self.text, self.crops),
            self.hidden,
            self.chars_px,
            layout_gap(self.text, [(c.greedy, c.where) for c in self.crops], self.spans),
            self.width_px,
            self.boxed,
        )

    @property
    def width_px(self) -> float:
        """Width of the text line read, in image pixels (mean of its top and bottom)."""
        q = self.line
        return float(np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2

    @property
    def height_px(self) -> float:
        """Height of the text line read, in image pixels (mean of its two sides)."""
        q = self.line
        return float(np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2

    @property
    def chars_px(self) -> float:
        """The characters' height in image pixels, as far as the line read tells it."""
        return self.height_px * self.char_scale

    @property
    def xyxy(self) -> tuple[float, float, float, float]:
        """Upright box of the text line (the characters, without the bands)."""
        (x1, y1), (x2, y2) = self.line.min(axis=0), self.line.max(axis=0)
        return float(x1), float(y1), float(x2), float(y2)

    def to_json(self) -> dict[str, object]:
        return {
            "text": self.text,
            "probability": round(self.probability, 4),
            "confident": self.confident,
            "alternatives": [
                {"text": a.text, "format": a.format, "probability": round(a.probability, 4)}
                for a in self.alternatives
            ],
            "line": [[round(float(v), 1) for v in p] for p in self.line],
        }


def threshold_group(fmt: str) -> str:
    """FNI plates (variable length: a hidden character still leaves a valid plate) are
    calibrated apart from the fixed-length SIV ones (ordinary, temporary, dealer)."""
    return "FNI" if fmt == "FNI" else "SIV"


@cache
def calibrations() -> dict[str, Calibration]:
    """The confident rules shipped with the package, by group (empty: none calibrated)."""
    try:
        text = (
            resources.files("twinflash.privacy")
            .joinpath("data", CALIBRATION)
            .read_text(encoding="utf-8")
        )
    except FileNotFoundError:
        return {}
    return load_calibrations(text, CALIBRATION)


def confident_rule(fmt: str = "SIV") -> Calibration:
    """The calibrated rule for plates of format `fmt` (never confident when none was
    calibrated)."""
    return calibrations().get(threshold_group(fmt), Calibration(NEVER, 1e-3, 0, 0, 0))


def check_corners(corners: object) -> np.ndarray:
    """4 x 2 finite corners of a non-degenerate quadrilateral, or ValueError naming them."""
    try:
        quad = np.asarray(corners, dtype=np.float64).reshape(4, 2)
    except (TypeError, ValueError):
        raise ValueError(f"`corners`: expected 4 points (x, y), got {corners!r}") from None
    if not np.isfinite(quad).all():
        raise ValueError(f"`corners`: not finite: {quad.tolist()}")
    area = 0.5 * abs(float(np.cross(quad[2] - quad[0], quad[3] - quad[1])))
    if area < 4.0:
        raise ValueError(f"`corners`: the plate {quad.tolist()} has no area")
    return quad


def _warp(rgb: np.ndarray, src: np.ndarray, size_wh: tuple[int, int]) -> np.ndarray:
    w, h = size_wh
    dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src.astype(np.float32), dst)
    return cv2.warpPerspective(
        rgb, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )


def _plate_point(corners: np.ndarray, u: float, v: float) -> np.ndarray:
    """The image point at (u, v) in plate units (0-1 across, 0-1 down), bilinear."""
    tl, tr, br, bl = corners
    top, bottom = tl + (tr - tl) * u, bl + (br - bl) * u
    return top + (bottom - top) * v


def _sub_quad(corners: np.ndarray, u0: float, u1: float, v0: float, v1: float) -> np.ndarray:
    return np.array(
        [_plate_point(corners, u, v) for u, v in ((u0, v0), (u1, v0), (u1, v1), (u0, v1))]
    )


CHARS_V = (0.16, 0.84)  # the characters' top and bottom, in plate heights
MARGINS_V = ((-0.19, -0.045), (1.045, 1.19))  # the plate's margins, in character heights
HIDDEN_DARK = 0.35  # a margin column darker than this share of the bright ones is hidden


def hidden_share(rgb: np.ndarray, line: np.ndarray) -> float:
    """How much of the plate's margins just above and below the characters (TL, TR, BR, BL
    of the characters) something dark hides: a tow bar or a bike rack in front of the plate
    also hides characters, and a hidden FNI digit still leaves a valid plate. The larger
    share of the two strips' columns far darker than the strip's bright columns; dirt and
    night leave it near 0."""
    out = 0.0
    for v0, v1 in MARGINS_V:
        strip = _warp(rgb, _sub_quad(line, 0.0, 1.0, v0, v1), (160, 6))
        cols = np.median(cv2.cvtColor(strip, cv2.COLOR_RGB2GRAY).astype(np.float32), axis=0)
        bright = float(np.percentile(cols, 90))
        out = max(out, float((cols < HIDDEN_DARK * bright).mean()) if bright > 0 else 0.0)
    return out


_U0, _U1 = TEXT_X_MM[0] / PLATE_W_MM, TEXT_X_MM[1] / PLATE_W_MM
# Each crop's left and right edges across the plate (0-1), in `crops`' order.
CROP_SPANS = ((_U0, _U1), (_U0 - 0.03, _U1 + 0.03), (-0.02, 1.02), (_U0, _U1), (_U0, _U1))


def crops(rgb: np.ndarray, corners: np.ndarray) -> list[np.ndarray]:
    """The crops read and voted on (`CROP_SPANS`): text area, wider area, whole plate,
    stretched, CLAHE."""
    u0, u1 = CROP_SPANS[0]
    text = _sub_quad(corners, u0, u1, 0.06, 0.94)
    wide = _sub_quad(corners, *CROP_SPANS[1], -0.08, 1.08)
    whole = _sub_quad(corners, *CROP_SPANS[2], -0.1, 1.1)
    aspect = (u1 - u0) * PLATE_W_MM / (0.88 * PLATE_H_MM)
    out = [
        _warp(rgb, text, (round(REC_H * aspect), REC_H)),
        _warp(rgb, wide, (round(REC_H * aspect * 1.06 / 1.16), REC_H)),
        _warp(rgb, whole, (round(REC_H * 1.04 * PLATE_W_MM / (1.2 * PLATE_H_MM)), REC_H)),
        _warp(rgb, text, (round(REC_H * aspect * 1.5), REC_H)),
    ]
    grey = cv2.cvtColor(out[0], cv2.COLOR_RGB2GRAY)
    eq = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(2, 8)).apply(grey)
    out.append(cv2.cvtColor(eq, cv2.COLOR_GRAY2RGB))
    return out


class GrammarReader:
    """Plate reading by grammar-constrained CTC decoding over voted crops (rapidocr, CPU)."""

    def __init__(self, threads: int = 0, beam: int = 32) -> None:
        from twinflash.privacy.plates import _engine

        self.engine = _engine(threads, crops=True)
        self.beam = beam
        self._columns: np.ndarray | None = None

    def _recogniser(self):  # -> rapidocr TextRecognizer, built on first use
        if self.engine.text_rec is None:  # rapidocr builds it on its first recognition
            self.engine.recognize_txt([np.full((REC_H, REC_H * 4, 3), 255, np.uint8)])
        rec = self.engine.text_rec
        if self._columns is None:
            self._columns = reduce_columns(list(rec.postprocess_op.character))
        return rec

    def frames(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Reduced CTC frames (T, 37) of each RGB line image, one batch per call."""
        return [f for f, _ in self._frames(images)]

    def _frames(self, images: Sequence[np.ndarray]) -> list[tuple[np.ndarray, float]]:
        """Each image's reduced frames and the share of them its own pixels fill (the rest
        is the batch's padding)."""
        rec = self._recogniser()
        assert self._columns is not None
        if not images:
            return []
        bgr = [cv2.cvtColor(np.ascontiguousarray(im), cv2.COLOR_RGB2BGR) for im in images]
        widest = max(im.shape[1] / im.shape[0] for im in bgr)
        # one batch, padded to the widest as rapidocr pads: the padding reads as blanks
        batch = np.stack([rec.resize_norm_img(im, widest) for im in bgr])
        padded = int(REC_H * widest)
        filled = [min(math.ceil(REC_H * im.shape[1] / im.shape[0]), padded) / padded for im in bgr]
        return [
            (reduce_probs(probs, self._columns), f)
            for probs, f in zip(rec.session(batch), filled, strict=True)
        ]

    def read_corners(self, rgb: np.ndarray, corners: object) -> PlateRead:
        """Read the plate whose corners (TL, TR, BR, BL, image pixels) are given."""
        quad = check_corners(corners)
        if rgb.ndim == 2:
            rgb = np.repeat(rgb[:, :, None], 3, axis=2)
        u0, u1 = TEXT_X_MM[0] / PLATE_W_MM, TEXT_X_MM[1] / PLATE_W_MM
        line = _sub_quad(quad, u0, u1, CHARS_V[0], CHARS_V[1])
        return self._vote(crops(rgb, quad), line, hidden_share(rgb, line), spans=CROP_SPANS)

    def _vote(
        self,
        cuts: list[np.ndarray],
        quad: np.ndarray,
        hidden: float,
        char_scale: float = 1.0,
        spans: tuple[tuple[float, float], ...] | None = None,
        boxed: bool = False,
    ) -> PlateRead:
        """Each crop's plate probabilities, averaged: the crops vote (`spans`: the crops'
        extents across the plate, when known)."""
        votes: dict[str, float] = {}
        per_crop: list[tuple[dict[str, float], str, float, float, tuple[float, ...]]] = []
        for frames, filled in self._frames(cuts):
            plates, log_scale = decode(frames, self.beam)
            total = max(sum(plates.values()), 1e-12)
            shares = {t: p / total for t, p in plates.items()}
            for text, p in shares.items():
                votes[text] = votes.get(text, 0.0) + p / len(cuts)
            # a crop with no plate at all votes for nothing: the best's share falls
            greedy, low, where = greedy_path(frames, filled)
            per_crop.append((shares, greedy, low, log_scale, where))
        ranked = sorted(votes.items(), key=lambda kv: -kv[1])
        alts = tuple(Alternative(t, normalise_plate(t).format, p) for t, p in ranked if p >= 0.001)
        if not alts:
            return PlateRead(None, 0.0, False, (), quad, (), hidden, char_scale, spans, boxed)
        best = alts[0]
        said = tuple(
            CropRead(
                max(shares, key=shares.__getitem__) if shares else None,
                max(shares.values(), default=0.0),
                shares.get(best.text, 0.0),
                greedy,
                low,
                fit,
                where,
            )
            for shares, greedy, low, fit, where in per_crop
        )
        read = PlateRead(
            best.text,
            best.probability,
            False,
            alts[:8],
            quad,
            said,
            hidden,
            char_scale,
            spans,
            boxed,
        )
        sure = confident_rule(best.format).passes(*astuple(read.evidence))
        return replace(read, confident=sure)

    def read_box(self, rgb: np.ndarray, box_xywh: Sequence[float]) -> PlateRead:
        """Read the plate in an upright box: the text line the detector finds in it is
        straightened and read in a few crops (the decoder skips the bands' F and number).
        The box is taken as the plate's extent across: it places the crops on the plate
        (`box_spans`) for the layout gap."""
        if rgb.ndim == 2:
            rgb = np.repeat(rgb[:, :, None], 3, axis=2)
        line = line_in_box(self.engine, rgb, box_xywh)
        hidden = hidden_share(rgb, line)
        spans = box_spans(line, box_xywh)
        return self._vote(line_crops(rgb, line), line, hidden, BOX_LINE_CHARS, spans, True)


# `line_crops`' margins beside the line, in line heights: tight, loose, tight stretched, CLAHE
LINE_MARGINS = (0.25, 0.6, 0.25, 0.25)


def _line_axes(quad: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """A text line's centre, its across and up vectors, their lengths (height at least 1)."""
    c = quad.mean(axis=0)
    u = (quad[1] - quad[0] + quad[2] - quad[3]) / 2
    v = (quad[3] - quad[0] + quad[2] - quad[1]) / 2
    return c, u, v, float(np.linalg.norm(u)), max(float(np.linalg.norm(v)), 1.0)


def box_spans(quad: np.ndarray, box_xywh: Sequence[float]) -> tuple[tuple[float, float], ...]:
    """Each of `line_crops`' crops' left and right ends across the plate (0-1), taking the
    box's width as the plate's: from a box, only this places the read text on the plate (a
    line that lost its leading digits fits its own ink). Perspective is ignored."""
    c, u, _, w, h = _line_axes(np.asarray(quad, dtype=np.float64))
    x, bw = float(box_xywh[0]), max(float(box_xywh[2]), 1.0)
    ends = [(u / 2 + m * h * u / max(w, 1.0))[0] for m in LINE_MARGINS]
    return tuple(((c[0] - e - x) / bw, (c[0] + e - x) / bw) for e in ends)


def line_crops(rgb: np.ndarray, quad: np.ndarray) -> list[np.ndarray]:
    """Crops of a text line (TL, TR, BR, BL): with a margin, a wider margin, stretched, CLAHE
    (`LINE_MARGINS`)."""
    c, u, v, w, h = _line_axes(quad)

    def grown(mu: float, mv: float) -> np.ndarray:
        du, dv = u / 2 + mu * h * u / max(w, 1.0), v / 2 * mv
        return np.array([c - du - dv, c + du - dv, c + du + dv, c - du + dv])

    def size(q: np.ndarray, stretch: float = 1.0) -> tuple[int, int]:
        qw = float(np.linalg.norm(q[1] - q[0]))
        qh = max(float(np.linalg.norm(q[3] - q[0])), 1.0)
        return max(8, round(REC_H * qw / qh * stretch)), REC_H

    tight, loose = grown(LINE_MARGINS[0], 1.25), grown(LINE_MARGINS[1], 1.5)
    out = [
        _warp(rgb, tight, size(tight)),
        _warp(rgb, loose, size(loose)),
        _warp(rgb, tight, size(tight, 1.5)),
    ]
    grey = cv2.cvtColor(out[0], cv2.COLOR_RGB2GRAY)
    eq = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(2, 8)).apply(grey)
    return [*out, cv2.cvtColor(eq, cv2.COLOR_GRAY2RGB)]


def line_in_box(engine: object, rgb: np.ndarray, box_xywh: Sequence[float]) -> np.ndarray:
    """The plate's text line in an upright box (TL, TR, BR, BL, image pixels): the largest
    piece the detector finds there with the pieces of its height beside it (a plate split
    at a dash), not the bands' smaller F and number; else the box itself."""
    from twinflash.privacy.plates import _ordered, _padded_crop, _quad_wh

    crop, (ox, oy, scale) = _padded_crop(rgb, box_xywh)
    res = engine(
        cv2.cvtColor(crop, cv2.COLOR_RGB2BGR),
        use_det=True,
        use_cls=False,  # type: ignore[operator]
        use_rec=False,
    )
    x, y, w, h = (float(v) for v in box_xywh)
    if res.boxes is None or len(res.boxes) == 0:
        return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
    pieces = [_ordered(np.asarray(b, np.float32)) for b in res.boxes]
    sizes = [_quad_wh(q) for q in pieces]
    main = max(range(len(pieces)), key=lambda i: sizes[i][0] * sizes[i][1])
    mh, centre = sizes[main][1], pieces[main].mean(axis=0)
    kept = [
        q
        for q, (_, qh) in zip(pieces, sizes, strict=True)
        if qh >= 0.75 * mh and abs(float(q.mean(axis=0)[1] - centre[1])) < 0.5 * mh
    ]
    quad = _ordered(np.concatenate(kept))
    return quad.astype(np.float64) / scale + np.array([ox, oy])
