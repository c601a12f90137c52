"""Decode the recogniser's per-frame character probabilities into French plates only.

The PP-OCR recogniser ends in CTC: one probability vector over ~18,000 characters for each
column of the text line. Reading its best path and fixing look-alikes afterwards (0/O, 8/B,
5/S...) throws away what the network knew: "B" at 0.55 against "8" at 0.45. Here a prefix
beam search over the frames keeps only prefixes of valid plates (SIV `AB-123-CD`, dealer
`W-123-CD`, FNI `1234 AB 56`: `twinflash.flash.plates`), so a letter slot takes the best
letter and a digit slot the best digit, each plate's probability summing all its
alignments. The blue band's "F" may precede the plate and the regional band's département
may follow an SIV plate; separators ('-', ' ', '.') count as blanks; every other character
the network prefers (punctuation, Chinese) is mass no plate explains, which lowers the
total. Pure NumPy; the probabilities come from `twinflash.privacy.plate_ocr`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from twinflash.flash.plates import DEPARTEMENTS, FNI_LETTERS, SIV_LETTERS, plate_candidates

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # reduced classes 1..36; 0 is the blank
SEPARATORS = "- .·_–—"
_DIGITS = set("0123456789")
_SIV = set(SIV_LETTERS)
_FNI = set(FNI_LETTERS)
_DEPT_PREFIXES = {d[:i] for d in DEPARTEMENTS for i in range(len(d) + 1)}
_SUFFIX = _DIGITS | {"A", "B"}
MIN_FRAME_P = 1e-3  # characters less likely than this in a frame are not tried there


def reduce_columns(characters: list[str]) -> np.ndarray:
    """For each of the recogniser's classes, its reduced class: 0 blank (and separators),
    1-36 `ALPHABET` (lower case folded in), -1 no plate character."""
    out = np.full(len(characters), -1, np.int64)
    for i, ch in enumerate(characters):
        if i == 0 or ch in SEPARATORS:
            out[i] = 0
        elif len(ch) == 1 and ch.upper() in ALPHABET and ch.isascii():
            out[i] = 1 + ALPHABET.index(ch.upper())
    return out


def reduce_probs(probs: np.ndarray, columns: np.ndarray) -> np.ndarray:
    """(T, C) frame probabilities -> (T, 37): blank then `ALPHABET`; the rest is dropped."""
    keep = columns >= 0
    out = np.zeros((probs.shape[0], len(ALPHABET) + 1), np.float64)
    np.add.at(out.T, columns[keep], probs[:, keep].T)
    return out


@lru_cache(maxsize=200_000)
def viable(s: str) -> bool:
    """Whether `s` (compact, upper case) begins some valid French plate."""
    n = len(s)
    if n == 0:
        return True
    siv = n <= 7 and all(
        (c in _SIV) if i in (0, 1, 5, 6) else (c in _DIGITS) for i, c in enumerate(s)
    )
    siv = siv and s[:2] != "SS" and s[5:7] != "SS" and s[2:5] != "000"
    dealer = (
        n <= 6
        and s[0] == "W"
        and all((c in _DIGITS) if i < 4 else (c in _SIV) for i, c in enumerate(s[1:], 1))
        and s[1:4] != "000"
    )
    return siv or dealer or _fni_viable(s)


def _fni_viable(s: str) -> bool:
    i = 0
    while i < len(s) and s[i] in _DIGITS:
        i += 1
    if i == 0 or i > 4 or s[0] == "0":
        return False
    j = i
    while j < len(s) and s[j] in _FNI and j - i < 3:
        j += 1
    letters = s[i:j]
    if not letters:
        return j == len(s)
    if "SS" in letters:
        return False
    return s[j:] in _DEPT_PREFIXES


@lru_cache(maxsize=200_000)
def complete(s: str) -> str | None:
    """The canonical plate `s` spells exactly, or None."""
    found = plate_candidates(s, max_substitutions=0) if viable(s) else []
    return found[0].text if found else None


@dataclass(frozen=True)
class _Key:
    band: bool  # the band's "F" read before the plate
    plate: str
    suffix: str  # the regional band's département read after an SIV plate

    @property
    def last(self) -> str:
        if self.suffix:
            return self.suffix[-1]
        if self.plate:
            return self.plate[-1]
        return "F" if self.band else ""


def _extensions(key: _Key, c: str) -> list[_Key]:
    out = []
    if key.suffix or (key.plate and "-" in (complete(key.plate) or "")):
        if c in _SUFFIX and len(key.suffix) < 3:
            out.append(_Key(key.band, key.plate, key.suffix + c))
        if key.suffix:
            return out
    if viable(key.plate + c):
        out.append(_Key(key.band, key.plate + c, ""))
    if c == "F" and not key.band and not key.plate:
        out.append(_Key(True, "", ""))
    return out


def decode(reduced: np.ndarray, beam: int = 32) -> tuple[dict[str, float], float]:
    """Plates and their probabilities under the CTC frames `reduced` (T, 37).

    Returns ({canonical plate: probability}, log of the normalising scale): probabilities
    are P(plate) * exp(-log_scale) with the beams renormalised at each frame, so they
    compare within one call; their sum over plates is <= 1 (the rest is mass no plate
    explains), before the scale.
    """
    beams: dict[_Key, tuple[float, float]] = {_Key(False, "", ""): (1.0, 0.0)}
    log_scale = 0.0
    index = {c: i + 1 for i, c in enumerate(ALPHABET)}
    for frame in reduced:
        blank = float(frame[0])
        tried = [
            (ALPHABET[i], float(frame[i + 1])) for i in np.flatnonzero(frame[1:] > MIN_FRAME_P)
        ]
        nxt: dict[_Key, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for key, (pb, pnb) in beams.items():
            total = pb + pnb
            nxt[key][0] += total * blank
            last = key.last
            if last:
                nxt[key][1] += pnb * float(frame[index[last]])
            for c, p in tried:
                for new in _extensions(key, c):
                    nxt[new][1] += (pb if c == last else total) * p
        ranked = sorted(nxt.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:beam]
        norm = sum(a + b for _, (a, b) in ranked) or 1e-300
        log_scale += math.log(norm)
        beams = {k: (a / norm, b / norm) for k, (a, b) in ranked}
    plates: dict[str, float] = defaultdict(float)
    for key, (pb, pnb) in beams.items():
        text = complete(key.plate)
        if text is not None:
            plates[text] += pb + pnb
    return dict(plates), log_scale
