"""Where things are in the procedural place: open ground versus buildings (pure math).

A street runs along x over `length_m`, road centred on y=0, façades at |y| = facade_y_m.
A square is the same street crossing an open plaza of `square_size_m` centred at the
origin; buildings line the plaza's edges (|y| = plaza half-size for |x| < half-size).
"""

from __future__ import annotations

from twinflash.scene.models import OsmPlace, Place
from twinflash.scene.osm_layout import osm_layout

AnyPlace = Place | OsmPlace

# Sidewalks and the plaza stand on curbs this high; the road surface is z = 0.
CURB_HEIGHT_M = 0.15

# A person sitting on the curb has the hip joints this far behind the curb's face (the
# feet in the gutter); on steps, the flight reaches this far behind the hips (so a
# doorway's steps put the hips this far from the façade). The renderer builds the seats
# to these, the dataset sampler places their sitters by them.
SEAT_CURB_AHEAD_M = 0.10
SEAT_STEPS_BACK_M = 0.5

# Seven storeys (ground floor 4 m, others ~3 m) plus a mansard roof stay below this.
ROOFTOP_CLEARANCE_M = 30.0


def plaza_half_m(place: Place) -> float:
    """Half-size of the open plaza (0 for a plain street)."""
    return max(place.square_size_m / 2, place.facade_y_m) if place.kind == "square" else 0.0


def facade_y_at(place: Place, x_m: float) -> float:
    """|y| of the façade line at abscissa x."""
    half = plaza_half_m(place)
    if half and abs(x_m) < half:
        return half
    return place.facade_y_m


def is_open_ground(place: AnyPlace, x_m: float, y_m: float, margin_m: float = 0.0) -> bool:
    """True if (x, y) is on the road, sidewalk or plaza, at least margin_m from walls and ends
    (an OSM place: inside its radius, outside every building footprint)."""
    if isinstance(place, OsmPlace):
        return osm_layout(place).is_open_ground(x_m, y_m, margin_m)
    if abs(x_m) > place.length_m / 2 - margin_m:
        return False
    return abs(y_m) <= facade_y_at(place, x_m) - margin_m


def on_sidewalk_or_plaza(place: AnyPlace, x_m: float, y_m: float) -> bool:
    if isinstance(place, OsmPlace):
        return is_open_ground(place, x_m, y_m) and not osm_layout(place).on_road(x_m, y_m)
    return is_open_ground(place, x_m, y_m) and abs(y_m) >= place.half_road_m


def ground_height_m(place: AnyPlace, x_m: float, y_m: float) -> float:
    """Height of the walkable surface at (x, y): 0 on the road, the curb height elsewhere."""
    if isinstance(place, OsmPlace):
        return 0.0 if osm_layout(place).on_road(x_m, y_m) else CURB_HEIGHT_M
    return 0.0 if abs(y_m) < place.half_road_m else CURB_HEIGHT_M
