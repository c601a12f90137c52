"""A dataset plan's fields: how many scenes, from which seed, with which distributions.

A plan is YAML validated here (unknown fields are errors). `base` is a partial scene
mapping (any field of `twinflash.scene.models.Scene`); `vary` draws scene values by
dotted path; `people` and `vehicles` describe the population and traffic; `sweep` runs
one value over a grid with everything else fixed; `splits` says how images are split.
See docs/datasets.md for the full field list. `twinflash.datasets.plan.Plan` adds the
checks that need a sampled scene (the sampler reads only these fields).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any, Final, Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from twinflash.datasets.distributions import (
    Const,
    DistributionField,
    Normal,
    Uniform,
    as_distribution_input,
    check_finite,
    check_numbers,
    check_whole_numbers,
)
from twinflash.errors import InputError
from twinflash.scene.io import format_validation_error
from twinflash.scene.models import OsmPlace, Person, Place, Scene, Vehicle, Waste

PLAN_SCHEMA_VERSION: Final = 1
Format = Literal["coco", "yolo", "crowd", "vehicles", "mot"]
FORMATS: tuple[Format, ...] = ("coco", "yolo", "crowd", "vehicles", "mot")


MAX_PEOPLE = 1000  # per scene: beyond this a street has no room and placement gives up
MAX_VEHICLES = 200


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _ordered_range(value: tuple[float, float] | None) -> tuple[float, float] | None:
    if value is not None and value[0] >= value[1]:
        raise ValueError(f"expected [low, high] with low < high (got {list(value)})")
    return value


def _check_mix(mix: dict[str, Any], validate: Callable[[str, Any], object]) -> None:
    """Every value a mix distribution can draw must be valid for its scene field."""
    for name, dist in mix.items():
        for value in dist.support():
            try:
                validate(name, value)
            except ValidationError as exc:
                msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
                raise ValueError(f"{name}: {msg} (got {value!r})") from None


def _dist_map(value: Any) -> Any:
    if value is None:
        return {}
    if not isinstance(value, dict):
        return value
    return {k: as_distribution_input(v) for k, v in value.items()}


class PeopleSpec(_Strict):
    """Pedestrians: how many, how many lying on the ground, where, and their mix."""

    count: DistributionField = Field(default_factory=lambda: Const(const=0))
    lying: DistributionField = Field(
        default_factory=lambda: Const(const=0),
        description="how many of `count` lie on the ground",
    )
    zone: Literal["sidewalk", "plaza", "open"] = Field(
        "open", description="sidewalk: sidewalks only; plaza: the square; open: both + crossing"
    )
    x_range_m: tuple[float, float] | None = Field(None, description="limit along the street")
    mix: dict[str, DistributionField] = {}

    _tag = field_validator("count", "lying", mode="before")(as_distribution_input)
    _tag_mix = field_validator("mix", mode="before")(_dist_map)

    @field_validator("mix")
    @classmethod
    def _person_fields(cls, mix: dict[str, Any]) -> dict[str, Any]:
        allowed = set(Person.model_fields) - {"x_m", "y_m"}
        bad = sorted(set(mix) - allowed)
        if bad:
            raise ValueError(f"unknown person field(s) {bad}; known: {sorted(allowed)}")
        _check_mix(mix, lambda k, v: Person.model_validate({"x_m": 0, "y_m": 0, k: v}))
        return mix

    @field_validator("count", "lying")
    @classmethod
    def _counts(cls, dist: Any) -> Any:
        return check_whole_numbers(dist, 0, MAX_PEOPLE)

    _range = field_validator("x_range_m")(_ordered_range)


class VehiclesSpec(_Strict):
    """Traffic: vehicles drive in lanes (keeping right) or park along the curbs."""

    count: DistributionField = Field(default_factory=lambda: Const(const=0))
    parked_share: float = Field(0.5, ge=0.0, le=1.0)
    first_in_lane: bool = Field(
        False, description="vehicle 0 always drives in a lane (the speed camera's target)"
    )
    first_x_range_m: tuple[float, float] | None = None
    x_range_m: tuple[float, float] | None = None
    mix: dict[str, DistributionField] = {}

    _tag = field_validator("count", mode="before")(as_distribution_input)
    _tag_mix = field_validator("mix", mode="before")(_dist_map)

    @field_validator("mix")
    @classmethod
    def _vehicle_fields(cls, mix: dict[str, Any]) -> dict[str, Any]:
        allowed = set(Vehicle.model_fields) - {"x_m", "y_m", "heading_deg"}
        bad = sorted(set(mix) - allowed)
        if bad:
            raise ValueError(f"unknown vehicle field(s) {bad}; known: {sorted(allowed)}")
        _check_mix(mix, _validate_vehicle_value)
        return mix

    @field_validator("count")
    @classmethod
    def _count(cls, dist: Any) -> Any:
        return check_whole_numbers(dist, 0, MAX_VEHICLES)

    _ranges = field_validator("x_range_m", "first_x_range_m")(_ordered_range)


def _validate_vehicle_value(name: str, value: Any) -> None:
    from twinflash.scene.catalog import vehicle_models

    if name == "model":
        if value not in vehicle_models():
            known = ", ".join(sorted(vehicle_models()))
            raise ValueError(f"model: unknown vehicle model {value!r}; known: {known}")
        return
    Vehicle.model_validate({"model": "x", "x_m": 0, "y_m": 0, name: value})


MAX_WASTE = 200


class WasteSpec(_Strict):
    """Illegal dumping: `piles` dumps per scene of `per_pile` items each (1: a lone object),
    on sidewalks, a share of them against a façade; `mix` draws kind, size and colour."""

    piles: DistributionField = Field(default_factory=lambda: Const(const=0))
    per_pile: DistributionField = Field(default_factory=lambda: Const(const=1))
    against_wall_share: float = Field(0.6, ge=0.0, le=1.0)
    x_range_m: tuple[float, float] | None = Field(None, description="limit along the street")
    mix: dict[str, DistributionField] = {}

    _tag = field_validator("piles", "per_pile", mode="before")(as_distribution_input)
    _tag_mix = field_validator("mix", mode="before")(_dist_map)

    @field_validator("mix")
    @classmethod
    def _waste_fields(cls, mix: dict[str, Any]) -> dict[str, Any]:
        allowed = {"kind", "size", "color"}
        bad = sorted(set(mix) - allowed)
        if bad:
            raise ValueError(f"unknown waste field(s) {bad}; known: {sorted(allowed)}")
        _check_mix(
            mix,
            lambda k, v: Waste.model_validate({"kind": "bin_bag", "x_m": 0, "y_m": 0, k: v}),
        )
        return mix

    @field_validator("piles")
    @classmethod
    def _piles(cls, dist: Any) -> Any:
        return check_whole_numbers(dist, 0, MAX_WASTE)

    @field_validator("per_pile")
    @classmethod
    def _per_pile(cls, dist: Any) -> Any:
        return check_whole_numbers(dist, 1, 30)

    _range = field_validator("x_range_m")(_ordered_range)


class Sweep(_Strict):
    """One scene value over a grid; sample i takes grid value i % len(grid), and samples
    sharing i // len(grid) share every other drawn value (a sensitivity curve)."""

    path: str
    values: list[Any] | None = None
    start: float | None = None
    stop: float | None = None
    num: int | None = Field(None, ge=2, le=100_000)
    scale: Literal["linear", "log"] = "linear"

    @model_validator(mode="after")
    def _grid(self) -> Sweep:
        ranged = (self.start, self.stop, self.num)
        if (self.values is None) == all(v is None for v in ranged):
            raise ValueError("give either values or start/stop/num")
        if self.values is None and any(v is None for v in ranged):
            raise ValueError("start, stop and num go together")
        if self.values is not None and not self.values:
            raise ValueError("values is empty")
        if (
            self.scale == "log"
            and self.values is None
            and (self.start or 0) * (self.stop or 0) <= 0
        ):
            raise ValueError("a log sweep needs start and stop of the same sign, neither zero")
        return self

    def grid(self) -> list[Any]:
        if self.values is not None:
            return list(self.values)
        start, stop, num = self.start, self.stop, self.num
        if start is None or stop is None or num is None:  # `_grid` refuses such a sweep
            raise ValueError("start, stop and num go together")
        if self.scale == "log":
            pts = np.geomspace(start, stop, num)
        else:
            pts = np.linspace(start, stop, num)
        return [round(float(v), 6) for v in pts]


class SequenceSpec(_Strict):
    """N-frame clips: walkers move along their heading, lane vehicles drive, the rest wait.

    Samples i = clip * frames + frame; a clip shares every drawn value (same people,
    vehicles, plates, seed), and only positions and walk phases change with time.
    """

    frames: int = Field(ge=2, le=1000)
    fps: float = Field(5.0, gt=0.0, le=60.0)
    walk_speed_mps: DistributionField = Field(
        default_factory=lambda: Normal(normal={"mean": 1.35, "std": 0.2, "low": 0.8, "high": 2.0})
    )
    drive_speed_kmh: DistributionField = Field(
        default_factory=lambda: Uniform(uniform=(15.0, 40.0))
    )

    _tag = field_validator("walk_speed_mps", "drive_speed_kmh", mode="before")(
        as_distribution_input
    )

    @field_validator("walk_speed_mps")
    @classmethod
    def _walk(cls, dist: Any) -> Any:
        return check_numbers(dist, 0.0, 10.0)

    @field_validator("drive_speed_kmh")
    @classmethod
    def _drive(cls, dist: Any) -> Any:
        return check_numbers(dist, 0.0, 250.0)

    @property
    def duration_s(self) -> float:
        return (self.frames - 1) / self.fps


class HoldOut(_Strict):
    key: str = Field(description="metadata column, e.g. weather_kind or place_layout_seed")
    values: list[Any]
    split: str = "test"


class SplitSpec(_Strict):
    """Random fractions, optionally with a held-out condition or location."""

    fractions: dict[str, float] = {"train": 0.8, "val": 0.1, "test": 0.1}
    hold_out: HoldOut | None = None

    @field_validator("fractions")
    @classmethod
    def _fractions(cls, fr: dict[str, float]) -> dict[str, float]:
        if not fr or any(v < 0 for v in fr.values()) or sum(fr.values()) <= 0:
            raise ValueError("fractions must be non-negative with a positive sum")
        return fr


class ExportSpec(_Strict):
    formats: list[Format] = list(FORMATS)
    crowd_sigma_px: float = Field(4.0, gt=0.0, le=100.0)
    vehicle_min_box_px: int = Field(24, ge=1)
    vehicle_min_visibility: float = Field(0.5, ge=0.0, le=1.0)
    contact_sheet: int = Field(12, ge=0, le=100, description="images shown on the card")


LatLonPoint = tuple[float, float]


class CentreSpec(_Strict):
    """Where an osm place's centre goes in each sample: uniformly along a polyline of
    [lat, lon] points (a street), or one of several places, uniformly."""

    along: list[LatLonPoint] | None = Field(None, min_length=2)
    among: list[LatLonPoint] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _one(self) -> CentreSpec:
        if (self.along is None) == (self.among is None):
            raise ValueError("give exactly one of along (a street) or among (a list of places)")
        for lat, lon in self.along or self.among or []:
            if not (-85 <= lat <= 85 and -180 <= lon <= 180):
                raise ValueError(f"[{lat}, {lon}] is not a [latitude, longitude] pair")
        return self

    def draw(self, rng: np.random.Generator) -> list[float]:
        if self.among is not None:
            return list(self.among[int(rng.integers(len(self.among)))])
        pts = np.array(self.along)
        # metres on a local equirectangular grid: exact enough to spread along a street
        scale = np.array([1.0, np.cos(np.radians(pts[:, 0].mean()))])
        seg = np.linalg.norm(np.diff(pts * scale, axis=0), axis=1)
        at = rng.uniform(0, seg.sum())
        i = min(int(np.searchsorted(np.cumsum(seg), at)), len(seg) - 1)
        t = (at - seg[:i].sum()) / seg[i] if seg[i] else 0.0
        lat, lon = pts[i] + t * (pts[i + 1] - pts[i])
        return [round(float(lat), 7), round(float(lon), 7)]


class PlanSpec(_Strict):
    schema_version: Literal[1] = PLAN_SCHEMA_VERSION
    name: str = "dataset"
    description: str = ""
    seed: int = Field(0, ge=0)
    count: int = Field(ge=1, le=10_000_000)
    base: dict[str, Any] = {}
    vary: dict[str, DistributionField] = {}
    place_centre: CentreSpec | None = Field(None, description="osm places: move the centre")
    people: PeopleSpec = PeopleSpec()
    vehicles: VehiclesSpec = VehiclesSpec()
    waste: WasteSpec = WasteSpec()
    sweep: Sweep | None = None
    sequence: SequenceSpec | None = None
    splits: SplitSpec = SplitSpec()
    exports: ExportSpec = ExportSpec()

    _tag_vary = field_validator("vary", mode="before")(_dist_map)

    @field_validator("base")
    @classmethod
    def _base_sections(cls, base: dict[str, Any]) -> dict[str, Any]:
        bad = sorted(set(base) - set(Scene.model_fields) - {"people", "vehicles", "waste"})
        if bad:
            raise ValueError(f"unknown scene field(s) {bad}; known: {sorted(Scene.model_fields)}")
        if "people" in base or "vehicles" in base or "waste" in base:
            raise ValueError(
                "people, vehicles and waste come from the plan's people/vehicles/waste sections"
            )
        for name, value in base.items():
            section = Scene.model_fields[name].annotation
            is_model = isinstance(section, type) and issubclass(section, BaseModel)
            if is_model and not isinstance(value, dict):
                raise ValueError(f"{name}: expected a mapping of {name} fields")
        check_finite(base)
        return base

    @field_validator("vary")
    @classmethod
    def _vary_paths(cls, vary: dict[str, Any]) -> dict[str, Any]:
        for path in vary:
            check_scene_path(path)
        return vary

    @model_validator(mode="after")
    def _sweep_and_sequence(self) -> PlanSpec:
        if self.sweep is not None:
            check_scene_path(self.sweep.path)
        if self.sequence is not None:
            if self.sweep is not None:
                raise ValueError("a plan has either a sweep or a sequence, not both")
            if self.count % self.sequence.frames:
                raise ValueError(
                    f"count ({self.count}) must be a multiple of sequence.frames "
                    f"({self.sequence.frames}): each clip has all its frames"
                )
        return self

    def _overridden(
        self,
        resolution_wh: tuple[int, int] | None = None,
        render_samples: int | None = None,
        count: int | None = None,
        source: str = "<plan>",
    ) -> tuple[Self, str] | None:
        """The plan with command-line overrides folded in and validated, and where to say
        an error comes from; None without overrides. `Plan.with_overrides` checks it."""
        given = [
            f"`{name}` {value}"
            for name, value in (
                ("resolution_wh", resolution_wh and "x".join(map(str, resolution_wh))),
                ("render_samples", render_samples),
                ("count", count),
            )
            if value is not None
        ]
        if not given:
            return None
        base = copy.deepcopy(self.base)
        if resolution_wh is not None:
            base.setdefault("camera", {})["resolution_wh"] = list(resolution_wh)
        if render_samples is not None:
            base["quality"] = {**base.get("quality", {}), "preset": "custom"}
            base["quality"]["samples"] = render_samples
        update: dict[str, Any] = {"base": base}
        if count is not None:
            update["count"] = count
        where = f"{source} with {', '.join(given)}"
        try:
            plan = type(self).model_validate(self.model_dump(mode="python") | update)
        except ValidationError as exc:
            raise InputError(format_validation_error(where, exc)) from None
        return plan, where

    def digest(self) -> str:
        """SHA-256 of the plan's canonical JSON: a dataset directory belongs to one plan.

        Defaults are left out, so a new optional plan field does not orphan old datasets.
        """
        values = self.model_dump(mode="json", exclude_defaults=True)
        text = json.dumps(values, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


def check_scene_path(path: str) -> None:
    """`section.field` must name a field of a Scene section (e.g. weather.fog_visibility_m)."""
    parts = path.split(".")
    section = Scene.model_fields.get(parts[0])
    if section is None or parts[0] in ("people", "vehicles", "waste"):
        raise ValueError(f"{path!r}: unknown scene section {parts[0]!r}")
    model = section.annotation
    if len(parts) == 1:
        return
    fields = getattr(model, "model_fields", None)
    if parts[0] == "place":  # a street, a square or an osm place
        fields = Place.model_fields | OsmPlace.model_fields
    if len(parts) > 3 or fields is None or parts[1] not in fields:
        known = sorted(fields) if fields else []
        raise ValueError(f"{path!r}: unknown field {parts[1]!r} of {parts[0]}; known: {known}")
