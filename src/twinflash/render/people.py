"""People. (First version: a box per person, replaced by articulated bodies.)"""

from __future__ import annotations

import math

import numpy as np

from twinflash.render.context import BuildContext, Built
from twinflash.render.materials import principled
from twinflash.render.mesh import box
from twinflash.scene.models import Person


def build_person(ctx: BuildContext, person: Person, index: int) -> Built:
    h = person.height_m
    mat = principled(ctx, "clothes", person.top_color)
    obj = box(f"person_{index}", (0.3, 0.45, h), (person.x_m, person.y_m, h / 2), mat,
              rotation_z=math.radians(person.heading_deg))
    head = np.array([person.x_m, person.y_m, h - 0.12])
    return Built(kind="person", scene_index=index, objects=[obj], head_center_world=head)
