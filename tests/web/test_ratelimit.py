"""Public rate limits hold across server processes: two app instances, each with its own
engine on one database (SQLite file or PostgreSQL) or on one Redis, share one count per
client; concurrent hits never let more than the limit through; a window that ended
starts again at zero."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from twinflash.web.ratelimit import RateLimiter, SqlStorage, build_limiter
from twinflash.web.schema import rate_limits
from twinflash.web.settings import Limits
from twinflash.web.store import Store


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two_stores(request: pytest.FixtureRequest, settings):
    """Two stores on one database, as two server processes would open it."""
    if request.param == "sqlite":
        url, kwargs = settings.database_url, {}
    else:
        url = request.getfixturevalue("postgres_url")
        schema = request.getfixturevalue("pg_schema")
        kwargs = {"connect_args": {"options": f"-csearch_path={schema}"}}
    stores = [Store.open(url, **kwargs) for _ in range(2)]
    yield stores
    for s in stores:
        s.close()


def test_two_app_instances_share_one_count(two_stores, settings, queue) -> None:
    from tests.web.conftest import make_client

    from twinflash.web.app import create_app

    tight = settings.with_(limits=Limits(public_requests_per_min=5))
    apps = [create_app(tight, store, queue) for store in two_stores]
    with make_client(apps[0]) as a, make_client(apps[1]) as b:
        codes = [(a if k % 2 else b).get("/healthz").status_code for k in range(8)]
        assert codes == [200] * 5 + [429] * 3  # not 5 per process: 5 in all
        again = make_client(create_app(tight, two_stores[0], queue))  # a restarted server
        with again:
            r = again.get("/healthz")
        assert r.status_code == 429 and "try again in" in r.json()["error"]


def test_concurrent_hits_never_exceed_the_limit(two_stores) -> None:
    limiters = [RateLimiter(SqlStorage(s.engine)) for s in two_stores]
    client = uuid.uuid4().hex

    def hit(k: int) -> bool:
        return limiters[k % 2].allow("render", client, 7) == 0

    with ThreadPoolExecutor(8) as pool:
        allowed = list(pool.map(hit, range(40)))
    assert sum(allowed) == 7
    assert limiters[0].allow("render", "someone else", 7) == 0  # per client


def test_an_ended_window_starts_again(two_stores) -> None:
    store = two_stores[0]
    limiter = RateLimiter(SqlStorage(store.engine))
    assert [limiter.allow("blur", "c", 2) for _ in range(2)] == [0.0, 0.0]
    wait = limiter.allow("blur", "c", 2)
    assert 0 < wait <= 60
    with store.engine.begin() as conn:  # the minute is over
        conn.execute(rate_limits.update().values(expires_at=rate_limits.c.expires_at - 61))
    assert limiter.allow("blur", "c", 2) == 0.0
    with store.engine.begin() as conn:
        conn.execute(rate_limits.update().values(expires_at=rate_limits.c.expires_at - 61))
    assert SqlStorage(store.engine).sweep() == 1  # the retention task clears ended windows
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(rate_limits)).scalar() == 0


def test_redis_counts_are_shared_too(settings, sqlite_store, redis_url) -> None:
    url = redis_url
    first, second = build_limiter(sqlite_store.engine, url), build_limiter(sqlite_store.engine, url)
    assert type(first.storage).__name__ == "RedisStorage"
    client = uuid.uuid4().hex  # a fresh key: its window expires by itself in Redis
    allowed = [(first, second)[k % 2].allow("any", client, 3) == 0 for k in range(5)]
    assert allowed == [True] * 3 + [False] * 2
    with sqlite_store.engine.connect() as conn:  # nothing counted in the database
        assert conn.execute(sa.select(sa.func.count()).select_from(rate_limits)).scalar() == 0
