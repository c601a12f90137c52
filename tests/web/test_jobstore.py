"""Jobs on SQLite and PostgreSQL: claimed once, orphans sent again, the queue position."""

from __future__ import annotations

from twinflash.web import jobstore
from twinflash.web.schema import jobs
from twinflash.web.store import Store


def test_job_is_claimed_once_and_orphans_come_back(store: Store) -> None:
    job_id = jobstore.create_job(store.engine, "check", {"items": []}, "ann", 0)
    assert jobstore.claim(store.engine, job_id)
    assert not jobstore.claim(store.engine, job_id)  # a duplicate delivery does nothing
    # the worker that claimed it died (a pid that does not exist on this host)
    import socket

    with store.engine.begin() as conn:
        conn.execute(
            jobs.update().where(jobs.c.id == job_id).values(claimed_by=f"{socket.gethostname()}:0")
        )
    assert jobstore.orphaned(store.engine) == [job_id]
    assert jobstore.get_job(store.engine, job_id).status == "queued"
    assert jobstore.claim(store.engine, job_id)
    jobstore.finish(store.engine, job_id, True, "ok")
    assert jobstore.orphaned(store.engine) == []
    assert jobstore.get_job(store.engine, job_id).attempts == 2


def test_running_job_of_a_live_worker_is_left_alone(store: Store) -> None:
    job_id = jobstore.create_job(store.engine, "render", {}, None)
    assert jobstore.claim(store.engine, job_id)  # claimed by this (live) process
    assert jobstore.orphaned(store.engine) == []


def test_queue_position(store: Store) -> None:
    jobstore.create_job(store.engine, "check", {}, None)  # agents' batches are not counted
    ids = [jobstore.create_job(store.engine, "render", {}, None) for _ in range(2)]
    ids.append(jobstore.create_job(store.engine, "video", {}, None))  # public: one line
    ids.append(jobstore.create_job(store.engine, "render", {}, None))
    positions = [
        jobstore.queue_position(store.engine, jobstore.get_job(store.engine, i)) for i in ids
    ]
    assert positions == [0, 1, 2, 3]
    assert jobstore.claim(store.engine, ids[0])
    jobstore.finish(store.engine, ids[0], True, "ok")  # done: everyone moves up
    positions = [
        jobstore.queue_position(store.engine, jobstore.get_job(store.engine, i)) for i in ids
    ]
    assert positions == [0, 0, 1, 2]
