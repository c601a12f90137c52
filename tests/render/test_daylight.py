"""The light model as numbers (no Blender): clouds, low sun, night, Koschmieder fog."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from twinflash.render.daylight import (
    CLEAR_NOON_LUX,
    NOON_ELEVATION_DEG,
    SKY_TABLE,
    airlight_rgb,
    clear_sky_irradiance,
    effective_cloud_cover,
    extinction_per_m,
    fog_visibility_m,
    light_levels,
    luminance,
    lux_per_scene_unit,
)
from twinflash.render.photometry import STREET_LIGHT_LUX
from twinflash.scene.models import Light, Weather
from twinflash.scene.sun import SunState


def _sun(elevation_deg: float) -> SunState:
    e = math.radians(elevation_deg)
    return SunState(elevation_deg, 180.0, (0.0, -math.cos(e), math.sin(e)))


def _levels(elevation_deg: float, cloud: float = 0.0, **weather: object):
    return light_levels(_sun(elevation_deg), Light(cloud_cover=cloud), Weather(**weather))


def test_overcast_hides_the_sun_and_greys_the_sky() -> None:
    clear, grey = _levels(60, 0.0), _levels(60, 0.0, kind="overcast")
    assert max(grey.sun_rgb) < 0.05 * max(clear.sun_rgb)
    assert grey.sky_strength < 0.01 * clear.sky_strength
    assert luminance(grey.dome_zenith_rgb) > 3 * luminance(clear.dome_zenith_rgb)
    # Kasten-Czeplak: a fully clouded sky still gives a quarter of the clear global light;
    # with the partial auto-exposure, the overcast frame is a little darker, not black.
    assert 0.5 * clear.global_irradiance < grey.global_irradiance < clear.global_irradiance


def test_cloud_cover_dims_the_sun_monotonically() -> None:
    suns = [max(_levels(40, c).sun_rgb) for c in (0.0, 0.3, 0.6, 0.9, 1.0)]
    assert suns == sorted(suns, reverse=True)
    assert suns[-1] == 0.0


def test_low_sun_is_warmer_and_weaker_on_the_ground() -> None:
    low, high = _levels(5), _levels(60)
    red_blue = [lv.sun_rgb[0] / lv.sun_rgb[2] for lv in (low, high)]
    assert red_blue[0] > 3 * red_blue[1]
    assert low.global_irradiance < 0.6 * high.global_irradiance


def test_night_is_dark_and_twilight_blue() -> None:
    noon, night = _levels(64), _levels(-25)
    assert night.global_irradiance < 0.01 * noon.global_irradiance
    assert max(night.sun_rgb) == 0.0
    r, _, b = night.night_sky_rgb
    assert b > 2 * r
    sky_twilight, sun_twilight = clear_sky_irradiance(-4.0)
    assert sky_twilight[2] > 3 * sky_twilight[0]
    assert sun_twilight.sum() == 0.0


def test_sky_table_is_ordered_and_physical() -> None:
    elevations = [row[0] for row in SKY_TABLE]
    assert elevations == sorted(elevations)
    sky_lum = [luminance(row[1]) for row in SKY_TABLE]
    assert sky_lum == sorted(sky_lum)  # more sun, more skylight


@pytest.mark.parametrize("visibility_m", [20.0, 200.0, 1000.0])
def test_koschmieder_contrast_is_two_percent_at_the_visibility(visibility_m: float) -> None:
    assert math.exp(-extinction_per_m(visibility_m) * visibility_m) == pytest.approx(0.02, rel=1e-3)


def test_bad_visibility_is_refused() -> None:
    with pytest.raises(ValueError, match="visibility_m"):
        extinction_per_m(0.0)


def test_thick_fog_hides_the_sun_thin_fog_lets_it_through() -> None:
    light = Light(cloud_cover=0.0)
    thick = effective_cloud_cover(light, Weather(kind="fog", fog_visibility_m=30), 40.0)
    thin = effective_cloud_cover(light, Weather(kind="fog", fog_visibility_m=2000), 40.0)
    assert thick > 0.99
    assert thin < 0.3


def test_media_per_weather_kind() -> None:
    assert fog_visibility_m(Weather(kind="clear")) is None
    assert fog_visibility_m(Weather(kind="overcast")) is None
    assert fog_visibility_m(Weather(kind="fog", fog_visibility_m=42)) == 42
    heavy = fog_visibility_m(Weather(kind="rain", rain_intensity=1.0))
    light = fog_visibility_m(Weather(kind="rain", rain_intensity=0.1))
    assert heavy < light


def test_airlight_follows_the_light_level() -> None:
    day, night = _levels(40, kind="fog"), _levels(-25, kind="fog")
    assert luminance(airlight_rgb(day)) > 3 * luminance(airlight_rgb(night))
    # at night the street lamps light the fog: warm, and far brighter than the sky alone
    r, _, b = airlight_rgb(night)
    assert r > b
    unlit = replace(night, street_irradiance=0.0)
    assert luminance(airlight_rgb(night)) > 10 * luminance(airlight_rgb(unlit))


def test_lux_per_scene_unit_ties_noon_and_the_lit_street_to_lux() -> None:
    noon = _levels(NOON_ELEVATION_DEG)
    assert noon.global_irradiance * lux_per_scene_unit(noon) == pytest.approx(
        CLEAR_NOON_LUX, rel=0.01
    )
    # dimmer light is lifted (fewer lux per unit) until the camera gains no more
    units = [lux_per_scene_unit(_levels(e)) for e in (64, 30, 5, -3, -8, -25)]
    assert units == sorted(units, reverse=True)
    assert lux_per_scene_unit(_levels(-12)) == pytest.approx(lux_per_scene_unit(_levels(-25)))
    night, day = _levels(-25), _levels(30)
    assert night.street_irradiance * lux_per_scene_unit(night) == pytest.approx(STREET_LIGHT_LUX)
    assert day.street_irradiance == 0.0
