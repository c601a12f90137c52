"""In headless Chromium (Debian's package), against a real uvicorn server with its inline
worker: an agent logs in, opens the top suspected clone, confirms it and finds the decision
in the audit log; a visitor renders a street and sees it appear; a visitor gets a photo
back blurred. No request leaves 127.0.0.1. Screenshots go to $TWINFLASH_SCREENSHOTS if set.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.conftest import PASSWORD

from twinflash.web.settings import Limits, Settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium: `apt-get install -y chromium` (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """A real server (uvicorn, inline Huey worker) with one admin."""
    import uvicorn

    from twinflash.web.app import create_app
    from twinflash.web.auth import hash_password
    from twinflash.web.store import Store

    settings = Settings(
        data_dir=tmp_path / "srv", demo_resolution_wh=(240, 136), demo_samples=4,
        limits=Limits(public_requests_per_min=10_000),
    ).prepare()  # fmt: skip
    store = Store.open(settings.database_url)
    store.add_user("ann", "admin", hash_password(PASSWORD))
    store.close()
    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}", settings
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture
def page(browser, server):
    base, _ = server
    context = browser.new_context(viewport={"width": 1180, "height": 820})
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    pg.outside: list[str] = []
    pg.errors: list[str] = []
    pg.on(
        "request",
        lambda r: None if r.url.startswith((base, "blob:", "data:")) else pg.outside.append(r.url),
    )
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    assert pg.outside == [], pg.outside  # no CDN, nothing beyond this server
    assert pg.errors == []
    context.close()


def _shot(pg, tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    if os.environ.get("TWINFLASH_SCREENSHOTS"):
        target = Path(os.environ["TWINFLASH_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.name)
    return path


def test_agent_confirms_a_clone_and_finds_it_in_the_audit_log(page, server, tmp_path) -> None:
    from twinflash.web.demo import load_demo
    from twinflash.web.queue import build_queue
    from twinflash.web.store import Store

    base, settings = server
    store = Store.open(settings.database_url)  # the demo batch, sent to the running worker
    load_demo(build_queue(settings, store))
    store.close()
    page.goto(f"{base}/agent/queue")
    assert page.url.startswith(f"{base}/login")  # no session: the login page
    page.fill("input[name=username]", "ann")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/agent/queue")
    for _ in range(120):  # the inline worker checks the demo batch (faces blurred)
        if page.locator("#queue a.button").count() >= 3:
            break
        page.wait_for_timeout(500)
        page.reload()
    plates = page.locator("#queue td.plate").all_inner_texts()
    assert plates == ["GH-417-KT", "AB-123-CD", "EF-562-ZR"]  # most confident first
    _shot(page, tmp_path, "agent-queue")
    page.locator("#queue a.button").first.click()
    page.wait_for_selector("#case-photo")
    assert page.eval_on_selector("#case-photo", "img => img.complete && img.naturalWidth") > 0
    assert page.eval_on_selector("#case-crop", "img => img.naturalWidth") > 0
    assert "GH-417-KT" in page.inner_text("h1")
    case_url = page.url
    page.fill("textarea[name=comment]", "Front grille and lights are not the registered model's.")
    _shot(page, tmp_path, "agent-case")
    page.click("button[value=confirmed]")
    page.wait_for_url(f"{base}/agent/queue")
    assert "GH-417-KT" not in page.locator("#queue").inner_text()
    page.click("text=Audit log")
    page.wait_for_url(f"{base}/agent/audit")
    case_id = case_url.rsplit("/", 1)[1]
    row = page.locator("#audit tr.decision").first
    assert row.inner_text().split("\t")[1:4] == ["ann", "decision:confirmed", case_id]
    assert "not the registered model" in row.inner_text()
    views = page.locator("#audit tr", has_text="view_photo")
    assert views.count() >= 1
    _shot(page, tmp_path, "agent-audit")


@pytest.mark.blender
def test_visitor_renders_a_street(page, server, tmp_path) -> None:
    base, _ = server
    page.goto(f"{base}/")
    page.select_option("select[name=weather]", "rain")
    page.fill("input[name=people]", "5")
    page.fill("input[name=lying]", "1")
    page.fill("input[name=vehicles]", "2")
    page.select_option("select[name=camera]", "pedestrian")
    page.fill("input[name=time]", "18:30")
    page.click("#render-form button[type=submit]")
    page.wait_for_url(f"{base}/demo/renders/*")
    assert (
        page.locator("text=Position in the queue").count() == 1
        or page.locator("#render-image").count() == 1
    )
    page.wait_for_selector("#render-image", timeout=240_000)
    size = page.eval_on_selector("#render-image", "img => [img.naturalWidth, img.naturalHeight]")
    assert size == [240, 136]
    assert page.eval_on_selector("#render-overlay", "img => img.naturalWidth") == 240
    coco = page.request.get(base + page.get_attribute("#coco-link", "href")).json()
    assert len([a for a in coco["annotations"] if a["category_id"] == 1]) >= 1
    _shot(page, tmp_path, "public-render")
    page.goto(f"{base}/")
    assert page.locator(".gallery img").count() == 1
    _shot(page, tmp_path, "public-gallery")


def test_visitor_gets_a_photo_back_blurred(page, server, tmp_path, face_photo) -> None:
    base, settings = server
    photo = tmp_path / "astronaut.jpg"
    photo.write_bytes(face_photo)
    stored_before = sorted(p for p in settings.data_dir.rglob("*") if p.is_file())
    page.goto(f"{base}/demo/blur")
    page.set_input_files("input[name=photo]", str(photo))
    page.click("#blur-form button[type=submit]")
    page.wait_for_selector("#blur-image[src^='blob:']", state="visible")
    assert page.eval_on_selector("#blur-image", "img => img.naturalWidth") == 256
    assert page.inner_text("#blur-summary").startswith("1 face(s)")
    _shot(page, tmp_path, "public-blur")
    stored_after = sorted(p for p in settings.data_dir.rglob("*") if p.is_file())
    new = set(stored_after) - set(stored_before)
    assert all(p.name.startswith(("queue.db", "twinflash-serve.db")) for p in new), (
        new
    )  # kept nothing


def test_visitor_gets_a_video_back_blurred(page, server, tmp_path) -> None:
    """Upload a clip, watch the job page until the download appears, download it once."""
    import imageio_ffmpeg
    from tests.web.test_videos import FRAMES, _clip, _frames

    base, settings = server
    clip = tmp_path / "street.mp4"
    _clip(clip)
    page.goto(f"{base}/demo/video")
    page.set_input_files("input[name=video]", str(clip))
    page.click("#video-form button[type=submit]")
    page.wait_for_url(f"{base}/demo/videos/*")
    page.wait_for_selector("#video-download", timeout=240_000)  # the page polls the job
    assert "frames blurred" in page.inner_text("#video-done")
    _shot(page, tmp_path, "public-video")
    with page.expect_download() as info:
        page.click("#video-download")
    saved = tmp_path / "blurred.mp4"
    info.value.save_as(saved)
    assert len(_frames(saved.read_bytes(), tmp_path / "check.mp4")) == FRAMES
    assert imageio_ffmpeg.count_frames_and_secs(str(saved))[0] == FRAMES
    page.reload()
    assert page.locator("#video-gone").count() == 1  # downloaded once, then deleted
    assert not any(settings.videos_dir.iterdir()) and not any(settings.uploads_dir.iterdir())
