"""The place: road, markings, sidewalks, buildings, furniture. (First version: ground only.)"""

from __future__ import annotations

from twinflash.render.context import BuildContext
from twinflash.render.materials import principled
from twinflash.render.mesh import box


def build_place(ctx: BuildContext) -> None:
    place = ctx.scene.place
    asphalt = principled(ctx, "asphalt", "#3a3a3c", roughness=0.9)
    box("road", (place.length_m, place.road_width_m, 0.1), (0, 0, -0.05), asphalt)
