"""Who may do what: every agents' route refuses a visitor (401, or a redirect to the login
page for a browser), admin routes refuse a reviewer, forms need their CSRF token, cookies
are HttpOnly/Secure/SameSite, failed logins are throttled, and sessions end when asked."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from tests.web.conftest import login, make_client

PUBLIC = {"/", "/healthz", "/login", "/logout", "/demo/blur", "/demo/renders", "/demo/video",
          "/demo/videos"}  # fmt: skip
PUBLIC_PREFIXES = ("/demo/renders/", "/demo/videos/")
ADMIN_ONLY = {"/agent/audit", "/agent/export.csv"}


def _routes(app) -> list[tuple[str, str]]:
    """Every route of the service's routers (pages included), ids filled in. Checked
    against the OpenAPI schema so a router added later cannot escape the walk."""
    from twinflash.web import routes_agents, routes_auth, routes_public, routes_videos

    out = []
    routers = (routes_public, routes_videos, routes_auth, routes_agents)
    routers = tuple(module.router for module in routers)
    found = {r.path for router in routers for r in router.routes}
    assert set(app.openapi()["paths"]) <= found
    for route in (r for router in routers for r in router.routes):
        if isinstance(route, APIRoute):
            for method in route.methods - {"HEAD"}:
                path = re.sub(r"\{case_id\}", "1", route.path)
                out.append((method, re.sub(r"\{job_id\}", "abc", path)))
    return out


def _agent_routes(app) -> list[tuple[str, str]]:
    return [
        (m, p) for m, p in _routes(app) if p not in PUBLIC and not p.startswith(PUBLIC_PREFIXES)
    ]


def test_every_agent_route_is_behind_login(app, anon) -> None:
    routes = _agent_routes(app)
    assert len(routes) >= 12  # the walk must not silently cover nothing
    assert all(p.startswith("/agent") for _, p in routes), routes  # nothing else is private
    for method, path in routes:
        api = anon.request(
            method, path, headers={"accept": "application/json"}, follow_redirects=False
        )
        assert api.status_code == 401, (method, path, api.status_code)
        assert api.json() == {"error": "log in first"}
        page = anon.request(method, path, headers={"accept": "text/html"}, follow_redirects=False)
        if method == "GET":
            assert page.status_code == 303, (method, path)
            assert page.headers["location"] == f"/login?next={path}"
        else:
            assert page.status_code == 401, (method, path)


def test_admin_routes_refuse_reviewers(reviewer, admin) -> None:
    for path in ADMIN_ONLY:
        assert reviewer.get(path).status_code == 403, path
        assert admin.get(path).status_code == 200, path
    assert reviewer.get("/agent/queue").status_code == 200


def test_public_side_reaches_no_agent_data(app, admin, anon, png) -> None:
    """A check batch's id is not a render: the public file routes answer 404 for it."""
    r = admin.post(
        "/agent/batches",
        files={"photos": ("a.png", png, "image/png")},
        headers={"accept": "application/json"},
    )
    job_id = r.json()["job_id"]
    for path in (
        f"/demo/renders/{job_id}/status",
        f"/demo/renders/{job_id}/image.png",
        f"/demo/videos/{job_id}/status",
        f"/demo/videos/{job_id}/blurred.mp4",
    ):
        assert anon.get(path).status_code == 404
    assert anon.get("/demo/renders/..%2F..%2Ftwinflash-serve.db/image.png").status_code in (
        404,
        422,
    )


def test_forms_need_the_csrf_token(app, admin, png) -> None:
    del admin.headers["X-CSRF-Token"]
    r = admin.post(
        "/agent/batches",
        files={"photos": ("a.png", png, "image/png")},
        headers={"accept": "application/json"},
    )
    assert r.status_code == 403 and "CSRF" in r.json()["error"]
    r = admin.post("/agent/cases/1/decision", data={"decision": "confirmed", "csrf": "forged"})
    assert r.status_code == 403


def test_failed_logins_are_throttled(app) -> None:
    with make_client(app) as c:
        for _ in range(5):
            assert login(c, "ann", "wrong password").status_code == 401
        r = login(c, "ann")  # the right password no longer helps for a while
        assert r.status_code == 429
        assert int(r.headers["retry-after"]) > 0
        assert "tf_session" not in r.headers.get("set-cookie", "")


def test_removed_user_is_logged_out(app, reviewer, sqlite_store) -> None:
    assert reviewer.get("/agent/whoami").status_code == 200
    sqlite_store.remove_user("rey")
    assert reviewer.get("/agent/whoami").status_code == 401
