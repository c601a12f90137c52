"""``--mine-clones``: training photos whose label the model confidently rejects.

Registry labels are noisy, and a cloned plate is a mislabelled photo by definition. Each
photo is scored by a model that never saw it (k-fold, stratified: out-of-fold predictions),
so a wrong label cannot be memorised; photos whose label gets a low probability while
another class gets a high one are listed, most confident rejection first: the first clone
suspects, for a person to check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from twinflash.flash.recogniser.calibrate import softmax
from twinflash.flash.recogniser.fit import FitConfig, fit, predict_logits


def stratified_folds(labels: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Fold number per photo; each class dealt round-robin over the folds after a shuffle."""
    folds = np.empty(len(labels), int)
    rng = np.random.default_rng([seed, 11])
    start = 0
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        folds[idx] = (np.arange(len(idx)) + start) % k
        start += len(idx)  # the next class starts where this one stopped: folds stay even
    return folds


def out_of_fold_probs(
    crops: list[np.ndarray],
    labels: np.ndarray,
    n_classes: int,
    cfg: FitConfig,
    k: int = 5,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> np.ndarray:
    """(N, n_classes) probabilities of each photo from the model trained without its fold."""
    folds = stratified_folds(labels, k, cfg.seed)
    probs = np.zeros((len(labels), n_classes))
    for f in range(k):
        held = np.flatnonzero(folds == f)
        train = np.flatnonzero(folds != f)
        if not len(held):
            continue
        result = fit(
            crops,
            labels,
            train,
            np.array([], int),
            n_classes,
            replace(cfg, seed=cfg.seed + 100 + f),
            progress=progress,
        )
        probs[held] = softmax(
            predict_logits(result.model, [crops[i] for i in held], cfg.input_size)
        )
    return probs


def suspects(
    probs: np.ndarray,
    labels: np.ndarray,
    min_confidence: float = 0.7,
    max_label_prob: float = 0.1,
) -> list[int]:
    """Photos (indices) whose label has p <= `max_label_prob` while another class has
    p >= `min_confidence`, lowest label probability first."""
    p_label = probs[np.arange(len(labels)), labels]
    top = probs.argmax(axis=1)
    hit = (top != labels) & (probs.max(axis=1) >= min_confidence) & (p_label <= max_label_prob)
    return sorted(np.flatnonzero(hit).tolist(), key=lambda i: p_label[i])
