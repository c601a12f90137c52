"""Distributions a plan can give for any scene value, and how to draw from them.

A plan writes a distribution as a one-key mapping (or a bare value for a constant):

    {choice: {clear: 0.5, rain: 0.2}}       categorical, weights normalised
    {uniform: [20, 500]}                     float in [low, high)
    {uniform_int: [0, 3]}                    integer in [low, high], both included
    {normal: {mean: 6, std: 1, low: 4, high: 10}}   clipped to [low, high] if given
    {log_uniform: [20, 500]}                 float, uniform in log space
    clear                                    constant

Draws take a numpy Generator, so a caller owns the seeding (see `sampler.rng_for`).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

Scalar = str | int | float | bool


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Dist):
    kind: Literal["choice"] = "choice"
    choice: dict[Scalar, Annotated[float, Field(ge=0.0)]]

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if not self.choice or sum(self.choice.values()) <= 0:
            raise ValueError("choice needs at least one positive weight")
        return self

    def probabilities(self) -> dict[Scalar, float]:
        total = sum(self.choice.values())
        return {k: w / total for k, w in self.choice.items()}

    def draw(self, rng: np.random.Generator) -> Scalar:
        keys = list(self.choice)
        probs = np.array(list(self.choice.values()), dtype=float)
        return keys[int(rng.choice(len(keys), p=probs / probs.sum()))]


class Uniform(_Dist):
    kind: Literal["uniform"] = "uniform"
    uniform: tuple[float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.uniform[0] > self.uniform[1]:
            raise ValueError(f"uniform low {self.uniform[0]} > high {self.uniform[1]}")
        return self

    def draw(self, rng: np.random.Generator) -> float:
        return float(rng.uniform(*self.uniform))


class LogUniform(_Dist):
    kind: Literal["log_uniform"] = "log_uniform"
    log_uniform: tuple[Annotated[float, Field(gt=0)], Annotated[float, Field(gt=0)]]

    @model_validator(mode="after")
    def _ordered(self) -> LogUniform:
        if self.log_uniform[0] > self.log_uniform[1]:
            raise ValueError(f"log_uniform low {self.log_uniform[0]} > high {self.log_uniform[1]}")
        return self

    def draw(self, rng: np.random.Generator) -> float:
        lo, hi = (math.log(v) for v in self.log_uniform)
        return float(math.exp(rng.uniform(lo, hi)))


class UniformInt(_Dist):
    kind: Literal["uniform_int"] = "uniform_int"
    uniform_int: tuple[int, int]

    @model_validator(mode="after")
    def _ordered(self) -> UniformInt:
        if self.uniform_int[0] > self.uniform_int[1]:
            raise ValueError(f"uniform_int low {self.uniform_int[0]} > high {self.uniform_int[1]}")
        return self

    def draw(self, rng: np.random.Generator) -> int:
        return int(rng.integers(self.uniform_int[0], self.uniform_int[1] + 1))


class NormalSpec(_Dist):
    mean: float
    std: float = Field(ge=0.0)
    low: float | None = None
    high: float | None = None


class Normal(_Dist):
    kind: Literal["normal"] = "normal"
    normal: NormalSpec

    def draw(self, rng: np.random.Generator) -> float:
        n = self.normal
        value = float(rng.normal(n.mean, n.std))
        lo = -math.inf if n.low is None else n.low
        hi = math.inf if n.high is None else n.high
        return float(min(max(value, lo), hi))


class Const(_Dist):
    kind: Literal["const"] = "const"
    const: Any

    def draw(self, rng: np.random.Generator) -> Any:
        return self.const


Distribution = Choice | Uniform | LogUniform | UniformInt | Normal | Const
DIST_KEYS = ("choice", "uniform", "log_uniform", "uniform_int", "normal", "const")


def as_distribution_input(value: Any) -> Any:
    """Tag a plan value with its kind so pydantic picks the right model (bare value = const)."""
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in DIST_KEYS:
        return {"kind": next(iter(value)), **value}
    if isinstance(value, dict) and "kind" in value and value["kind"] in DIST_KEYS:
        return value
    return {"kind": "const", "const": value}


DistributionField = Annotated[Distribution, Field(discriminator="kind")]
