"""Open ground, sidewalks and curb heights of a procedural street and square."""

from __future__ import annotations

import pytest

from twinflash.scene.layout import (
    CURB_HEIGHT_M,
    facade_y_at,
    ground_height_m,
    is_open_ground,
    on_sidewalk_or_plaza,
    plaza_half_m,
)
from twinflash.scene.models import Place

STREET = Place(road_width_m=10.0, sidewalk_width_m=4.0, length_m=80.0)  # façades at |y| = 9
SQUARE = Place(kind="square", road_width_m=10.0, sidewalk_width_m=4.0, square_size_m=40.0)


def test_a_street_has_no_plaza_and_a_square_widens_to_its_half_size() -> None:
    assert plaza_half_m(STREET) == 0.0
    assert plaza_half_m(SQUARE) == 20.0
    assert facade_y_at(STREET, 0.0) == facade_y_at(SQUARE, 30.0) == 9.0
    assert facade_y_at(SQUARE, 10.0) == 20.0


@pytest.mark.parametrize(
    ("place", "x", "y", "margin", "open_"),
    [
        (STREET, 0.0, 0.0, 0.0, True),  # road
        (STREET, 0.0, 8.9, 0.0, True),  # sidewalk by the wall
        (STREET, 0.0, 9.1, 0.0, False),  # inside a building
        (STREET, 0.0, 8.9, 0.5, False),  # too close to the wall
        (STREET, 39.0, 0.0, 0.0, True),
        (STREET, 39.0, 0.0, 2.0, False),  # too close to the street's end
        (SQUARE, 10.0, 15.0, 0.0, True),  # on the plaza
        (SQUARE, 30.0, 15.0, 0.0, False),  # beside the plaza: buildings
    ],
)
def test_open_ground(place: Place, x: float, y: float, margin: float, open_: bool) -> None:
    assert is_open_ground(place, x, y, margin) is open_


def test_sidewalks_stand_on_the_curb_and_the_road_does_not() -> None:
    assert ground_height_m(STREET, 0.0, 4.9) == 0.0
    assert ground_height_m(STREET, 0.0, 5.1) == CURB_HEIGHT_M
    assert on_sidewalk_or_plaza(STREET, 0.0, 6.0)
    assert not on_sidewalk_or_plaza(STREET, 0.0, 2.0)
    assert not on_sidewalk_or_plaza(STREET, 0.0, 12.0)  # a building, not a sidewalk
