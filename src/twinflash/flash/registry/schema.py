"""The registry tables (SQLAlchemy Core). Alembic migrations create them; this module is
the one description the code reads and writes through."""

from __future__ import annotations

import sqlalchemy as sa

VERSION_TABLE = "registry_alembic_version"  # our own: the database may host other apps

metadata = sa.MetaData()

vehicles = sa.Table(
    "registry_vehicles",
    metadata,
    sa.Column("plate", sa.String(12), primary_key=True, comment="canonical plate"),
    sa.Column("plate_format", sa.String(16), nullable=False),
    sa.Column("make_raw", sa.String(80), nullable=False, comment="D.1 as registered"),
    sa.Column("model_raw", sa.String(120), nullable=False, comment="D.3 as registered"),
    sa.Column("type_code", sa.String(40), nullable=True, comment="D.2 type/variant/version"),
    sa.Column("cnit", sa.String(20), nullable=True, comment="D.2.1"),
    sa.Column("genre", sa.String(8), nullable=True, comment="J.1 national genre (VP, CTTE...)"),
    sa.Column("body", sa.String(16), nullable=True, comment="J.3 national body (CI, BREAK...)"),
    sa.Column("first_registration", sa.Date, nullable=True, comment="B"),
    sa.Column("make", sa.String(40), nullable=True, comment="normalised make"),
    sa.Column("model", sa.String(60), nullable=True, comment="normalised model"),
    sa.Column("norm_status", sa.String(10), nullable=False),
    sa.Column("norm_score", sa.Float, nullable=False),
    sa.Index("ix_registry_vehicles_make_model", "make", "model"),
)

COLUMNS = tuple(c.name for c in vehicles.columns)  # the order of a row tuple
DATA_COLUMNS = COLUMNS[1:]  # all but the plate, the key
