"""The public video blurring job: a clip with a face goes through the real queue, its
progress counts frames, the download has no face left and is served once, the upload is
gone; bad videos get one clear 4xx and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest
from tests.web.conftest import png_bytes

from twinflash.web import jobstore
from twinflash.web.settings import Limits

JSON = {"accept": "application/json"}
FRAMES, FPS, SIZE_WH = 8, 8, (320, 240)


def _clip(path: Path, frames: int = FRAMES, size_wh: tuple[int, int] = SIZE_WH) -> bytes:
    """The astronaut's face drifting right over a grey wall, H.264 MP4."""
    from skimage import data

    face = cv2.resize(data.astronaut()[30:200, 160:300], (70, 85))
    writer = imageio_ffmpeg.write_frames(str(path), size_wh, fps=FPS, macro_block_size=2)
    writer.send(None)
    for i in range(frames):
        frame = np.full((size_wh[1], size_wh[0], 3), 128, dtype=np.uint8)
        frame[60:145, 60 + 6 * i : 130 + 6 * i] = face
        writer.send(frame)
    writer.close()
    return path.read_bytes()


def _frames(data: bytes, tmp: Path) -> list[np.ndarray]:
    tmp.write_bytes(data)
    gen = imageio_ffmpeg.read_frames(str(tmp))
    w, h = next(gen)["size"]
    return [np.frombuffer(f, np.uint8).reshape(h, w, 3).copy() for f in gen]


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _clip(tmp_path_factory.mktemp("clip") / "clip.mp4")


def _files(settings) -> list[Path]:
    return sorted(p for d in (settings.uploads_dir, settings.videos_dir) for p in d.rglob("*"))


def test_a_video_is_blurred_through_the_queue_and_downloaded_once(
    anon, queue, settings, clip: bytes, tmp_path: Path
) -> None:
    from twinflash.privacy.faces import FaceDetector

    r = anon.post("/demo/videos", files={"video": ("a.bin", clip, "application/octet-stream")},
                  headers=JSON)  # fmt: skip
    assert r.status_code == 202, r.text
    status_url = r.json()["status_url"]
    state = anon.get(status_url).json()
    assert (state["status"], state["position"], state["total"], state["download"]) == (
        "queued", 0, FRAMES, None
    )  # fmt: skip
    page = anon.get(status_url.removesuffix("/status"), headers={"accept": "text/html"})
    assert "Position in the queue" in page.text and 'id="video-progress"' in page.text
    assert queue.drain(timeout_s=300) == 1
    state = anon.get(status_url).json()
    assert (state["status"], state["progress"]) == ("done", FRAMES), state
    assert not any(settings.uploads_dir.iterdir())  # the upload went with the job

    assert anon.head(state["download"]).status_code == 405  # GET only: nothing else consumes it
    got = anon.get(state["download"])
    assert got.status_code == 200 and got.headers["content-type"] == "video/mp4"
    frames = _frames(got.content, tmp_path / "out.mp4")
    assert len(frames) == FRAMES and frames[0].shape == (SIZE_WH[1], SIZE_WH[0], 3)
    faces = FaceDetector(scales=(1.0,))
    original = _frames(clip, tmp_path / "in.mp4")
    assert all(len(faces(f)) == 1 for f in original)  # the face is there before...
    assert all(faces(f) == [] for f in frames)  # ...and in no frame after
    assert np.abs(frames[0][200:, :].astype(int) - original[0][200:, :]).mean() < 3  # wall kept

    assert _files(settings) == []  # sent once, then deleted
    assert anon.get(state["download"]).status_code == 410
    assert anon.get(status_url).json()["download"] is None
    page = anon.get(status_url.removesuffix("/status"), headers={"accept": "text/html"})
    assert "has been deleted from the server" in page.text


def _ftyp_garbage() -> bytes:
    return b"\x00\x00\x00\x18ftypisom" + b"\x00" * 2000


@pytest.mark.parametrize(
    ("make", "limits", "status", "message"),
    [
        (lambda p: png_bytes(), {}, 415, "a.mp4: not an MP4, MOV, WebM, MKV or AVI video"),
        (lambda p: b"", {}, 400, "a.mp4: empty file"),
        (lambda p: _ftyp_garbage(), {}, 400, "a.mp4: not a readable video"),
        (_clip, {"video_seconds": 0.5}, 413, "longer than the 0.5 s limit"),
        (_clip, {"video_frames": 4}, 413, "~8 frames, over the 4 limit"),
        (_clip, {"video_pixels": 320 * 200}, 413, "320x240 px are over"),
        (_clip, {"video_bytes": 1000}, 413, "a.mp4: larger than 1000 bytes"),
        (_clip, {"video_queue_max": 0}, 503, "the video queue is full: try again in a few"),
    ],
)
def test_bad_videos_get_one_clear_error_and_leave_nothing(
    settings, sqlite_store, queue, tmp_path: Path, make, limits, status, message
) -> None:
    from tests.web.conftest import make_client

    from twinflash.web.app import create_app

    app = create_app(settings.with_(limits=Limits(**limits)), sqlite_store, queue)
    data = make(tmp_path / "v.mp4")
    with make_client(app) as c:
        r = c.post("/demo/videos", files={"video": ("a.mp4", data, "video/mp4")}, headers=JSON)
    assert r.status_code == status, r.text
    assert list(r.json()) == ["error"] and message in r.json()["error"]
    assert _files(settings) == []
    assert queue.drain() == 0


def test_a_header_that_lies_about_the_length_is_stopped_while_decoding(
    settings, sqlite_store, clip: bytes
) -> None:
    """The frame limit holds even when the header under-counts: the job fails cleanly."""
    from twinflash.web.videos import run_video

    strict = settings.with_(limits=Limits(video_frames=5))
    (settings.uploads_dir / "u.mp4").write_bytes(clip)
    job_id = jobstore.create_job(sqlite_store.engine, "video", {"upload": "u.mp4"}, None, 3)
    assert jobstore.claim(sqlite_store.engine, job_id)
    run_video(strict, sqlite_store, job_id)
    job = jobstore.get_job(sqlite_store.engine, job_id)
    assert job.status == "failed" and "more than 5 frames" in job.message, job.message
    assert _files(settings) == []  # neither the upload nor a partial output


def test_video_page_states_the_limits(anon) -> None:
    html = anon.get("/demo/video", headers={"accept": "text/html"}).text
    assert "50 MB" in html and "30 s" in html and "900 frames" in html
    assert 'action="/demo/videos"' in html
