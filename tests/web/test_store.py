"""The storage layer on SQLite and on the local PostgreSQL: users, sessions, login
failures and the migrations (jobs: test_jobstore.py; cases and the audit log:
test_casestore.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from twinflash.errors import InputError
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


def test_migrations_are_idempotent_and_versioned_apart_from_the_registry(store: Store) -> None:
    assert migrate(store.engine) == "w0003"
    names = set(sa.inspect(store.engine).get_table_names())
    assert {"web_alembic_version", "web_cases", "web_audit", "web_rate_limits"} <= names
    assert "alembic_version" not in names  # never collides with another app's Alembic
