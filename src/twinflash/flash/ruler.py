"""The plate as a ruler: a vehicle's width and height in metres from its photo.

A French plate is 520 x 110 mm. Its corners give the scale in pixels per metre at the
plate's depth; the vehicle's box (its visible outline's extent) divided by that scale
gives the vehicle's size. The scale is taken from the less foreshortened side of the plate
(width against 520 mm, height against 110 mm), as the crops do, so a plate seen at a yaw
does not shrink the ruler.

What it measures, and its bias: the box's height spans the front (at the plate's depth)
to the roof's far edge (a little farther, so a little smaller), which reads the height
slightly low; at a yaw the box's width adds the side of the vehicle, which reads the width
high. `benchmarks/ruler.py` measures both on renders against the catalogue's dimensions.
There is no vehicle detector in twinflash: in service the box must come from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from twinflash.flash.crops import check_corners

PLATE_WH_M = (0.520, 0.110)


@dataclass(frozen=True)
class SizeEstimate:
    width_m: float
    height_m: float
    px_per_m: float  # the ruler: the plate's scale at its depth


def px_per_metre(plate_corners_xy: np.ndarray) -> float:
    """Pixels per metre at the plate, from its less foreshortened side."""
    q = check_corners(plate_corners_xy)
    top, bottom = np.linalg.norm(q[1] - q[0]), np.linalg.norm(q[2] - q[3])
    left, right = np.linalg.norm(q[3] - q[0]), np.linalg.norm(q[2] - q[1])
    return float(max((top + bottom) / 2 / PLATE_WH_M[0], (left + right) / 2 / PLATE_WH_M[1]))


def vehicle_size(plate_corners_xy: np.ndarray, box_xyxy: tuple[float, float, float, float]
                 ) -> SizeEstimate:  # fmt: skip
    """Width and height in metres of the vehicle whose box is `box_xyxy` (pixels)."""
    x0, y0, x1, y1 = (float(v) for v in box_xyxy)
    if not (x1 > x0 and y1 > y0):
        raise ValueError(f"vehicle box {box_xyxy}: expected x0 < x1 and y0 < y1")
    ppm = px_per_metre(plate_corners_xy)
    return SizeEstimate((x1 - x0) / ppm, (y1 - y0) / ppm, ppm)
