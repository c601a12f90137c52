"""Per-client rate limits for the public side, counted where every server process sees
them: in Redis when the queue is on Redis, else in the service's database.

The counting is the `limits` library's fixed window (`FixedWindowRateLimiter`); its
storage is `limits`' Redis storage, or `SqlStorage` below, one row per (bucket, client)
window in `web_rate_limits` incremented by an atomic upsert (SQLite and PostgreSQL), so
several uvicorn workers, a restart, or a second machine on the same database share one
count.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from limits import RateLimitItemPerMinute
from limits.storage import Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.engine import Engine

from twinflash.web.schema import rate_limits as table

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


class SqlStorage(Storage):
    """A `limits` storage in the service's database (fixed windows only)."""

    STORAGE_SCHEME = None  # built from an engine, not from a URL

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self._postgresql = engine.dialect.name == "postgresql"  # else SQLite

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the live window of `key` (a new one if it ended); the new count.
        One statement, so one write per hit and no window between reading and counting."""
        now = time.time()
        ended = table.c.expires_at <= now
        from sqlalchemy.dialects import postgresql, sqlite

        new: postgresql.Insert | sqlite.Insert
        new = postgresql.insert(table) if self._postgresql else sqlite.insert(table)
        new = new.values(key=key, count=amount, expires_at=now + expiry)
        up = new.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "count": sa.case((ended, amount), else_=table.c.count + amount),
                "expires_at": sa.case((ended, now + expiry), else_=table.c.expires_at),
            },
        ).returning(table.c.count)
        with self.engine.begin() as conn:
            return int(conn.execute(up).scalar_one())

    def _live(self, key: str) -> Any:
        q = sa.select(table.c.count, table.c.expires_at).where(
            table.c.key == key, table.c.expires_at > time.time()
        )
        with self.engine.connect() as conn:
            return conn.execute(q).first()

    def get(self, key: str) -> int:
        row = self._live(key)
        return int(row.count) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._live(key)
        return float(row.expires_at) if row else time.time()

    def check(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(1)).scalar_one() == 1

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(table.delete()).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(table.delete().where(table.c.key == key))

    def sweep(self) -> int:
        """Delete ended windows (the retention task calls this)."""
        with self.engine.begin() as conn:
            return conn.execute(table.delete().where(table.c.expires_at <= time.time())).rowcount


class RateLimiter:
    """`allow(bucket, client, per_minute)`: 0 if the hit is allowed (and counted), else the
    seconds until the client's window ends."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.strategy = FixedWindowRateLimiter(storage)

    def allow(self, bucket: str, client: str, per_minute: int) -> float:
        item = RateLimitItemPerMinute(per_minute, namespace="twinflash")
        if self.strategy.hit(item, bucket, client):
            return 0.0
        reset_at = self.strategy.get_window_stats(item, bucket, client).reset_time
        return max(reset_at - time.time(), 0.001)


def build_limiter(engine: Engine, queue_url: str = "") -> RateLimiter:
    """Counters in Redis when the queue is there (one fewer database write per request),
    else in the database at `engine`."""
    if queue_url.startswith(REDIS_SCHEMES):
        from limits.storage import RedisStorage

        return RateLimiter(RedisStorage(queue_url, key_prefix="twinflash-limits"))
    return RateLimiter(SqlStorage(engine))
