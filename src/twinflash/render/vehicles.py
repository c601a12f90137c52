"""Vehicles. (First version: a box per vehicle.)"""

from __future__ import annotations

import math

from twinflash.render.context import BuildContext, Built
from twinflash.render.materials import principled
from twinflash.render.mesh import box
from twinflash.scene.catalog import get_vehicle_model
from twinflash.scene.models import Vehicle


def build_vehicle(ctx: BuildContext, vehicle: Vehicle, index: int) -> list[Built]:
    spec = get_vehicle_model(vehicle.model)
    mat = principled(ctx, "paint", vehicle.color, roughness=0.3)
    obj = box(f"vehicle_{index}", (spec.length_m, spec.width_m, spec.height_m),
              (vehicle.x_m, vehicle.y_m, spec.height_m / 2), mat, rotation_z=math.radians(vehicle.heading_deg))
    return [Built(kind="vehicle", scene_index=index, objects=[obj])]
