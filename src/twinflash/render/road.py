"""Ground of the place: asphalt road (top at z = 0), French markings, granite curbs,
raised sidewalks, the plaza of a square, and a cross street closing each end.

French markings (IISR, 7th part): urban axis line T1 = 3 m dash / 10 m gap; the
pedestrian crossing is made of bands 0.5 m wide parallel to the road axis with 0.5 m
gaps, at least 2.5 m long.
"""

from __future__ import annotations

from dataclasses import dataclass

import bpy

from twinflash.errors import InputError
from twinflash.render.context import BuildContext
from twinflash.render.meshkit import MeshKit
from twinflash.render.surfaces import ground
from twinflash.scene.layout import CURB_HEIGHT_M, plaza_half_m
from twinflash.scene.models import Place, procedural_place

CURB_WIDTH_M = 0.2
GUTTER_WIDTH_M = 0.35
PAINT_Z_M = 0.002  # markings float 2 mm above the asphalt so they never z-fight
DASH_M, GAP_M, AXIS_WIDTH_M = 3.0, 10.0, 0.12
ZEBRA_BAND_M, ZEBRA_GAP_M, ZEBRA_LENGTH_M = 0.5, 0.5, 3.0
END_EXTENSION_M = 30.0  # the street runs on past |x| = length/2 before meeting a cross street
FAR_SIDE_M = 40.0  # how far the cross street runs to each side


@dataclass(frozen=True)
class Extents:
    """Where things stop along x: the place, its extension, the cross street."""

    half_length_m: float  # |x| where open ground ends (scene/layout.py)
    row_end_m: float  # |x| where the street's building rows end
    cross_far_m: float  # |x| of the façade closing the cross street
    far_y_m: float  # |y| where the cross street and the ground stop

    @classmethod
    def of(cls, place: Place) -> Extents:
        row_end = place.length_m / 2 + END_EXTENSION_M
        far_y = max(place.facade_y_m, plaza_half_m(place)) + FAR_SIDE_M
        cross_far = row_end + place.road_width_m + 2 * place.sidewalk_width_m
        return cls(place.length_m / 2, row_end, cross_far, far_y)


def _check(place: Place) -> None:
    zx = place.zebra_crossing_x_m
    if zx is not None and abs(zx) > place.length_m / 2 - ZEBRA_LENGTH_M / 2:
        raise InputError(
            f"place.zebra_crossing_x_m: {zx} m is outside the street "
            f"(|x| must stay below {place.length_m / 2 - ZEBRA_LENGTH_M / 2:.1f} m)"
        )


def build_ground(ctx: BuildContext) -> None:
    """Road plane, markings, curbs and sidewalks (one mesh each) for street and square."""
    place = procedural_place(ctx.scene.place)
    _check(place)
    ext = Extents.of(place)
    hr, f, sw = place.half_road_m, place.facade_y_m, place.sidewalk_width_m
    asphalt = ground(ctx, "asphalt", "#2f2f31", "#3d3c3c", 0.88, noise_scale=9.0)
    walk = ground(ctx, "sidewalk", "#7d7a74", "#8e8a82", 0.85, noise_scale=5.0)
    granite = ground(ctx, "granite", "#9a9895", "#b3b0ab", 0.7, noise_scale=12.0)
    gutter = ground(ctx, "gutter", "#55534f", "#6b6862", 0.8, noise_scale=14.0)
    paint = ground(ctx, "paint", "#e9e9e4", "#d8d8d2", 0.55, noise_scale=20.0)

    road = MeshKit()
    far_y = ext.far_y_m
    road.poly(
        [
            (-ext.cross_far_m, -far_y, 0.0),
            (ext.cross_far_m, -far_y, 0.0),
            (ext.cross_far_m, far_y, 0.0),
            (-ext.cross_far_m, far_y, 0.0),
        ],
        asphalt,
    )
    road.to_object("road")

    kit = MeshKit()
    h = CURB_HEIGHT_M
    plaza = plaza_half_m(place)
    for side in (-1, 1):

        def strip(
            x0: float,
            x1: float,
            y0: float,
            y1: float,
            z: float,
            mat: bpy.types.Material,
            top_only: bool = False,
            sign: int = side,
        ) -> None:
            lo_y, hi_y = sorted((sign * y0, sign * y1))
            if top_only:
                kit.poly([(x0, lo_y, z), (x1, lo_y, z), (x1, hi_y, z), (x0, hi_y, z)], mat)
            else:
                kit.box((x0, lo_y, 0.0), (x1, hi_y, z), mat, skip="b")

        x_end = ext.row_end_m + sw
        strip(-x_end, x_end, hr - GUTTER_WIDTH_M, hr, PAINT_Z_M / 2, gutter, top_only=True)
        strip(-x_end, x_end, hr, hr + CURB_WIDTH_M, h, granite)
        strip(-x_end, x_end, hr + CURB_WIDTH_M, f + 0.5, h, walk)
        if plaza > f:
            strip(-plaza, plaza, f + 0.5, plaza + 0.5, h, walk)
        for end in (-1, 1):  # corners onto the cross street, and the far sidewalk
            x0, x1 = sorted((end * ext.row_end_m, end * x_end))
            strip(x0, x1, f + 0.5, far_y, h, walk)
            x0, x1 = sorted((end * (ext.cross_far_m - sw), end * (ext.cross_far_m + 0.5)))
            strip(x0, x1, 0.0, far_y, h, walk)
    kit.to_object("sidewalks")
    _markings(place, ext, paint)


def _markings(place: Place, ext: Extents, paint: bpy.types.Material) -> None:
    kit = MeshKit()
    z = PAINT_Z_M
    zx = place.zebra_crossing_x_m

    def rect(x0: float, x1: float, y0: float, y1: float) -> None:
        kit.poly([(x0, y0, z), (x1, y0, z), (x1, y1, z), (x0, y1, z)], paint)

    if place.road_width_m >= 6.0:  # a two-way street: axis line T1
        x = -ext.row_end_m
        while x + DASH_M <= ext.row_end_m:
            clear_of_zebra = (
                zx is None
                or x + DASH_M < zx - ZEBRA_LENGTH_M / 2 - 2
                or x > zx + ZEBRA_LENGTH_M / 2 + 2
            )
            if clear_of_zebra:
                rect(x, x + DASH_M, -AXIS_WIDTH_M / 2, AXIS_WIDTH_M / 2)
            x += DASH_M + GAP_M
    if zx is not None:
        usable = place.road_width_m - 2 * GUTTER_WIDTH_M
        n = int((usable + ZEBRA_GAP_M) // (ZEBRA_BAND_M + ZEBRA_GAP_M))
        span = n * ZEBRA_BAND_M + (n - 1) * ZEBRA_GAP_M
        y = -span / 2
        for _ in range(n):
            rect(zx - ZEBRA_LENGTH_M / 2, zx + ZEBRA_LENGTH_M / 2, y, y + ZEBRA_BAND_M)
            y += ZEBRA_BAND_M + ZEBRA_GAP_M
    if kit.faces:
        kit.to_object("markings")
