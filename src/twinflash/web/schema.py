"""The service's tables (SQLAlchemy 2 Core). Alembic migrations create them; this module is
what queries are written against. All names start with `web_`, and the version table is
ours, so the same database can also hold the vehicle registry (`registry_*`).

Times are UTC seconds since the epoch (floats): one representation on SQLite and
PostgreSQL, no time-zone surprises between the two drivers.
"""

from __future__ import annotations

import sqlalchemy as sa

VERSION_TABLE = "web_alembic_version"
metadata = sa.MetaData()

ROLES = ("admin", "reviewer")
JOB_KINDS = ("check", "render", "video")  # video: a public blur job
PUBLIC_KINDS = ("render", "video")
JOB_STATES = ("queued", "running", "done", "failed")
DECISIONS = ("confirmed", "dismissed", "misread")

users = sa.Table(
    "web_users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

sessions = sa.Table(
    "web_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256: a leaked DB opens nothing
    sa.Column(
        "user_id", sa.Integer, sa.ForeignKey("web_users.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

login_failures = sa.Table(
    "web_login_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("client", sa.String(64), nullable=False),
    sa.Column("at", sa.Float, nullable=False, index=True),
)

jobs = sa.Table(
    "web_jobs",
    metadata,
    sa.Column("id", sa.String(48), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("status", sa.String(12), nullable=False, index=True),
    sa.Column("progress", sa.Integer, nullable=False, default=0),
    sa.Column("total", sa.Integer, nullable=False, default=0),
    sa.Column("message", sa.Text, nullable=False, default=""),
    sa.Column("params", sa.Text, nullable=False, default="{}"),
    sa.Column("owner", sa.String(64), nullable=True),  # user name, or a public client's hash
    sa.Column("claimed_by", sa.String(120), nullable=True),  # host:pid of the running worker
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
    sa.Column("finished_at", sa.Float, nullable=True),
)

cases = sa.Table(
    "web_cases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("job_id", sa.String(48), sa.ForeignKey("web_jobs.id"), nullable=False, index=True),
    sa.Column("item", sa.Integer, nullable=False),  # position in its batch: idempotent reruns
    sa.Column("filename", sa.String(255), nullable=False),
    sa.Column("plate", sa.String(16), nullable=True),
    sa.Column("status", sa.String(20), nullable=True),  # verdict status; None until checked
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("verdict", sa.Text, nullable=True),  # Verdict.to_json()
    sa.Column("error", sa.Text, nullable=True),  # per-item failure: the batch carries on
    sa.Column("photo", sa.String(255), nullable=True),  # faces blurred, relative to photos/
    sa.Column("crop", sa.String(255), nullable=True),  # plate crop, relative to photos/
    sa.Column("vehicle", sa.String(255), nullable=True),  # the recogniser's view, ditto
    sa.Column("faces_blurred", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False, index=True),
    sa.Column("photo_deleted_at", sa.Float, nullable=True),
    sa.Column("decision", sa.String(16), nullable=True),
    sa.Column("decided_by", sa.String(64), nullable=True),
    sa.Column("decided_at", sa.Float, nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.UniqueConstraint("job_id", "item", name="uq_web_cases_job_item"),
)

audit = sa.Table(
    "web_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("case_id", sa.Integer, nullable=True, index=True),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

rate_limits = sa.Table(
    "web_rate_limits",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),  # limits' key: bucket, client
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False, index=True),  # end of the window
)
