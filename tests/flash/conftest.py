"""Registry fixtures: a store on SQLite (always) and on PostgreSQL (when a server answers).

The PostgreSQL store lives in a schema of its own, created and dropped by the fixture, so
reruns start clean and nothing else in the database is touched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from twinflash.flash.registry import Registry


@pytest.fixture
def pg_registry(postgres_url: str, pg_schema: str) -> Iterator[Registry]:
    reg = Registry.open(postgres_url, connect_args={"options": f"-csearch_path={pg_schema}"})
    try:
        yield reg
    finally:
        reg.close()


@pytest.fixture
def sqlite_registry(tmp_path: Path) -> Iterator[Registry]:
    with Registry.open(f"sqlite:///{tmp_path / 'registry.db'}") as reg:
        yield reg


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def registry(request: pytest.FixtureRequest) -> Registry:
    name = "sqlite_registry" if request.param == "sqlite" else "pg_registry"
    return request.getfixturevalue(name)
