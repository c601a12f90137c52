"""The tables the code queries (schema.py) are exactly those the migrations build, on
SQLite and on PostgreSQL: a column added to one and not the other fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from twinflash.web.schema import PUBLIC_KINDS, VERSION_TABLE, metadata
from twinflash.web.store import Store


def test_migrations_build_the_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    # the one table the schema does not describe is Alembic's own version table
    assert [(d[0], d[1].name) for d in diff] == [("remove_table", VERSION_TABLE)]


def test_every_table_is_named_for_the_service() -> None:
    assert all(name.startswith("web_") for name in metadata.tables)
    assert set(PUBLIC_KINDS) <= {"check", "render", "video"}
