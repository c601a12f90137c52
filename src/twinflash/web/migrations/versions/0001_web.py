"""web_*: users, sessions, login failures, jobs, cases and the append-only audit log.

Revision ID: w0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "w0001"
down_revision = None
branch_labels = None
depends_on = None

# The audit log refuses UPDATE and DELETE in the database itself, so no code path (nor a
# future bug) can rewrite history; only dropping the table removes rows.
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER web_audit_no_{verb.lower()} BEFORE {verb} ON web_audit "
    "BEGIN SELECT RAISE(ABORT, 'web_audit is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
PG_TRIGGERS = [
    "CREATE FUNCTION web_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'web_audit is append-only'; END $$",
    "CREATE TRIGGER web_audit_no_change BEFORE UPDATE OR DELETE ON web_audit "
    "FOR EACH ROW EXECUTE FUNCTION web_audit_append_only()",
]


def upgrade() -> None:
    """A frozen copy of the tables as of this revision (schema.py may move on)."""
    bind = op.get_bind()
    f, s, i, t = sa.Float, sa.String, sa.Integer, sa.Text
    op.create_table(
        "web_users",
        sa.Column("id", i, primary_key=True),
        sa.Column("username", s(64), nullable=False, unique=True),
        sa.Column("role", s(16), nullable=False),
        sa.Column("password_hash", s(255), nullable=False),
        sa.Column("created_at", f, nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", s(64), primary_key=True),
        sa.Column("user_id", i, sa.ForeignKey("web_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", s(64), nullable=False),
        sa.Column("created_at", f, nullable=False),
        sa.Column("expires_at", f, nullable=False),
    )
    op.create_table(
        "web_login_failures",
        sa.Column("id", i, primary_key=True),
        sa.Column("username", s(64), nullable=False),
        sa.Column("client", s(64), nullable=False),
        sa.Column("at", f, nullable=False, index=True),
    )
    op.create_table(
        "web_jobs",
        sa.Column("id", s(48), primary_key=True),
        sa.Column("kind", s(16), nullable=False),
        sa.Column("status", s(12), nullable=False, index=True),
        sa.Column("progress", i, nullable=False),
        sa.Column("total", i, nullable=False),
        sa.Column("message", t, nullable=False),
        sa.Column("params", t, nullable=False),
        sa.Column("owner", s(64), nullable=True),
        sa.Column("claimed_by", s(120), nullable=True),
        sa.Column("attempts", i, nullable=False),
        sa.Column("created_at", f, nullable=False, index=True),
        sa.Column("finished_at", f, nullable=True),
    )
    op.create_table(
        "web_cases",
        sa.Column("id", i, primary_key=True),
        sa.Column("job_id", s(48), sa.ForeignKey("web_jobs.id"), nullable=False, index=True),
        sa.Column("item", i, nullable=False),
        sa.Column("filename", s(255), nullable=False),
        sa.Column("plate", s(16), nullable=True),
        sa.Column("status", s(20), nullable=True),
        sa.Column("score", f, nullable=True),
        sa.Column("verdict", t, nullable=True),
        sa.Column("error", t, nullable=True),
        sa.Column("photo", s(255), nullable=True),
        sa.Column("crop", s(255), nullable=True),
        sa.Column("faces_blurred", i, nullable=False),
        sa.Column("created_at", f, nullable=False, index=True),
        sa.Column("photo_deleted_at", f, nullable=True),
        sa.Column("decision", s(16), nullable=True),
        sa.Column("decided_by", s(64), nullable=True),
        sa.Column("decided_at", f, nullable=True),
        sa.Column("comment", t, nullable=True),
        sa.UniqueConstraint("job_id", "item", name="uq_web_cases_job_item"),
    )
    op.create_table(
        "web_audit",
        sa.Column("id", i, primary_key=True),
        sa.Column("at", f, nullable=False),
        sa.Column("username", s(64), nullable=False),
        sa.Column("action", s(32), nullable=False),
        sa.Column("case_id", i, nullable=True, index=True),
        sa.Column("detail", t, nullable=False),
    )
    for statement in SQLITE_TRIGGERS if bind.dialect.name == "sqlite" else PG_TRIGGERS:
        op.execute(sa.text(statement))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(sa.text("DROP TRIGGER IF EXISTS web_audit_no_change ON web_audit"))
        op.execute(sa.text("DROP FUNCTION IF EXISTS web_audit_append_only()"))
    for table in ("web_audit", "web_cases", "web_jobs", "web_login_failures", "web_sessions"):
        op.drop_table(table)
    op.drop_table("web_users")
