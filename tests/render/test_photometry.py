"""Photometric figures into Blender units: the inverse-square law and the exposure scale."""

from __future__ import annotations

import math

import pytest

from twinflash.render.photometry import (
    LAMP_FLUX_LM,
    emission_strength,
    illuminance_lux,
    point_watts,
    spot_watts,
)


def test_a_point_light_gives_the_lux_of_its_flux_at_any_exposure() -> None:
    # an isotropic lamp of flux F has intensity F / 4 pi; 4.8 m below it E = I / h^2
    expected_lux = LAMP_FLUX_LM / (4 * math.pi) / 4.8**2
    for lux_per_unit in (16.7, 29.3, 2600.0):
        watts = point_watts(LAMP_FLUX_LM, lux_per_unit)
        irradiance_units = watts / (4 * math.pi) / 4.8**2  # Blender's point light
        assert irradiance_units * lux_per_unit == pytest.approx(expected_lux)


def test_a_spot_light_has_the_intensity_asked_for() -> None:
    watts = spot_watts(1500.0, 20.0)
    assert watts / (4 * math.pi) * 20.0 == pytest.approx(1500.0)
    assert illuminance_lux(1500.0, 10.0, 1.0) == pytest.approx(15.0)
    assert illuminance_lux(1500.0, 10.0, -0.5) == 0.0


def test_brighter_exposure_needs_less_emission_and_colour_is_accounted() -> None:
    assert emission_strength(60.0, 30.0) == pytest.approx(2.0)
    assert emission_strength(60.0, 30.0, color_luminance=0.5) == pytest.approx(4.0)
    assert emission_strength(60.0, 2600.0) < emission_strength(60.0, 16.0)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_non_positive_exposure_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        point_watts(6000.0, bad)
