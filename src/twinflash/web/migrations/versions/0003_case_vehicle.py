"""web_cases.vehicle: the recogniser's view of the vehicle (faces blurred), per case.

Revision ID: w0003
Revises: w0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w0003"
down_revision = "w0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("web_cases", sa.Column("vehicle", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("web_cases") as batch:
        batch.drop_column("vehicle")
