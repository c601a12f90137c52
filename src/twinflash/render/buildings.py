"""Haussmann buildings along the façade lines of scene/layout.py.

Each building is one mesh in a local frame (u along the façade, v out toward the
street, z up): rusticated ground floor with shop fronts and entresol, the "étage noble"
(2nd floor) and the 5th floor with continuous wrought-iron balconies, stone courses and
cornices, then a steep zinc mansard with dormers and chimneys. Windows are linked
duplicates (render/facade.py). The façade plane is exactly on the layout's line.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

import bpy

from twinflash.render.context import BuildContext
from twinflash.render.facade import AWNING_COLORS, SHOP_COLORS, WindowUnits, railing
from twinflash.render.materials import lit_glass, principled
from twinflash.render.meshkit import MeshKit, lights_on
from twinflash.render.photometry import SHOP_WINDOW_LUMINANCE_CD_M2
from twinflash.render.road import Extents
from twinflash.render.surfaces import snowy, stone
from twinflash.scene.layout import plaza_half_m
from twinflash.scene.models import Place, procedural_place

LEVEL_HEIGHTS_M = (4.0, 2.8, 3.4, 3.0, 3.0, 2.9, 2.8)  # ground, entresol, noble, ...
BALCONY_LEVELS = (2, 5)  # French numbering: 2e and 5e étages
DEPTH_M = 14.0
REVEAL_M = 0.25  # window glass sits this far behind the façade plane
BAY_M = 2.9
WINDOW_W_M = 1.25
SURROUND_W_M = 0.14  # jambs and lintel of an upper window's moulded frame
SURROUND_PROUD_M = 0.05
SHOP_TOP_M = 3.3
CORNER_INSET_M = 0.05  # party walls at convex corners step back so they never z-fight


@dataclass(frozen=True)
class Row:
    """A straight run of façade: local frame origin and heading, u range, corner flags."""

    origin: tuple[float, float]
    heading_rad: float
    u0: float
    u1: float
    inset0: bool = False
    inset1: bool = False


def facade_rows(place: Place) -> list[Row]:
    """The façade runs of the place, following scene/layout.py exactly."""
    ext = Extents.of(place)
    f, end = place.facade_y_m, ext.row_end_m
    far = ext.far_y_m
    rows = [
        Row((ext.cross_far_m, 0.0), math.pi / 2, -far, far),
        Row((-ext.cross_far_m, 0.0), -math.pi / 2, -far, far),
    ]
    hp = plaza_half_m(place)
    for origin_y, heading in ((-f, 0.0), (f, math.pi)):
        if not hp:
            rows.append(Row((0.0, origin_y), heading, -end, end))
            continue
        rows.append(Row((0.0, origin_y), heading, -end, -hp, inset1=True))
        rows.append(Row((0.0, origin_y), heading, hp, end, inset0=True))
        rows.append(Row((0.0, math.copysign(hp, origin_y)), heading, -hp, hp))
    if hp and hp - f > 1.0:  # plaza sides facing ±x, between the street façade and the plaza edge
        for origin_x, heading in ((hp, math.pi / 2), (-hp, -math.pi / 2)):
            rows.append(Row((origin_x, 0.0), heading, f, hp, inset0=True))
            rows.append(Row((origin_x, 0.0), heading, -hp, -f, inset1=True))
    return rows


def _split(rng: random.Random, length: float) -> list[float]:
    """Building widths of 12–20 m (roughly) that exactly fill a run."""
    n = max(1, round(length / 16.0))
    draws = [rng.uniform(12.0, 20.0) for _ in range(n)]
    total = sum(draws)
    return [length * d / total for d in draws]


@dataclass
class FacadeMaterials:
    """The Haussmann materials, made once per scene and shared with `render.osm_place`."""

    wall: bpy.types.Material
    rustic: bpy.types.Material
    zinc: bpy.types.Material
    chimney: bpy.types.Material
    pot: bpy.types.Material
    shop_glass: bpy.types.Material
    shop_lit: bpy.types.Material
    door: bpy.types.Material

    @classmethod
    def of(cls, ctx: BuildContext) -> FacadeMaterials:
        return cls(
            wall=stone(ctx, "limestone", "#dccfb3", "#c9b999", 0.52, 1.15),
            rustic=stone(ctx, "limestone_rustic", "#d6c8aa", "#c4b392", 0.42, 1000.0),
            zinc=snowy(
                ctx, "zinc", "#7a8289", 0.38, metallic=0.75, color2="#646b71", noise_scale=0.7
            ),
            chimney=snowy(ctx, "chimney", "#b9a58c", 0.85),
            pot=principled(ctx, "chimney_pot", "#9a5236", roughness=0.8),
            shop_glass=principled(ctx, "shop_glass", "#0d1114", roughness=0.03),
            shop_lit=lit_glass(ctx, "shop_lit", "#ffbf78", SHOP_WINDOW_LUMINANCE_CD_M2),
            door=principled(ctx, "door", "#1d3a34", roughness=0.45),
        )


def facade_wall(
    kit: MeshKit,
    ua: float,
    ub: float,
    zb: float,
    zt: float,
    holes: list[tuple[float, float]],
    hz0: float,
    hz1: float,
    mat: bpy.types.Material,
) -> None:
    """Façade band [zb, zt] with rectangular holes (u ranges) between hz0 and hz1, reveals in."""

    def quad(u0: float, u1: float, z0: float, z1: float) -> None:
        if u1 - u0 > 1e-6 and z1 - z0 > 1e-6:
            kit.poly([(u0, 0.0, z0), (u0, 0.0, z1), (u1, 0.0, z1), (u1, 0.0, z0)], mat)

    quad(ua, ub, zb, hz0)
    quad(ua, ub, hz1, zt)
    u = ua
    for ha, hb in holes:
        quad(u, ha, hz0, hz1)
        r = -REVEAL_M
        kit.poly([(ha, 0.0, hz0), (ha, r, hz0), (ha, r, hz1), (ha, 0.0, hz1)], mat)
        kit.poly([(hb, 0.0, hz0), (hb, 0.0, hz1), (hb, r, hz1), (hb, r, hz0)], mat)
        kit.poly([(ha, 0.0, hz1), (ha, r, hz1), (hb, r, hz1), (hb, 0.0, hz1)], mat)
        kit.poly([(ha, 0.0, hz0), (hb, 0.0, hz0), (hb, r, hz0), (ha, r, hz0)], mat)
        u = hb
    quad(u, ub, hz0, hz1)


def ground_floor(
    ctx: BuildContext,
    kit: MeshKit,
    rng: random.Random,
    m: FacadeMaterials,
    centres: list[float],
    bay: float,
) -> None:
    """Shop fronts grouped over bays, one carriage door, signage bands and awnings."""
    half = (bay - 0.7) / 2
    holes = [(c - half, c + half) for c in centres]
    facade_wall(
        kit,
        centres[0] - bay / 2,
        centres[-1] + bay / 2,
        0.0,
        LEVEL_HEIGHTS_M[0],
        holes,
        0.0,
        SHOP_TOP_M,
        m.rustic,
    )
    door = len(centres) // 2 if rng.random() < 0.8 else -1
    groups: list[list[int]] = []
    for i in range(len(centres)):
        if i == door:
            groups.append([i])
        elif groups and groups[-1][-1] != door and len(groups[-1]) < rng.choice((1, 2, 3)):
            groups[-1].append(i)
        else:
            groups.append([i])
    r = -REVEAL_M
    for group in groups:
        ha, hb = holes[group[0]][0], holes[group[-1]][1]
        if group == [door]:
            kit.poly([(ha, r, 0.0), (ha, r, SHOP_TOP_M), (hb, r, SHOP_TOP_M), (hb, r, 0.0)], m.door)
            continue
        color = rng.choice(SHOP_COLORS)
        paint = principled(ctx, "shopfront", color, roughness=0.4)
        lit = rng.random() < 0.5  # drawn by day too, so the layout never depends on the hour
        glass = m.shop_lit if lit and lights_on(ctx) else m.shop_glass
        for i in group:
            a, b = holes[i]
            kit.poly([(a, r, 0.65), (a, r, SHOP_TOP_M), (b, r, SHOP_TOP_M), (b, r, 0.65)], glass)
            kit.box((a, r, 0.0), (b, r + 0.06, 0.65), paint, skip="kb")  # stall riser
        for i in group[1:]:  # stone piers between bays of one shop are painted over
            a, b = holes[i - 1][1], holes[i][0]
            kit.box((a, 0.0, 0.0), (b, 0.05, SHOP_TOP_M), paint, skip="kb")
        kit.box(
            (ha - 0.25, 0.0, SHOP_TOP_M + 0.02),
            (hb + 0.25, 0.12, SHOP_TOP_M + 0.62),
            paint,
            skip="k",
        )
        if rng.random() < 0.65:
            canvas = snowy(ctx, "awning", rng.choice(AWNING_COLORS), 0.85)
            z_top, z_low, out = SHOP_TOP_M + 0.0, 2.75, 1.35
            kit.poly(
                [(ha, 0.12, z_top), (hb, 0.12, z_top), (hb, out, z_low), (ha, out, z_low)], canvas
            )
            kit.poly(
                [
                    (ha, out, z_low - 0.22),
                    (hb, out, z_low - 0.22),
                    (hb, out, z_low),
                    (ha, out, z_low),
                ],
                canvas,
            )


def _building(
    ctx: BuildContext,
    rng: random.Random,
    units: WindowUnits,
    m: FacadeMaterials,
    row: Row,
    ua: float,
    ub: float,
    first: bool,
    last: bool,
    index: int,
) -> None:
    place = procedural_place(ctx.scene.place)
    storeys = rng.randint(place.storeys_min, place.storeys_max)
    levels = [sum(LEVEL_HEIGHTS_M[:i]) for i in range(storeys + 1)]
    top = levels[-1]
    kit = MeshKit(row.origin, row.heading_rad)
    width = ub - ua
    k = max(2, round(width / BAY_M))
    bay = width / k
    centres = [ua + bay * (i + 0.5) for i in range(k)]
    ground_floor(ctx, kit, rng, m, centres, bay)
    balconies = {2, min(5, storeys - 1)}
    for lvl in range(1, storeys):
        zb, zt = levels[lvl], levels[lvl + 1]
        if lvl == 1:
            hz0, hz1 = zb + 0.55, zb + 2.3
        else:
            hz0, hz1 = zb + 0.2, zt - 0.55
        w2 = WINDOW_W_M / 2 if lvl > 1 else 0.6
        holes = [(c - w2, c + w2) for c in centres]
        facade_wall(kit, ua, ub, zb, zt, holes, hz0, hz1, m.rustic if lvl == 1 else m.wall)
        for c in centres:
            loc = kit.world((c, -REVEAL_M, hz0))
            units.place(
                2 * w2, hz1 - hz0, lvl > 1 and lvl not in balconies, rng, loc, row.heading_rad
            )
            if lvl > 1:
                kit.box(
                    (c - w2 - 0.1, 0.0, hz0 - 0.08), (c + w2 + 0.1, 0.07, hz0), m.wall, skip="kb"
                )
                window_surround(kit, c, w2, hz0, hz1, m.wall)
            if lvl == 2:  # carved crowns over the noble floor's windows
                kit.box(
                    (c - w2 - 0.25, 0.0, hz1 + 0.12),
                    (c + w2 + 0.25, 0.16, hz1 + 0.3),
                    m.wall,
                    skip="k",
                )
        if lvl in balconies:
            kit.box((ua + 0.1, 0.0, zb - 0.14), (ub - 0.1, 0.8, zb + 0.05), m.wall, skip="k")
            for u in (ua + 0.1 + bay * i for i in range(k + 1)):  # consoles under the slab
                u = min(max(u, ua + 0.3), ub - 0.3)
                kit.box((u - 0.09, 0.0, zb - 0.5), (u + 0.09, 0.6, zb - 0.14), m.wall, skip="kt")
            railing(kit, ua + 0.15, ub - 0.15, 0.76, zb + 0.05, ctx)
        elif lvl > 1:
            kit.box((ua, 0.0, zb - 0.1), (ub, 0.07, zb + 0.03), m.wall, skip="k")  # string course
    kit.box((ua, 0.0, levels[2] - 0.45), (ub, 0.18, levels[2] - 0.14), m.wall, skip="k")
    kit.box((ua, -0.3, top - 0.55), (ub, 0.22, top - 0.3), m.wall, skip="k")  # frieze
    kit.box((ua - 0.02, -0.3, top - 0.3), (ub + 0.02, 0.5, top), m.wall, skip="k")  # main cornice
    a = ua + (CORNER_INSET_M if first and row.inset0 else 0.0)
    b = ub - (CORNER_INSET_M if last and row.inset1 else 0.0)
    kit.box((a, -DEPTH_M, 0.0), (b, -0.01, top), m.wall, skip="tbf")
    _roof(kit, rng, units, m, row, a, b, top, centres)
    kit.to_object(f"building_{index}")


def window_surround(
    kit: MeshKit, c: float, w2: float, z0: float, z1: float, wall: bpy.types.Material
) -> None:
    """The moulded stone frame (chambranle) round an upper window: two jambs and a lintel
    standing SURROUND_PROUD_M out of the wall, so windows read framed, not cut out."""
    a, d = SURROUND_W_M, SURROUND_PROUD_M
    kit.box((c - w2 - a, 0.0, z0), (c - w2, d, z1 + a), wall, skip="kb")
    kit.box((c + w2, 0.0, z0), (c + w2 + a, d, z1 + a), wall, skip="kb")
    kit.box((c - w2, 0.0, z1), (c + w2, d, z1 + a), wall, skip="kb")


def _roof(
    kit: MeshKit,
    rng: random.Random,
    units: WindowUnits,
    m: FacadeMaterials,
    row: Row,
    ua: float,
    ub: float,
    top: float,
    centres: list[float],
) -> None:
    """Steep zinc mansard (~67°) with a shallow upper slope, dormers and chimneys."""
    prof = [
        (-0.3, top),
        (-1.6, top + 3.1),
        (-DEPTH_M / 2, top + 3.9),
        (-DEPTH_M + 1.6, top + 3.1),
        (-DEPTH_M + 0.3, top),
    ]
    for (v0, z0), (v1, z1) in itertools.pairwise(prof):
        kit.poly([(ua, v0, z0), (ub, v0, z0), (ub, v1, z1), (ua, v1, z1)], m.zinc)
    kit.poly([(ua, v, z) for v, z in reversed(prof)], m.zinc)
    kit.poly([(ub, v, z) for v, z in prof], m.zinc)
    for c in centres:
        if rng.random() < 0.2:
            continue
        z0 = top + 0.35
        kit.box((c - 0.7, -2.6, z0), (c + 0.7, -0.55, z0 + 2.0), m.zinc, skip="fb")
        kit.poly(
            [
                (c - 0.7, -0.55, z0),
                (c - 0.7, -0.55, z0 + 2.0),
                (c + 0.7, -0.55, z0 + 2.0),
                (c + 0.7, -0.55, z0),
            ],
            m.wall,
        )
        ridge = z0 + 2.55
        kit.poly(
            [
                (c - 0.8, -0.5, z0 + 2.0),
                (c, -0.5, ridge),
                (c, -2.6, ridge),
                (c - 0.8, -2.6, z0 + 2.0),
            ],
            m.zinc,
        )
        kit.poly(
            [
                (c + 0.8, -2.6, z0 + 2.0),
                (c, -2.6, ridge),
                (c, -0.5, ridge),
                (c + 0.8, -0.5, z0 + 2.0),
            ],
            m.zinc,
        )
        kit.poly([(c - 0.8, -0.5, z0 + 2.0), (c + 0.8, -0.5, z0 + 2.0), (c, -0.5, ridge)], m.wall)
        units.place(0.85, 1.45, False, rng, kit.world((c, -0.54, z0 + 0.3)), row.heading_rad)
    for u in (ua, ub):
        if rng.random() < 0.7:
            lo, hi = max(ua, u - 0.5), min(ub, u + 0.5)
            v0 = -DEPTH_M / 2 - rng.uniform(0.5, 3.0)
            kit.box((lo, v0 - 0.9, top + 2.5), (hi, v0 + 0.9, top + 5.2), m.chimney, skip="b")
            for j in range(3):
                kit.cylinder(
                    ((lo + hi) / 2, v0 - 0.55 + 0.55 * j, top + 5.2),
                    0.11,
                    0.09,
                    0.45,
                    m.pot,
                    sides=6,
                )


def build_buildings(ctx: BuildContext) -> int:
    """Every façade run of the place, lined with buildings; returns the building count."""
    place = procedural_place(ctx.scene.place)
    rng = random.Random(f"{place.layout_seed}:buildings")
    units = WindowUnits(ctx)
    mats = FacadeMaterials.of(ctx)
    count = 0
    for row in facade_rows(place):
        widths = _split(rng, row.u1 - row.u0)
        u = row.u0
        for i, w in enumerate(widths):
            _building(ctx, rng, units, mats, row, u, u + w, i == 0, i == len(widths) - 1, count)
            u += w
            count += 1
    return count
