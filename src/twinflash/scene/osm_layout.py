"""Where things are in an OSM place: carriageways, paving, buildings (shapely, no Blender).

The carriageway is the union of every road's centre line buffered by half its width
(round joins and ends, so crossroads close); everything else within the place is paving
at curb height, except building footprints. Built once per map and cached.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from twinflash.scene.models import OsmMap, OsmPlace

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

GROUND_MARGIN_M = 30.0  # paving and roads run on this far past the radius (scenery)
HORIZON_M = 1500.0  # a plain ground reaches this far, so the view never ends on the void
CROSSING_HALF_WIDTH_M = 1.5  # a zebra crossing is ~3 m wide


@dataclass(frozen=True)
class OsmLayout:
    roads: BaseGeometry  # carriageway area
    buildings: BaseGeometry  # union of footprints
    crossings: BaseGeometry  # zebra areas (on the carriageway)
    place_disc: BaseGeometry  # open ground may be used only inside the radius
    ground: BaseGeometry  # the square the ground mesh covers

    def on_road(self, x: float, y: float) -> bool:
        from shapely import Point

        return self.roads.contains(Point(x, y))

    def in_building(self, x: float, y: float, margin_m: float = 0.0) -> bool:
        from shapely import Point

        return self.buildings.distance(Point(x, y)) <= margin_m

    def is_open_ground(self, x: float, y: float, margin_m: float = 0.0) -> bool:
        """Inside the radius (less margin) and at least margin_m from every building."""
        from shapely import Point

        p = Point(x, y)
        if p.distance(self.place_disc.exterior) < margin_m or not self.place_disc.contains(p):
            return False
        return self.buildings.distance(p) > margin_m if margin_m else not self.buildings.contains(p)

    def on_crossing(self, x: float, y: float) -> bool:
        from shapely import Point

        return self.crossings.contains(Point(x, y))


_CACHE: dict[int, tuple[OsmMap, OsmLayout]] = {}


def crossing_rect(
    x: float, y: float, heading_deg: float, road_width_m: float
) -> list[tuple[float, float]]:
    """Corners of a zebra: 3 m along the road, across its whole width."""
    a = math.radians(heading_deg)
    ux, uy = math.cos(a), math.sin(a)
    vx, vy = -uy, ux
    hu, hv = CROSSING_HALF_WIDTH_M, road_width_m / 2
    return [
        (x + su * hu * ux + sv * hv * vx, y + su * hu * uy + sv * hv * vy)
        for su, sv in ((-1, -1), (1, -1), (1, 1), (-1, 1))
    ]


def nearest_road_width(osm: OsmMap, x: float, y: float) -> float:
    from shapely import LineString, Point

    p = Point(x, y)
    best = min(osm.roads, key=lambda r: LineString(r.line_m).distance(p), default=None)
    return best.width_m if best is not None else 6.0


def osm_layout(place: OsmPlace) -> OsmLayout:
    """The layout of a resolved OSM place (its `map` must be filled)."""
    from shapely import LineString, Point, Polygon, box, unary_union

    osm = place.map
    if osm is None:
        raise ValueError("osm place has no map yet: resolve the scene first")
    hit = _CACHE.get(id(osm))
    if hit is not None and hit[0] is osm:
        return hit[1]
    roads = unary_union([LineString(r.line_m).buffer(r.width_m / 2) for r in osm.roads])
    buildings = unary_union([Polygon(b.footprint_m) for b in osm.buildings])
    crossings = unary_union(
        [
            Polygon(
                crossing_rect(p.x_m, p.y_m, p.heading_deg, nearest_road_width(osm, p.x_m, p.y_m))
            )
            for p in osm.points
            if p.kind == "crossing"
        ]
    ).intersection(roads)
    half = place.radius_m + GROUND_MARGIN_M
    layout = OsmLayout(
        roads=roads,
        buildings=buildings,
        crossings=crossings,
        place_disc=Point(0, 0).buffer(place.radius_m, quad_segs=32),
        ground=box(-half, -half, half, half),
    )
    if len(_CACHE) > 8:
        _CACHE.clear()
    _CACHE[id(osm)] = (osm, layout)
    return layout
