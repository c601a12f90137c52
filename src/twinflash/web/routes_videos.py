"""The public video blurring pages: upload a clip, watch its progress and queue position,
download the blurred MP4 once. Same rules as the rest of the public side: no login, rate
limits per client, nothing of the agents' data (these routes read only video jobs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path as FsPath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from twinflash.files import atomic_write_bytes
from twinflash.web import jobstore, pages
from twinflash.web.routes_public import JOB_ID, limited, public_job, queue_public_job
from twinflash.web.settings import new_token
from twinflash.web.uploads import UploadError
from twinflash.web.videos import ACCEPTED_VIDEOS, check_video, forget, sniff_video, video_file

router = APIRouter(
    tags=["public"], dependencies=[Depends(limited("any", "public_requests_per_min"))]
)


@router.get("/demo/video", include_in_schema=False)
def video_page(request: Request) -> Response:
    limits = request.app.state.settings.limits
    return pages.render(request, "video.html", limits=limits, accepted=ACCEPTED_VIDEOS)


@router.post(
    "/demo/videos",
    summary="Queue a video to blur faces and plates; progress at its status URL",
    dependencies=[Depends(limited("video", "public_videos_per_min"))],
)
async def submit_video(
    request: Request,
    video: Annotated[UploadFile, File(description="MP4, MOV, WebM, MKV or AVI video")],
) -> Response:
    st = request.app.state
    limits = st.settings.limits
    name = (video.filename or "video").rsplit("/", 1)[-1][:100] or "video"
    data = await video.read(limits.video_bytes + 1)
    await video.close()
    if len(data) > limits.video_bytes:
        raise UploadError(f"{name}: larger than {limits.video_bytes} bytes", 413)
    ext = sniff_video(data[:16], name)
    if jobstore.count_waiting(st.store.engine, "video") >= limits.video_queue_max:
        raise UploadError("the video queue is full: try again in a few minutes", 503)
    stored = st.settings.uploads_dir / f"{new_token(12)}{ext}"
    atomic_write_bytes(stored, data)
    try:
        frames = await run_in_threadpool(check_video, stored, name, limits)
    except BaseException:
        stored.unlink(missing_ok=True)  # refused: nothing kept
        raise
    return queue_public_job(request, "video", {"upload": stored.name}, "/demo/videos", frames)


def _video_job(request: Request, job_id: str) -> jobstore.Job:
    missing = f"no video {job_id} (unknown, or deleted after it expired)"
    return public_job(request, job_id, "video", missing)


@router.get("/demo/videos/{job_id}/status", summary="State, progress and queue position")
def video_status(request: Request, job_id: JOB_ID) -> dict:
    job = _video_job(request, job_id)
    out = job.to_json()
    out["position"] = jobstore.queue_position(request.app.state.store.engine, job)
    ready = job.status == "done" and video_file(request.app.state.settings, job_id) is not None
    out["download"] = f"/demo/videos/{job_id}/blurred.mp4" if ready else None
    return out


@router.get("/demo/videos/{job_id}", include_in_schema=False)
def video_job_page(request: Request, job_id: JOB_ID) -> Response:
    st = request.app.state
    job = _video_job(request, job_id)
    return pages.render(
        request,
        "video_job.html",
        job=job,
        position=jobstore.queue_position(st.store.engine, job),
        ready=video_file(st.settings, job_id) is not None,
        keep_minutes=st.settings.video_keep_minutes,
    )


@router.get(
    "/demo/videos/{job_id}/blurred.mp4",
    summary="The blurred video; deleted from the server once sent",
    response_class=Response,
    responses={200: {"content": {"video/mp4": {}}}},
)
def video_download(request: Request, job_id: JOB_ID) -> Response:
    settings = request.app.state.settings
    job = _video_job(request, job_id)
    path = video_file(settings, job_id) if job.status == "done" else None
    if path is None:
        if job.status == "done":
            raise UploadError(f"video {job_id}: already downloaded, so deleted", 410)
        raise UploadError(f"video {job_id}: not blurred yet ({job.status})", 404)
    # Streamed whole (no ranges: a partial read must not count as the download), and
    # deleted only once the last byte went out (a dropped connection leaves it to expiry).
    return StreamingResponse(
        _chunks(path),
        media_type="video/mp4",
        headers={
            "Content-Length": str(path.stat().st_size),
            "Content-Disposition": f'attachment; filename="blurred-{job_id[:8]}.mp4"',
            "Cache-Control": "no-store",
        },
        background=BackgroundTask(forget, settings, job_id),
    )


def _chunks(path: FsPath, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(size):
            yield chunk
