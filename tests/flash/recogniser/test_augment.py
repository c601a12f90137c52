"""Training degradations: seeded, shape-keeping, and each doing what it says."""

from __future__ import annotations

import numpy as np

from twinflash.flash.recogniser.augment import (
    AugmentConfig,
    augment,
    glare,
    infrared,
    jpeg,
    motion_blur,
)

RNG = np.random.default_rng
CROP = np.random.default_rng(0).integers(0, 255, (48, 64, 3), dtype=np.uint8)


def test_same_seed_same_copy_and_shape_kept() -> None:
    a, b = augment(CROP, RNG(5)), augment(CROP, RNG(5))
    assert np.array_equal(a, b) and a.shape == CROP.shape and a.dtype == np.uint8
    assert not np.array_equal(augment(CROP, RNG(6)), a)


def test_nothing_asked_nothing_but_the_shift() -> None:
    still = AugmentConfig(0, 0, 0, 0, 0, 0, max_shift=0.0, scale_range=(1.0, 1.0))
    assert np.array_equal(augment(CROP, RNG(1), still), CROP)


def test_each_degradation() -> None:
    ir = infrared(CROP, RNG(0))
    assert (ir[..., 0] == ir[..., 1]).all() and (ir[..., 1] == ir[..., 2]).all()  # gray
    lit = glare(np.zeros_like(CROP), RNG(0))
    assert lit.max() > 60 and lit[0, 0].max() < lit.max()  # a bright blob, not uniform
    edge = np.zeros((32, 32, 3), np.uint8)
    edge[:, 16:] = 255
    smeared = motion_blur(edge, RNG(0))
    assert ((smeared[16, 10:22, 0] > 0) & (smeared[16, 10:22, 0] < 255)).any()
    assert np.abs(jpeg(CROP, RNG(0)).astype(int) - CROP).mean() > 1  # lossy
