"""The queue carries job ids only: a job runs once, a failure is one line on the job."""

from __future__ import annotations

import pytest

from twinflash.errors import InputError
from twinflash.web import jobstore
from twinflash.web.queue import Queue, build_queue
from twinflash.web.settings import Settings
from twinflash.web.store import Store


def test_a_job_runs_once_however_often_it_is_sent(queue: Queue, sqlite_store: Store) -> None:
    job_id = jobstore.create_job(sqlite_store.engine, "check", {"items": []}, "ann", 0)
    queue.send(job_id)
    queue.send(job_id)  # a duplicate delivery
    assert queue.drain() == 2
    job = jobstore.get_job(sqlite_store.engine, job_id)
    assert job is not None and (job.status, job.attempts) == ("done", 1)
    assert job.message == "0 photo(s) checked"


def test_a_failing_job_is_marked_failed_with_its_reason(queue: Queue, sqlite_store: Store) -> None:
    job_id = jobstore.create_job(sqlite_store.engine, "check", {}, "ann")  # no items: a bug
    queue.send(job_id)
    queue.drain()
    job = jobstore.get_job(sqlite_store.engine, job_id)
    assert job is not None and job.status == "failed" and job.message == "KeyError: 'items'"


def test_orphans_are_sent_again(queue: Queue, sqlite_store: Store) -> None:
    job_id = jobstore.create_job(sqlite_store.engine, "check", {"items": []}, "ann", 0)
    assert queue.resend_orphans() == [job_id]  # queued before a restart, never delivered
    assert queue.drain() == 1
    assert queue.resend_orphans() == []


def test_an_unknown_queue_url_names_the_parameter(settings: Settings, sqlite_store: Store) -> None:
    with pytest.raises(InputError, match="`queue_url`: 'amqp://x': use redis://"):
        build_queue(settings.with_(queue_url="amqp://x"), sqlite_store)
    other = settings.data_dir / "q.db"
    built = build_queue(settings.with_(queue_url=f"sqlite:///{other}"), sqlite_store)
    built.send(jobstore.create_job(sqlite_store.engine, "check", {"items": []}, None, 0))
    assert other.is_file()
