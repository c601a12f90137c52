"""Clone mining: folds that keep classes even, and suspects ranked by rejection."""

from __future__ import annotations

import numpy as np

from twinflash.flash.recogniser.mine import stratified_folds, suspects


def test_folds_deal_each_class_evenly_and_are_seeded() -> None:
    labels = np.repeat([0, 1, 2], [10, 7, 5])
    folds = stratified_folds(labels, 5, seed=3)
    for c in (0, 1, 2):
        counts = np.bincount(folds[labels == c], minlength=5)
        assert counts.max() - counts.min() <= 1
    assert np.bincount(folds).max() - np.bincount(folds).min() <= 1
    assert np.array_equal(folds, stratified_folds(labels, 5, seed=3))


def test_suspects_are_confident_rejections_lowest_label_probability_first() -> None:
    probs = np.array(
        [
            [0.90, 0.10],  # label 0, agreed
            [0.95, 0.05],  # label 1, rejected with confidence: a suspect
            [0.80, 0.20],  # label 1, rejected but its label keeps 0.2: not listed
            [0.98, 0.02],  # label 1, rejected hardest: first
            [0.60, 0.40],  # label 1: the other class is not confident enough
        ]
    )
    assert suspects(probs, np.array([0, 1, 1, 1, 1])) == [3, 1]
