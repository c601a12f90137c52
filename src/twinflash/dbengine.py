"""The one door to SQLAlchemy engines, for the registry and the service alike.

Both need the same three things: waits that end (a blackholed PostgreSQL host fails in
seconds, not after TCP's minutes; a SQLite writer waits its turn for a bounded time), SQLite
in WAL mode (readers never wait for a writer), and URLs shown in errors without their
password.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from twinflash.errors import InputError

PG_CONNECT_TIMEOUT_S = 10
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def shown_url(url: str) -> str:
    """The URL as errors and logs print it: never a password."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):  # unparsable, yet it may hold a password
        return re.sub(r"(://[^:/@]*):.*@", r"\1:***@", url)  # up to the last @


def make_engine(
    url: str,
    *,
    label: str,
    sqlite_busy_s: float,
    sqlite_pragmas: Sequence[str] = (),
    **kwargs: Any,
) -> Engine:
    """An engine on ``url`` (SQLite or PostgreSQL) whose waits end.

    ``label`` names the setting in errors ("registry URL", "`db_url`"); ``sqlite_busy_s`` is
    how long a SQLite connection waits for another's lock; ``sqlite_pragmas`` are run on
    every new SQLite connection after WAL mode. Caller's ``connect_args`` win.
    """
    shown = shown_url(url)
    try:
        backend = sa.engine.make_url(url).get_backend_name()
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise InputError(f"{label} {shown!r}: {exc}") from exc
    if backend not in SUPPORTED_BACKENDS:
        raise InputError(
            f"{label} {shown!r}: {backend!r} databases are not supported "
            f"({', '.join(SUPPORTED_BACKENDS)})"
        )
    args = dict(kwargs.pop("connect_args", None) or {})
    if backend == "postgresql":
        args.setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)
    else:
        args.setdefault("timeout", sqlite_busy_s)
        args.setdefault("check_same_thread", False)  # pooled connections cross threads
    try:
        engine = sa.create_engine(url, connect_args=args, **kwargs)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError, ValueError) as exc:
        raise InputError(f"{label} {shown!r}: {exc}") from exc
    if backend == "sqlite":
        pragmas = ("journal_mode=WAL", "synchronous=NORMAL", *sqlite_pragmas)

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            for pragma in pragmas:
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

    return engine
