"""The storage layer on SQLite and on the local PostgreSQL: users, sessions, jobs claimed
once, decisions with their audit entry, an audit log the database refuses to rewrite,
the review order, the CSV export and retention."""

from __future__ import annotations

import csv
import io
import time

import pytest
import sqlalchemy as sa

from twinflash.errors import InputError
from twinflash.web import casestore, jobstore
from twinflash.web.schema import audit, jobs
from twinflash.web.store import Store, migrate


def test_users_and_sessions(store: Store) -> None:
    ann = store.add_user("ann", "admin", "hash-a")
    store.add_user("rey", "reviewer", "hash-r")
    with pytest.raises(InputError, match="already exists"):
        store.add_user("ann", "reviewer", "x")
    with pytest.raises(InputError, match="`role`"):
        store.add_user("bob", "root", "x")
    with pytest.raises(InputError, match="user name"):
        store.add_user("Robert'); DROP", "admin", "x")
    assert [u.username for u, _ in store.list_users()] == ["ann", "rey"]
    store.create_session(ann, "tok-live", "csrf-1", hours=1)
    store.create_session(ann, "tok-dead", "csrf-2", hours=-1)  # already expired
    user, csrf = store.session("tok-live")
    assert (user.username, user.role, csrf) == ("ann", "admin", "csrf-1")
    assert store.session("tok-dead") is None
    assert store.session("nope") is None
    store.remove_user("ann")  # removing a user ends their sessions
    assert store.session("tok-live") is None
    with pytest.raises(InputError, match="does not exist"):
        store.remove_user("ann")


def test_session_token_is_stored_hashed(store: Store) -> None:
    user = store.add_user("ann", "admin", "h")
    store.create_session(user, "the-secret-token", "c", 1)
    with store.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM web_sessions")).scalar_one()
    assert "the-secret-token" not in stored and len(stored) == 64


def test_login_failures_count_by_name_or_client(store: Store) -> None:
    for _ in range(3):
        store.record_login_failure("ann", "10.0.0.1")
    store.record_login_failure("bob", "10.0.0.1")
    assert store.login_failures("ann", "10.0.0.9", 60) == 3
    assert store.login_failures("zed", "10.0.0.1", 60) == 4
    store.clear_login_failures("ann")
    assert store.login_failures("ann", "10.0.0.9", 60) == 0


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


def _checked_case(store: Store, item: int, score: float, status: str = "suspected_clone") -> int:
    job_id = jobstore.create_job(store.engine, "check", {}, "ann")
    case_id = casestore.add_case(store.engine, job_id, item, f"p{item}.jpg", "AB-123-CD")
    casestore.set_result(store.engine, case_id, status=status, score=score, verdict={"reasons": []})
    return case_id


def test_queue_order_decision_audit_and_csv(store: Store) -> None:
    low = _checked_case(store, 0, 0.61)
    high = _checked_case(store, 1, 0.97)
    _checked_case(store, 2, 0.99, status="consistent")  # not a suspected clone: not queued
    assert [c.id for c in casestore.review_queue(store.engine)] == [high, low]
    casestore.decide(store.engine, high, "rey", "confirmed", "=HYPERLINK(evil)")
    with pytest.raises(InputError, match="already decided"):
        casestore.decide(store.engine, high, "ann", "dismissed", "")
    with pytest.raises(InputError, match="unknown"):
        casestore.decide(store.engine, low, "ann", "maybe", "")
    assert [c.id for c in casestore.review_queue(store.engine)] == [low]
    (entry,) = casestore.audit_entries(store.engine, case_id=high)
    assert (entry.username, entry.action) == ("rey", "decision:confirmed")
    rows = list(csv.DictReader(io.StringIO(casestore.decisions_csv(store.engine))))
    assert [(r["case_id"], r["decision"], r["decided_by"]) for r in rows] == [
        (str(high), "confirmed", "rey")
    ]
    assert rows[0]["comment"] == "'=HYPERLINK(evil)"  # no formula reaches a spreadsheet


def test_audit_log_is_append_only_in_the_database(store: Store) -> None:
    casestore.log(store.engine, "ann", "view_photo", 1)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(audit.update().values(username="mallory"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(audit.delete())
    assert [e.username for e in casestore.audit_entries(store.engine)] == ["ann"]


def test_add_case_is_idempotent(store: Store) -> None:
    job_id = jobstore.create_job(store.engine, "check", {}, "ann")
    first = casestore.add_case(store.engine, job_id, 0, "a.jpg", None)
    assert casestore.add_case(store.engine, job_id, 0, "a.jpg", None) == first


def test_migrations_are_idempotent_and_versioned_apart_from_the_registry(store: Store) -> None:
    assert migrate(store.engine) == "w0003"
    names = set(sa.inspect(store.engine).get_table_names())
    assert {"web_alembic_version", "web_cases", "web_audit", "web_rate_limits"} <= names
    assert "alembic_version" not in names  # never collides with another app's Alembic


def test_retention_deletes_photos_and_logs_it(store: Store, settings) -> None:
    from twinflash.web.retention import purge_expired

    case_id = _checked_case(store, 0, 0.9)
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
