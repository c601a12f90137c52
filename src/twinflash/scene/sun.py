"""Sun position for a scene's date, time and place, from astral (no hand-written solar geometry)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from astral import Observer
from astral.sun import azimuth, elevation

from twinflash.scene.models import Light

CIVIL_TWILIGHT_DEG = -6.0


@dataclass(frozen=True)
class SunState:
    elevation_deg: float  # above the horizon; negative below
    azimuth_deg: float  # compass bearing, 0 = north, 90 = east
    direction_world: tuple[float, float, float]  # unit vector from the scene towards the sun

    @property
    def is_night(self) -> bool:
        """Night once the sun is below civil twilight (street lamps and headlights on)."""
        return self.elevation_deg < CIVIL_TWILIGHT_DEG

    @property
    def is_twilight(self) -> bool:
        return CIVIL_TWILIGHT_DEG <= self.elevation_deg < 0.0


def sun_state(light: Light) -> SunState:
    """Sun elevation/azimuth at the scene's local time, and its direction in the world frame.

    The street's +x axis points to compass bearing `light.street_azimuth_deg`; world +y
    is 90° counter-clockwise from it (to the left, looking along +x).
    """
    when = dt.datetime.combine(light.date, light.local_time, tzinfo=ZoneInfo(light.timezone))
    obs = Observer(latitude=light.latitude_deg, longitude=light.longitude_deg)
    elev = float(elevation(obs, when))
    azim = float(azimuth(obs, when))
    rel = math.radians(light.street_azimuth_deg - azim)  # CCW angle from +x
    ce = math.cos(math.radians(elev))
    direction = (ce * math.cos(rel), ce * math.sin(rel), math.sin(math.radians(elev)))
    return SunState(elevation_deg=elev, azimuth_deg=azim, direction_world=direction)
