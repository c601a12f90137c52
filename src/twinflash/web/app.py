"""`create_app`: the FastAPI application, its lifespan (database, queue, inline worker),
security headers, body limits and the error handlers that make every failure one clear
message (HTML for pages, JSON for API clients) and never a 500 for bad input.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twinflash.errors import InputError
from twinflash.web import pages
from twinflash.web.auth import ForbiddenError, NotAuthenticatedError, TooManyAttemptsError
from twinflash.web.queue import Queue, build_queue
from twinflash.web.ratelimit import build_limiter
from twinflash.web.settings import Settings
from twinflash.web.store import Store
from twinflash.web.uploads import UploadError

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)

APP_INFO: dict = {
    "title": "twinflash serve",
    "version": "1",
    "description": "Agents review suspected cloned plates; the public tries the twin city.",
    "docs_url": None,  # Swagger UI loads from a CDN: not here. The schema is /openapi.json
    "redoc_url": None,
}


class BodyLimit:
    """Refuse request bodies over `max_bytes` (413) while they stream in, declared or not."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large(scope, receive, send, self.max_bytes)
            return
        seen = 0
        refused = False

        async def counted() -> Message:
            # Over the limit mid-stream: answer 413 here and tell the app the client left.
            # Raising instead would reach FastAPI's form parser, which turns any error
            # into 400 "There was an error parsing the body".
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            msg = await receive()
            seen += len(msg.get("body", b""))
            if seen > self.max_bytes:
                refused = True
                await _too_large(scope, receive, send, self.max_bytes)
                return {"type": "http.disconnect"}
            return msg

        async def unless_refused(msg: Message) -> None:
            if not refused:  # the 413 is already out: whatever the app answers is dropped
                await send(msg)

        try:
            await self.app(scope, counted, unless_refused)
        except Exception:
            if not refused:
                raise


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    from fastapi.responses import JSONResponse

    resp = JSONResponse({"error": f"request body over {limit} bytes"}, status_code=413)
    await resp(scope, receive, send)


def create_app(
    settings: Settings, store: Store | None = None, queue: Queue | None = None
) -> FastAPI:
    """The service. Tests pass their own store and queue; otherwise the lifespan opens the
    database at `settings.database_url` and starts an inline Huey consumer if asked."""
    settings.prepare()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_store = store is None
        app.state.store = store or Store.open(settings.database_url)
        app.state.queue = queue or build_queue(settings, app.state.store)
        app.state.limiter = build_limiter(app.state.store.engine, settings.queue_url)
        consumer = None
        _purge_now(settings, app.state.store)
        resent = app.state.queue.resend_orphans()
        if resent:
            log.info("re-sent %d unfinished job(s) after a restart", len(resent))
        if queue is None and settings.inline_worker:
            consumer = app.state.queue.consumer(settings.worker_threads, inline=True)
            consumer.start()
        try:
            yield
        finally:
            if consumer is not None:
                consumer.stop(graceful=True)
            if own_store:
                app.state.store.close()

    app = FastAPI(**APP_INFO, lifespan=lifespan)
    app.state.settings = settings
    if store is not None:  # usable before the lifespan runs (tests without a client context)
        app.state.store = store
        app.state.limiter = build_limiter(store.engine, settings.queue_url)
    if queue is not None:
        app.state.queue = queue
    max_body = settings.limits.upload_bytes * settings.limits.files_per_batch + 1_000_000
    app.add_middleware(BodyLimit, max_bytes=max_body)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if request.url.path.startswith(("/agent", "/login")):
            response.headers["Cache-Control"] = "no-store"
        return response

    _handlers(app)
    static = resources.files("twinflash.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    _include_routers(app)
    return app


def _include_routers(app: FastAPI) -> None:
    from twinflash.web import routes_agents, routes_auth, routes_public, routes_videos

    for module in (routes_public, routes_videos, routes_auth, routes_agents):
        app.include_router(module.router)


def openapi_schema() -> dict:
    """The service's OpenAPI schema without a service: no settings, database or folder
    (what `/openapi.json` serves; the fuzz tests load it at collection time)."""
    app = FastAPI(**APP_INFO)
    _include_routers(app)
    return app.openapi()


def _purge_now(settings: Settings, store: Store) -> None:
    """Retention at start too: a service stopped for a week must not serve stale files."""
    from twinflash.web.retention import purge_all

    try:
        purge_all(settings, store)
    except Exception:  # never keep the service from starting; the periodic task retries
        log.exception("retention at start failed")


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticatedError)
    async def _login(request: Request, exc: NotAuthenticatedError) -> Response:
        if pages.wants_html(request) and request.method == "GET":
            target = request.url.path
            return RedirectResponse(f"/login?next={target}", status_code=303)
        return pages.error(request, 401, "log in first", {"WWW-Authenticate": "Cookie"})

    @app.exception_handler(ForbiddenError)
    async def _forbidden(request: Request, exc: ForbiddenError) -> Response:
        return pages.error(request, 403, str(exc) or "your role does not allow this")

    @app.exception_handler(TooManyAttemptsError)
    async def _throttled(request: Request, exc: TooManyAttemptsError) -> Response:
        return pages.error(request, 429, str(exc), {"Retry-After": str(exc.retry_after_s)})

    @app.exception_handler(UploadError)
    async def _upload(request: Request, exc: UploadError) -> Response:
        return pages.error(request, exc.status, str(exc))

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError) -> Response:
        return pages.error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return pages.error(request, 422, pages.first_validation_error(exc.errors()))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return pages.error(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return pages.error(request, 500, "internal error (logged); the request was not completed")
