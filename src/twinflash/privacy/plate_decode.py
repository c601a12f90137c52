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
_INDEX = {c: i + 1 for i, c in enumerate(ALPHABET)}


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


# A beam's key: (band "F" read before the plate, plate so far, regional département read
# after an SIV plate). Plain tuples: hashed millions of times per photo.
_Key = tuple[bool, str, str]


def _last(key: _Key) -> str:
    band, plate, suffix = key
    if suffix:
        return suffix[-1]
    if plate:
        return plate[-1]
    return "F" if band else ""


@lru_cache(maxsize=500_000)
def _extensions(key: _Key, c: str) -> tuple[_Key, ...]:
    band, plate, suffix = key
    out: list[_Key] = []
    if suffix or (plate and "-" in (complete(plate) or "")):
        if c in _SUFFIX and len(suffix) < 3:
            out.append((band, plate, suffix + c))
        if suffix:
            return tuple(out)
    if viable(plate + c):
        out.append((band, plate + c, ""))
    if c == "F" and not band and not plate:
        out.append((True, "", ""))
    return tuple(out)


def decode(reduced: np.ndarray, beam: int = 32) -> tuple[dict[str, float], float]:
    """Plates and their probabilities under the CTC frames `reduced` (T, 37).

    Returns ({canonical plate: probability}, log of the normalising scale): probabilities
    are P(plate) * exp(-log_scale) with the beams renormalised at each frame, so they
    compare within one call; their sum over plates is <= 1 (the rest is mass no plate
    explains), before the scale.
    """
    beams: dict[_Key, tuple[float, float]] = {(False, "", ""): (1.0, 0.0)}
    log_scale = 0.0
    rows = reduced.tolist()
    for frame in rows:
        blank = frame[0]
        tried = [(ALPHABET[i], p) for i, p in enumerate(frame[1:]) if p > MIN_FRAME_P]
        nxt: dict[_Key, list[float]] = {}
        for key, (pb, pnb) in beams.items():
            total = pb + pnb
            cell = nxt.get(key)
            if cell is None:
                cell = nxt[key] = [0.0, 0.0]
            cell[0] += total * blank
            last = _last(key)
            if last:
                cell[1] += pnb * frame[_INDEX[last]]
            for c, p in tried:
                add = (pb if c == last else total) * p
                for new in _extensions(key, c):
                    other = nxt.get(new)
                    if other is None:
                        nxt[new] = [0.0, add]
                    else:
                        other[1] += add
        ranked = sorted(nxt.items(), key=lambda kv: -(kv[1][0] + kv[1][1]))[:beam]
        norm = sum(a + b for _, (a, b) in ranked) or 1e-300
        log_scale += math.log(norm)
        beams = {k: (a / norm, b / norm) for k, (a, b) in ranked}
    plates: dict[str, float] = defaultdict(float)
    for key, (pb, pnb) in beams.items():
        text = complete(key[1])
        if text is not None:
            plates[text] += pb + pnb
    return dict(plates), log_scale
