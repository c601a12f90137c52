"""Catalogs shipped as data files: vehicle models (dimensions, body types, body shapes).

`vehicles.yaml` holds the makers' dimensions per model plus a body shape: defaults per
body type (`body_shapes`) that a model may override key by key (`shape:`), so that a Clio,
a 3008 and a Kangoo differ in more than their bounding box. The shape also carries the
front and rear identity recognisers use (grille, lamps, light signature, wheels, doors);
the make's badge (a neutral emblem, not a logo) comes from `makes`.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import ErrorDetails

BodyType = Literal["city_car", "hatchback", "sedan", "suv", "van", "large_van"]
GrilleShape = Literal["slot", "trapezoid", "hexagon", "twin", "none"]
IntakeShape = Literal["wide", "trapezoid", "split"]
HeadlampShape = Literal["slim", "swept", "round", "tall"]
DaytimeLights = Literal["none", "fang", "c_shape", "underline", "bar", "y_shape"]
TaillampShape = Literal["wide", "tall", "claw", "c_shape", "round"]
TailBand = Literal["none", "black", "lit"]
BadgeShape = Literal["diamond", "shield", "chevrons", "circle", "ellipse", "hexagon", "tee", "bar"]
CATALOG_FILE = "data/vehicles.yaml"


class BodyShape(BaseModel):
    """Side-profile and detail parameters of the procedural body (metres, degrees).

    Heights are above the ground; lengths run along the vehicle axis. The windscreen and
    rear-window angles are measured from the horizontal (a low angle is a raked screen).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    front_overhang_m: float = Field(gt=0.3, lt=1.5, description="front end to front axle")
    ground_clearance_m: float = Field(gt=0.08, lt=0.4)
    nose_height_m: float = Field(gt=0.4, lt=1.6, description="top of the front face")
    hood_length_m: float = Field(gt=0.2, lt=2.0, description="front end to windscreen base")
    cowl_height_m: float = Field(gt=0.6, lt=1.8, description="windscreen base (front beltline)")
    windscreen_angle_deg: float = Field(gt=15, lt=85)
    rear_window_angle_deg: float = Field(gt=12, lt=90)
    deck_length_m: float = Field(ge=0.0, lt=1.5, description="rear end to rear-glass base")
    deck_height_m: float = Field(gt=0.6, lt=2.5, description="rear-glass base (rear beltline)")
    tail_height_m: float = Field(gt=0.5, lt=2.5, description="top of the rear face")
    roof_width_ratio: float = Field(gt=0.5, le=1.0, description="roof width / body width")
    c_pillar_m: float = Field(ge=0.0, lt=1.2, description="body panel ahead of the rear-glass base")
    side_glass: Literal["full", "front"] = "full"
    grille_width_ratio: float = Field(ge=0.0, le=0.9)
    black_cladding: bool = False
    corner_roundness: float = Field(gt=0.0, lt=0.35, description="plan-view taper at the ends")
    front_plate_height_m: float = Field(gt=0.2, lt=1.0, description="centre of the front plate")
    rear_plate_height_m: float = Field(gt=0.3, lt=1.3, description="centre of the rear plate")
    # front and rear identity: what people and recognisers tell models apart by
    grille_shape: GrilleShape = Field("trapezoid", description="upper grille outline")
    grille_slats: int = Field(2, ge=0, le=6, description="bright horizontal bars in the grille")
    intake_shape: IntakeShape = Field("wide", description="lower air intake outline")
    headlamp_shape: HeadlampShape = "slim"
    headlamp_width_ratio: float = Field(0.21, ge=0.08, le=0.32, description="lamp width / width")
    daytime_lights: DaytimeLights = Field("underline", description="LED signature by the lamps")
    taillamp_shape: TaillampShape = "wide"
    tail_band: TailBand = Field("none", description="band joining the tail lamps")
    wheel_spokes: int = Field(5, ge=0, le=12, description="rim spokes; 0 = full hubcap")
    doors_per_side: Literal[1, 2] = 2
    wipers: int = Field(2, ge=0, le=2)
    black_pillars: bool = Field(True, description="B-pillar gloss black: one band of glass")
    contrast_roof: bool = Field(False, description="gloss black roof")

    @model_validator(mode="after")
    def _grille_has_width(self) -> BodyShape:
        if (self.grille_shape == "none") != (self.grille_width_ratio == 0):
            raise ValueError(
                f"grille_shape {self.grille_shape!r} with grille_width_ratio "
                f"{self.grille_width_ratio}: a grille needs a width > 0, 'none' needs 0"
            )
        return self


class VehicleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    key: str
    make: str
    model: str
    generation: str
    body_type: BodyType
    length_m: float = Field(gt=2.0, lt=8.0)
    width_m: float = Field(gt=1.2, lt=2.6)
    height_m: float = Field(gt=1.0, lt=3.2)
    wheelbase_m: float = Field(gt=1.5, lt=4.5)
    wheel_diameter_m: float = Field(gt=0.4, lt=1.0)
    badge: BadgeShape = Field(description="the make's neutral emblem (from `makes`)")
    shape: BodyShape

    @model_validator(mode="after")
    def _profile_fits(self) -> VehicleModel:
        """The side profile must close: roof of positive length, heights ordered."""
        s = self.shape
        if s.front_overhang_m + self.wheelbase_m >= self.length_m - 0.3:
            raise ValueError("front_overhang_m + wheelbase_m leaves no rear overhang")
        if not s.cowl_height_m < self.height_m - 0.2 or not s.deck_height_m < self.height_m - 0.1:
            raise ValueError("cowl_height_m / deck_height_m must sit below the roof")
        if not s.nose_height_m < s.cowl_height_m + 0.05 or s.tail_height_m > s.deck_height_m + 0.05:
            raise ValueError("nose_height_m / tail_height_m must not rise above the beltline")
        if self.roof_length_m < 0.3:
            raise ValueError(
                f"roof length {self.roof_length_m:.2f} m < 0.3 m: hood, screens or deck too long"
            )
        return self

    @property
    def roof_length_m(self) -> float:
        s = self.shape
        windscreen_run = (self.height_m - s.cowl_height_m) / math.tan(
            math.radians(s.windscreen_angle_deg)
        )
        rear_run = (self.height_m - s.deck_height_m) / math.tan(
            math.radians(s.rear_window_angle_deg)
        )
        return self.length_m - s.hood_length_m - windscreen_run - rear_run - s.deck_length_m


def _where(err: ErrorDetails) -> str:
    return ".".join(str(p) for p in err["loc"]) or "shape"


def parse_catalog(text: str, source: str = CATALOG_FILE) -> dict[str, VehicleModel]:
    """Models of a catalog YAML text; ValueError names the source, model and field."""
    raw = yaml.safe_load(text)
    shapes = raw.get("body_shapes", {})
    makes = raw.get("makes", {}) or {}
    out = {}
    for key, spec in raw["models"].items():
        fields: dict[str, Any] = {
            k: str(v) if k in ("model", "generation") else v for k, v in spec.items()
        }
        overrides = fields.pop("shape", {}) or {}
        fields["shape"] = {**shapes.get(fields.get("body_type"), {}), **overrides}
        make = fields.get("make")
        if "badge" not in fields:
            if make not in makes:
                known = ", ".join(sorted(makes)) or "none"
                raise ValueError(f"{source}: models.{key}.make: no badge for make {make!r} "
                                 f"in makes (known: {known})")  # fmt: skip
            fields["badge"] = (makes[make] or {}).get("badge")
        try:
            out[key] = VehicleModel(key=key, **fields)
        except ValidationError as exc:
            err = exc.errors()[0]
            msg = err["msg"].removeprefix("Value error, ")
            raise ValueError(f"{source}: models.{key}.{_where(err)}: {msg}") from None
    return out


@cache
def vehicle_models() -> dict[str, VehicleModel]:
    """Every model of the shipped catalog, by key."""
    return parse_catalog(
        resources.files("twinflash.scene").joinpath(CATALOG_FILE).read_text("utf-8")
    )


def get_vehicle_model(key: str) -> VehicleModel:
    """The catalog entry for `key`; KeyError lists the known keys."""
    models = vehicle_models()
    if key not in models:
        raise KeyError(f"unknown vehicle model {key!r}; known: {', '.join(sorted(models))}")
    return models[key]
