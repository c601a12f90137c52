"""Retention of the public side on SQLite and PostgreSQL: renders deleted after their hours
(and beyond the newest N), blurred videos after their minutes, files and rows together,
check jobs never; run at start, by the worker's periodic task and by `serve purge`."""

from __future__ import annotations

import datetime as dt
import time

import sqlalchemy as sa
from tests.web.conftest import checked_case

from twinflash.web import casestore, jobstore
from twinflash.web.retention import purge_all, purge_public
from twinflash.web.schema import jobs
from twinflash.web.settings import Settings
from twinflash.web.store import Store

HOUR = 3600.0


def _public_job(store: Store, settings: Settings, kind: str, ended_ago_s: float) -> str:
    """A finished render or video job whose files are on disk, ended `ended_ago_s` ago."""
    job_id = jobstore.create_job(store.engine, kind, {}, "public:x")
    jobstore.finish(store.engine, job_id, True, "ok")
    ended = time.time() - ended_ago_s
    with store.engine.begin() as conn:
        conn.execute(
            jobs.update().where(jobs.c.id == job_id).values(created_at=ended, finished_at=ended)
        )
    folder = (settings.renders_dir if kind == "render" else settings.videos_dir) / job_id
    folder.mkdir()
    (folder / ("image.png" if kind == "render" else "blurred.mp4")).write_bytes(b"x")
    return job_id


def _ids(store: Store) -> set[str]:
    with store.engine.connect() as conn:
        return set(conn.execute(sa.select(jobs.c.id)).scalars())


def test_old_renders_and_videos_are_deleted_files_and_rows(store: Store, settings) -> None:
    old_render = _public_job(store, settings, "render", 25 * HOUR)  # default: 24 h
    new_render = _public_job(store, settings, "render", 23 * HOUR)
    old_video = _public_job(store, settings, "video", 61 * 60)  # default: 60 min
    new_video = _public_job(store, settings, "video", 59 * 60)
    check = jobstore.create_job(store.engine, "check", {"items": []}, "ann", 0)
    jobstore.finish(store.engine, check, True, "ok")
    with store.engine.begin() as conn:  # a check job as old as can be stays (cases use it)
        conn.execute(jobs.update().where(jobs.c.id == check).values(finished_at=0.0))
    queued = jobstore.create_job(store.engine, "render", {}, None)  # not finished: kept

    assert purge_public(settings, store) == (1, 1)
    assert _ids(store) == {new_render, new_video, check, queued}
    assert not (settings.renders_dir / old_render).exists()
    assert not (settings.videos_dir / old_video).exists()
    assert (settings.renders_dir / new_render / "image.png").is_file()
    assert (settings.videos_dir / new_video / "blurred.mp4").is_file()
    assert purge_public(settings, store) == (0, 0)


def test_renders_beyond_the_newest_n_are_deleted(store: Store, settings) -> None:
    ids = [_public_job(store, settings, "render", (10 - k) * 60) for k in range(5)]  # oldest 1st
    assert purge_public(settings.with_(public_renders_kept=3), store) == (2, 0)
    assert _ids(store) == set(ids[2:])
    assert sorted(p.name for p in settings.renders_dir.iterdir()) == sorted(ids[2:])
    gallery = jobstore.recent(store.engine, "render", 12)
    assert [j.id for j in gallery] == ids[:1:-1]  # the gallery shows what is left, newest 1st


def test_the_workers_periodic_task_purges(settings, sqlite_store, queue) -> None:
    old = _public_job(sqlite_store, settings, "render", 48 * HOUR)
    due = queue.huey.read_periodic(dt.datetime(2026, 12, 7, 12, 15))  # every 15 min
    assert [t.name for t in due] == ["purge"]
    for task in due:
        queue.huey.execute(task)
    assert old not in _ids(sqlite_store)
    assert queue.huey.read_periodic(dt.datetime(2026, 12, 7, 12, 16)) == []


def test_the_service_purges_when_it_starts(settings, sqlite_store, queue) -> None:
    from tests.web.conftest import make_client

    from twinflash.web.app import create_app

    old = _public_job(sqlite_store, settings, "video", 2 * HOUR)
    app = create_app(settings, sqlite_store, queue)
    assert old in _ids(sqlite_store)
    with make_client(app) as client:
        assert client.get(f"/demo/videos/{old}/status").status_code == 404
    assert old not in _ids(sqlite_store) and not (settings.videos_dir / old).exists()


def test_purge_all_counts_each_kind(store: Store, settings) -> None:
    _public_job(store, settings, "render", 30 * HOUR)
    _public_job(store, settings, "video", 3 * HOUR)
    done = purge_all(settings, store)
    assert (done.cases, done.renders, done.videos) == (0, 1, 1)


def test_retention_deletes_photos_and_logs_it(store: Store, settings) -> None:
    from twinflash.web.retention import purge_expired

    case_id = checked_case(store, 0, 0.9)
    (settings.photos_dir / "x").mkdir()
    (settings.photos_dir / "x" / "0.jpg").write_bytes(b"jpeg")
    casestore.set_result(store.engine, case_id, photo="x/0.jpg")
    assert purge_expired(settings, store, now=time.time()) == 0  # not old yet
    later = time.time() + settings.retention_days * 86400 + 1
    assert purge_expired(settings, store, now=later) == 1
    assert not (settings.photos_dir / "x" / "0.jpg").exists()
    case = casestore.get_case(store.engine, case_id)
    assert case.photo is None and case.photo_deleted_at is not None
    assert casestore.audit_entries(store.engine)[0].action == "retention_delete"
    assert purge_expired(settings, store, now=later) == 0
