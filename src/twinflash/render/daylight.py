"""Light levels of a scene, as plain numbers (no Blender): sky, sun, night floor, fog.

Why a separate module: the light model is the part worth unit-testing (overcast dims the
sun, low sun is warmer, fog follows Koschmieder's law) and it needs no renderer.

Units are Blender's: irradiance in W/m^2-like units where a white Lambertian surface under
irradiance E has radiance E/pi. The clear sky's own irradiance comes from a table measured
on Blender's MULTIPLE_SCATTERING sky (`benchmarks/calibrate_sky.py`); every daylight level
is then scaled by one factor so that the exposure stays 0 under AgX: bright scenes are
compressed towards `NOON_GLOBAL_IRRADIANCE` (a camera's auto-exposure), dim ones are only
partly lifted, so evening reads darker than noon and night stays night. Street lamps and
headlights (other builders) are absolute emitters on top of that, tuned for exposure 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from twinflash.render.photometry import STREET_LIGHT_LUX
from twinflash.scene.models import Light, Weather
from twinflash.scene.sun import SunState

SKY_TYPE = "MULTIPLE_SCATTERING"
SKY_AIR_DENSITY = 1.0
SKY_AEROSOL_DENSITY = 1.0

# elevation_deg, sky-dome irradiance RGB, sun-disc irradiance RGB, both on a horizontal plane.
# Measured by benchmarks/calibrate_sky.py (bpy 5.0.1; sun values below the horizon, Monte-Carlo
# noise of 1e-5, set to 0); re-run it if the sky parameters change.
SKY_TABLE: tuple[tuple[float, tuple[float, float, float], tuple[float, float, float]], ...] = (
    (-15, (0, 0, 0), (0, 0, 0)),  # astronomical night: only NIGHT_SKY_RADIANCE is left
    (-12, (0.0005238, 0.004339, 0.01999), (0, 0, 0)),
    (-10, (0.0009705, 0.00799, 0.03679), (0, 0, 0)),
    (-8, (0.001891, 0.01479, 0.06783), (0, 0, 0)),
    (-6, (0.005603, 0.029, 0.1272), (0, 0, 0)),
    (-4, (0.04903, 0.08452, 0.2768), (0, 0, 0)),
    (-2, (0.3706, 0.3886, 0.7649), (0, 0, 0)),
    (0, (1.227, 1.297, 1.907), (0.005663, 0.001273, 0.0004232)),
    (1, (1.725, 1.964, 2.743), (0.3185, 0.07116, 0)),
    (2, (2.187, 2.69, 3.724), (1.185, 0.3714, 0.001729)),
    (3, (2.604, 3.423, 4.808), (2.528, 0.9801, 0.07081)),
    (5, (3.312, 4.778, 7.073), (6.285, 3.201, 0.7257)),
    (7, (3.891, 5.942, 9.239), (10.93, 6.442, 2.159)),
    (10, (4.578, 7.335, 11.98), (18.74, 12.5, 5.613)),
    (15, (5.411, 8.968, 15.18), (32.76, 24.2, 13.69)),
    (20, (6.016, 10.12, 17.37), (47.04, 36.62, 23.24)),
    (30, (6.905, 11.78, 20.5), (74.72, 61.26, 43.57)),
    (45, (7.842, 13.52, 23.81), (111.5, 94.49, 72.27)),
    (60, (8.482, 14.73, 26.11), (139.8, 120.2, 94.99)),
    (75, (8.856, 15.44, 27.5), (157.6, 136.5, 109.4)),
    (90, (9.003, 15.7, 27.97), (164.1, 142.3, 114.6)),
)

NOON_GLOBAL_IRRADIANCE = 6.0  # scene-units luminance of clear-noon global irradiance
NOON_ELEVATION_DEG = 64.0  # Paris, summer noon
CLEAR_NOON_LUX = 100_000.0  # global horizontal illuminance of a clear summer noon sky
AUTO_EXPOSURE_STRENGTH = 0.75  # 1 = full auto-exposure, 0 = none
# Global illuminance below which the camera gains no more: a CCTV camera keeps exposing a
# lamp-lit street (10-30 lux) like a dull day; calibrated on person/background image
# statistics with benchmarks/night_light.py (it was 0.03 sky units, ~24 lux).
MIN_AUTO_EXPOSURE_LUX = 10.0
NIGHT_SKY_RADIANCE = (0.0025, 0.0040, 0.0090)  # blue-black urban night sky, scene units
OVERCAST_TINT = (0.93, 0.97, 1.0)
SUN_ANGLE_CLEAR_DEG = 0.53
KOSCHMIEDER = 3.912  # -ln(0.02): visibility is where contrast drops to 2 %
FOG_LAYER_M = 100.0  # fog depth the sun shines through

_LUMA = np.array([0.2126, 0.7152, 0.0722])


def luminance(rgb: np.ndarray | tuple[float, float, float]) -> float:
    return float(np.dot(_LUMA, np.asarray(rgb, dtype=float)))


@dataclass(frozen=True)
class LightLevels:
    """What lighting.py and weather.py turn into Blender nodes and lights."""

    sky_strength: float  # multiplier of the clear sky texture
    dome_zenith_rgb: tuple[float, float, float]  # overcast dome radiance at the zenith
    night_sky_rgb: tuple[float, float, float]  # constant floor radiance
    sun_rgb: tuple[float, float, float]  # sun lamp irradiance, normal incidence (0 = no sun)
    sun_angle_deg: float  # apparent sun diameter: wider behind clouds, softer shadows
    global_irradiance: float  # luminance of the total horizontal irradiance, scene units
    effective_cloud_cover: float
    exposure_gain: float  # scene units per unit of the sky table: the camera's exposure
    street_irradiance: float = 0.0  # lamp-lit road at night and dusk, scene units


def fog_visibility_m(weather: Weather) -> float | None:
    """Meteorological visibility of the scene's medium: fog as given, rain and snow hazy."""
    if weather.kind == "fog":
        return weather.fog_visibility_m
    if weather.kind == "rain":
        return 3000.0 - 2400.0 * weather.rain_intensity
    if weather.kind == "snow":
        return 800.0
    return None


def extinction_per_m(visibility_m: float) -> float:
    """Koschmieder: the contrast of a black object at distance d is exp(-sigma * d)."""
    if visibility_m <= 0:
        raise ValueError(f"visibility_m must be > 0, got {visibility_m}")
    return KOSCHMIEDER / visibility_m


def effective_cloud_cover(light: Light, weather: Weather, elevation_deg: float) -> float:
    """Cloud cover as the light sees it: overcast/rain/snow are grey skies; fog hides the sun."""
    cover = light.cloud_cover
    if weather.kind in ("overcast", "rain", "snow"):
        cover = max(cover, 0.97)
    vis = fog_visibility_m(weather) if weather.kind == "fog" else None
    if vis is not None:
        path = FOG_LAYER_M / max(math.sin(math.radians(max(elevation_deg, 2.0))), 0.05)
        cover = max(cover, 1.0 - math.exp(-extinction_per_m(vis) * path))
    return min(max(cover, 0.0), 1.0)


def clear_sky_irradiance(elevation_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """(sky dome, sun) horizontal irradiance RGB of the clear sky model, interpolated."""
    elevs = np.array([row[0] for row in SKY_TABLE], dtype=float)
    sky = np.array([row[1] for row in SKY_TABLE], dtype=float)
    sun = np.array([row[2] for row in SKY_TABLE], dtype=float)
    e = float(np.clip(elevation_deg, elevs[0], elevs[-1]))
    sky_e = np.array([np.interp(e, elevs, sky[:, c]) for c in range(3)])
    sun_e = np.array([np.interp(e, elevs, sun[:, c]) for c in range(3)])
    return sky_e, sun_e


def light_levels(sun: SunState, light: Light, weather: Weather) -> LightLevels:
    """Sky, overcast dome, sun and exposure-normalised strengths for this sun and weather.

    Clouds follow Kasten & Czeplak (1980): global irradiance falls as 1 - 0.75 c^3.4 while the
    direct beam fades faster, (1 - c)^1.5; what the beam loses the grey dome gives back.
    """
    cover = effective_cloud_cover(light, weather, sun.elevation_deg)
    sky_e, sun_e = clear_sky_irradiance(sun.elevation_deg)
    clear_global = luminance(sky_e + sun_e)
    cloudy_global = clear_global * (1.0 - 0.75 * cover**3.4)
    beam_factor = (1.0 - cover) ** 1.5
    sky_factor = (1.0 - cover) ** 2  # the blue sky disappears behind the clouds
    beam_lum = luminance(sun_e) * beam_factor
    dome_irradiance = max(cloudy_global - beam_lum - luminance(sky_e) * sky_factor, 0.0)

    gain = exposure_gain(cloudy_global)
    noon_luminance = _noon_luminance()

    # A uniform-grey CIE overcast dome L(mu) = Lz (1 + 2 mu) / 3 gives E = 7 pi Lz / 9.
    dome_zenith = dome_irradiance * gain * 9.0 / (7.0 * math.pi)
    sin_el = math.sin(math.radians(sun.elevation_deg))
    if sin_el > 0.003 and beam_factor > 0.0:
        sun_rgb = sun_e / sin_el * beam_factor * gain
    else:
        sun_rgb = np.zeros(3)
    night = np.array(NIGHT_SKY_RADIANCE)
    global_irr = cloudy_global * gain + luminance(night) * math.pi
    return LightLevels(
        sky_strength=sky_factor * gain,
        dome_zenith_rgb=tuple(float(v) * dome_zenith for v in OVERCAST_TINT),
        night_sky_rgb=_rgb(night),
        sun_rgb=_rgb(sun_rgb),
        sun_angle_deg=SUN_ANGLE_CLEAR_DEG + 15.0 * cover,
        global_irradiance=global_irr,
        effective_cloud_cover=cover,
        exposure_gain=gain,
        street_irradiance=(
            STREET_LIGHT_LUX * gain * noon_luminance / CLEAR_NOON_LUX
            if sun.is_night or sun.is_twilight
            else 0.0
        ),
    )


def _noon_luminance() -> float:
    noon_sky, noon_sun = clear_sky_irradiance(NOON_ELEVATION_DEG)
    return luminance(noon_sky + noon_sun)


def exposure_gain(global_luminance: float) -> float:
    """Scene units per sky-table unit: noon maps to NOON_GLOBAL_IRRADIANCE, dimmer light is
    lifted by AUTO_EXPOSURE_STRENGTH, and no more below MIN_AUTO_EXPOSURE_LUX."""
    noon = _noon_luminance()
    floor = MIN_AUTO_EXPOSURE_LUX * noon / CLEAR_NOON_LUX
    return (NOON_GLOBAL_IRRADIANCE / noon) * (
        noon / max(global_luminance, floor)
    ) ** AUTO_EXPOSURE_STRENGTH


def lux_per_scene_unit(levels: LightLevels) -> float:
    """Illuminance (lux) of one scene unit of irradiance under this exposure.

    The sky table is in Blender's units; clear noon is CLEAR_NOON_LUX, which ties the table
    to lux; the exposure gain then says how many scene units a lux becomes in the frame.
    """
    return CLEAR_NOON_LUX / _noon_luminance() / levels.exposure_gain


def airlight_rgb(levels: LightLevels) -> tuple[float, float, float]:
    """Radiance of an infinitely thick fog: a white scatterer under the scene's diffuse light."""
    # below the sky the fog is lit from above; in the street, by the lamps too
    grey = 0.6 * (levels.global_irradiance + levels.street_irradiance) / math.pi
    dusk = levels.street_irradiance > levels.global_irradiance  # warm, lamp-lit fog
    tint = np.array((1.0, 0.9, 0.75)) if dusk else np.array(OVERCAST_TINT)
    return _rgb(grey * tint)


def _rgb(values: np.ndarray) -> tuple[float, float, float]:
    r, g, b = (float(v) for v in values)
    return r, g, b
