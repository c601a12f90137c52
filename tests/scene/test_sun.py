"""The sun from astral, checked against what is known of Paris and of the world frame."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from twinflash.scene.models import Light
from twinflash.scene.sun import sun_state


def test_paris_midsummer_noon_sun_is_high_and_south() -> None:
    # solar noon in Paris in summer is ~13:50 CEST; the sun culminates at 90 - 48.86 + 23.44
    s = sun_state(Light(date=dt.date(2026, 6, 21), local_time=dt.time(13, 50)))
    assert s.elevation_deg == pytest.approx(64.6, abs=0.5)
    assert s.azimuth_deg == pytest.approx(180.0, abs=3.0)
    assert not s.is_night and not s.is_twilight


def test_direction_is_a_unit_vector_in_the_street_frame() -> None:
    # the street's +x points east (bearing 90): a southern sun lies towards -y (to the right)
    s = sun_state(Light(local_time=dt.time(13, 50), street_azimuth_deg=90.0))
    x, y, z = s.direction_world
    assert math.hypot(x, y, z) == pytest.approx(1.0)
    assert y < -0.3 and abs(x) < 0.1 and z == pytest.approx(math.sin(math.radians(64.6)), abs=0.01)
    # a street running south (+x at bearing 180) sees the same sun straight ahead
    ahead = sun_state(Light(local_time=dt.time(13, 50), street_azimuth_deg=180.0))
    assert ahead.direction_world[0] > 0.4 and abs(ahead.direction_world[1]) < 0.1


@pytest.mark.parametrize(
    ("time", "night", "twilight"),
    [(dt.time(23, 30), True, False), (dt.time(22, 10), False, True), (dt.time(9, 0), False, False)],
)
def test_night_and_twilight_follow_civil_twilight(
    time: dt.time, night: bool, twilight: bool
) -> None:
    # Paris, 21 June: sunset ~21:58, end of civil twilight ~22:45
    s = sun_state(Light(date=dt.date(2026, 6, 21), local_time=time))
    assert (s.is_night, s.is_twilight) == (night, twilight)
