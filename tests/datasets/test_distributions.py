"""Plan distributions: how a plan writes them, what they refuse, what draws give."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from twinflash.datasets.distributions import (
    Choice,
    Const,
    DistributionField,
    LogUniform,
    Normal,
    Uniform,
    UniformInt,
    as_distribution_input,
    check_finite,
    check_numbers,
    check_whole_numbers,
)

PARSE = TypeAdapter(DistributionField)


def parse(value: Any) -> Any:
    return PARSE.validate_python(as_distribution_input(value))


@pytest.mark.parametrize(
    ("written", "kind"),
    [
        ({"choice": {"clear": 1, "rain": 1}}, Choice),
        ({"uniform": [1, 2]}, Uniform),
        ({"log_uniform": [1, 100]}, LogUniform),
        ({"uniform_int": [0, 3]}, UniformInt),
        ({"normal": {"mean": 6, "std": 1}}, Normal),
        ("clear", Const),
        ({"not_a_kind": 1}, Const),  # a mapping that names no distribution is a constant
    ],
)
def test_a_plan_value_becomes_its_distribution(written: Any, kind: type) -> None:
    assert isinstance(parse(written), kind)


@pytest.mark.parametrize(
    ("written", "error"),
    [
        ({"uniform": [5, 1]}, "uniform low 5.0 > high 1.0"),
        ({"uniform_int": [3, 0]}, "uniform_int low 3 > high 0"),
        ({"log_uniform": [0, 10]}, "greater than 0"),
        ({"choice": {"a": 0}}, "at least one positive weight"),
        ({"choice": {"a": -1}}, "greater than or equal to 0"),
        ({"normal": {"mean": 0, "std": -1}}, "greater than or equal to 0"),
        ({"uniform": [0, 1e300]}, "not finite or beyond"),
    ],
)
def test_impossible_distributions_are_refused(written: Any, error: str) -> None:
    with pytest.raises(ValidationError, match=error):
        parse(written)


def test_draws_stay_in_their_support_and_follow_the_weights() -> None:
    rng = np.random.default_rng(0)
    choice = parse({"choice": {"a": 3, "b": 1}})
    draws = [choice.draw(rng) for _ in range(4000)]
    assert draws.count("a") / 4000 == pytest.approx(0.75, abs=0.03)
    assert choice.probabilities() == {"a": 0.75, "b": 0.25}
    ints = {parse({"uniform_int": [0, 3]}).draw(rng) for _ in range(200)}
    assert ints == {0, 1, 2, 3}  # both ends included
    logs = np.array([parse({"log_uniform": [1, 100]}).draw(rng) for _ in range(4000)])
    assert logs.min() >= 1 and logs.max() < 100
    assert np.mean(logs < 10) == pytest.approx(0.5, abs=0.03)  # uniform in log space
    clipped = [parse({"normal": {"mean": 0, "std": 5, "low": -1, "high": 1}}).draw(rng)
               for _ in range(200)]  # fmt: skip
    assert min(clipped) == -1 and max(clipped) == 1


def test_support_bounds_a_normal_at_six_sigma_or_its_clip() -> None:
    assert parse({"normal": {"mean": 10, "std": 1}}).support() == [4, 16]
    assert parse({"normal": {"mean": 10, "std": 1, "low": 8}}).support() == [8, 16]


def test_same_seed_same_draw() -> None:
    dist = parse({"uniform": [0, 1]})
    assert dist.draw(np.random.default_rng(7)) == dist.draw(np.random.default_rng(7))


def test_check_finite_looks_inside_lists_and_mappings() -> None:
    check_finite({"a": [1, 2.5, True]})
    with pytest.raises(ValueError, match="not finite"):
        check_finite({"a": [1, math.nan]})
    with pytest.raises(ValueError, match="not finite"):
        check_finite({math.inf: 1})


def test_whole_numbers_and_numbers_in_range() -> None:
    assert check_whole_numbers(parse({"uniform_int": [0, 3]}), 0, 5)
    with pytest.raises(ValueError, match="expected a whole number"):
        check_whole_numbers(parse({"uniform": [0, 3]}), 0, 5)
    with pytest.raises(ValueError, match="expected whole numbers"):
        check_whole_numbers(parse({"choice": {1: 1, 2.5: 1}}), 0, 5)
    with pytest.raises(ValueError, match=r"9 outside 0\.\.5"):
        check_whole_numbers(parse(9), 0, 5)
    with pytest.raises(ValueError, match="expected numbers"):
        check_numbers(parse("fast"), 0, 1)
    with pytest.raises(ValueError, match=r"12\.0 outside -10\.\.10"):  # clipped at 12, not 15
        check_numbers(parse({"normal": {"mean": 9, "std": 1, "high": 12}}), -10, 10)
