"""The public side: the render form's checks, queue position, per-client rate limits, the
blur demo (faces blurred, nothing kept), and one real tiny render through the queue."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image

from twinflash.web import jobstore
from twinflash.web.settings import Limits

JSON = {"accept": "application/json"}


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"people": "3", "lying": "4"}, "lying (4) cannot exceed people (3)"),
        ({"camera": "speed_camera", "vehicles": "0"}, "needs at least one vehicle"),
        ({"weather": "hail"}, "weather:"),
        ({"people": "-1"}, "people:"),
        ({"date": "1789-07-14"}, "date:"),
        ({"time": "25:00"}, "time:"),
        ({"fog_visibility_m": "nan"}, "fog_visibility_m:"),
        ({"time": ""}, "time: empty (leave it out for the default)"),
    ],
)
def test_render_form_errors_are_one_line(anon, queue, form, message) -> None:
    r = anon.post("/demo/renders", data=form, headers=JSON)
    assert r.status_code == 422, r.text
    assert message in r.json()["error"] and "\n" not in r.json()["error"]
    assert queue.drain() == 0


def test_demo_bounds_come_from_the_settings(anon, settings, queue) -> None:
    r = anon.post("/demo/renders", data={"people": "13"}, headers=JSON)
    assert r.status_code == 422 and r.json()["error"] == "people: at most 12 in the demo (got 13)"
    r = anon.post("/demo/renders", data={"vehicles": "7"}, headers=JSON)
    assert r.status_code == 422 and "vehicles: at most 6" in r.json()["error"]


def test_queue_position_and_rate_limit(anon, queue) -> None:
    ids = []
    for seed in range(3):
        r = anon.post("/demo/renders", data={"seed": str(seed)}, headers=JSON)
        assert r.status_code == 202
        ids.append(r.json()["job_id"])
    positions = [anon.get(f"/demo/renders/{i}/status").json()["position"] for i in ids]
    assert positions == [0, 1, 2]
    r = anon.post("/demo/renders", data={"seed": "9"}, headers=JSON)  # 4th in a minute
    assert r.status_code == 429 and "too many requests" in r.json()["error"]
    assert 0 < int(r.headers["retry-after"]) <= 60
    page = anon.get(f"/demo/renders/{ids[2]}", headers={"accept": "text/html"})
    assert "Position in the queue" in page.text and "data-poll" in page.text


def test_public_request_limit(settings, sqlite_store, queue) -> None:
    from tests.web.conftest import make_client

    from twinflash.web.app import create_app

    app = create_app(settings.with_(limits=Limits(public_requests_per_min=5)), sqlite_store, queue)
    with make_client(app) as c:
        codes = [c.get("/healthz").status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2


def test_blur_returns_a_blurred_copy_and_keeps_nothing(anon, settings, face_photo) -> None:
    before = sorted(p for p in settings.data_dir.rglob("*") if p.is_file())
    r = anon.post("/demo/blur", files={"photo": ("me.jpg", face_photo, "image/jpeg")})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/jpeg"
    assert int(r.headers["x-faces-blurred"]) == 1
    assert int(r.headers["x-plates-blurred"]) >= 1
    out = np.asarray(Image.open(io.BytesIO(r.content)).convert("L"), dtype=float)
    src = np.asarray(Image.open(io.BytesIO(face_photo)).convert("L"), dtype=float)
    face = (slice(25, 90), slice(90, 138))
    assert out[face].std() < 0.6 * src[face].std()
    assert np.abs(out[200:, :60] - src[200:, :60]).mean() < 3  # away from face and plate: kept
    after = sorted(p for p in settings.data_dir.rglob("*") if p.is_file())
    assert after == before  # nothing written


def test_blur_refuses_what_is_not_a_photo(anon) -> None:
    r = anon.post("/demo/blur", files={"photo": ("x.png", b"<svg/>", "image/png")})
    assert r.status_code == 415 and r.json() == {
        "error": "x.png: not a JPEG or PNG image (checked from its content)"
    }


def test_pages_use_local_assets_only(anon) -> None:
    for path in ("/", "/demo/blur", "/login"):
        html = anon.get(path, headers={"accept": "text/html"}).text
        assert "http://" not in html and "https://" not in html and "//cdn" not in html
    resp = anon.get("/")
    assert "default-src 'self'" in resp.headers["content-security-policy"]


@pytest.mark.blender
def test_a_visitor_render_runs_through_the_queue(anon, queue) -> None:
    form = {"place": "street", "people": "2", "lying": "1", "vehicles": "1", "camera": "cctv"}
    job_id = anon.post("/demo/renders", data=form, headers=JSON).json()["job_id"]
    assert queue.drain(timeout_s=300) == 1
    status = anon.get(f"/demo/renders/{job_id}/status").json()
    assert status["status"] == "done", status
    img = Image.open(io.BytesIO(anon.get(status["files"]["image.png"]).content))
    assert img.size == (96, 64)
    coco = json.loads(anon.get(status["files"]["annotations.json"]).content)
    assert {c["name"] for c in coco["categories"]} >= {"person"}
    gallery = anon.get("/", headers={"accept": "text/html"}).text
    assert f"/demo/renders/{job_id}/image.png" in gallery
    assert "Renders are deleted 24 h after they were made." in gallery


def test_a_render_request_without_a_form_is_refused(anon, queue) -> None:
    """Not the default street by accident: no form, no render (found by schemathesis)."""
    r = anon.post("/demo/renders", headers=JSON)
    assert r.status_code == 415 and r.json() == {
        "error": "send the form as application/x-www-form-urlencoded or multipart/form-data "
        "(got '')"
    }
    r = anon.post("/demo/renders", json={"people": 3}, headers=JSON)
    assert r.status_code == 415 and "(got 'application/json')" in r.json()["error"]
    assert queue.drain() == 0


def test_a_full_render_queue_refuses_with_503(settings, sqlite_store, queue) -> None:
    from tests.web.conftest import make_client

    from twinflash.web.app import create_app

    app = create_app(settings.with_(limits=Limits(render_queue_max=1)), sqlite_store, queue)
    with make_client(app) as c:
        assert c.post("/demo/renders", data={"seed": "1"}, headers=JSON).status_code == 202
        r = c.post("/demo/renders", data={"seed": "2"}, headers=JSON)
    assert r.status_code == 503
    assert r.json() == {"error": "the render queue is full: try again in a few minutes"}
    assert jobstore.count_waiting(sqlite_store.engine, "render") == 1  # the refused one: no job
