"""Fuzz every operation of the OpenAPI schema (schemathesis, bounded): whatever comes in,
logged in or not, the answer is never a 5xx, and every error is one JSON message."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from tests.web.conftest import login, make_client

from twinflash.web.settings import Limits

schemathesis = pytest.importorskip("schemathesis")
EXAMPLES = 20  # per operation: ~20 operations x 20 x 2 sessions, a few seconds


@pytest.fixture
def fuzz_app(settings, sqlite_store, queue):
    """The service with limits high enough that the fuzzer meets handlers, not 429s."""
    from tests.web.conftest import PASSWORD

    from twinflash.web.app import create_app
    from twinflash.web.auth import hash_password

    sqlite_store.add_user("ann", "admin", hash_password(PASSWORD))
    generous = Limits(
        upload_bytes=200_000, upload_pixels=1_000_000, files_per_batch=3,
        public_renders_per_min=10**6, public_blurs_per_min=10**6, public_requests_per_min=10**6,
    )  # fmt: skip
    app = create_app(settings.with_(limits=generous), sqlite_store, queue)
    with make_client(app) as c:
        login(c, "ann")
        app.state.fuzz_cookies = {"tf_session": c.cookies.get("tf_session")}
        app.state.fuzz_csrf = c.get("/agent/whoami").json()["csrf"]
    return app


def _operations(app) -> list:
    """Every operation of the app's schema (the pytest plugin's lazy loader does not run
    under this pytest, so the operations are walked here with plain Hypothesis)."""
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    ops = [result.ok() for result in loaded.get_all_operations()]
    assert len(ops) >= 15
    return ops


def _check(case, response) -> None:
    where = (case.method, case.formatted_path, response.status_code, response.text[:300])
    assert response.status_code < 500, where
    if response.status_code >= 400:
        assert "application/json" in str(response.headers.get("content-type")), where
        body = response.json()
        assert list(body) == ["error"] and isinstance(body["error"], str) and body["error"], where


def _fuzz(app, headers: dict, cookies: dict) -> int:
    calls = 0
    for op in _operations(app):

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case) -> None:
            nonlocal calls
            calls += 1
            _check(case, case.call(headers=headers, cookies=cookies))

        run()
    return calls


def test_no_server_error_as_visitor(fuzz_app) -> None:
    assert _fuzz(fuzz_app, {"accept": "application/json"}, {}) > 100


def test_no_server_error_as_admin(fuzz_app) -> None:
    headers = {"accept": "application/json", "x-csrf-token": fuzz_app.state.fuzz_csrf}
    assert _fuzz(fuzz_app, headers, fuzz_app.state.fuzz_cookies) > 100
