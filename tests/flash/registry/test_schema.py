"""The registry table the code reads (schema.py) is exactly what the migrations build."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from twinflash.flash.registry.schema import COLUMNS, DATA_COLUMNS, VERSION_TABLE, metadata
from twinflash.flash.registry.store import migrate


def test_migrations_build_the_schema(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'registry.db'}")
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert [(d[0], d[1].name) for d in diff] == [("remove_table", VERSION_TABLE)]


def test_row_columns_start_with_the_plate_key() -> None:
    assert COLUMNS[0] == "plate" and COLUMNS[1:] == DATA_COLUMNS
    assert "make" in DATA_COLUMNS and "norm_score" in DATA_COLUMNS
