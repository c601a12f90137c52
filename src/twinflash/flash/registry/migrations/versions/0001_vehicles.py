"""registry_vehicles: one row per plate, raw and normalised make/model.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "registry_vehicles",
        sa.Column("plate", sa.String(12), primary_key=True),
        sa.Column("plate_format", sa.String(16), nullable=False),
        sa.Column("make_raw", sa.String(80), nullable=False),
        sa.Column("model_raw", sa.String(120), nullable=False),
        sa.Column("type_code", sa.String(40), nullable=True),
        sa.Column("cnit", sa.String(20), nullable=True),
        sa.Column("genre", sa.String(8), nullable=True),
        sa.Column("body", sa.String(16), nullable=True),
        sa.Column("first_registration", sa.Date, nullable=True),
        sa.Column("make", sa.String(40), nullable=True),
        sa.Column("model", sa.String(60), nullable=True),
        sa.Column("norm_status", sa.String(10), nullable=False),
        sa.Column("norm_score", sa.Float, nullable=False),
    )
    op.create_index("ix_registry_vehicles_make_model", "registry_vehicles", ["make", "model"])


def downgrade() -> None:
    op.drop_index("ix_registry_vehicles_make_model", table_name="registry_vehicles")
    op.drop_table("registry_vehicles")
