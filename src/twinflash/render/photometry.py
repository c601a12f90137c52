"""Artificial light in photometric units (lumens, candelas, cd/m^2), turned into scene units.

Why: street lamps, shop windows and headlights were tuned by eye in Blender watts, and the
lantern glass hid most of the lamp's light, so night renders were far darker than real
night footage. Here every artificial light is a published figure; the frame's exposure
(`daylight.lux_per_scene_unit`, the same camera law as daylight) turns it into Blender
units, so lamps keep their real ratio to the sky at dusk and a lit road reads 10-30 lux.

Conventions (checked by rendering, `benchmarks/night_light.py`): a Blender point light of
P scene-watts has intensity P / (4 pi) scene units per steradian, a spot light the same
inside its cone, and a white Lambertian surface under irradiance E has radiance E / pi.
With k lux per scene unit: I [cd] = k P / (4 pi), and a luminance L [cd/m^2] is a radiance
of L / k.
"""

from __future__ import annotations

import math

# A Paris street lantern (a 70 W ceramic-metal-halide or ~50 W LED lantern of the
# "candélabre" type) sends about 6000 lm out of its glass. With the columns of
# furniture.py (light centre 4.8 m up, staggered every `lamp_spacing_m` on both sides)
# this gives ~15-20 lux on the carriageway: EN 13201-2 class C3 (15 lux) to C2 (20 lux).
LAMP_FLUX_LM = 6000.0
# A boulevard luminaire on a 9 m mast (~100 W LED or 150 W high-pressure sodium): twice
# the lantern's flux for a road about twice as wide, with the same lamp spacing.
MAST_FLUX_LM = 12000.0
STREET_LIGHT_LUX = 15.0  # EN 13201-2 C3 average: what lights fog and rain between lamps
LANTERN_LUMINANCE_CD_M2 = 2000.0  # ~6000 lm / (pi * 0.85 m^2 of glass), seen glowing
SHOP_WINDOW_LUMINANCE_CD_M2 = 60.0  # a lit display (500-1000 lux, reflectance ~0.3)
HOME_WINDOW_LUMINANCE_CD_M2 = 12.0  # a lit room behind curtains, seen from the street
# A dipped (low) beam: ~1000-1500 lm out of each headlamp, spread here evenly over the
# spot's 60 degree cone (0.84 sr); real beams peak at 10-20 kcd just below the horizon.
HEADLIGHT_INTENSITY_CD = 1500.0
# A daytime running light (UN ECE R87): 400-1200 cd on axis from an apparent surface of
# 25-200 cm^2; 800 cd over 100 cm^2. Lit by day on a running car (mandatory on new cars in
# the EU since 2011): a bright strip next to the sunlit paint, not a blazing lamp.
DRL_LUMINANCE_CD_M2 = 80_000.0


def point_watts(flux_lm: float, lux_per_unit: float) -> float:
    """Blender power of an isotropic point light of `flux_lm` lumens."""
    return flux_lm / _positive(lux_per_unit)


def spot_watts(intensity_cd: float, lux_per_unit: float) -> float:
    """Blender power of a spot light whose cone has `intensity_cd` candelas."""
    return 4.0 * math.pi * intensity_cd / _positive(lux_per_unit)


def emission_strength(
    luminance_cd_m2: float, lux_per_unit: float, color_luminance: float = 1.0
) -> float:
    """Emission strength of a surface of this luminance, for an emission colour whose linear
    luminance is `color_luminance` (the strength multiplies the colour)."""
    return luminance_cd_m2 / _positive(lux_per_unit) / _positive(color_luminance)


def illuminance_lux(intensity_cd: float, distance_m: float, cos_incidence: float) -> float:
    """Inverse-square law: E = I cos(theta) / d^2."""
    return intensity_cd * max(cos_incidence, 0.0) / _positive(distance_m) ** 2


def _positive(value: float) -> float:
    if not value > 0.0:
        raise ValueError(f"expected a positive value, got {value}")
    return value
