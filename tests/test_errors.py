"""InputError is the one error a user can fix: a ValueError that keeps its message."""

from __future__ import annotations

import pytest

from twinflash.errors import InputError


def test_input_error_is_a_value_error_that_keeps_what_and_where() -> None:
    message = "scene.yaml: people[3].height_m: must be > 0.5 (got -1.7)"
    with pytest.raises(ValueError) as caught:  # callers catching ValueError still catch it
        raise InputError(message)
    assert isinstance(caught.value, InputError)
    assert str(caught.value) == message
