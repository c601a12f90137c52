"""Choose the plate reading's "confident" threshold on readings whose truth is known.

A reading is confident when its probability is at or above the threshold; the threshold is
the lowest that keeps the share of wrong readings among the confident ones at or under the
target (1 in 1,000) on a calibration set, so that as many readings as that allows are
confident. The same rule measured on another set (the test set) tells whether it holds:
`error_upper_bound` gives the one-sided Clopper-Pearson bound a small test set allows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy.stats import beta

from twinflash.files import atomic_write_text

NEVER = 1.01  # a threshold no probability reaches


@dataclass(frozen=True)
class Calibration:
    """The chosen threshold and what it gave on the calibration set."""

    threshold: float
    target_error: float
    n_readings: int
    n_confident: int
    n_wrong_confident: int

    def save(self, path: Path) -> None:
        doc = {"schema_version": 1, **asdict(self)}
        atomic_write_text(path, json.dumps(doc, indent=1, sort_keys=True) + "\n")


def choose_threshold(
    probabilities: Sequence[float], correct: Sequence[bool], target_error: float = 1e-3
) -> Calibration:
    """The lowest threshold whose confident readings are wrong at most `target_error` of the
    time on these readings; `NEVER` when even the surest reading alone is wrong."""
    p = np.asarray(probabilities, dtype=np.float64)
    ok = np.asarray(correct, dtype=bool)
    if p.shape != ok.shape or p.ndim != 1:
        raise ValueError(
            f"`probabilities` and `correct`: one value each (got {p.shape}, {ok.shape})"
        )
    if not 0 < target_error < 1:
        raise ValueError(f"`target_error`: must be in (0, 1) (got {target_error})")
    order = np.argsort(-p, kind="stable")
    p, ok = p[order], ok[order]
    wrong = np.cumsum(~ok)
    n = np.arange(1, len(p) + 1)
    # a cut may only fall between distinct probabilities (ties are all in or all out)
    last_of_tie = np.r_[p[1:] != p[:-1], True] if len(p) else np.array([], bool)
    good = (wrong <= target_error * n) & last_of_tie
    if not good.any():
        return Calibration(NEVER, target_error, len(p), 0, 0)
    k = int(np.flatnonzero(good)[-1])
    return Calibration(float(p[k]), target_error, len(p), k + 1, int(wrong[k]))


def error_upper_bound(n_wrong: int, n: int, confidence: float = 0.95) -> float:
    """One-sided Clopper-Pearson upper bound on an error rate seen as n_wrong of n."""
    if n <= 0:
        return 1.0
    if n_wrong >= n:
        return 1.0
    return float(beta.ppf(confidence, n_wrong + 1, n - n_wrong))
