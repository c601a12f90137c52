"""Logging in and out: the form's token, Secure session cookies, an audit entry, and a
redirect that never leaves the agents' side."""

from __future__ import annotations

import re

import pytest
from tests.web.conftest import PASSWORD, login, make_client

from twinflash.web import casestore


def test_session_cookie_flags_and_logout(app) -> None:
    with make_client(app) as c:
        resp = login(c, "ann")
        cookie = resp.headers["set-cookie"]
        assert "tf_session=" in cookie
        for flag in ("HttpOnly", "Secure", "SameSite=strict"):
            assert flag.lower() in cookie.lower(), flag
        csrf = c.get("/agent/whoami").json()["csrf"]
        assert c.post("/logout", data={"csrf": "wrong"}).status_code == 403  # CSRF checked
        assert c.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
        assert c.get("/agent/whoami").status_code == 401


def test_login_form_needs_its_token(app) -> None:
    with make_client(app) as c:
        r = c.post("/login", data={"username": "ann", "password": PASSWORD, "token": "forged"})
        assert r.status_code == 403
        assert "tf_session" not in r.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/demo/blur"])
def test_login_never_redirects_outside_the_agents_side(app, target: str) -> None:
    with make_client(app) as c:
        page = c.get("/login")
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        r = c.post(
            "/login",
            data={"username": "rey", "password": PASSWORD, "token": token, "next": target},
            follow_redirects=False,
        )
        assert r.headers["location"] == "/agent"


def test_login_goes_back_to_the_agents_page_asked_for_and_is_logged(app, sqlite_store) -> None:
    with make_client(app) as c:
        page = c.get("/login?next=/agent/cases/3")
        assert 'value="/agent/cases/3"' in page.text
        token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
        r = c.post(
            "/login",
            data={"username": " Rey ", "password": PASSWORD, "token": token,
                  "next": "/agent/cases/3"},
            follow_redirects=False,
        )  # fmt: skip
        assert (r.status_code, r.headers["location"]) == (303, "/agent/cases/3")
    entry = casestore.audit_entries(sqlite_store.engine)[0]
    assert (entry.username, entry.action) == ("rey", "login")


def test_a_wrong_password_answers_401_the_form_again_or_one_json_error(app) -> None:
    with make_client(app) as c:
        r = login(c, "ann", "not the password")
        assert r.status_code == 401 and r.json() == {"error": "wrong user name or password"}
        token = re.search(r'name="token" value="([^"]+)"', c.get("/login").text).group(1)
        r = c.post(
            "/login",
            data={"username": "ann", "password": "nope", "token": token},
            headers={"accept": "text/html"},
        )
        assert r.status_code == 401 and "wrong user name or password" in r.text
        assert 'name="token"' in r.text  # a browser gets a fresh form to try again
