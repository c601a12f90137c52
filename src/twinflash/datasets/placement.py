"""Footprints on the ground plane, so sampled people and vehicles never interpenetrate.

A person is a capsule (a segment with a radius): a point for standing, walking and sitting
people, and a segment from the feet along the heading for someone lying down (the people
builder lays the body's up axis along the heading). A vehicle is an oriented rectangle
of its catalog length and width. Pure math, metres, world frame of `scene.models`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from twinflash.scene.layout import facade_y_at, is_open_ground, plaza_half_m
from twinflash.scene.models import Place

PERSON_RADIUS_M = {"standing": 0.35, "walking": 0.4, "sitting": 0.55, "lying": 0.35}
# A lying body reaches sideways with its arms and a raised knee, and past its crown with
# arms above the head, in proportion to its height: up to 0.445 H (tests/render/
# test_people_body.py checks every lying pose, build, age and jitter against it).
LYING_REACH_PER_M = 0.46
# Sitting people's seats, as a segment (two body-frame points) and a radius: a bench runs
# 1.25 m to the sitter's left, a café table stands ahead on the left, steps are 1.6 m wide
# (tests/render/test_seats.py builds every seat and checks it inside). A `block` sitter
# keeps the plain sitting footprint.
SEAT_FOOTPRINT = {
    "bench": ((0.0, -0.2), (0.0, 0.9), 0.6),
    "cafe_chair": ((0.0, 0.0), (0.15, 0.5), 0.6),
    "steps": ((0.07, -0.35), (0.07, 0.35), 0.75),
    "curb": ((0.1, -0.3), (0.1, 0.3), 0.55),
}
CROSSING_HALF_WIDTH_M = 1.5  # zebra crossings are ~3 m wide
PERSON_GAP_M = 0.15
VEHICLE_GAP_M = 0.8  # bumper to bumper along a lane
PERSON_VEHICLE_GAP_M = 0.3


@dataclass(frozen=True)
class Capsule:
    ax: float
    ay: float
    bx: float
    by: float
    radius_m: float

    @staticmethod
    def person(x_m: float, y_m: float, heading_deg: float, pose: str, height_m: float) -> Capsule:
        if pose != "lying":
            return Capsule(x_m, y_m, x_m, y_m, PERSON_RADIUS_M[pose])
        r = max(PERSON_RADIUS_M["lying"], LYING_REACH_PER_M * height_m)
        a = math.radians(heading_deg)
        return Capsule(x_m, y_m, x_m + height_m * math.cos(a), y_m + height_m * math.sin(a), r)

    @staticmethod
    def seated(x_m: float, y_m: float, heading_deg: float, seat: str) -> Capsule:
        """A sitting person with the seat built for them (`render.seats`): a segment across
        the body, in the body frame (+x ahead, +y to the left), wide enough for the seat."""
        if seat not in SEAT_FOOTPRINT:
            return Capsule(x_m, y_m, x_m, y_m, PERSON_RADIUS_M["sitting"])
        a, b, r = SEAT_FOOTPRINT[seat]
        c, s = math.cos(math.radians(heading_deg)), math.sin(math.radians(heading_deg))
        (ax, ay), (bx, by) = ((x_m + u * c - v * s, y_m + u * s + v * c) for u, v in (a, b))
        return Capsule(ax, ay, bx, by, r)

    def points(self, n: int = 7) -> list[tuple[float, float]]:
        if (self.ax, self.ay) == (self.bx, self.by):
            return [(self.ax, self.ay)]
        return [
            (
                self.ax + (self.bx - self.ax) * t / (n - 1),
                self.ay + (self.by - self.ay) * t / (n - 1),
            )
            for t in range(n)
        ]


@dataclass(frozen=True)
class Rect:
    """Oriented rectangle: centre, heading (long axis), length and width."""

    x_m: float
    y_m: float
    heading_deg: float
    length_m: float
    width_m: float

    def distance_to(self, px: float, py: float) -> float:
        """Euclidean distance from a point to the rectangle (0 inside)."""
        a = math.radians(self.heading_deg)
        dx, dy = px - self.x_m, py - self.y_m
        u = abs(dx * math.cos(a) + dy * math.sin(a)) - self.length_m / 2
        v = abs(-dx * math.sin(a) + dy * math.cos(a)) - self.width_m / 2
        return math.hypot(max(u, 0.0), max(v, 0.0))

    def corners(self) -> list[tuple[float, float]]:
        a = math.radians(self.heading_deg)
        c, s = math.cos(a), math.sin(a)
        out = []
        for su, sv in ((1, 1), (1, -1), (-1, -1), (-1, 1)):
            u, v = su * self.length_m / 2, sv * self.width_m / 2
            out.append((self.x_m + u * c - v * s, self.y_m + u * s + v * c))
        return out


def point_segment_distance(
    px: float, py: float, ax: float, ay: float, bx: float, by: float
) -> float:
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def capsules_overlap(a: Capsule, b: Capsule, gap_m: float = PERSON_GAP_M) -> bool:
    reach = a.radius_m + b.radius_m + gap_m
    return any(
        point_segment_distance(px, py, b.ax, b.ay, b.bx, b.by) < reach for px, py in a.points()
    )


def capsule_hits_rect(c: Capsule, r: Rect, gap_m: float = PERSON_VEHICLE_GAP_M) -> bool:
    return any(r.distance_to(px, py) < c.radius_m + gap_m for px, py in c.points())


def rects_overlap(a: Rect, b: Rect, gap_m: float = VEHICLE_GAP_M) -> bool:
    """Separating-axis test on the rectangles grown by gap_m/2 each."""
    grown = [
        Rect(r.x_m, r.y_m, r.heading_deg, r.length_m + gap_m, r.width_m + gap_m) for r in (a, b)
    ]
    for rect in grown:
        ang = math.radians(rect.heading_deg)
        for ux, uy in ((math.cos(ang), math.sin(ang)), (-math.sin(ang), math.cos(ang))):
            pa = [x * ux + y * uy for x, y in grown[0].corners()]
            pb = [x * ux + y * uy for x, y in grown[1].corners()]
            if max(pa) < min(pb) or max(pb) < min(pa):
                return False
    return True


def on_crossing(place: Place, x_m: float, y_m: float) -> bool:
    zx = place.zebra_crossing_x_m
    return (
        zx is not None and abs(x_m - zx) <= CROSSING_HALF_WIDTH_M and abs(y_m) < place.half_road_m
    )


def person_spot_ok(place: Place, zone: str, c: Capsule) -> bool:
    """Every point of the capsule stands on the zone, clear of walls by its radius."""
    for px, py in c.points():
        if not is_open_ground(place, px, py, margin_m=c.radius_m):
            return False
        on_road = abs(py) < place.half_road_m + c.radius_m
        in_plaza = plaza_half_m(place) > 0 and abs(px) < plaza_half_m(place) - c.radius_m
        if zone == "plaza" and (not in_plaza or on_road):
            return False
        if zone == "sidewalk" and on_road:
            return False
        if zone == "open" and on_road and not on_crossing(place, px, py):
            return False
    return True


def ground_half_width_m(place: Place) -> float:
    """Largest |y| of open ground anywhere on the place (plaza or façades)."""
    return max(facade_y_at(place, 0.0), place.facade_y_m)
