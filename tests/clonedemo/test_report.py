"""The demo report's rates: exact binomial intervals."""

from __future__ import annotations

import pytest

from twinflash.clonedemo.report import Rate


def test_exact_binomial_interval() -> None:
    lo, hi = Rate(0, 10).interval()
    assert lo == 0.0 and hi == pytest.approx(1 - 0.025 ** (1 / 10))
    lo, hi = Rate(10, 10).interval()
    assert hi == 1.0 and lo == pytest.approx(0.025 ** (1 / 10))
    lo, hi = Rate(3, 10).interval()
    assert lo == pytest.approx(0.0667, abs=1e-4) and hi == pytest.approx(0.6525, abs=1e-4)
    assert Rate(0, 0).interval() == (None, None)
