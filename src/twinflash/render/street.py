"""The place: asphalt road with French markings, curbs and sidewalks, Haussmann
buildings on both sides, street lamps, plane trees, bollards and benches.

Layout choices (widths, storeys, shops, furniture) come from generators seeded by
`place.layout_seed` only, so the same place can host any crowd or traffic.
"""

from __future__ import annotations

import logging

from twinflash.render.buildings import build_buildings
from twinflash.render.context import BuildContext
from twinflash.render.furniture import build_furniture
from twinflash.render.mesh import box
from twinflash.render.osm_place import build_osm_place
from twinflash.render.road import build_ground
from twinflash.scene.models import OsmPlace

log = logging.getLogger(__name__)


def build_place(ctx: BuildContext) -> None:
    """Build the whole place (static world); people and vehicles are added afterwards."""
    if isinstance(ctx.scene.place, OsmPlace):
        log.debug("osm place: %s", build_osm_place(ctx))
        return
    build_ground(ctx)
    n = build_buildings(ctx)
    counts = build_furniture(ctx)
    log.debug("place: %d buildings, furniture %s", n, counts)


def build_bare_ground(ctx: BuildContext) -> None:
    """A 60 m floor and nothing else, in place of `build_place` for pictures and tests of
    what stands on the ground (people, vehicles): no street art to hide or slow them."""
    box("ground", (60.0, 60.0, 0.1), (0.0, 0.0, -0.05))
