"""The plan's schema: rules a plan must follow before any sampling."""

from __future__ import annotations

import pytest

from twinflash.datasets.plan import parse_plan
from twinflash.errors import InputError

from .conftest import tiny_plan_mapping


def test_sequence_count_must_hold_whole_clips() -> None:
    with pytest.raises(InputError, match=r"multiple of sequence\.frames"):
        parse_plan(tiny_plan_mapping(5) | {"sequence": {"frames": 2}})
