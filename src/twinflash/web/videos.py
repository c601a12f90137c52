"""The public video blurring job: upload -> checks -> queued job -> blurred MP4 -> one download.

A video is too long to blur inside a request, so it goes through the job queue like a
render, with its progress counted in frames. Its type is read from the first bytes (not the
name), its size, frame size, duration and frame count are checked from ffmpeg's header
before it is queued, and the frame count again while decoding (a header can lie). The
upload is deleted when the job ends; the blurred copy is deleted after its first complete
download, or `video_keep_minutes` after the job ended (`retention.purge_public`).
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from twinflash.errors import InputError
from twinflash.web import jobstore
from twinflash.web.settings import Limits, Settings
from twinflash.web.store import Store
from twinflash.web.uploads import UploadError

log = logging.getLogger(__name__)
ACCEPTED_VIDEOS = "MP4, MOV, WebM, MKV or AVI"
OUTPUT = "blurred.mp4"
PROGRESS_EVERY_S = 0.5  # database writes for progress, at most this often


def sniff_video(head: bytes, name: str) -> str:
    """The container's file extension from its first bytes; the name is not trusted."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return ".mov" if head[8:10] == b"qt" else ".mp4"  # ISO base media (MP4, MOV, M4V)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ".mkv"  # Matroska / WebM (EBML)
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return ".avi"
    if not head:
        raise UploadError(f"{name}: empty file")
    raise UploadError(f"{name}: not an {ACCEPTED_VIDEOS} video (checked from its content)", 415)


def check_video(path: Path, name: str, limits: Limits) -> int:
    """Probe a stored upload; its expected frame count, or UploadError (one line)."""
    from twinflash.privacy.video import probe

    try:
        info = probe(path)
    except InputError as exc:
        reason = str(exc).removeprefix(f"{path}: ")
        raise UploadError(f"{name}: {reason}") from None
    w, h = info.size_wh
    if w * h > limits.video_pixels:
        raise UploadError(
            f"{name}: frames of {w}x{h} px are over the {limits.video_pixels / 1e6:g} MP limit",
            413,
        )
    if info.duration_s > limits.video_seconds:
        raise UploadError(
            f"{name}: {info.duration_s:.1f} s is longer than the {limits.video_seconds:g} s limit",
            413,
        )
    frames = round(info.duration_s * info.fps)
    if frames > limits.video_frames:
        raise UploadError(f"{name}: ~{frames} frames, over the {limits.video_frames} limit", 413)
    return max(frames, 1)


def output_path(settings: Settings, job_id: str) -> Path:
    return settings.videos_dir / job_id / OUTPUT


def run_video(settings: Settings, store: Store, job_id: str) -> None:
    """Blur a claimed video job into videos/<job id>/blurred.mp4; the upload goes either way."""
    from twinflash.privacy.pipeline import BlurOptions, Detectors, blur_jobs

    job = jobstore.get_job(store.engine, job_id)
    if job is None:
        return
    source = settings.uploads_dir / job.params["upload"]
    target = output_path(settings, job_id)
    limit = settings.limits.video_frames
    last = [0.0]

    def on_frame(n: int) -> None:
        if n > limit:  # the header said fewer: stop rather than blur without end
            raise InputError(f"video: more than {limit} frames (its header said fewer)")
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_S or n == job.total:
            last[0] = now
            jobstore.set_progress(store.engine, job_id, min(n, job.total), f"frame {n}")

    options = BlurOptions()
    try:
        if not source.is_file():
            raise UploadError("video: the upload is gone (deleted before blurring)")
        jobstore.set_progress(store.engine, job_id, 0, "loading the detectors")
        (report,) = blur_jobs([(source, target, "")], options, None, on_frame, Detectors(options))
    finally:
        source.unlink(missing_ok=True)
        target.with_name(OUTPUT + ".json").unlink(missing_ok=True)  # the sidecar is not offered
    if not report.ok:
        shutil.rmtree(target.parent, ignore_errors=True)
        reason = report.error.replace(str(source), "video")
        jobstore.finish(store.engine, job_id, False, f"blurring failed: {reason[:300]}")
        return
    jobstore.set_progress(store.engine, job_id, job.total, "")
    jobstore.finish(
        store.engine,
        job_id,
        True,
        f"{report.frames} frames blurred in {report.seconds:.0f} s "
        f"({report.faces} face and {report.plates} plate boxes)",
    )


def video_file(settings: Settings, job_id: str) -> Path | None:
    path = output_path(settings, job_id)
    return path if path.is_file() else None


def forget(settings: Settings, job_id: str) -> None:
    """Delete a job's blurred video (after its download, or when it expires)."""
    shutil.rmtree(settings.videos_dir / job_id, ignore_errors=True)
