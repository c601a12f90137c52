"""Temperature scaling and calibration error against known cases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from twinflash.flash.recogniser.calibrate import (
    ece,
    fit_temperature,
    nll,
    reliability,
    reliability_diagram,
    softmax,
)


def test_softmax_rows_sum_to_one_and_temperature_flattens() -> None:
    logits = np.array([[2.0, 0.0, -1.0], [1000.0, 0.0, 0.0]])
    p = softmax(logits)
    assert np.allclose(p.sum(axis=1), 1) and p[1, 0] == pytest.approx(1.0)  # no overflow
    assert softmax(logits, 10.0)[0, 0] < p[0, 0]
    assert nll(np.array([[0.0, 0.0]]), np.array([0])) == pytest.approx(np.log(2))


def test_an_over_confident_model_gets_a_temperature_above_one() -> None:
    rng = np.random.default_rng(0)
    n, k = 4000, 5
    labels = rng.integers(0, k, n)
    true_logits = rng.normal(0, 1, (n, k))
    true_logits[np.arange(n), labels] += 1.5
    # draw the labels the calibrated model believes, then sharpen its logits threefold
    p = softmax(true_logits)
    drawn = np.array([rng.choice(k, p=row) for row in p])
    t = fit_temperature(true_logits * 3, drawn)
    assert t == pytest.approx(3.0, rel=0.15)
    assert ece(softmax(true_logits * 3, t), drawn) < ece(softmax(true_logits * 3), drawn)
    assert fit_temperature(np.zeros((0, k)), np.zeros(0, int)) == 1.0


def test_reliability_bins_count_every_photo_once() -> None:
    probs = np.array([[0.95, 0.05], [0.55, 0.45], [0.45, 0.55], [1.0, 0.0]])
    rows = reliability(probs, np.array([0, 1, 1, 0]), bins=10)
    assert sum(r["count"] for r in rows) == 4
    top = rows[-1]
    assert (top["count"], top["accuracy"], top["confidence"]) == (2, 1.0, pytest.approx(0.975))
    # top bin: 2 right at 0.975; (0.5, 0.6]: one right, one wrong, both at 0.55
    assert ece(probs, np.array([0, 1, 1, 0]), bins=10) == pytest.approx((2 * 0.025 + 2 * 0.05) / 4)


def test_the_diagram_is_a_png_written_whole(tmp_path: Path) -> None:
    probs = softmax(np.random.default_rng(1).normal(0, 2, (50, 3)))
    labels = probs.argmax(axis=1)
    path = reliability_diagram(probs, probs, labels, tmp_path / "r" / "rel.png", 1.0)
    assert Image.open(path).format == "PNG" and [p.name for p in path.parent.iterdir()] == [
        "rel.png"
    ]
