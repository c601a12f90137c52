"""Server-rendered pages (Jinja2) and the one error format: an HTML page for browsers,
`{"error": "..."}` for everything else, always a single sentence."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from twinflash.web.casestore import iso


@functools.cache
def templates():  # -> fastapi.templating.Jinja2Templates
    from fastapi.templating import Jinja2Templates

    t = Jinja2Templates(directory=str(resources.files("twinflash.web") / "templates"))
    t.env.filters["iso"] = iso
    t.env.filters["pct"] = lambda v: "" if v is None else f"{100 * float(v):.0f}%"
    return t


def wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith("/api/")


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("user", getattr(request.state, "user", None))
    context.setdefault("csrf", getattr(request.state, "csrf", ""))
    return templates().TemplateResponse(request, name, context, status_code=status)


def error(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    if wants_html(request):
        resp: Response = render(request, "error.html", status, code=status, message=message)
    else:
        resp = JSONResponse({"error": message}, status_code=status)
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def first_validation_error(errors: Sequence[Any]) -> str:
    """`field: message` of the first problem (one clear error per bad request)."""
    if not errors:
        return "invalid request"
    err = errors[0]
    loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
    where = ".".join(loc) or "request"
    msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {msg}"
