"""Catalogs shipped as data files: vehicle models (dimensions, body types)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

BodyType = Literal["city_car", "hatchback", "sedan", "suv", "van", "large_van"]


class VehicleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

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


@cache
def vehicle_models() -> dict[str, VehicleModel]:
    text = resources.files("twinflash.scene").joinpath("data/vehicles.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)["models"]
    return {
        key: VehicleModel(
            key=key, **{k: str(v) if k in ("model", "generation") else v for k, v in spec.items()}
        )
        for key, spec in raw.items()
    }


def get_vehicle_model(key: str) -> VehicleModel:
    """The catalog entry for `key`; KeyError lists the known keys."""
    models = vehicle_models()
    if key not in models:
        raise KeyError(f"unknown vehicle model {key!r}; known: {', '.join(sorted(models))}")
    return models[key]
