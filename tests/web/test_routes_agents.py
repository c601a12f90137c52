"""The agents' flow through the real queue: upload -> check job -> review queue (most
confident first) -> case page with faces blurred -> decision -> audit log -> CSV; bad
uploads get one clear 4xx; jobs survive a restart of the queue, on SQLite and on Redis."""

from __future__ import annotations

import csv
import io
import uuid

import numpy as np
import pytest
from PIL import Image
from tests.web.conftest import png_bytes

from twinflash.web import jobstore
from twinflash.web.queue import build_queue

JSON = {"accept": "application/json"}


def _upload(client, files, data=None):
    return client.post("/agent/batches", files=files, data=data or {}, headers=JSON)


def test_review_flow(admin, queue, face_photo: bytes) -> None:
    manifest = (
        "photo,plate,expected,score\n"
        "face.jpg,ab123cd,suspected_clone,0.7\n"
        "b.png,EF-562-ZR,suspected_clone,0.95\n"
        "c.png,KL-908-PM,consistent,0.1\n"
    )
    files = [
        ("photos", ("face.jpg", face_photo, "image/jpeg")),
        ("photos", ("b.png", png_bytes(seed=1), "image/png")),
        ("photos", ("c.png", png_bytes(seed=2), "image/png")),
        ("manifest", ("m.csv", manifest.encode(), "text/csv")),
    ]
    r = _upload(admin, files)
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    assert admin.get(f"/agent/jobs/{job_id}").json()["status"] == "queued"
    assert queue.drain() == 1
    state = admin.get(f"/agent/jobs/{job_id}").json()
    assert (state["status"], state["progress"], state["total"]) == ("done", 3, 3)
    assert [c["plate"] for c in state["cases"]] == ["AB-123-CD", "EF-562-ZR", "KL-908-PM"]
    assert not any(queue.settings.uploads_dir.iterdir())  # originals deleted once checked

    ordered = admin.get("/agent/queue", headers=JSON).json()
    assert [c["plate"] for c in ordered] == ["EF-562-ZR", "AB-123-CD"]  # most confident first
    face_case = ordered[1]["id"]
    page = admin.get(f"/agent/cases/{face_case}", headers={"accept": "text/html"})
    assert page.status_code == 200
    for shown in ("AB-123-CD", "registry says", "stand-in verdict", "1 face(s) blurred"):
        assert shown in page.text, shown

    photo = admin.get(f"/agent/cases/{face_case}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    blurred = np.asarray(Image.open(io.BytesIO(photo.content)).convert("L"), dtype=float)
    original = np.asarray(Image.open(io.BytesIO(face_photo)).convert("L"), dtype=float)
    face = (slice(25, 90), slice(90, 138))  # the astronaut's face at 256 px
    assert blurred[face].std() < 0.6 * original[face].std()  # the face lost its detail
    crop = Image.open(io.BytesIO(admin.get(f"/agent/cases/{face_case}/crop").content))
    assert crop.width > crop.height  # a plate-shaped crop

    r = admin.post(
        f"/agent/cases/{face_case}/decision",
        data={"decision": "misread", "comment": "reads AB-128-CD"},
        headers=JSON,
    )
    assert r.json() == {"id": face_case, "decision": "misread"}
    again = admin.post(
        f"/agent/cases/{face_case}/decision", data={"decision": "confirmed"}, headers=JSON
    )
    assert again.status_code == 400 and "already decided" in again.json()["error"]
    assert [c["plate"] for c in admin.get("/agent/queue", headers=JSON).json()] == ["EF-562-ZR"]

    log = admin.get(f"/agent/audit?case_id={face_case}", headers=JSON).json()
    assert [e["action"] for e in reversed(log)] == [
        "view_case", "view_photo", "view_crop", "decision:misread"
    ]  # fmt: skip
    assert all(e["username"] == "ann" for e in log)
    rows = list(csv.DictReader(io.StringIO(admin.get("/agent/export.csv").text)))
    assert [(r["plate"], r["decision"], r["comment"]) for r in rows] == [
        ("AB-123-CD", "misread", "reads AB-128-CD")
    ]


def _too_many_pixels() -> bytes:
    buf = io.BytesIO()  # 2100 x 2000 = 4.2 MP of flat colour: tiny file, over the 4 MP limit
    Image.new("RGB", (2100, 2000), "gray").save(buf, format="PNG")
    return buf.getvalue()


def one(data: bytes, name: str = "a.png") -> list:
    return [("photos", (name, data, "image/png"))]


def with_manifest(text: str) -> list:
    return [*one(png_bytes()), ("manifest", ("m.csv", text.encode(), "text/csv"))]


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("files", "data", "status", "message"),
    [
        (one(b"not an image at all", "a.jpg"), {}, 415, "checked from its content"),
        (one(b""), {}, 400, "empty file"),
        (one(PNG_MAGIC + b"\0" * 50), {}, 400, "corrupt PNG"),
        (one(_too_many_pixels()), {}, 413, "MP limit"),
        (one(png_bytes(8, 8)), {}, 400, "too small"),
        ([one(png_bytes(), f"{k}.png")[0] for k in range(6)], {}, 413, "at most 5"),
        (one(PNG_MAGIC + b"\0" * 2_000_001), {}, 413, "larger than"),
        (with_manifest("photo,plate\nother.png,AB-123-CD\n"), {}, 400, "not in the manifest"),
        (with_manifest("name,x\n"), {}, 400, "columns photo,plate"),
        (with_manifest("photo,plate,expected\na.png,AB-123-CD,guilty\n"), {}, 400, "expected must"),
        (one(png_bytes()), {"plate": "<script>"}, 400, "is not a plate"),
    ],
)
def test_bad_uploads_get_one_clear_error(admin, queue, files, data, status, message) -> None:
    r = _upload(admin, files, data)
    assert r.status_code == status, r.text
    assert message in r.json()["error"]
    assert list(r.json()) == ["error"]
    assert not any(queue.settings.uploads_dir.iterdir())  # nothing half-accepted
    assert queue.drain() == 0


def test_html_clients_get_an_error_page(admin) -> None:
    r = admin.post(
        "/agent/batches",
        files=[("photos", ("a.jpg", b"GIF89a....", "image/gif"))],
        headers={"accept": "text/html"},
    )
    assert r.status_code == 415
    assert "text/html" in r.headers["content-type"] and "checked from its content" in r.text


def test_jobs_survive_a_restart(settings, sqlite_store, admin, queue) -> None:
    r = _upload(admin, [("photos", ("a.png", png_bytes(), "image/png"))], {"plate": "GH-417-KT"})
    job_id = r.json()["job_id"]
    # the server and worker stop before the job ran; a new queue on the same files runs it
    restarted = build_queue(settings, sqlite_store)
    assert restarted.drain() == 1
    assert jobstore.get_job(sqlite_store.engine, job_id).status == "done"
    # a job re-sent after the restart (duplicate delivery) is not run twice
    restarted.send(job_id)
    assert restarted.drain() == 1
    assert jobstore.get_job(sqlite_store.engine, job_id).attempts == 1


def test_a_job_interrupted_mid_run_is_resumed(settings, sqlite_store, admin, queue) -> None:
    r = _upload(admin, [("photos", ("a.png", png_bytes(), "image/png"))])
    job_id = r.json()["job_id"]
    queue.huey.flush()  # the message is lost with the killed worker...
    assert jobstore.claim(sqlite_store.engine, job_id)
    import socket

    import sqlalchemy as sa

    from twinflash.web.schema import jobs

    with sqlite_store.engine.begin() as conn:  # ...which held the job when it died
        conn.execute(
            sa.update(jobs)
            .where(jobs.c.id == job_id)
            .values(claimed_by=f"{socket.gethostname()}:0")
        )
    assert build_queue(settings, sqlite_store).resend_orphans() == [job_id]
    assert queue.drain() == 1
    job = jobstore.get_job(sqlite_store.engine, job_id)
    assert (job.status, job.attempts) == ("done", 2)


def test_redis_queue_same_code(settings, sqlite_store, redis_url) -> None:
    url = redis_url
    name = f"twinflash-test-{uuid.uuid4().hex[:8]}"
    q = build_queue(settings.with_(queue_url=url), sqlite_store, name=name)
    try:
        job_id = jobstore.create_job(sqlite_store.engine, "check", {"items": []}, "ann", 0)
        q.send(job_id)
        again = build_queue(settings.with_(queue_url=url), sqlite_store, name=name)  # restart
        assert again.drain() == 1
        assert jobstore.get_job(sqlite_store.engine, job_id).status == "done"
    finally:
        q.huey.flush()
