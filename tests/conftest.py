"""Shared pytest configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "scenes"


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES
