"""Service fixtures: settings in a temporary folder, a store on SQLite (always) and on the
local PostgreSQL (in a schema of its own, skipped with a message when no server answers),
a Huey queue on a SQLite file drained by hand, and logged-in test clients."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from twinflash.web.auth import hash_password
from twinflash.web.queue import Queue, build_queue
from twinflash.web.settings import Limits, Settings
from twinflash.web.store import Store

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small costs: the same code paths, a fraction of the time per login."""
    from argon2 import PasswordHasher

    from twinflash.web import auth

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "hasher", lambda: cheap)
    monkeypatch.setattr(auth, "_dummy_hash", lambda: cheap.hash("dummy"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        inline_worker=False,
        demo_resolution_wh=(96, 64),
        demo_samples=2,
        limits=Limits(upload_bytes=2_000_000, upload_pixels=4_000_000, files_per_batch=5),
    ).prepare()


@pytest.fixture
def sqlite_store(settings: Settings) -> Iterator[Store]:
    store = Store.open(settings.database_url)
    yield store
    store.close()


@pytest.fixture
def pg_store(postgres_url: str, pg_schema: str) -> Iterator[Store]:
    store = Store.open(postgres_url, connect_args={"options": f"-csearch_path={pg_schema}"})
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest) -> Store:
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "pg_store")


@pytest.fixture
def queue(settings: Settings, sqlite_store: Store) -> Queue:
    return build_queue(settings, sqlite_store)


@pytest.fixture
def app(settings: Settings, sqlite_store: Store, queue: Queue):
    from twinflash.web.app import create_app

    sqlite_store.add_user("ann", "admin", hash_password(PASSWORD))
    sqlite_store.add_user("rey", "reviewer", hash_password(PASSWORD))
    return create_app(settings, sqlite_store, queue)


def make_client(app):
    from fastapi.testclient import TestClient

    return TestClient(app, base_url="https://testserver")  # Secure cookies need https


def login(client, username: str, password: str = PASSWORD):
    page = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "token": token},
        follow_redirects=False,
    )


@pytest.fixture
def anon(app):
    with make_client(app) as c:
        yield c


@pytest.fixture
def admin(app):
    with make_client(app) as c:
        assert login(c, "ann").status_code == 303
        c.headers["X-CSRF-Token"] = c.get("/agent/whoami").json()["csrf"]
        yield c


@pytest.fixture
def reviewer(app):
    with make_client(app) as c:
        assert login(c, "rey").status_code == 303
        c.headers["X-CSRF-Token"] = c.get("/agent/whoami").json()["csrf"]
        yield c


def png_bytes(w: int = 64, h: int = 48, seed: int = 0, fmt: str = "PNG") -> bytes:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)).save(buf, format=fmt)
    return buf.getvalue()


@pytest.fixture
def png() -> bytes:
    return png_bytes()


@pytest.fixture(scope="session")
def face_photo() -> bytes:
    """scikit-image's astronaut (one real face) with an SIV plate, halved to 256 px: JPEG."""
    from skimage import data

    from twinflash.privacy.synthetic import paste_plate

    img, _ = paste_plate(data.astronaut(), "AB-123-CD", 26, (380, 450))
    buf = io.BytesIO()
    Image.fromarray(img).resize((256, 256)).save(buf, format="JPEG", quality=92)
    return buf.getvalue()


def checked_case(store: Store, item: int, score: float, status: str = "suspected_clone") -> int:
    """A checked case of a new check job, with its verdict status and score."""
    from twinflash.web import casestore, jobstore

    job_id = jobstore.create_job(store.engine, "check", {}, "ann")
    case_id = casestore.add_case(store.engine, job_id, item, f"p{item}.jpg", "AB-123-CD")
    casestore.set_result(store.engine, case_id, status=status, score=score, verdict={"reasons": []})
    return case_id


@pytest.fixture
def redis_url() -> str:
    """The local Redis server's URL; the test is skipped with a message if none answers."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"no Redis server answers at {url} ({exc})")
    return url
