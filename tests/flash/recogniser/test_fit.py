"""Training's own pieces: balanced draws, a config fingerprint, clean-crop logits (training
itself, its early stop and its resume: test_train.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from twinflash.flash.recogniser.fit import (  # noqa: E402
    FitConfig,
    balanced_order,
    predict_logits,
)


def test_each_class_is_drawn_equally_often_however_rare() -> None:
    labels = np.array([0] * 90 + [1] * 10)
    order = balanced_order(labels, np.arange(100), seed=0, epoch=0)
    assert len(order) == 100
    share = np.mean(labels[np.concatenate([balanced_order(labels, np.arange(100), 0, e)
                                            for e in range(20)])] == 1)  # fmt: skip
    assert share == pytest.approx(0.5, abs=0.05)
    assert np.array_equal(order, balanced_order(labels, np.arange(100), seed=0, epoch=0))
    assert not np.array_equal(order, balanced_order(labels, np.arange(100), seed=0, epoch=1))


def test_the_fingerprint_follows_every_setting() -> None:
    cfg = FitConfig()
    assert cfg.fingerprint() == FitConfig().fingerprint()
    assert cfg.fingerprint() != replace(cfg, lr=cfg.lr * 2).fingerprint()
    assert cfg.fingerprint() != replace(cfg, augment=None).fingerprint()


def test_logits_of_clean_crops_in_eval_mode_and_in_batches() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Flatten(), torch.nn.Dropout(0.9), torch.nn.Linear(3 * 8 * 8, 2)
    )
    model.train()
    crops = [np.full((8, 8, 3), v, np.uint8) for v in range(0, 250, 25)]
    whole = predict_logits(model, crops, 8, batch=32)
    assert not model.training  # dropout off: the same crop gives the same logits
    assert np.allclose(predict_logits(model, crops, 8, batch=3), whole, atol=1e-6)
    assert whole.shape == (10, 2) and predict_logits(model, [], 8).shape == (0, 0)
