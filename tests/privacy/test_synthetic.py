"""Synthetic plates and degradations for the privacy tests: where they say, as they say."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.privacy.synthetic import (
    add_noise,
    draw_plate,
    motion_blur,
    paste_plate,
    rain_streaks,
)

GREY = np.full((200, 300, 3), 100, np.uint8)


def test_a_drawn_plate_is_white_with_a_blue_band_and_dark_text() -> None:
    plate = np.asarray(draw_plate("AB-123-CD", 52))
    h, w = plate.shape[:2]
    assert h == 52 and w / h == pytest.approx(520 / 110, abs=0.05)
    assert tuple(plate[h // 4, 2]) == (0, 51, 153)  # the EU band on the left
    middle = plate[5:-5, w // 4 : -5].mean(axis=-1)
    assert (middle > 230).mean() > 0.5 and (middle < 60).mean() > 0.05  # paper and ink


def test_a_pasted_plate_lies_inside_its_box_and_nowhere_else() -> None:
    img, pasted = paste_plate(GREY, "AB-123-CD", 30, (150, 100))
    x1, y1, x2, y2 = pasted.xyxy
    assert (x2 - x1, y2 - y1) == pytest.approx((30 * 520 / 110, 30), abs=2)
    changed = np.argwhere((img != 100).any(axis=-1))
    assert changed[:, 0].min() >= y1 and changed[:, 0].max() <= y2
    assert changed[:, 1].min() >= x1 and changed[:, 1].max() <= x2
    assert pasted.corners[0] == pytest.approx((x1, y1), abs=1)  # top left, unrotated


def test_yaw_narrows_the_plate_and_rotation_turns_its_corners() -> None:
    _, straight = paste_plate(GREY, "AB-123-CD", 30, (150, 100))
    _, turned = paste_plate(GREY, "AB-123-CD", 30, (150, 100), yaw_deg=60)
    width = lambda p: p.xyxy[2] - p.xyxy[0]  # noqa: E731
    assert width(turned) == pytest.approx(width(straight) * 0.5, abs=2)
    _, tilted = paste_plate(GREY, "AB-123-CD", 30, (150, 100), angle_deg=10)
    (_, tly), (_, try_) = tilted.corners[:2]
    assert try_ < tly  # turned counter-clockwise on screen: the right end rises


def test_degradations_are_seeded_and_change_what_they_say() -> None:
    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (60, 80, 3), dtype=np.uint8)
    assert np.array_equal(add_noise(img, 5, seed=1), add_noise(img, 5, seed=1))
    assert add_noise(img, 0) is img and motion_blur(img, 1) is img
    noisy = add_noise(GREY, 10, seed=2).astype(float)
    assert noisy.std() == pytest.approx(10, abs=0.5)
    edge = np.zeros((40, 40, 3), np.uint8)
    edge[:, 20:] = 255
    blurred = motion_blur(edge, 9, angle_deg=0)
    assert 0 < blurred[20, 18, 0] < 255  # smeared across the vertical edge
    vertical = motion_blur(edge, 9, angle_deg=90)
    assert vertical[20, 18, 0] == 0  # blur along the edge leaves it sharp
    rain = rain_streaks(GREY, density=0.01, seed=3)
    assert (rain > 100).mean() > 0.01 and np.array_equal(rain, rain_streaks(GREY, 0.01, 3))
