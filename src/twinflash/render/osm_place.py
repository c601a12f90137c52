"""A real place from its resolved OSM map: carriageways at z = 0, paving on curbs, zebra
crossings, buildings extruded on their footprints with Haussmann façades where they face
a street, and the mapped trees, lamps, benches, bollards and bus shelters.

Geometry follows `scene.osm_layout` exactly (the same shapely shapes), so what the
resolver and the samplers call road or building is what the image shows.
"""

from __future__ import annotations

import itertools
import math
import random
from typing import TYPE_CHECKING

import bpy

from twinflash.render import props
from twinflash.render.buildings import (
    BAY_M,
    LEVEL_HEIGHTS_M,
    REVEAL_M,
    WINDOW_W_M,
    FacadeMaterials,
    facade_wall,
    ground_floor,
)
from twinflash.render.context import BuildContext
from twinflash.render.facade import WindowUnits, railing
from twinflash.render.furniture import lamp_light
from twinflash.render.materials import principled
from twinflash.render.meshkit import MeshKit, instance, lights_on
from twinflash.render.road import PAINT_Z_M, ZEBRA_BAND_M, ZEBRA_GAP_M
from twinflash.render.surfaces import ground
from twinflash.scene.layout import CURB_HEIGHT_M
from twinflash.scene.models import MapBuilding, OsmPlace
from twinflash.scene.osm_layout import (
    CROSSING_HALF_WIDTH_M,
    HORIZON_M,
    OsmLayout,
    nearest_road_width,
    osm_layout,
)

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

FACADE_MIN_M = 3.0  # shorter edges are plain walls
STREET_LOOKOUT_M = 25.0  # an edge faces a street if a road lies this close along its normal
MIN_STOREY_M = 2.6


def _triangles(geom: BaseGeometry) -> list[list[tuple[float, float]]]:
    """Counter-clockwise triangles (seen from above) covering a polygon with holes."""
    import shapely

    tris = []
    for tri in shapely.constrained_delaunay_triangles(geom).geoms:
        (ax, ay), (bx, by), (cx, cy) = list(tri.exterior.coords)[:3]
        if (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) < 0:
            (bx, by), (cx, cy) = (cx, cy), (bx, by)
        tris.append([(ax, ay), (bx, by), (cx, cy)])
    return tris


def _polygons(geom: BaseGeometry) -> list[BaseGeometry]:
    """The polygons of a shape, exterior counter-clockwise and holes clockwise."""
    from shapely.geometry.polygon import orient

    return [
        orient(g, 1.0)
        for g in getattr(geom, "geoms", [geom])
        if g.geom_type == "Polygon" and g.area > 0
    ]


def _ground(ctx: BuildContext, layout: OsmLayout) -> None:
    """Asphalt where the map has carriageways, paving on curbs elsewhere, granite curb faces."""
    asphalt = ground(ctx, "asphalt", "#2f2f31", "#3d3c3c", 0.88, noise_scale=9.0)
    walk = ground(ctx, "sidewalk", "#7d7a74", "#8e8a82", 0.85, noise_scale=5.0)
    granite = ground(ctx, "granite", "#9a9895", "#b3b0ab", 0.7, noise_scale=12.0)
    road = layout.roads.intersection(layout.ground)
    kit = MeshKit()
    for poly in _polygons(road):
        for tri in _triangles(poly):
            kit.poly([(x, y, 0.0) for x, y in tri], asphalt)
    if kit.faces:
        kit.to_object("road")
    kit = MeshKit()
    for poly in _polygons(layout.ground.difference(layout.roads)):
        for tri in _triangles(poly):
            kit.poly([(x, y, CURB_HEIGHT_M) for x, y in tri], walk)
        for ring in (poly.exterior, *poly.interiors):
            coords = list(ring.coords)
            for (ax, ay), (bx, by) in itertools.pairwise(coords):
                if layout.ground.exterior.distance(_mid(ax, ay, bx, by)) < 1e-6:
                    continue  # the edge of the modelled ground, not a curb
                # paving's boundary runs CCW outside, CW around holes: the face looks out
                kit.poly(
                    [
                        (ax, ay, 0.0),
                        (bx, by, 0.0),
                        (bx, by, CURB_HEIGHT_M),
                        (ax, ay, CURB_HEIGHT_M),
                    ],
                    granite,
                )
    kit.to_object("sidewalks")
    far = MeshKit()  # plain paving from the modelled ground to the horizon, 1 cm lower
    (x0, y0, x1, y1), h = layout.ground.bounds, HORIZON_M
    z = CURB_HEIGHT_M - 0.01
    for ring in (
        ((x0, y0), (x1, y0), (h, -h), (-h, -h)),
        ((x1, y0), (x1, y1), (h, h), (h, -h)),
        ((x1, y1), (x0, y1), (-h, h), (h, h)),
        ((x0, y1), (x0, y0), (-h, -h), (-h, h)),
    ):
        far.poly([(x, y, z) for x, y in reversed(ring)], walk)  # upward normals
    far.to_object("far_ground")


def _mid(ax: float, ay: float, bx: float, by: float) -> BaseGeometry:
    from shapely import Point

    return Point((ax + bx) / 2, (ay + by) / 2)


def _crossings(ctx: BuildContext, place: OsmPlace, layout: OsmLayout) -> None:
    """French zebras: 0.5 m bands parallel to the road axis, 0.5 m apart, across the road."""
    from shapely import Polygon

    paint = ground(ctx, "paint", "#e9e9e4", "#d8d8d2", 0.55, noise_scale=20.0)
    kit = MeshKit()
    assert place.map is not None
    for p in place.map.points:
        if p.kind != "crossing":
            continue
        width = nearest_road_width(place.map, p.x_m, p.y_m)
        n = int((width - 0.7 + ZEBRA_GAP_M) // (ZEBRA_BAND_M + ZEBRA_GAP_M))
        span = n * ZEBRA_BAND_M + (n - 1) * ZEBRA_GAP_M
        band = MeshKit((p.x_m, p.y_m), math.radians(p.heading_deg))
        for i in range(n):
            v0 = -span / 2 + i * (ZEBRA_BAND_M + ZEBRA_GAP_M)
            corners = [
                band.world((u, v, 0.0))[:2]
                for u, v in (
                    (-CROSSING_HALF_WIDTH_M, v0),
                    (CROSSING_HALF_WIDTH_M, v0),
                    (CROSSING_HALF_WIDTH_M, v0 + ZEBRA_BAND_M),
                    (-CROSSING_HALF_WIDTH_M, v0 + ZEBRA_BAND_M),
                )
            ]
            for piece in _polygons(Polygon(corners).intersection(layout.roads)):
                for tri in _triangles(piece):
                    kit.poly([(x, y, PAINT_Z_M) for x, y in tri], paint)
    if kit.faces:
        kit.to_object("markings")


def _faces_street(layout: OsmLayout, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True if the road area lies within STREET_LOOKOUT_M straight out of the edge's middle,
    with no building in between."""
    from shapely import LineString

    (ax, ay), (bx, by) = a, b
    length = math.hypot(bx - ax, by - ay)
    nx, ny = (by - ay) / length, -(bx - ax) / length  # outward for a CCW ring
    mx, my = (ax + bx) / 2, (ay + by) / 2
    ray = LineString(
        [(mx + nx * 0.3, my + ny * 0.3), (mx + nx * STREET_LOOKOUT_M, my + ny * STREET_LOOKOUT_M)]
    )
    if not ray.intersects(layout.roads):
        return False
    hit = ray.intersection(layout.roads)
    to_road = ray.project(hit.representative_point())
    before = LineString([ray.coords[0], ray.interpolate(max(to_road - 0.5, 0.01)).coords[0]])
    return not before.intersects(layout.buildings)


def _storeys(height_m: float, levels: int) -> tuple[int, float]:
    """(storeys drawn, upper storey height): the tagged levels when they fit the height."""
    ground_m = LEVEL_HEIGHTS_M[0]
    if height_m < ground_m + MIN_STOREY_M:
        return 1, 0.0
    upper = max(1, min(levels - 1, int((height_m - ground_m) / MIN_STOREY_M)))
    return upper + 1, (height_m - ground_m) / upper


def _facade(
    ctx: BuildContext,
    rng: random.Random,
    units: WindowUnits,
    m: FacadeMaterials,
    kit: MeshKit,
    length: float,
    top: float,
    levels: int,
    heading: float,
) -> None:
    """A Haussmann front on u in [0, length], v = 0 the footprint edge, from z = 0 to top."""
    k = max(1, round(length / BAY_M))
    bay = length / k
    centres = [bay * (i + 0.5) for i in range(k)]
    storeys, sh = _storeys(top, levels)
    if storeys == 1:
        facade_wall(kit, 0.0, length, 0.0, top, [], 0.0, 0.0, m.rustic)
        return
    ground_floor(ctx, kit, rng, m, centres, bay)
    ground_m = LEVEL_HEIGHTS_M[0]
    balconies = {2, min(5, storeys - 1)}
    for lvl in range(1, storeys):
        zb, zt = ground_m + (lvl - 1) * sh, ground_m + lvl * sh
        hz0, hz1 = (zb + 0.55, zt - 0.5) if lvl == 1 else (zb + 0.2, zt - 0.55)
        w2 = min(WINDOW_W_M / 2, bay / 2 - 0.35) if lvl > 1 else min(0.6, bay / 2 - 0.35)
        holes = [(c - w2, c + w2) for c in centres]
        facade_wall(kit, 0.0, length, zb, zt, holes, hz0, hz1, m.rustic if lvl == 1 else m.wall)
        for c in centres:
            loc = kit.world((c, -REVEAL_M, hz0))
            units.place(2 * w2, hz1 - hz0, lvl > 1 and lvl not in balconies, rng, loc, heading)
        if lvl in balconies and lvl > 1:
            kit.box((0.1, 0.0, zb - 0.14), (length - 0.1, 0.8, zb + 0.05), m.wall, skip="k")
            railing(kit, 0.15, length - 0.15, 0.76, zb + 0.05, ctx)
        elif lvl > 1:
            kit.box((0.0, 0.0, zb - 0.1), (length, 0.07, zb + 0.03), m.wall, skip="k")
    kit.box((0.0, 0.0, top - 0.3), (length, 0.5, top), m.wall, skip="k")  # main cornice


def _building(
    ctx: BuildContext,
    layout: OsmLayout,
    units: WindowUnits,
    m: FacadeMaterials,
    b: MapBuilding,
) -> None:
    """Walls on every footprint edge (a façade where it faces a street), a flat zinc roof."""
    from shapely import Polygon

    rng = random.Random(f"{ctx.scene.place.layout_seed}:osm-building:{b.osm_id}")
    pts = b.footprint_m
    top = b.height_m
    kit = MeshKit()
    for tri in _triangles(Polygon(pts)):
        kit.poly([(x, y, top) for x, y in tri], m.zinc)
    for a, c in zip(pts, pts[1:] + pts[:1], strict=True):
        length = math.hypot(c[0] - a[0], c[1] - a[1])
        if length < 1e-3:
            continue
        if length >= FACADE_MIN_M and _faces_street(layout, a, c):
            heading = math.atan2(a[1] - c[1], a[0] - c[0])  # u runs c -> a: +v is outward
            front = MeshKit(c, heading)
            _facade(ctx, rng, units, m, front, length, top, b.levels, heading)
            front.to_object(f"facade_{b.osm_id}_{len(bpy.data.objects)}")
        else:
            kit.poly(
                [(a[0], a[1], 0.0), (c[0], c[1], 0.0), (c[0], c[1], top), (a[0], a[1], top)], m.wall
            )
    kit.to_object(f"building_{b.osm_id}")


def _bus_shelter(ctx: BuildContext) -> bpy.types.Object:
    """A JCDecaux-like shelter 3.4 x 1.5 x 2.5 m, open toward +y, glass back and sides."""
    frame = principled(ctx, "shelter_frame", "#3b4146", 0.4, 0.6)
    glass = principled(ctx, "shelter_glass", "#c9d4d8", 0.05, Transmission_Weight=0.9)
    k = MeshKit()
    for x in (-1.65, 1.65):
        for y in (-0.7, 0.55):
            k.box((x - 0.05, y - 0.05, 0.0), (x + 0.05, y + 0.05, 2.45), frame)
    k.box((-1.75, -0.8, 2.45), (1.75, 0.75, 2.55), frame)
    k.box((-1.6, -0.72, 0.1), (1.6, -0.7, 2.35), glass)
    for x in (-1.65, 1.65):
        k.box((x - 0.01, -0.65, 0.1), (x + 0.01, 0.3, 2.35), glass)
    k.box((-1.2, -0.55, 0.45), (1.2, -0.2, 0.5), frame)  # the bench
    obj = k.to_object("bus_shelter_src")
    obj.hide_render = obj.hide_viewport = True
    return obj


def _facing_road(layout: OsmLayout, x: float, y: float, heading_deg: float) -> float:
    """Rotation (rad) of a prop that faces +y locally, set along the road and facing it."""
    from shapely import Point
    from shapely.ops import nearest_points

    along = math.radians(heading_deg)
    if layout.roads.is_empty:
        return along
    _, near = nearest_points(Point(x, y), layout.roads)
    dx, dy = near.x - x, near.y - y
    left = (-math.sin(along), math.cos(along))
    return along if dx * left[0] + dy * left[1] >= 0 else along + math.pi


def _props(ctx: BuildContext, place: OsmPlace, layout: OsmLayout) -> dict[str, int]:
    """The mapped street objects, each standing on the ground under it."""
    assert place.map is not None
    sources: dict[str, list[bpy.types.Object]] = {}
    counts: dict[str, int] = {}
    grate = None
    for p in place.map.points:
        if p.kind == "crossing":
            continue
        if p.kind not in sources:
            sources[p.kind] = {
                "tree": lambda: [props.tree(ctx, i) for i in range(3)],
                "street_lamp": lambda: [props.lamp(ctx)],
                "bench": lambda: [props.bench(ctx)],
                "bollard": lambda: [props.bollard(ctx)],
                "bus_shelter": lambda: [_bus_shelter(ctx)],
            }[p.kind]()
        rng = random.Random(f"{place.layout_seed}:osm-prop:{p.osm_id}")
        z = 0.0 if layout.on_road(p.x_m, p.y_m) else CURB_HEIGHT_M
        counts[p.kind] = counts.get(p.kind, 0) + 1
        name = f"{p.kind}_{p.osm_id}"
        if p.kind == "tree":
            s = rng.uniform(0.9, 1.1)
            obj = instance(
                rng.choice(sources["tree"]), name, (p.x_m, p.y_m, z), rng.uniform(0, 6.28)
            )
            obj.scale = (s, s, s)
            grate = grate or props.grate(ctx)
            instance(grate, f"grate_{p.osm_id}", (p.x_m, p.y_m, z))
        elif p.kind in ("bench", "bus_shelter"):
            rot = _facing_road(layout, p.x_m, p.y_m, p.heading_deg)
            instance(sources[p.kind][0], name, (p.x_m, p.y_m, z), rot)
        else:
            instance(sources[p.kind][0], name, (p.x_m, p.y_m, z))
            if p.kind == "street_lamp" and lights_on(ctx):
                lamp_light(ctx, p.x_m, p.y_m)
    return counts


def build_osm_place(ctx: BuildContext) -> dict[str, int]:
    """The whole static world of an OSM place; returns counts of what was built."""
    place = ctx.scene.place
    assert isinstance(place, OsmPlace) and place.map is not None
    layout = osm_layout(place)
    _ground(ctx, layout)
    _crossings(ctx, place, layout)
    units = WindowUnits(ctx)
    mats = FacadeMaterials.of(ctx)
    for b in place.map.buildings:
        _building(ctx, layout, units, mats, b)
    counts = _props(ctx, place, layout)
    return {"buildings": len(place.map.buildings), **counts}
