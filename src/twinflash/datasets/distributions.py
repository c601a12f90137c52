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


MAX_MAGNITUDE = 1e15  # any plan number beyond this is a typo (and numpy draws overflow)


def check_finite(value: Any) -> None:
    """NaN, infinity or an absurd magnitude anywhere in a value (lists and mappings too)."""
    if isinstance(value, bool):
        return
    if isinstance(value, int | float):
        if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
            raise ValueError(f"number {value!r} not finite or beyond ±{MAX_MAGNITUDE:g}")
    elif isinstance(value, dict):
        for k, v in value.items():
            check_finite(k)
            check_finite(v)
    elif isinstance(value, list | tuple):
        for v in value:
            check_finite(v)


class _Dist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _finite(self) -> _Dist:
        check_finite(self.model_dump(exclude={"kind"}))
        return self

    def support(self) -> list[Any]:
        """Values that bound what a draw can give: every value, or a range's ends."""
        raise NotImplementedError

    def draw(self, rng: np.random.Generator) -> Any:
        """One value, from `rng` only (the sample's seeded generator)."""
        raise NotImplementedError


class Choice(_Dist):
    kind: Literal["choice"] = "choice"
    choice: dict[Scalar, Annotated[float, Field(ge=0.0)]]

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if not self.choice or sum(self.choice.values()) <= 0:
            raise ValueError("choice needs at least one positive weight")
        return self

    def support(self) -> list[Any]:
        return list(self.choice)

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

    def support(self) -> list[Any]:
        return list(self.uniform)

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

    def support(self) -> list[Any]:
        return list(self.log_uniform)

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

    def support(self) -> list[Any]:
        return list(self.uniform_int)

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

    def support(self) -> list[Any]:
        n = self.normal
        spread = 6 * n.std  # beyond six sigma a draw is as good as impossible
        return [
            n.mean - spread if n.low is None else max(n.low, n.mean - spread),
            n.mean + spread if n.high is None else min(n.high, n.mean + spread),
        ]

    def draw(self, rng: np.random.Generator) -> float:
        n = self.normal
        value = float(rng.normal(n.mean, n.std))
        lo = -math.inf if n.low is None else n.low
        hi = math.inf if n.high is None else n.high
        return float(min(max(value, lo), hi))


class Const(_Dist):
    kind: Literal["const"] = "const"
    const: Any

    def support(self) -> list[Any]:
        return [self.const]

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


def check_whole_numbers(dist: _Dist, low: int, high: int) -> _Dist:
    """A count: every value a draw can give is a whole number in [low, high]."""
    if not isinstance(dist, Const | Choice | UniformInt):
        raise ValueError("expected a whole number, a uniform_int or a choice of whole numbers")
    for value in dist.support():
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"expected whole numbers (got {value!r})")
        if not low <= value <= high:
            raise ValueError(f"{value} outside {low}..{high}")
    return dist


def check_numbers(dist: _Dist, low: float, high: float) -> _Dist:
    """A quantity: every value a draw can give is a number in [low, high]."""
    for value in dist.support():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"expected numbers (got {value!r})")
        if not low <= value <= high:
            raise ValueError(f"{value} outside {low:g}..{high:g}")
    return dist
