"""Alembic environment: run programmatically by twinflash.web.store.migrate, which passes an
open connection in ``config.attributes["connection"]``."""

from __future__ import annotations

from alembic import context

from twinflash.web.schema import VERSION_TABLE, metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the service's migrations through twinflash.web.store.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
