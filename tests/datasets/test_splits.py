"""Split assignment: held-out conditions go to their split, the rest by fraction."""

from __future__ import annotations

import math

from twinflash.datasets.planspec import SplitSpec
from twinflash.datasets.splits import assign_split

from .conftest import within


def test_hold_out_split_takes_exactly_the_held_condition() -> None:
    spec = SplitSpec.model_validate(
        {
            "fractions": {"train": 0.8, "val": 0.2, "test": 0.0},
            "hold_out": {"key": "weather.kind", "values": ["fog", "snow"], "split": "test"},
        }
    )
    rows = [{"weather_kind": k} for k in ["fog", "clear", "snow", "rain"] * 100]
    splits = [assign_split(spec, 1, i, r) for i, r in enumerate(rows)]
    for r, s in zip(rows, splits, strict=True):
        assert (s == "test") == (r["weather_kind"] in ("fog", "snow"))
    val = sum(s == "val" for s in splits) / 200
    assert within(val, 0.2, math.sqrt(0.16 / 200))
    assert splits == [assign_split(spec, 1, i, r) for i, r in enumerate(rows)]
