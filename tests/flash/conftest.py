"""Registry fixtures: a store on SQLite (always) and on PostgreSQL (when a server answers).

The PostgreSQL store lives in a schema of its own, created and dropped by the fixture, so
reruns start clean and nothing else in the database is touched.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from twinflash.flash.registry import Registry

PG_URL = os.environ.get(
    "TWINFLASH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        reason = " ".join(str(exc.orig).split())[:160]
        pytest.skip(f"no PostgreSQL server answers at {PG_URL} ({reason})")
    finally:
        engine.dispose()
    return PG_URL


@pytest.fixture
def pg_registry(postgres_url: str) -> Iterator[Registry]:
    schema = f"tf_registry_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    reg = Registry.open(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield reg
    finally:
        reg.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_registry(tmp_path: Path) -> Iterator[Registry]:
    with Registry.open(f"sqlite:///{tmp_path / 'registry.db'}") as reg:
        yield reg


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def registry(request: pytest.FixtureRequest) -> Registry:
    name = "sqlite_registry" if request.param == "sqlite" else "pg_registry"
    return request.getfixturevalue(name)
