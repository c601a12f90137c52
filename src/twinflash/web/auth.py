"""Who is asking: argon2 passwords, server-side sessions in HTTP-only cookies, CSRF tokens,
login throttling, and the FastAPI dependencies that guard the agents' routes.

Sessions are random tokens whose SHA-256 is stored (a copy of the database opens no
session); the cookie is HttpOnly, SameSite=Strict and Secure unless the operator turns that
off for plain-HTTP development. Every state-changing agent request carries the session's
CSRF token (form field `csrf` or header `X-CSRF-Token`), compared in constant time.
"""

from __future__ import annotations

import functools
import hmac
from typing import Annotated, Literal, TypedDict

from fastapi import Depends, Request

from twinflash.web.settings import Settings, new_token
from twinflash.web.store import Store, User

SESSION_COOKIE = "tf_session"
LOGIN_COOKIE = "tf_login"  # pre-session CSRF token for the login form (double submit)


class NotAuthenticatedError(Exception):
    """No live session: pages redirect to the login page, the API answers 401."""


class ForbiddenError(Exception):
    """Logged in, but the role does not allow this (403)."""


class TooManyAttemptsError(Exception):
    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"too many failed logins: try again in {retry_after_s // 60 + 1} min")
        self.retry_after_s = retry_after_s


@functools.cache
def hasher():  # -> argon2.PasswordHasher (RFC 9106 low-memory profile, the library default)
    from argon2 import PasswordHasher

    return PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    return hasher().hash("not a password of anyone")


def hash_password(password: str) -> str:
    if len(password) < 8:
        from twinflash.errors import InputError

        raise InputError("password: at least 8 characters")
    return hasher().hash(password)


def authenticate(
    store: Store, settings: Settings, username: str, password: str, client: str
) -> User | None:
    """The user if the password matches; None otherwise. Unknown names cost the same
    argon2 work as known ones (no user enumeration by timing). Raises TooManyAttemptsError
    when the name or the client has failed `login_failures` times in the window."""
    from argon2.exceptions import InvalidHashError, VerificationError

    limits = settings.limits
    if store.login_failures(username, client, limits.login_window_s) >= limits.login_failures:
        raise TooManyAttemptsError(limits.login_window_s)
    found = store.credentials(username)
    stored = found[1] if found else _dummy_hash()
    try:
        hasher().verify(stored, password)
        ok = found is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or found is None:
        store.record_login_failure(username, client)
        return None
    user, stored = found
    store.clear_login_failures(username)
    if hasher().check_needs_rehash(stored):
        store.set_password_hash(user.id, hasher().hash(password))
    return user


def start_session(store: Store, settings: Settings, user: User) -> str:
    token = new_token()
    store.create_session(user, token, new_token(24), settings.session_hours)
    return token


class CookieArgs(TypedDict):
    httponly: bool
    secure: bool
    samesite: Literal["lax", "strict", "none"]
    path: str


def cookie_args(settings: Settings) -> CookieArgs:
    return {"httponly": True, "secure": settings.secure_cookies, "samesite": "strict", "path": "/"}


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _session(request: Request) -> tuple[User, str] | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    return request.app.state.store.session(token)


def current_user(request: Request) -> User:
    """Dependency: the logged-in user, or NotAuthenticatedError."""
    found = _session(request)
    if found is None:
        raise NotAuthenticatedError()
    request.state.user, request.state.csrf = found
    return found[0]


def admin_user(user: Annotated[User, Depends(current_user)]) -> User:
    if not user.is_admin:
        raise ForbiddenError()
    return user


def check_csrf(request: Request, sent: str | None) -> None:
    """The session's token must come back with the request (form field or header)."""
    expected = getattr(request.state, "csrf", None)
    sent = sent or request.headers.get("x-csrf-token")
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise ForbiddenError("CSRF token missing or wrong: reload the page and try again")


def login_token_ok(request: Request, sent: str | None) -> bool:
    cookie = request.cookies.get(LOGIN_COOKIE)
    if not cookie or not sent:
        return False
    return hmac.compare_digest(cookie.encode(), sent.encode())


AgentUser = Annotated[User, Depends(current_user)]
AdminUser = Annotated[User, Depends(admin_user)]
