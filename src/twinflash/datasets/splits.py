"""Split assignment: random fractions, with an optional held-out condition or location.

Sample i's random draw comes from `rng_for(plan seed, i, "split")`, so a sample keeps its
split whatever else fails or is added. With `hold_out`, images whose metadata column
`key` takes one of `values` go to the held-out split (e.g. all fog and snow to test, or
the streets of some layout seeds); the others share the remaining splits in proportion
to their fractions.
"""

from __future__ import annotations

from typing import Any

from twinflash.datasets.planspec import SplitSpec
from twinflash.datasets.sampler import rng_for


def _pick(u: float, fractions: dict[str, float]) -> str:
    total = sum(fractions.values())
    acc = 0.0
    for name, frac in fractions.items():
        acc += frac / total
        if u < acc:
            return name
    return list(fractions)[-1]


def _same(a: Any, b: Any) -> bool:
    return a == b or str(a) == str(b)


def assign_split(spec: SplitSpec, seed: int, index: int, image_row: dict[str, Any]) -> str:
    u = float(rng_for(seed, index, "split").random())
    hold = spec.hold_out
    if hold is None:
        return _pick(u, spec.fractions)
    key = hold.key.replace(".", "_")
    if key not in image_row:
        raise KeyError(f"splits.hold_out.key: no metadata column {key!r}")
    if any(_same(image_row[key], v) for v in hold.values):
        return hold.split
    rest = {k: v for k, v in spec.fractions.items() if k != hold.split and v > 0}
    return _pick(u, rest or {"train": 1.0})
