"""Fuzz every operation of the OpenAPI schema with schemathesis's pytest integration: valid
and invalid inputs (both generation modes), as a visitor and as a logged-in admin. Checked
by schemathesis (`not_a_server_error`: never a 5xx; `negative_data_rejection`: input that
breaks the schema is refused with a 4xx) and by ours: every refusal is one JSON message.

The schema comes from `openapi_schema()` at collection time (the lazy fixture loader,
`schemathesis.pytest.from_fixture`, fails under pytest 9.2); each case is sent to the
fixture's app in-process (`case.call(app=...)`).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from twinflash.web.settings import Limits

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.generation import GenerationMode  # noqa: E402
from schemathesis.specs.openapi.checks import negative_data_rejection  # noqa: E402

from twinflash.web.app import openapi_schema  # noqa: E402

EXAMPLES = 12  # per operation, mode and session: ~20 operations x 2 modes x 2 sessions
SCHEMA = schemathesis.openapi.from_dict(openapi_schema())
SCHEMA.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True
)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


@pytest.fixture
def fuzz_app(settings, sqlite_store, queue):
    """The service with limits high enough that the fuzzer meets handlers, not 429s or
    the 503 of a full render queue (the accepted renders are never run here)."""
    from tests.web.conftest import PASSWORD, login, make_client

    from twinflash.web.app import create_app
    from twinflash.web.auth import hash_password

    sqlite_store.add_user("ann", "admin", hash_password(PASSWORD))
    generous = Limits(
        upload_bytes=200_000, upload_pixels=1_000_000, files_per_batch=3,
        public_renders_per_min=10**6, public_blurs_per_min=10**6, public_requests_per_min=10**6,
        public_videos_per_min=10**6, video_bytes=200_000,
        render_queue_max=10**6, video_queue_max=10**6,  # a full queue's 503 is by design
    )  # fmt: skip
    app = create_app(settings.with_(limits=generous), sqlite_store, queue)
    with make_client(app) as c:
        login(c, "ann")
        app.state.fuzz_cookies = {"tf_session": c.cookies.get("tf_session")}
        app.state.fuzz_csrf = c.get("/agent/whoami").json()["csrf"]
    return app


def one_json_error(ctx, response, case) -> bool:
    """Every refusal is `{"error": "<one sentence>"}` (registered as a schemathesis check)."""
    if response.status_code >= 400:
        assert "application/json" in response.headers.get("content-type", [""])[0], (
            case.method,
            case.formatted_path,
            response.status_code,
        )
        body = response.json()
        assert list(body) == ["error"] and isinstance(body["error"], str), body
        assert body["error"] and "\n" not in body["error"], body
    return True


CHECKS = [not_a_server_error, negative_data_rejection, one_json_error]


def _run(case, app, headers: dict, cookies: dict) -> None:
    response = case.call(app=app, headers=headers, cookies=cookies)
    case.validate_response(response, checks=CHECKS)


@SCHEMA.parametrize()
@FUZZ
def test_no_server_error_as_visitor(case, fuzz_app) -> None:
    _run(case, fuzz_app, {"accept": "application/json"}, {})


@SCHEMA.parametrize()
@FUZZ
def test_no_server_error_as_admin(case, fuzz_app) -> None:
    headers = {"accept": "application/json", "x-csrf-token": fuzz_app.state.fuzz_csrf}
    _run(case, fuzz_app, headers, fuzz_app.state.fuzz_cookies)


def test_every_operation_is_fuzzed() -> None:
    """The parametrisation covers the whole schema, not a part that happened to load."""
    ops = [r.ok() for r in SCHEMA.get_all_operations()]
    paths = {(op.method.upper(), op.path) for op in ops}
    assert len(paths) >= 18
    assert ("POST", "/demo/videos") in paths and ("POST", "/agent/batches") in paths
