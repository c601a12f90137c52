"""Read a local OpenStreetMap extract into an `OsmMap` of the place (no Blender, no network).

pyosmium reads `.osm` XML or `.osm.pbf`; pyproj projects WGS84 to a transverse Mercator
centred on the place (x east, y north, metres; scale error < 1e-7 within a kilometre).
Missing tags get Haussmann defaults drawn from `layout_seed` and the feature's id, so a
feature keeps its draw when the radius or the centre moves, and every drawn value is
written in the resolved scene.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from twinflash.errors import InputError
from twinflash.scene.models import MapBuilding, MapPoint, MapRoad, OsmMap, OsmPlace

# Carriageways; footways, paths and steps are paving (the sidewalk level), not roads.
ROAD_LANES = {
    "motorway": 3, "trunk": 2, "primary": 2, "secondary": 2, "tertiary": 2,
    "unclassified": 2, "residential": 2, "living_street": 1, "service": 1,
    "motorway_link": 1, "trunk_link": 1, "primary_link": 1, "secondary_link": 1,
    "tertiary_link": 1, "road": 2,
}  # fmt: skip
GROUND_FLOOR_M = 4.0  # a Haussmann ground floor (shops), as render/buildings.py draws it
HAUSSMANN_LEVELS = (5, 7)  # ground floor + 4..6 upper storeys, as the procedural street
MAX_LEVELS, MAX_HEIGHT_M, MAX_LANES = 120, 400.0, 12  # beyond: a tagging error, clamped
EXTENSIONS = (".osm", ".osm.pbf", ".pbf", ".osm.bz2", ".osm.gz")
# Roads and buildings are kept this far past the radius, as scenery closing the view;
# people, vehicles and waste are placed only within the radius.
SCENERY_MARGIN_M = 30.0


def local_projection(centre: tuple[float, float]) -> str:
    """PROJ string of the place's local frame: transverse Mercator on the centre."""
    lat, lon = centre
    return f"+proj=tmerc +lat_0={lat} +lon_0={lon} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m"


class Projector:
    """(lat, lon) -> local (x east, y north) metres, and back."""

    def __init__(self, centre: tuple[float, float]) -> None:
        from pyproj import Transformer

        self._fwd = Transformer.from_crs("EPSG:4326", local_projection(centre), always_xy=True)

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self._fwd.transform(lon, lat)
        return round(float(x), 3), round(float(y), 3)


def parse_length_m(text: str | None) -> float | None:
    """OSM length tags: '12', '12.5 m', '12,5', '40 ft', "40'6\"" -> metres (None if unreadable)."""
    if not text:
        return None
    t = text.strip().lower().replace(",", ".")
    feet = re.fullmatch(r"(\d+(?:\.\d+)?)\s*'\s*(?:(\d+(?:\.\d+)?)\s*\")?", t)
    if feet:
        return float(feet.group(1)) * 0.3048 + float(feet.group(2) or 0) * 0.0254
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(m|ft)?", t)
    if not m:
        return None
    value = float(m.group(1))
    return value * 0.3048 if m.group(2) == "ft" else value


def parse_count(text: str | None) -> int | None:
    try:
        n = round(float((text or "").strip()))
    except ValueError:
        return None
    return n if n >= 1 else None


@dataclass
class _Raw:
    """Features as read, still in degrees."""

    buildings: list[tuple[str, list[tuple[float, float]], dict[str, str]]] = field(
        default_factory=list
    )
    roads: list[tuple[str, list[tuple[float, float]], dict[str, str]]] = field(default_factory=list)
    points: list[tuple[str, str, float, float]] = field(default_factory=list)
    lat_range: list[float] = field(default_factory=lambda: [math.inf, -math.inf])
    lon_range: list[float] = field(default_factory=lambda: [math.inf, -math.inf])

    def extend_bounds(self, lat: float, lon: float) -> None:
        self.lat_range = [min(self.lat_range[0], lat), max(self.lat_range[1], lat)]
        self.lon_range = [min(self.lon_range[0], lon), max(self.lon_range[1], lon)]


def point_kind(tags: dict[str, str]) -> str | None:
    """Which mapped street object a node is, if any."""
    if tags.get("natural") == "tree":
        return "tree"
    if tags.get("highway") == "street_lamp":
        return "street_lamp"
    if tags.get("amenity") == "bench" or tags.get("leisure") == "picnic_table":
        return "bench"
    if tags.get("barrier") == "bollard":
        return "bollard"
    if tags.get("amenity") == "shelter" and tags.get("shelter_type") == "public_transport":
        return "bus_shelter"
    if tags.get("highway") == "bus_stop" and tags.get("shelter") == "yes":
        return "bus_shelter"
    if tags.get("highway") == "crossing" and tags.get("crossing") not in ("unmarked", "no"):
        return "crossing"
    return None


def read_extract(path: Path, source: str = "<scene>") -> _Raw:
    """Every building, carriageway and street object of the file; InputError if unreadable."""
    import osmium

    if not path.exists():
        raise InputError(f"{source}: place.extract: {path}: file not found")
    if path.is_dir():
        raise InputError(
            f"{source}: place.extract: {path} is a folder, expected an .osm or .osm.pbf file"
        )
    if not path.name.lower().endswith(EXTENSIONS):
        raise InputError(
            f"{source}: place.extract: {path.name}: unknown extension, expected one of "
            f"{', '.join(EXTENSIONS)}"
        )
    raw = _Raw()
    try:
        for obj in osmium.FileProcessor(str(path)).with_locations().with_areas():
            tags = dict(obj.tags)
            if obj.is_node():
                loc = obj.location
                if loc.valid():
                    raw.extend_bounds(loc.lat, loc.lon)
                    kind = point_kind(tags)
                    if kind:
                        raw.points.append((f"n{obj.id}", kind, loc.lat, loc.lon))
            elif obj.is_way() and tags.get("highway") in ROAD_LANES and tags.get("area") != "yes":
                pts = [(n.lat, n.lon) for n in obj.nodes if n.location.valid()]
                if len(pts) >= 2:
                    raw.roads.append((f"w{obj.id}", pts, tags))
            elif obj.is_area() and tags.get("building", "no") != "no":
                rings = list(obj.outer_rings())
                if rings:
                    ring = max(rings, key=len)  # a multipolygon: its most detailed outline
                    oid = f"{'w' if obj.from_way() else 'r'}{obj.orig_id()}"
                    raw.buildings.append((oid, [(n.lat, n.lon) for n in ring], tags))
    except RuntimeError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(
            f"{source}: place.extract: {path} is not a readable OSM file ({first})"
        ) from None
    if not raw.lat_range[0] <= raw.lat_range[1]:
        raise InputError(f"{source}: place.extract: {path} holds no nodes")
    return raw


def _ring_ccw(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    pts = points[:-1] if len(points) > 1 and points[0] == points[-1] else list(points)
    area2 = sum(
        ax * by - bx * ay for (ax, ay), (bx, by) in zip(pts, pts[1:] + pts[:1], strict=True)
    )
    return pts if area2 > 0 else pts[::-1]


def building_height(place: OsmPlace, osm_id: str, tags: dict[str, str]) -> tuple[float, int, str]:
    """(height m, levels, source): the `height` tag, else levels, else a seeded draw."""
    storey, ground = place.storey_height_m, GROUND_FLOOR_M
    height = parse_length_m(tags.get("height"))
    levels = parse_count(tags.get("building:levels"))
    levels = min(levels, MAX_LEVELS) if levels is not None else None
    if height is not None and 0 < height <= MAX_HEIGHT_M:
        fitted = min(MAX_LEVELS, 1 + max(0, round((height - ground) / storey)))
        return round(height, 3), levels or fitted, "height"
    if levels is not None:
        return round(ground + (levels - 1) * storey, 3), levels, "building:levels"
    rng = random.Random(f"{place.layout_seed}:osm:{osm_id}")
    levels = rng.randint(*HAUSSMANN_LEVELS)
    return round(ground + (levels - 1) * storey, 3), levels, "default"


def road_width(place: OsmPlace, tags: dict[str, str]) -> tuple[float, int, str]:
    """(width m, lanes, source): the `width` tag, else lanes x lane width, else the class."""
    lanes = parse_count(tags.get("lanes"))
    lanes = min(lanes, MAX_LANES) if lanes is not None else None
    width = parse_length_m(tags.get("width"))
    if width is not None and 1.0 < width <= 60.0:
        guess = min(MAX_LANES, max(1, round(width / place.lane_width_m)))
        return round(width, 3), lanes or guess, "width"
    if lanes is not None:
        return round(lanes * place.lane_width_m, 3), lanes, "lanes"
    lanes = ROAD_LANES[tags["highway"]]
    return round(lanes * place.lane_width_m, 3), lanes, "default"


def nearest_heading(roads: Iterable[MapRoad], x: float, y: float) -> tuple[float, float]:
    """(heading deg of the nearest road segment, distance m); (0, inf) without roads."""
    best = (0.0, math.inf)
    for road in roads:
        for (ax, ay), (bx, by) in zip(road.line_m, road.line_m[1:], strict=False):
            dx, dy = bx - ax, by - ay
            n2 = dx * dx + dy * dy
            if n2 == 0:
                continue
            t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / n2))
            d = math.hypot(x - ax - t * dx, y - ay - t * dy)
            if d < best[1]:
                best = (math.degrees(math.atan2(dy, dx)), d)
    return best


def build_map(place: OsmPlace, raw: _Raw, source: str) -> OsmMap:
    """Project, keep what lies within the radius, and resolve missing tags."""
    from shapely.geometry import LineString, Point, Polygon

    lat, lon = place.centre
    (la0, la1), (lo0, lo1) = raw.lat_range, raw.lon_range
    if not (la0 <= lat <= la1 and lo0 <= lon <= lo1):
        raise InputError(
            f"{source}: place.centre: ({lat}, {lon}) is outside the extract "
            f"{place.extract} (its nodes span lat {la0:.5f}..{la1:.5f}, lon {lo0:.5f}..{lo1:.5f})"
        )
    proj = Projector(place.centre)
    wide = Point(0.0, 0.0).buffer(place.radius_m + SCENERY_MARGIN_M, quad_segs=32)
    buildings = []
    for oid, ring, tags in raw.buildings:
        pts = _ring_ccw([proj.xy(a, b) for a, b in ring])
        if len(pts) < 3 or not Polygon(pts).is_valid or not Polygon(pts).intersects(wide):
            continue
        height, levels, how = building_height(place, oid, tags)
        buildings.append(
            MapBuilding(
                osm_id=oid, footprint_m=pts, height_m=height, levels=levels, height_from=how
            )
        )
    roads = []
    for oid, line, tags in raw.roads:
        geom = LineString([proj.xy(a, b) for a, b in line]).intersection(wide)
        parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "LineString"]
        width, lanes, how = road_width(place, tags)
        for part in parts:
            if part.length > 0.5:
                roads.append(
                    MapRoad(
                        osm_id=oid,
                        highway=tags["highway"],
                        line_m=[(round(x, 3), round(y, 3)) for x, y in part.coords],
                        width_m=width,
                        lanes=lanes,
                        width_from=how,
                        oneway=tags.get("oneway") in ("yes", "1", "true", "-1"),
                    )
                )
    points = []
    for oid, kind, a, b in raw.points:
        x, y = proj.xy(a, b)
        if math.hypot(x, y) <= place.radius_m:
            heading, _ = nearest_heading(roads, x, y)
            points.append(
                MapPoint(osm_id=oid, kind=kind, x_m=x, y_m=y, heading_deg=round(heading, 2))
            )
    disc = Point(0.0, 0.0).buffer(place.radius_m, quad_segs=32)
    inside = [b for b in buildings if Polygon(b.footprint_m).intersects(disc)]
    if not inside and not any(LineString(r.line_m).intersects(disc) for r in roads):
        raise InputError(
            f"{source}: place: no building and no road of {place.extract} within "
            f"{place.radius_m:g} m of ({lat}, {lon}); move place.centre or widen place.radius_m"
        )
    return OsmMap(buildings=buildings, roads=roads, points=points)


def load_map(place: OsmPlace, source: str) -> OsmMap:
    return build_map(place, read_extract(Path(place.extract), source), source)


_RAW_CACHE: dict[tuple[str, int, int], _Raw] = {}


def cached_map(place: OsmPlace, source: str) -> OsmMap:
    """`load_map` reading each extract once per process (a plan's samples share it);
    the file's size and modification time are in the key, so an edited file is re-read."""
    path = Path(place.extract)
    try:
        st = path.stat()
    except OSError:
        return load_map(place, source)  # says what is wrong with the path
    key = (str(path.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _RAW_CACHE:
        if len(_RAW_CACHE) >= 4:
            _RAW_CACHE.clear()
        _RAW_CACHE[key] = read_extract(path, source)
    return build_map(place, _RAW_CACHE[key], source)
