"""2-D plate photos with known truth: the plate is where its corners say, conditions show."""

from __future__ import annotations

import random

import numpy as np
import pytest

from twinflash.flash.plates import normalise_plate
from twinflash.privacy.plate_composites import (
    Conditions,
    composite,
    composites,
    plans,
    random_text,
)


def test_the_plate_lies_inside_its_corners() -> None:
    c = composite("AB-123-CD", Conditions(height_px=40, yaw_deg=20, roll_deg=5), seed=1)
    x, y, w, h = c.box_xywh
    assert x >= 0 and y >= 0 and x + w <= c.rgb.shape[1] and y + h <= c.rgb.shape[0]
    assert 35 < h < 60  # about the plate's height, tilted a little
    inside = c.rgb[int(y) : int(y + h), int(x) : int(x + w)].astype(float)
    assert inside.std() > 30  # ink on white, not the plain car body


def test_night_is_grey_and_same_seed_same_pixels() -> None:
    cond = Conditions(height_px=30, night=True, overexposure=2.0, blur_px=5)
    a, b = composite("1234 AB 56", cond, seed=3), composite("1234 AB 56", cond, seed=3)
    assert np.array_equal(a.rgb, b.rgb)
    spread = np.abs(a.rgb.astype(int) - a.rgb.mean(axis=2, keepdims=True)).max()
    assert spread <= 12  # grey but for JPEG's chroma rounding


def test_random_texts_are_valid_plates_of_both_formats() -> None:
    rng = random.Random(0)
    formats = {normalise_plate(random_text(rng)).format for _ in range(200)}
    assert formats == {"SIV", "FNI"}


def test_composites_are_reproducible_and_vary() -> None:
    first = [c.text for c in composites(5, seed=9)]
    assert first == [c.text for c in composites(5, seed=9)] and len(set(first)) == 5


def test_a_plan_draws_the_same_photo_as_composites() -> None:
    drawn = list(composites(4, seed=5))
    planned = list(plans(4, seed=5))
    assert [p.text for p in planned] == [c.text for c in drawn]
    assert np.array_equal(planned[3].draw().rgb, drawn[3].rgb)
    with pytest.raises(ValueError, match="`n`"):
        next(plans(-1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"height_px": 2}, "`height_px`"), ({"occlusion": "ladder"}, "`occlusion`")],
)
def test_impossible_conditions_are_refused(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Conditions(**kwargs)
