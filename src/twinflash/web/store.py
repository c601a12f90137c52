"""The service's database: one SQLAlchemy engine, Alembic migrations run on open, and the
user, session and login-failure records the authentication layer needs.

SQLite file by default, PostgreSQL by URL (same code; the tests run both). Jobs live in
`jobstore`, cases and the audit log in `casestore`: each takes this store's engine.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from twinflash.dbengine import make_engine as _engine
from twinflash.dbengine import shown_url
from twinflash.errors import InputError
from twinflash.web.schema import ROLES, VERSION_TABLE, login_failures, sessions, users

USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """The service's engine: a SQLite lock is waited for 30 s, foreign keys enforced."""
    return _engine(
        url,
        label="`db_url`",
        sqlite_busy_s=30,
        sqlite_pragmas=("foreign_keys=ON",),
        **kwargs,
    )


def migrate(engine: Engine, revision: str = "head") -> str | None:
    """Bring the web schema to `revision` with the migrations shipped in the package."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("twinflash.web") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_username(name: str) -> str:
    """Lower-case letters, digits, `.`, `_`, `-`; 1-64 characters (safe in logs and CSV)."""
    if not 1 <= len(name) <= 64 or not set(name) <= USERNAME_CHARS:
        raise InputError(f"user name {name!r}: use 1-64 of a-z, 0-9, '.', '_', '-'")
    return name


class Store:
    """The database of one service. `Store.open(url)` migrates on first use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, **engine_kwargs: Any) -> Store:
        engine = make_engine(url, **engine_kwargs)
        try:
            migrate(engine)
        except sa.exc.DBAPIError as exc:
            engine.dispose()
            message = " ".join(str(exc.orig).split())
            raise InputError(f"database {shown_url(url)}: cannot open ({message})") from exc
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # --- users ----------------------------------------------------------------------------

    def add_user(self, username: str, role: str, password_hash: str) -> User:
        check_username(username)
        if role not in ROLES:
            raise InputError(f"`role`: {role!r} unknown; choose {', '.join(ROLES)}")
        with self.engine.begin() as conn:
            if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
                raise InputError(f"user {username!r} already exists")
            new_id = conn.execute(
                users.insert()
                .values(
                    username=username,
                    role=role,
                    password_hash=password_hash,
                    created_at=time.time(),
                )
                .returning(users.c.id)
            ).scalar_one()
        return User(int(new_id), username, role)

    def remove_user(self, username: str) -> None:
        """Delete the user and, with them, every open session (they are logged out)."""
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(users.c.id).where(users.c.username == username)).first()
            if row is None:
                raise InputError(f"user {username!r} does not exist")
            conn.execute(sessions.delete().where(sessions.c.user_id == row.id))
            conn.execute(users.delete().where(users.c.id == row.id))

    def list_users(self) -> list[tuple[User, float]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(users).order_by(users.c.username)).all()
        return [(User(r.id, r.username, r.role), r.created_at) for r in rows]

    def credentials(self, username: str) -> tuple[User, str] | None:
        """The user and their argon2 hash, or None."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(users).where(users.c.username == username)).first()
        return (User(r.id, r.username, r.role), r.password_hash) if r else None

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Store a rehash (argon2 parameters raised since the hash was made)."""
        with self.engine.begin() as conn:
            conn.execute(
                users.update().where(users.c.id == user_id).values(password_hash=password_hash)
            )

    # --- sessions -------------------------------------------------------------------------

    def create_session(self, user: User, token: str, csrf: str, hours: float) -> None:
        now = time.time()
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.expires_at < now))
            conn.execute(
                sessions.insert().values(
                    token_hash=token_hash(token),
                    user_id=user.id,
                    csrf=csrf,
                    created_at=now,
                    expires_at=now + hours * 3600,
                )
            )

    def session(self, token: str) -> tuple[User, str] | None:
        """(user, CSRF token) of a live session, or None (unknown, expired, user removed)."""
        q = (
            sa.select(users.c.id, users.c.username, users.c.role, sessions.c.csrf)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.token_hash == token_hash(token), sessions.c.expires_at > time.time())
        )
        with self.engine.connect() as conn:
            r = conn.execute(q).first()
        return (User(r.id, r.username, r.role), r.csrf) if r else None

    def end_session(self, token: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash(token)))

    # --- login failures -------------------------------------------------------------------

    def record_login_failure(self, username: str, client: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                login_failures.insert().values(
                    username=username[:64], client=client[:64], at=time.time()
                )
            )

    def login_failures(self, username: str, client: str, window_s: float) -> int:
        """Recent failures for this name or from this client, whichever is larger."""
        since = time.time() - window_s
        lf = login_failures.c
        with self.engine.begin() as conn:
            conn.execute(login_failures.delete().where(lf.at < since))
            by_name = conn.execute(
                sa.select(sa.func.count()).where(lf.username == username[:64], lf.at >= since)
            ).scalar_one()
            by_client = conn.execute(
                sa.select(sa.func.count()).where(lf.client == client[:64], lf.at >= since)
            ).scalar_one()
        return max(by_name, by_client)

    def clear_login_failures(self, username: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(login_failures.delete().where(login_failures.c.username == username))
