"""Log in and out. The login form carries a double-submit CSRF token (no session yet);
`next` only ever points inside the agents' side (no open redirect)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from twinflash.web import casestore, pages
from twinflash.web.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    AgentUser,
    authenticate,
    check_csrf,
    client_of,
    cookie_args,
    login_token_ok,
    start_session,
)
from twinflash.web.settings import new_token

router = APIRouter()


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/agent") and "//" not in target and "\\" not in target:
        return target
    return "/agent"


def _login_page(request: Request, status: int = 200, message: str = "", nxt: str = "") -> Response:
    """The form (with a fresh double-submit token); API clients get the JSON error alone."""
    if status != 200 and not pages.wants_html(request):
        return pages.error(request, status, message)
    token = new_token(24)
    resp = pages.render(
        request, "login.html", status, login_token=token, message=message, next=_safe_next(nxt)
    )
    resp.set_cookie(LOGIN_COOKIE, token, max_age=3600, **cookie_args(request.app.state.settings))
    return resp


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/agent") -> Response:
    return _login_page(request, nxt=next)


@router.post("/login", summary="Log in (form)")
def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    token: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=300)] = "/agent",
) -> Response:
    if not login_token_ok(request, token):
        return _login_page(request, 403, "the form expired: please try again", next)
    st = request.app.state
    user = authenticate(
        st.store, st.settings, username.strip().lower(), password, client_of(request)
    )
    if user is None:
        return _login_page(request, 401, "wrong user name or password", next)
    casestore.log(st.store.engine, user.username, "login", detail=client_of(request))
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE, start_session(st.store, st.settings, user), **cookie_args(st.settings)
    )
    resp.delete_cookie(LOGIN_COOKIE, path="/")
    return resp


@router.post("/logout", summary="Log out (form)")
def logout(
    request: Request, user: AgentUser, csrf: Annotated[str, Form(max_length=100)] = ""
) -> Response:
    check_csrf(request, csrf)
    request.app.state.store.end_session(request.cookies.get(SESSION_COOKIE, ""))
    casestore.log(request.app.state.store.engine, user.username, "logout")
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp
