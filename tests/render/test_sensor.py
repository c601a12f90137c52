"""Sensor effects change pixels as a camera would, and nothing else (numpy only)."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.render.sensor import apply_sensor_effects
from twinflash.scene.models import SensorEffects


@pytest.fixture
def stripes() -> np.ndarray:
    img = np.zeros((64, 64, 3), np.uint8)
    img[:, ::8] = 255  # thin vertical lines
    return img


def test_no_effects_is_the_identity(stripes: np.ndarray) -> None:
    out = apply_sensor_effects(stripes, SensorEffects(), np.random.default_rng(0))
    assert np.array_equal(out, stripes)


def test_noise_has_the_requested_sigma() -> None:
    flat = np.full((200, 200, 3), 128, np.uint8)
    out = apply_sensor_effects(flat, SensorEffects(noise_sigma=6.0), np.random.default_rng(0))
    assert out.astype(float).std() == pytest.approx(6.0, rel=0.05)
    assert out.astype(float).mean() == pytest.approx(128.0, abs=0.2)


def test_horizontal_motion_blur_smears_vertical_lines_only(stripes: np.ndarray) -> None:
    out = apply_sensor_effects(stripes, SensorEffects(motion_blur_px=8), np.random.default_rng(0))
    assert out[:, 0].mean() < 100  # a line's energy spread over 8 columns
    assert out[:, 4].mean() > 10  # into the gap between lines
    columns_vary = np.abs(np.diff(out.astype(int), axis=0)).max()
    assert columns_vary == 0  # nothing moves vertically


def test_vertical_blur_leaves_vertical_lines_sharp(stripes: np.ndarray) -> None:
    effects = SensorEffects(motion_blur_px=8, motion_blur_angle_deg=90)
    out = apply_sensor_effects(stripes, effects, np.random.default_rng(0))
    assert np.abs(out.astype(int) - stripes.astype(int)).max() <= 2


def test_jpeg_quality_trades_fidelity() -> None:
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:64, 0:64]
    texture = (127 + 60 * np.sin(xx / 3.0) * np.cos(yy / 5.0)).astype(np.uint8)
    stripes = np.dstack([texture, texture[::-1], texture.T])
    err = {
        q: np.abs(
            apply_sensor_effects(stripes, SensorEffects(jpeg_quality=q), rng).astype(int) - stripes
        ).mean()
        for q in (10, 95)
    }
    assert err[10] > 2 * err[95] > 0
