"""The plate as a ruler: sizes in metres from plate corners and a vehicle box."""

from __future__ import annotations

import numpy as np
import pytest

from twinflash.errors import InputError
from twinflash.flash.ruler import px_per_metre, vehicle_size


def plate(x: float, y: float, ppm: float, squeeze: float = 1.0) -> np.ndarray:
    """A 520 x 110 mm plate at `ppm` pixels per metre; `squeeze` shortens its width (yaw)."""
    w, h = 0.52 * ppm * squeeze, 0.11 * ppm
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])


def test_size_from_a_level_plate() -> None:
    s = vehicle_size(plate(100, 200, 100.0), (60, 80, 240, 225))
    assert s.px_per_m == pytest.approx(100.0)
    assert (s.width_m, s.height_m) == (pytest.approx(1.8), pytest.approx(1.45))


def test_a_plate_seen_at_a_yaw_keeps_its_scale_from_its_height() -> None:
    assert px_per_metre(plate(0, 0, 80.0, squeeze=np.cos(np.radians(30)))) == pytest.approx(80.0)


def test_rotated_plate_same_scale() -> None:
    q = plate(0, 0, 120.0) - [31.2, 6.6]
    a = np.radians(8)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    assert px_per_metre(q @ rot.T + 300) == pytest.approx(120.0)


@pytest.mark.parametrize(
    ("corners", "box", "error", "match"),
    [
        (plate(0, 0, 100.0), (10, 10, 5, 20), ValueError, "x0 < x1"),
        (plate(0, 0, 100.0)[::-1], (0, 0, 10, 10), InputError, "TL, TR, BR, BL"),
        (plate(0, 0, 5.0), (0, 0, 10, 10), InputError, "too small"),
    ],
)
def test_bad_input_is_one_error(corners, box, error, match) -> None:
    with pytest.raises(error, match=match):
        vehicle_size(corners, box)


def test_calibration_removes_a_constant_bias_and_tolerates_the_honest_spread(tmp_path) -> None:
    from twinflash.flash.ruler import (
        MIN_TOLERANCE,
        SizeEstimate,
        calibrate_ruler,
        load_ruler,
        save_ruler,
    )

    truth = (1.8, 1.45)
    # the box reads widths 20 % high and heights 10 % low, with a little spread
    fit = [(SizeEstimate(1.8 * 1.2 * k, 1.45 * 0.9 * k, 100.0), truth) for k in (0.99, 1.0, 1.01)]
    honest = [(SizeEstimate(1.8 * 1.2 * 1.08, 1.45 * 0.9, 100.0), truth)]  # width 8 % off
    cal = calibrate_ruler(fit, honest)
    assert cal.bias_wh == (pytest.approx(1 / 1.2), pytest.approx(1 / 0.9))
    assert cal.tolerance_wh == (pytest.approx(0.08), MIN_TOLERANCE)
    van = SizeEstimate(2.07 * 1.2, 2.31 * 0.9, 100.0)
    assert cal.contradicts(van, truth) and not cal.contradicts(fit[1][0], truth)
    save_ruler(cal, tmp_path)
    assert load_ruler(tmp_path) == cal
    assert load_ruler(tmp_path / "none") is None
    (tmp_path / "ruler.json").write_text('{"schema_version": 1}')
    with pytest.raises(InputError, match="malformed ruler calibration"):
        load_ruler(tmp_path)


def test_catalogue_size_through_the_normaliser() -> None:
    from twinflash.flash.ruler import catalogue_size

    assert catalogue_size("RENAULT", "MASTER") == (2.07, 2.307)
    assert catalogue_size("CITROEN", "C3") == (1.749, 1.474)  # Citroën in the catalogue
    assert catalogue_size("RENAULT", "ESPACE") is None  # not a catalogue model
