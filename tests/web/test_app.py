"""The application shell: body limits while streaming, security headers, one error format."""

from __future__ import annotations

import asyncio
import json

from twinflash.web.app import BodyLimit, create_app, openapi_schema


def _call(limit: int, chunks: list[bytes], declared: int | None) -> tuple[list[dict], bytes]:
    """Run BodyLimit around an app that reads the whole body; what was sent back, and read."""
    read = bytearray()

    async def inner(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        while True:
            msg = await receive()
            read.extend(msg.get("body", b""))
            if not msg.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    messages = [
        {"type": "http.request", "body": c, "more_body": k < len(chunks) - 1}
        for k, c in enumerate(chunks)
    ]
    sent: list[dict] = []

    async def receive() -> dict:
        return messages.pop(0)

    async def send(msg: dict) -> None:
        sent.append(msg)

    headers = [(b"content-length", str(declared).encode())] if declared is not None else []
    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    asyncio.run(BodyLimit(inner, limit)(scope, receive, send))
    return sent, bytes(read)


def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    sent, read = _call(10, [b"x" * 20], declared=20)
    assert sent[0]["status"] == 413 and read == b""
    assert json.loads(sent[1]["body"]) == {"error": "request body over 10 bytes"}


def test_a_body_within_the_limit_passes() -> None:
    sent, read = _call(10, [b"x" * 4, b"y" * 4], declared=None)
    assert sent[0]["status"] == 200 and read == b"x" * 4 + b"y" * 4


def test_an_undeclared_body_is_counted_while_it_streams() -> None:
    """Over the limit mid-stream: 413 at once, the app told the client left, its answer dropped."""
    sent, read = _call(10, [b"x" * 6, b"y" * 6, b"z" * 6], declared=None)
    assert [m["status"] for m in sent if m["type"] == "http.response.start"] == [413]
    assert json.loads(sent[1]["body"]) == {"error": "request body over 10 bytes"}
    assert read == b"x" * 6  # the chunk over the limit never reached the app


def test_an_app_that_fails_after_the_refusal_does_not_break_the_413() -> None:
    async def failing(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        while (await receive())["type"] != "http.disconnect":
            pass
        raise RuntimeError("client disconnected")

    sent: list[dict] = []
    chunks = [{"type": "http.request", "body": b"x" * 8, "more_body": True}] * 3

    async def receive() -> dict:
        return chunks.pop(0)

    async def send(msg: dict) -> None:
        sent.append(msg)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": []}
    asyncio.run(BodyLimit(failing, 10)(scope, receive, send))
    assert sent[0]["status"] == 413


def test_a_declared_upload_too_large_gets_413_from_the_service(anon, settings) -> None:
    limit = settings.limits.upload_bytes * settings.limits.files_per_batch + 1_000_000
    r = anon.post(
        "/demo/blur",
        content=b"x" * (limit + 1),
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 413 and r.json() == {"error": f"request body over {limit} bytes"}


def test_a_streamed_upload_too_large_gets_413_not_400(anon, settings) -> None:
    """No Content-Length (chunked): the limit is met while FastAPI parses the form."""
    limit = settings.limits.upload_bytes * settings.limits.files_per_batch + 1_000_000
    head = b'--b\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\n'

    def body():  # type: ignore[no-untyped-def]
        yield head
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    r = anon.post(
        "/demo/blur", content=body(), headers={"content-type": "multipart/form-data; boundary=b"}
    )
    assert r.status_code == 413, r.text
    assert r.json() == {"error": f"request body over {limit} bytes"}
    assert r.headers["x-content-type-options"] == "nosniff"


def test_every_answer_carries_the_security_headers(anon) -> None:
    r = anon.get("/healthz")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert "cache-control" not in r.headers  # public pages may be cached
    assert anon.get("/login").headers["cache-control"] == "no-store"


def test_errors_are_one_json_sentence(anon) -> None:
    r = anon.get("/no/such/page")
    assert r.status_code == 404 and list(r.json()) == ["error"]
    r = anon.get("/agent/whoami")
    assert r.status_code == 401 and r.json() == {"error": "log in first"}
    browser = anon.get("/agent", headers={"accept": "text/html"}, follow_redirects=False)
    assert (browser.status_code, browser.headers["location"]) == (303, "/login?next=/agent")


def test_the_schema_needs_no_service_and_lists_the_routes(settings) -> None:
    paths = openapi_schema()["paths"]
    assert "/login" in paths and "/demo/videos/{job_id}/status" in paths
    assert create_app(settings).openapi()["paths"].keys() == paths.keys()
