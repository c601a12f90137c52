"""The video routes on a job of known state: status, the page, one download, then gone."""

from __future__ import annotations

from twinflash.web import jobstore
from twinflash.web.videos import output_path


def _video_job(sqlite_store, settings, content: bytes | None) -> str:
    job_id = jobstore.create_job(sqlite_store.engine, "video", {"upload": "x.mp4"}, None)
    if content is not None:
        path = output_path(settings, job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        jobstore.claim(sqlite_store.engine, job_id)
        jobstore.finish(sqlite_store.engine, job_id, True, "blurred")
    return job_id


def test_a_waiting_video_has_a_position_and_no_download(anon, sqlite_store, settings) -> None:
    first = _video_job(sqlite_store, settings, None)
    second = _video_job(sqlite_store, settings, None)
    status = anon.get(f"/demo/videos/{second}/status").json()
    assert (status["status"], status["position"], status["download"]) == ("queued", 1, None)
    r = anon.get(f"/demo/videos/{first}/blurred.mp4")
    assert r.status_code == 404 and r.json() == {
        "error": f"video {first}: not blurred yet (queued)"
    }


def test_a_blurred_video_downloads_once(anon, sqlite_store, settings) -> None:
    job_id = _video_job(sqlite_store, settings, b"\x00\x00\x00\x18ftypmp42" * 1000)
    status = anon.get(f"/demo/videos/{job_id}/status").json()
    assert status["download"] == f"/demo/videos/{job_id}/blurred.mp4"
    assert "blurred.mp4" in anon.get(f"/demo/videos/{job_id}", headers={"accept": "text/html"}).text
    r = anon.get(status["download"])
    assert r.status_code == 200 and r.content == b"\x00\x00\x00\x18ftypmp42" * 1000
    assert r.headers["content-disposition"] == f'attachment; filename="blurred-{job_id[:8]}.mp4"'
    assert not output_path(settings, job_id).exists()  # deleted once sent
    again = anon.get(status["download"])
    assert again.status_code == 410 and "already downloaded" in again.json()["error"]


def test_a_visitor_reads_video_jobs_only(anon, sqlite_store) -> None:
    check = jobstore.create_job(sqlite_store.engine, "check", {"items": []}, "ann")
    for url in (f"/demo/videos/{check}/status", "/demo/videos/unknown/status"):
        r = anon.get(url)
        assert r.status_code == 404 and "unknown, or deleted after it expired" in r.json()["error"]
    assert anon.get("/demo/videos/bad%2Fid/status").status_code in (404, 422)
